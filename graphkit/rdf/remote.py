"""A remote triple store over HTTP: its SPARQL endpoint as an `Engine`, and how to log in.

`RemoteEngine` sends a query by the SPARQL 1.1 Protocol (POST, form-encoded) and reads the
answer as SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE) into the same
`Result` the local store gives, so every output format works the same.

Stores ask for HTTP digest (Virtuoso) or basic (Fuseki, GraphDB) authentication;
`StoreAuth` answers whichever the server's challenge names. Passwords never appear in
messages.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from typing import Any

import httpx
import pyoxigraph as ox

from ..settings import Limits
from .query import find_query
from .results import Result, Row, Term, graph_result
from .sparql import QueryError
from .store import BASE_QUERY, ox_term, run_query
from .workers import QueryTimeoutError

USER_AGENT = "graphkit (+https://graphkit.example/)"


class RemoteError(QueryError):
    """A remote store refused a request or could not be reached."""


class StoreAuth(httpx.Auth):
    """Digest or basic authentication, whichever the server's 401 challenge asks for."""

    requires_response_body = True

    def __init__(self, user: str, password: str) -> None:
        self.user = user
        self._schemes = {
            "digest": httpx.DigestAuth(user, password),
            "basic": httpx.BasicAuth(user, password),
        }
        self._scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme is None:
            response = yield request
            if response.status_code != 401:
                return
            challenge = response.headers.get("www-authenticate", "").lower()
            self._scheme = "digest" if challenge.startswith("digest") else "basic"
        yield from self._schemes[self._scheme].auth_flow(request)


def client(
    user: str | None = None, password: str | None = None, timeout: float | None = 60
) -> httpx.Client:
    """An HTTP client for a store: its login, time limits, and our user agent."""
    auth = StoreAuth(user, password or "") if user else None
    return httpx.Client(
        auth=auth,
        timeout=httpx.Timeout(timeout, connect=min(timeout or 10.0, 10.0)),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
    )


def check_response(response: httpx.Response, action: str) -> None:
    """Raise a one-line `RemoteError` for an error status, with the server's own words."""
    if response.is_success:
        return
    url = response.request.url.copy_with(query=None)
    if response.status_code in (401, 403):
        sent = "authorization" in response.request.headers
        why = "wrong user name or password" if sent else "it needs a login: give --user"
        raise RemoteError(f"{url} refused {action}: HTTP {response.status_code} ({why})")
    said = " ".join(response.text.split())[:300]
    raise RemoteError(f"{url} refused {action}: HTTP {response.status_code}: {said}")


class RemoteEngine:
    """A SPARQL endpoint at `url`, answering through the SPARQL 1.1 Protocol.

    `graph` restricts queries to one named graph (sent as `default-graph-uri`).
    """

    name = "remote"

    def __init__(
        self,
        url: str,
        http: httpx.Client,
        *,
        graph: str | None = None,
        base: str | None = None,
    ) -> None:
        self.url, self.http, self.graph = url, http, graph
        self.base = base
        if base is None:
            try:
                found = self.answer(BASE_QUERY, "SELECT")
                self.base = found.rows[0][0].value if found.rows and found.rows[0][0] else None
            except QueryError:
                self.base = None

    def answer(self, query: str, kind: str, max_rows: int | None = None) -> Result:
        graph_kind = kind in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_kind else "application/sparql-results+json"
        form = {"query": query, **({"default-graph-uri": self.graph} if self.graph else {})}
        try:
            response = self.http.post(self.url, data=form, headers={"Accept": accept})
        except httpx.TimeoutException:
            raise QueryTimeoutError(f"{self.url} did not answer within the time limit") from None
        except httpx.HTTPError as error:
            raise RemoteError(f"cannot reach {self.url}: {error}") from None
        check_response(response, "the query")
        if graph_kind:
            return _graph(kind, response.content, max_rows)
        return _solutions(kind, response, max_rows)


def _solutions(kind: str, response: httpx.Response, max_rows: int | None) -> Result:
    try:
        found = json.loads(response.content)
    except ValueError:
        kind_of = response.headers.get("content-type", "?")
        raise RemoteError(f"the endpoint answered {kind_of}, not SPARQL JSON") from None
    if "boolean" in found:
        return Result(kind, boolean=bool(found["boolean"]))
    names = list(found["head"].get("vars", []))
    bindings = found["results"]["bindings"]
    cut = max_rows is not None and len(bindings) > max_rows
    rows: list[Row] = [
        tuple(_json_term(binding.get(name)) for name in names)
        for binding in (bindings[:max_rows] if cut else bindings)
    ]
    return Result(kind, names, rows, truncated=cut)


def _json_term(value: Mapping[str, Any] | None) -> Term | None:
    if value is None:
        return None
    if value["type"] == "uri":
        return Term.iri(value["value"])
    if value["type"] == "bnode":
        return Term("bnode", value["value"])
    return Term.literal(value["value"], value.get("datatype"), value.get("xml:lang"))


def _graph(kind: str, body: bytes, max_rows: int | None) -> Result:
    try:
        triples = list(ox.parse(body, ox.RdfFormat.N_TRIPLES))
    except SyntaxError as error:
        raise RemoteError(f"the endpoint's N-Triples do not parse: {error}") from None
    cut = max_rows is not None and len(triples) > max_rows
    kept = triples[:max_rows] if cut else triples
    rows = [tuple(ox_term(part) for part in (t.subject, t.predicate, t.object)) for t in kept]
    return graph_result(kind, rows, cut)  # type: ignore[arg-type]


def query_endpoint(
    url: str,
    query: str,
    params: Mapping[str, str] | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    graph: str | None = None,
    base: str | None = None,
    limits: Limits | None = None,
) -> tuple[Result, str | None]:
    """Run `query` (a file, canned name or text) on the SPARQL endpoint at `url`.

    Returns the result and the data's base IRI (read from the store's void:Dataset).
    """
    limits = limits or Limits()
    source = find_query(query)
    with client(user, password, limits.timeout) as http:
        engine = RemoteEngine(url, http, graph=graph, base=base)
        result = run_query(
            engine, source.text, source.bind(params or {}, engine.base, engine), limits.max_rows
        )
    return result, engine.base
