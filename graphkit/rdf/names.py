"""Parameters that name things: a canned query's story, outlet or topic must be one the store
holds, so that a typo, a stale id or a prefix never comes back as an empty answer.

A story may be given by a prefix of its id, as `graphkit first --story` takes it: the one id
it starts is used; an earlier build's id (a `gk:FormerStory`) names the story that continues
it. An outlet is its domain (with or without "www."); a topic its label as the
feed spells it, in any case.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyoxigraph import Literal

from .canned import CannedQuery
from .sparql import NothingNamedError, QueryError
from .store import Engine, run_query

_PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX gk: <https://graphkit.example/vocab#>
"""
# Each lookup binds ?given and answers the names it matches (at most a few).
_LOOKUPS = {
    "story": "SELECT DISTINCT ?name WHERE { ?story a gk:Story ; schema:identifier ?name . "
    "FILTER (STRSTARTS(?name, ?given)) } ORDER BY ?name LIMIT 3",
    "outlet": "SELECT DISTINCT ?name WHERE { ?article schema:publisher ?publisher . "
    "?publisher schema:identifier ?name . FILTER (LCASE(?name) = ?given) } LIMIT 3",
    "topic": "SELECT DISTINCT ?name WHERE { ?article schema:about ?concept . "
    "?concept skos:prefLabel ?name . FILTER (LCASE(STR(?name)) = ?given) } "
    "ORDER BY ?name LIMIT 3",
}
_FORMER = (
    "SELECT DISTINCT ?name ?now WHERE { ?former a gk:FormerStory ; schema:identifier ?name . "
    "OPTIONAL { ?former gk:continuedAs/schema:identifier ?now } "
    "FILTER (STRSTARTS(?name, ?given)) } ORDER BY ?name LIMIT 3"
)
_LOOKS_LIKE = {
    "story": "ids look like s-1a2b3c4d5e6f; `graphkit stories --search WORDS` finds one",
    "outlet": "outlets are named by their domain, e.g. bbc.co.uk",
    "topic": "topics are named by their label, e.g. AI",
}


def resolve_names(query: CannedQuery, values: Mapping[str, str], store: Engine) -> dict[str, str]:
    """`values` with each naming parameter checked against `store` (a story prefix made the
    whole id); NothingNamedError for a name the store does not hold, QueryError for a prefix
    that several story ids start with."""
    resolved = dict(values)
    for param in query.params:
        if param.type in _LOOKUPS and param.name in values:
            resolved[param.name] = _resolve(query.name, param.type, values[param.name], store)
    return resolved


def _resolve(query: str, kind: str, value: str, store: Engine) -> str:
    if kind == "story":
        given = value.strip()
    else:  # the resolver's own keys; imported here, as they load Polars (a story does not)
        from ..resolve import domain_key, label_key

        given = (domain_key(value) or value.strip()) if kind == "outlet" else label_key(value)
    result = run_query(store, _PREFIXES + _LOOKUPS[kind], {"given": Literal(given)}, None)
    names = [str(row[0].value) for row in result.rows if row and row[0] is not None]
    if not names and kind == "story":
        return _former(query, value, given, store)
    if not names:
        raise NothingNamedError(f"{query}: no {kind} {value!r} in this build ({_LOOKS_LIKE[kind]})")
    if kind == "story" and len(names) > 1 and given not in names:
        raise QueryError(f"{query}: several story ids start with {value!r}: give more")
    return given if given in names else names[0]


def _former(query: str, value: str, given: str, store: Engine) -> str:
    """The story today of an earlier build's id (or the only one starting with `given`)."""
    result = run_query(store, _PREFIXES + _FORMER, {"given": Literal(given)}, None)
    found = {str(row[0].value): row[1] for row in result.rows if row and row[0] is not None}
    if not found:
        raise NothingNamedError(
            f"{query}: no story {value!r} in this build or the ones before it "
            f"({_LOOKS_LIKE['story']})"
        )
    if len(found) > 1 and given not in found:
        raise QueryError(f"{query}: several story ids start with {value!r}: give more")
    now = found.get(given, next(iter(found.values())))
    if now is None:
        raise NothingNamedError(
            f"{query}: story {value!r} was in an earlier build; none of its articles are now"
        )
    return str(now.value)
