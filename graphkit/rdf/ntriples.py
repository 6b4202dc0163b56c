"""N-Triples terms: each kind of term made by one rule, for one value (`text`, `typed`,
`date_time`, `decimal`, `web_term`) and for a column of values at once (`text_terms`, ...),
which applies the rule itself to the few values Polars cannot (text to escape, URLs that are
not plainly valid IRIs, unusual numbers). A term is its N-Triples form from the start
(`<iri>`, `"text"`, `"59"^^<...#decimal>`), written as Oxigraph writes it.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

import polars as pl
from pyoxigraph import NamedNode
from w3lib.url import safe_url_string

from ..records import iso_utc
from ..records.times import iso_utc_texts
from .terms import GK, RDF, SCHEMA, XSD

Term = str  # an N-Triples term: <iri>, "text", "text"^^<datatype>
Statement = tuple[str, Term, Term]  # subject IRI (bare), predicate, object
TYPE_IRI = RDF + "type"
TYPE = NamedNode(TYPE_IRI)
TYPE_TERM = f"<{TYPE_IRI}>"
# N-Triples escapes, as Oxigraph writes them: short forms where they exist, \uXXXX for the
# other control characters, so that a line is the same whoever wrote it.
_ESCAPES = {code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]}
_ESCAPES.update(
    {ord("\\"): "\\\\", ord('"'): '\\"', 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}
)
_NEEDS_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\]')


def iri(value: str) -> Term:
    return f"<{value}>"


def s(name: str) -> Term:
    """A schema.org term."""
    return f"<{SCHEMA}{name}>"


def gk(name: str) -> Term:
    """A graphkit vocabulary term."""
    return f"<{GK}{name}>"


def text(value: str) -> Term:
    """A plain literal.

    >>> print(text('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    if _NEEDS_ESCAPE.search(value) is None:  # most text: str.translate is slow per character
        return f'"{value}"'
    return '"' + value.translate(_ESCAPES) + '"'


def typed(value: str, datatype: str) -> Term:
    return f"{text(value)}^^<{XSD}{datatype}>"


def date_time(value: datetime) -> Term:
    """An `xsd:dateTime` in UTC with `Z`.

    >>> from datetime import UTC
    >>> date_time(datetime(2021, 2, 17, 23, 21, tzinfo=UTC))
    '"2021-02-17T23:21:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    """
    return typed(iso_utc(value), "dateTime")


@lru_cache(maxsize=1 << 14)  # scores repeat: a few thousand values over a whole corpus
def decimal(value: float) -> Term | None:
    """An `xsd:decimal` for a finite number, None otherwise.

    >>> decimal(59.0), decimal(0.1), decimal(float("nan"))  # doctest: +NORMALIZE_WHITESPACE
    ('"59"^^<http://www.w3.org/2001/XMLSchema#decimal>',
     '"0.1"^^<http://www.w3.org/2001/XMLSchema#decimal>', None)
    """
    if not math.isfinite(value):
        return None
    number = Decimal(repr(value))
    lexical = format(
        number.to_integral_value() if number == number.to_integral_value() else number, "f"
    )
    return typed(lexical, "decimal")


def web_iri(url: str) -> NamedNode | None:
    """A URL as an IRI, percent-encoded where it must be; None when it cannot be one.

    >>> web_iri("https://example.com/a b").value, web_iri("not a url")
    ('https://example.com/a%20b', None)
    """
    for encode in (False, True):
        try:
            node = NamedNode(safe_url_string(url) if encode else url)
        except ValueError:
            continue
        if node.value.startswith(("http://", "https://")):
            return node
    return None


def web_term(url: str) -> Term | None:
    """`web_iri` as an N-Triples term."""
    node = web_iri(url)
    return None if node is None else iri(node.value)


def iri_terms(prefix: str, names: pl.Series) -> pl.Series:
    """`<prefix name>` for each name (null stays null)."""
    return ("<" + prefix + names + ">").alias(names.name)


_PLAIN_TEXT = r'^[^\x00-\x1f\x7f"\\]*$'


def text_terms(values: pl.Series) -> pl.Series:
    """`text` of each value (null stays null): quoted as it is where nothing needs escaping."""
    plain = values.str.contains(_PLAIN_TEXT)
    found = ('"' + values + '"').alias(values.name)
    needs = (~plain).fill_null(False).arg_true()
    if len(needs):
        found = found.scatter(needs, [text(value) for value in values.gather(needs).to_list()])
    return found


def typed_terms(values: pl.Series, datatype: str) -> pl.Series:
    """`typed` of each value (null stays null)."""
    return text_terms(values) + f"^^<{XSD}{datatype}>"


def date_time_terms(values: pl.Series) -> pl.Series:
    """`date_time` of each value (UTC times; null stays null)."""
    stamp = pl.select(iso_utc_texts(pl.lit(values))).to_series()
    return typed_terms(stamp, "dateTime").alias(values.name)


_EXACT = 2.0**53  # below it, a float that is a whole number prints as that integer


def decimal_terms(values: pl.Series) -> pl.Series:
    """`decimal` of each value (null, NaN and infinite give null): whole numbers other than
    0 (which may be -0.0) by Polars, every other distinct value by `decimal` itself."""
    number = values.cast(pl.Float64)
    whole = number.is_finite() & (number == number.floor()) & (number.abs() < _EXACT)
    whole = whole & (number != 0)
    found = (
        pl.select(
            pl.when(whole).then('"' + number.cast(pl.Int64).cast(pl.String) + f'"^^<{XSD}decimal>')
        )
        .to_series()
        .alias(values.name)
    )
    others = (~whole & number.is_not_null()).fill_null(False).arg_true()
    if len(others):
        distinct = {v: decimal(v) for v in number.gather(others).unique().to_list()}
        found = found.scatter(others, [distinct[v] for v in number.gather(others).to_list()])
    return found


def integer_terms(values: pl.Series) -> pl.Series:
    """An `xsd:integer` for each value that is not null or 0 (an image size)."""
    return (
        pl.select(
            pl.when(values.is_not_null() & (values != 0)).then(
                '"' + values.cast(pl.String) + f'"^^<{XSD}integer>'
            )
        )
        .to_series()
        .alias(values.name)
    )


# A URL that is certainly a valid IRI as it is (Oxigraph takes it, and `web_iri` would give
# it back unchanged): lower-case http(s), a plain host, an optional port, and only unreserved
# characters and delimiters after it. Any other goes to `web_term`.
_PLAIN_IRI = (
    r"^https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*)?"
    r"(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*)?(?:#[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*)?$"
)


def web_terms(urls: pl.Series) -> pl.Series:
    """`web_term` of each URL (null where it gives none, or the URL is null)."""
    plain = urls.str.contains(_PLAIN_IRI)
    found = pl.select(pl.when(plain).then("<" + urls + ">")).to_series().alias(urls.name)
    others = (~plain).fill_null(False).arg_true()
    if len(others):
        distinct = {url: web_term(url) for url in urls.gather(others).unique().to_list()}
        found = found.scatter(others, [distinct[url] for url in urls.gather(others).to_list()])
    return found
