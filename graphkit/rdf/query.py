"""`graphkit query` as a library call: find the query, open the store, bind, run.

A query is named by a `.rq` file, a canned query's name, or given as SPARQL text. A file
whose header comment declares parameters (see `graphkit.rdf.canned`) gets them typed.

>>> find_query("first-coverage").name
'first-coverage'
>>> find_query("ASK { ?s ?p ?o }").text
'ASK { ?s ?p ?o }'
>>> find_query("first-coverag")  # doctest: +ELLIPSIS
Traceback (most recent call last):
graphkit.rdf.sparql.QueryError: 'first-coverag' is not a .rq file, a canned query or ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from .canned import CannedQuery, canned_queries, parse_canned
from .names import resolve_names
from .results import Result
from .sparql import QueryError, parameter_term
from .store import Engine, run_query


@dataclass(frozen=True)
class QuerySource:
    """A query's text, its name, and its header (for a canned query or a documented file)."""

    name: str
    text: str
    canned: CannedQuery | None = None

    def bind(
        self, values: Mapping[str, str], base: str | None, store: Engine | None = None
    ) -> dict[str, NamedNode | Literal]:
        """Command-line values as RDF terms: typed by the header, else strings or `<IRI>`s;
        with `store`, a story, outlet or topic must be one it holds (`graphkit.rdf.names`)."""
        if self.canned is not None:
            if store is not None:
                self.canned.bind(values, base)  # unknown or missing parameters first
                values = resolve_names(self.canned, values, store)
            return self.canned.bind(values, base)
        return {name: parameter_term(value, "string", base) for name, value in values.items()}


def find_query(query: str) -> QuerySource:
    """The query named by `query`: a file, a canned query's name, or the text itself."""
    if "\n" not in query and len(query) < 4096 and Path(query).is_file():
        path = Path(query)
        text = path.read_text(encoding="utf-8")
        return QuerySource(path.name, text, _documented(path.stem, text))
    if query.endswith(".rq") and "\n" not in query:
        raise QueryError(f"{query}: no such file")
    canned = canned_queries()
    if query in canned:
        return QuerySource(query, canned[query].text, canned[query])
    if re.search(r"[\s{]", query.strip()):
        return QuerySource("query", query)
    names = ", ".join(canned)
    raise QueryError(
        f"{query!r} is not a .rq file, a canned query or SPARQL text (canned queries: {names})"
    )


def _documented(name: str, text: str) -> CannedQuery | None:
    try:
        return parse_canned(name, text)
    except QueryError:
        return None  # no header, or a partial one: its parameters are plain strings


def query_engine(
    store: Engine,
    query: str,
    params: Mapping[str, str] | None = None,
    max_rows: int | None = None,
) -> Result:
    """Run `query` (a file, canned name or text) on an engine already open."""
    source = find_query(query)
    return run_query(store, source.text, source.bind(params or {}, store.base, store), max_rows)


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs from the command line (the value may itself hold `=`).

    >>> parse_assignments(["story=s-1", "q=a=b"])
    {'story': 's-1', 'q': 'a=b'}
    """
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"--param takes NAME=VALUE, got {pair!r}")
        if name in values:
            raise QueryError(f"--param {name} given twice")
        values[name] = value
    return values
