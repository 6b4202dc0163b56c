"""Query results in one engine-neutral form, and as a table, CSV, TSV or SPARQL JSON.

>>> result = Result("SELECT", ["outlet", "n"], [(Term.iri("https://x.example/id/outlet/bbc.co.uk"),
...                                              Term.literal("3", XSD + "integer"))])
>>> print(as_table(result, base="https://x.example/id/"))
outlet              n
------------------  -
<outlet/bbc.co.uk>  3
(1 row)
>>> as_csv(result)
'outlet,n\\r\\nhttps://x.example/id/outlet/bbc.co.uk,3\\r\\n'
>>> as_tsv(result).split("\\t")
['?outlet', '?n\\n<https://x.example/id/outlet/bbc.co.uk>', '3\\n']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from ..outputs.text import columns, header_for_people, shown_for_people
from ..util import json_text
from .terms import PREFIXES, XSD

FORMATS = ("table", "csv", "tsv", "json")
CELL_WIDTH = 60
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_BARE_IN_TSV = (XSD + "integer", XSD + "decimal", XSD + "boolean")


class Term(NamedTuple):
    """An RDF term: kind `uri`, `literal` or `bnode`, as SPARQL results name them.

    A named tuple, not a dataclass: a result of 100,000 rows makes hundreds of thousands of
    them, and a frozen dataclass takes three times as long to make one.
    """

    kind: str
    value: str
    datatype: str | None = None  # None for plain strings (xsd:string) and language strings
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        """A literal; decimals and UTC date-times in one canonical form whatever the engine.

        >>> Term.literal("2021-02-17T23:21:00.250000+00:00", XSD + "dateTime").value
        '2021-02-17T23:21:00.25Z'
        >>> Term.literal("1.50", XSD + "decimal").value, Term.literal("2.0", XSD + "decimal").value
        ('1.5', '2')
        """
        plain = datatype in (None, XSD + "string") or lang is not None
        return cls("literal", canonical(value, datatype), None if plain else datatype, lang or None)

    def n3(self) -> str:
        """The term in N-Triples (and SPARQL) syntax."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        quoted = '"' + self.value.translate(_ESCAPES) + '"'
        if self.lang:
            return f"{quoted}@{self.lang}"
        return f"{quoted}^^<{self.datatype}>" if self.datatype else quoted


def canonical(value: str, datatype: str | None) -> str:
    """rdflib writes aggregates' results anew (`+00:00`, `2.0`); one form for both engines."""
    try:
        if datatype == XSD + "decimal":
            number = Decimal(value)
            whole = number == number.to_integral_value()
            return format(number.to_integral_value() if whole else number.normalize(), "f")
        if datatype == XSD + "dateTime":
            return _utc_lexical(datetime.fromisoformat(value.replace("Z", "+00:00"))) or value
    except (InvalidOperation, ValueError):
        pass
    return value


def _utc_lexical(moment: datetime) -> str | None:
    """`2023-03-14T17:04:12.25Z` for a UTC time (fraction without trailing zeros), else None."""
    if moment.utcoffset() != timedelta(0):
        return None
    fraction = f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + fraction + "Z"


Row = tuple[Term | None, ...]


@dataclass
class Result:
    """What a query gave: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False  # rows were cut at a row cap


def graph_result(
    kind: str, triples: Sequence[tuple[Term, Term, Term]], truncated: bool = False
) -> Result:
    """A CONSTRUCT or DESCRIBE result as rows of subject, predicate, object (sorted)."""
    ordered = sorted(triples, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
    return Result(kind, ["subject", "predicate", "object"], list[Row](ordered), truncated=truncated)


def format_result(result: Result, fmt: str, base: str | None = None) -> str:
    """The result as text in one of FORMATS."""
    if fmt == "json":
        return json_text(as_json(result), indent=True) + "\n"
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "csv":
        return as_csv(result)
    if fmt == "tsv":
        return as_tsv(result)
    return as_table(result, base) + "\n"


def as_json(result: Result) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON (graph results as rows of subject, predicate, object)."""
    if result.boolean is not None:
        return {"head": {}, "boolean": result.boolean}
    bindings = [
        {name: _json_term(term) for name, term in zip(result.variables, row, strict=True) if term}
        for row in result.rows
    ]
    return {"head": {"vars": result.variables}, "results": {"bindings": bindings}}


def _json_term(term: Term) -> dict[str, str]:
    out = {"type": term.kind, "value": term.value}
    if term.datatype:
        out["datatype"] = term.datatype
    if term.lang:
        out["xml:lang"] = term.lang
    return out


def as_csv(result: Result) -> str:
    """SPARQL 1.1 CSV: plain values, CRLF line ends as the standard says."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(term) for term in row])
    return buffer.getvalue()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.kind == "bnode" else term.value


def as_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: terms in SPARQL syntax, numbers and booleans bare."""
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join(_tsv_value(term) for term in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _tsv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "literal" and term.datatype in _BARE_IN_TSV and _reads_back(term):
        return term.value
    return term.n3()


def _reads_back(term: Term) -> bool:
    """Whether the bare value reads back as its own datatype (Turtle's number rules):
    a whole decimal such as `0` would read as an integer."""
    return term.datatype != XSD + "decimal" or "." in term.value


def as_table(result: Result, base: str | None = None) -> str:
    """Aligned columns for people: IRIs shortened (base-relative or prefixed), long cells cut."""
    if result.boolean is not None:
        return "true" if result.boolean else "false"
    names = result.variables
    cells = [
        [shown_for_people(name, _short(term, base)) for name, term in zip(names, row, strict=True)]
        for row in result.rows
    ]
    count = len(result.rows)
    footer = f"({count} {'row' if count == 1 else 'rows'})"
    return columns([header_for_people(n) for n in names], cells, rule=True) + "\n" + footer


def _short(term: Term | None, base: str | None) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        text = compact_iri(term.value, base)
    elif term.kind == "bnode":
        text = f"_:{term.value}"
    else:
        text = " ".join(term.value.split())
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def compact_iri(iri: str, base: str | None) -> str:
    """`<relative>` under `base`, `prefix:local` under a known namespace, else `<iri>`."""
    if base and iri.startswith(base) and len(iri) > len(base):
        return f"<{iri[len(base) :]}>"
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local.replace("_", "a").isalnum():
                return f"{prefix}:{local}"
    return f"<{iri}>"
