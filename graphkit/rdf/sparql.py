"""SPARQL query text: its kind, refusing updates, and binding parameters safely.

Parameters are bound as RDF terms in a `VALUES` block at the top of the query's WHERE
clause, written by the RDF library's own term serialiser: a value can never become query
syntax, whatever it contains. The same bound text runs on every engine.

>>> query_kind("PREFIX s: <https://schema.org/>  # a comment\\nSELECT * { ?a s:url ?u }")
'SELECT'
>>> query_kind("DELETE WHERE { ?s ?p ?o }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
graphkit.rdf.sparql.UpdateRefusedError: updates are refused: this is a SPARQL DELETE; ...
>>> bind_parameters("SELECT ?t WHERE { ?t <x:id> ?id }", {"id": Literal('s-1" } #')}).text
'SELECT ?t WHERE { VALUES (?id) { ("s-1\\\\" } #") } ?t <x:id> ?id }'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode

from ..errors import GraphkitError
from .terms import XSD

READ_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"
                 |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w.:%-]|\\.)*)
    | (?P<word>[A-Za-z_]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryError(GraphkitError, ValueError):
    """A query that cannot be run, with a message for the user (no traceback)."""


class NothingNamedError(QueryError):
    """A parameter that names a story, outlet or topic the store does not hold (the command
    line ends with status 2, the endpoint answers 404): never a silent empty answer."""


class UpdateRefusedError(QueryError):
    """A SPARQL update: graphkit's stores are read-only to queries."""


class QuerySyntaxError(QueryError):
    """A query the engine could not parse, located by line and column (1-based)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(
            f"syntax error at {where}{message}" if where else f"syntax error: {message}"
        )
        self.line, self.column, self.detail = line, column, message


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(query: str) -> Iterator[Token]:
    """The tokens of a query, without spaces and comments (enough to find its keywords)."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), match.start())


def query_kind(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; refuses updates and text that is no query."""
    stream = tokens(query)
    for token in stream:
        word = token.text.upper() if token.kind == "word" else ""
        if word in ("BASE", "PREFIX"):
            _skip_declaration(stream, word)
            continue
        if word in READ_FORMS:
            _refuse_remote(stream)
            return word
        if word in UPDATE_FORMS:
            raise UpdateRefusedError(
                f"updates are refused: this is a SPARQL {word}; graphkit only reads"
            )
        break
    raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


def _refuse_remote(stream: Iterator[Token]) -> None:
    """Refuse SERVICE and FROM: both can make an engine fetch from the network.

    The store has one default graph, so FROM has nothing local to select either.
    """
    for token in stream:
        word = token.text.upper() if token.kind == "word" else ""
        if word in ("SERVICE", "FROM"):
            raise QueryError(
                f"{word} is refused: graphkit reads only the local store, never the network"
            )


def _skip_declaration(stream: Iterator[Token], word: str) -> None:
    """Skip the rest of `BASE <iri>` or `PREFIX name: <iri>`."""
    for token in stream:
        if word == "BASE" or token.kind != "pname":
            return


def where_group_start(query: str) -> int:
    """The offset just after the `{` that opens the query's WHERE clause.

    >>> q = "CONSTRUCT { ?s <x:p> ?o } WHERE { ?s <x:q> ?o }"
    >>> q[where_group_start(q):]
    ' ?s <x:q> ?o }'
    """
    kind = query_kind(query)
    depth, groups_seen, after_where = 0, 0, False
    for token in tokens(query):
        if token.text in ("{", "(") and depth == 0:
            if token.text == "{" and (after_where or kind != "CONSTRUCT" or groups_seen == 1):
                return token.start + 1
            groups_seen += token.text == "{"
        if token.text in ("{", "("):
            depth += 1
        elif token.text in ("}", ")"):
            depth -= 1
        elif depth == 0 and token.kind == "word" and token.text.upper() == "WHERE":
            after_where = True
    raise QueryError("parameters need a WHERE clause in the query")


@dataclass(frozen=True)
class Bound:
    """A query with its parameters bound: `inserted` characters were added at offset `at`."""

    text: str
    at: int = 0
    inserted: str = ""

    def relocate(self, error: QuerySyntaxError) -> QuerySyntaxError:
        """The error located in the text the user wrote, not in the bound text."""
        line = self.text.count("\n", 0, self.at) + 1
        column = self.at - self.text.rfind("\n", 0, self.at)
        if not self.inserted or error.line != line or (error.column or 0) <= column:
            return error
        return QuerySyntaxError(error.detail, line, (error.column or 0) - len(self.inserted))


def bind_parameters(query: str, values: Mapping[str, NamedNode | Literal]) -> Bound:
    """The query with each `?name` bound to its RDF term, in a VALUES block at the top of WHERE.

    >>> bind_parameters("SELECT ?t WHERE { ?a <x:id> ?id ; <x:t> ?t }", {"id": Literal("s-1")}).text
    'SELECT ?t WHERE { VALUES (?id) { ("s-1") } ?a <x:id> ?id ; <x:t> ?t }'
    """
    if not values:
        return Bound(query)
    used = {token.text[1:] for token in tokens(query) if token.kind == "var"}
    missing = sorted(name for name in values if name not in used)
    if missing:
        raise QueryError(f"the query has no variable ?{missing[0]} to bind")
    if query_kind(query) == "CONSTRUCT" and _short_construct(query):
        raise QueryError("parameters need the long CONSTRUCT { ... } WHERE { ... } form")
    names = " ".join(f"?{name}" for name in values)
    terms = " ".join(str(term) for term in values.values())
    at = where_group_start(query)
    inserted = f" VALUES ({names}) {{ ({terms}) }}"
    return Bound(query[:at] + inserted + query[at:], at, inserted)


def _short_construct(query: str) -> bool:
    words = [t.text.upper() for t in tokens(query) if t.kind == "word" or t.text == "{"]
    at = words.index("CONSTRUCT")
    return words[at + 1 : at + 2] == ["WHERE"]


PARAMETER_TYPES = (
    "string",
    "iri",
    "integer",
    "decimal",
    "date",
    "dateTime",
    "story",
    "outlet",
    "topic",
)
# Texts that name something in the store: checked against it before the query runs
# (`graphkit.rdf.names`), then bound as strings.
NAMING_TYPES = frozenset({"story", "outlet", "topic"})


def parameter_term(
    value: str, kind: str = "string", base: str | None = None
) -> NamedNode | Literal:
    """A command-line value as the RDF term of a parameter of type `kind`.

    `<...>` is always an IRI (relative ones resolved against `base`).

    >>> str(parameter_term("42", "integer"))
    '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    >>> str(parameter_term("<outlet/cnn.com>", base="https://x.example/id/"))
    '<https://x.example/id/outlet/cnn.com>'
    >>> parameter_term("soon", "date")
    Traceback (most recent call last):
    graphkit.rdf.sparql.QueryError: not a date (YYYY-MM-DD): 'soon'
    """
    if kind == "iri" or (value.startswith("<") and value.endswith(">")):
        return _iri(value.removeprefix("<").removesuffix(">"), base)
    if kind in NAMING_TYPES:
        kind = "string"
    checks = _LEXICAL_CHECKS
    if kind not in checks:
        raise QueryError(f"unknown parameter type {kind!r} (one of {', '.join(PARAMETER_TYPES)})")
    try:
        lexical = checks[kind](value)
    except (ValueError, InvalidOperation):
        raise QueryError(f"not {_article(kind)} {_SHAPES.get(kind, kind)}: {value!r}") from None
    if kind == "string":
        return Literal(lexical)
    if kind == "dateTime":
        lexical = lexical.replace("+00:00", "Z")
    return Literal(lexical, datatype=NamedNode(XSD + kind))


def _date_time(value: str) -> str:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()


_LEXICAL_CHECKS: dict[str, Callable[[str], str]] = {
    "string": str,
    "integer": lambda value: str(int(value)),
    "decimal": lambda value: format(Decimal(value), "f"),
    "date": lambda value: date.fromisoformat(value).isoformat(),
    "dateTime": _date_time,
}
_SHAPES = {"date": "date (YYYY-MM-DD)", "dateTime": "date-time (ISO 8601)"}


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


def _iri(text: str, base: str | None) -> NamedNode:
    absolute = re.match(r"[A-Za-z][\w+.-]*:", text)
    full = text if absolute or base is None else base + text.removeprefix("/")
    try:
        return NamedNode(full)
    except ValueError as error:
        raise QueryError(f"not an IRI: {text!r} ({error})") from None


_LOCATION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


def oxigraph_syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """Oxigraph's 'error at LINE:COLUMN: message' as a located error."""
    text = str(error)
    match = _LOCATION.search(text)
    if not match:
        return QuerySyntaxError(text)
    return QuerySyntaxError(match.group(3).strip(), int(match.group(1)), int(match.group(2)))
