"""Every output format of a query result, its media type, and choosing one from `Accept`.

SELECT and ASK results go out as a table (people), SPARQL JSON, XML, CSV or TSV. CONSTRUCT
and DESCRIBE results go out as Turtle, N-Triples, JSON-LD or RDF/XML, serialised by Oxigraph;
at the command line also as rows of subject, predicate, object in the solution formats.

>>> negotiate("SELECT", "text/csv;q=0.9, application/sparql-results+xml")
'xml'
>>> negotiate("CONSTRUCT", "application/sparql-results+json, */*;q=0.1")  # RDF only
'turtle'
>>> negotiate("ASK", "image/png") is None
True
>>> print(render(Result("ASK", boolean=True), "xml"), end="")
<?xml version='1.0' encoding='utf-8'?>
<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head /><boolean>true</boolean></sparql>
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pyoxigraph as ox

from .results import Result, Term, format_result
from .sparql import QueryError
from .terms import PREFIXES

SOLUTION_KINDS = ("SELECT", "ASK")
GRAPH_KINDS = ("CONSTRUCT", "DESCRIBE")

# Each kind's formats, the first the default; a media type's first format is the one it names.
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "table": "text/plain",
}
SOLUTION_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
ALL_FORMATS = ("table", *SOLUTION_FORMATS, *GRAPH_FORMATS)
_ALIASES = {"application/json": "json", "text/xml": "xml", "application/xml": "xml"}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"


def formats_for(kind: str, *, rows: bool = False) -> tuple[str, ...]:
    """The formats a result of query form `kind` is served in, the default first.

    `rows` adds, for a graph result, its rows of subject, predicate and object in the
    solution formats and as a table (as `graphkit query` prints them).
    """
    if kind not in GRAPH_KINDS:
        return (*SOLUTION_FORMATS, "table") if rows else SOLUTION_FORMATS
    return (*GRAPH_FORMATS, "table", *SOLUTION_FORMATS) if rows else GRAPH_FORMATS


def negotiate(kind: str, accept: str | None) -> str | None:
    """The format an `Accept` header asks for (highest q, then server order), or None."""
    offered = formats_for(kind)
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, str] | None = None
    for rank, fmt in enumerate(offered):
        quality = _quality(accept, MEDIA_TYPES[fmt], fmt)
        if quality > 0 and (best is None or (quality, -rank) > (best[0], -best[1])):
            best = (quality, rank, fmt)
    return best[2] if best else None


def _quality(accept: str, media_type: str, fmt: str) -> float:
    """The q-value `accept` gives `media_type`: the most specific matching range wins."""
    major = media_type.split("/")[0]
    found: tuple[int, float] = (-1, 0.0)
    for item in accept.split(","):
        name, *options = (part.strip() for part in item.split(";"))
        name = name.lower()
        specificity = (
            2
            if name == media_type or _ALIASES.get(name) == fmt
            else 1
            if name == f"{major}/*"
            else 0
            if name == "*/*"
            else -1
        )
        if specificity > found[0]:
            found = (specificity, _q(options))
    return found[1]


def _q(options: list[str]) -> float:
    for option in options:
        key, _, value = option.partition("=")
        if key.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


_NAMES = {
    "srj": "json",
    "srx": "xml",
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "json-ld": "jsonld",
    "rdf+xml": "rdfxml",
    "rdf/xml": "rdfxml",
    "text": "csv",
}
_GRAPH_NAMES = {"xml": "rdfxml", "json": "jsonld"}  # what a client means by them for graphs


def format_named(name: str, kind: str) -> str | None:
    """The format a `format=` value names for a `kind` result: a name or a media type.

    >>> format_named("xml", "CONSTRUCT"), format_named("application/sparql-results+xml", "ASK")
    ('rdfxml', 'xml')
    >>> format_named("png", "SELECT") is None
    True
    """
    by_type = {media: fmt for fmt, media in MEDIA_TYPES.items() if fmt != "table"}
    fmt = by_type.get(name) or _ALIASES.get(name) or _NAMES.get(name, name)
    if kind in GRAPH_KINDS:
        fmt = _GRAPH_NAMES.get(fmt, fmt)
    return fmt if fmt in formats_for(kind) else None


def render(result: Result, fmt: str, base: str | None = None) -> str:
    """The result as text in `fmt`, one of the formats its kind allows (see `formats_for`)."""
    if fmt not in formats_for(result.kind, rows=True):
        allowed = ", ".join(formats_for(result.kind, rows=True))
        raise QueryError(f"a {result.kind} result cannot be written as {fmt} (only {allowed})")
    if fmt == "xml":
        return as_xml(result)
    if fmt in _RDF_FORMATS:
        return as_rdf(result, fmt)
    return format_result(result, fmt, base)


def as_xml(result: Result) -> str:
    """SPARQL 1.1 Query Results XML."""
    ET.register_namespace("", _SPARQL_RESULTS)
    root = ET.Element(_tag("sparql"))
    head = ET.SubElement(root, _tag("head"))
    if result.boolean is not None:
        ET.SubElement(root, _tag("boolean")).text = "true" if result.boolean else "false"
    else:
        for name in result.variables:
            ET.SubElement(head, _tag("variable"), name=name)
        rows = ET.SubElement(root, _tag("results"))
        for row in result.rows:
            solution = ET.SubElement(rows, _tag("result"))
            for name, term in zip(result.variables, row, strict=True):
                if term is not None:
                    _xml_term(ET.SubElement(solution, _tag("binding"), name=name), term)
    return (
        ET.tostring(root, encoding="unicode", xml_declaration=True).replace(
            "<?xml version='1.0' encoding='unicode'?>", "<?xml version='1.0' encoding='utf-8'?>"
        )
        + "\n"
    )


def _tag(name: str) -> str:
    return f"{{{_SPARQL_RESULTS}}}{name}"


def _xml_term(binding: ET.Element, term: Term) -> None:
    if term.kind == "uri":
        ET.SubElement(binding, _tag("uri")).text = term.value
    elif term.kind == "bnode":
        ET.SubElement(binding, _tag("bnode")).text = term.value
    else:
        attributes: dict[str, str] = {}
        if term.datatype:
            attributes["datatype"] = term.datatype
        if term.lang:
            attributes["{http://www.w3.org/XML/1998/namespace}lang"] = term.lang
        ET.SubElement(binding, _tag("literal"), attributes).text = term.value


def as_rdf(result: Result, fmt: str) -> str:
    """A CONSTRUCT or DESCRIBE result as Turtle, N-Triples, JSON-LD or RDF/XML."""
    triples = [ox.Triple(*(_ox(term) for term in row)) for row in result.rows]
    prefixes = dict(PREFIXES) if fmt in ("turtle", "rdfxml") else None
    written = ox.serialize(triples, format=_RDF_FORMATS[fmt], prefixes=prefixes)
    assert written is not None
    return written.decode("utf-8")


def _ox(term: Term | None) -> Any:
    if term is None:
        raise QueryError("a triple without a term cannot be serialised")
    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    datatype = ox.NamedNode(term.datatype) if term.datatype else None
    return ox.Literal(term.value, datatype=datatype)
