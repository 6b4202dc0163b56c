"""The SPARQL endpoint as an ASGI app (Starlette): protocol, canned queries, pages of the build.

Routes:

- `/sparql`: the SPARQL 1.1 Protocol, query operation only. GET `?query=`, POST as a form
  or as `application/sparql-query`. Results in the format `Accept` (or `?format=`) asks for.
- `/`: a page to write a query and read its result as a table; lists the canned queries.
- `/queries/NAME`: a canned query's page; `/queries/NAME.json` its result as JSON (rows as
  objects) and `/queries/NAME.csv` as CSV, with parameters as URL parameters.
- `/queries.json`: the canned queries, with their parameters.
- `/files/`: the build's own files (its graph views, tables and exports), when it has them.

Every query runs in a `QueryWorkers` pool under the app's limits: a slow query holds one
worker, the others go on answering.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..outputs.text import header_for_people, shown_for_people
from ..rdf import (
    CannedQuery,
    NothingNamedError,
    QueryError,
    QuerySource,
    QueryTimeoutError,
    QueryWorkers,
    Result,
    Term,
    UpdateRefusedError,
    WorkerDiedError,
    WorkersBusyError,
    canned_queries,
)
from ..rdf.formats import MEDIA_TYPES, format_named, formats_for, negotiate, render
from ..rdf.results import as_json, compact_iri
from ..rdf.sparql import query_kind
from ..rdf.terms import XSD

MAX_QUERY_BYTES = 1_000_000
TRUNCATED_HEADER = "X-Graphkit-Truncated"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
# The app's own pages run no script and load nothing from elsewhere.
PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'"
EXAMPLE_QUERY = """PREFIX schema: <https://schema.org/>

SELECT ?outlet (COUNT(?article) AS ?articles)
WHERE { ?article schema:publisher/schema:name ?outlet }
GROUP BY ?outlet
ORDER BY DESC(?articles)
LIMIT 10
"""

_templates = Environment(
    loader=PackageLoader("graphkit.server", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


class RequestError(Exception):
    """A request the endpoint answers with `status` and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Site:
    """What the pages say about the server: the data folder and where it listens."""

    data: Path
    listen: str | None = None
    loopback: bool = True


def create_app(workers: QueryWorkers, data: Path, site: Site | None = None) -> Starlette:
    """The endpoint's ASGI app over `workers` (opened on the build in `data`).

    For a notebook or another ASGI server::

        workers = QueryWorkers(Path("output"), start_method="forkserver")
        uvicorn.run(create_app(workers, Path("output")), port=8000)
    """
    site = site or Site(data)
    canned = canned_queries()
    endpoint = _Endpoint(workers, canned, site)
    routes: list[Route | Mount] = [
        Route("/", endpoint.home, methods=["GET"]),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST"]),
        Route("/queries.json", endpoint.listing, methods=["GET"]),
        Route("/queries/{name}.{ext}", endpoint.canned_data, methods=["GET"]),
        Route("/queries/{name}", endpoint.canned_page, methods=["GET"]),
        Route("/-/style.css", endpoint.style, methods=["GET"]),
    ]
    if (data / "index.html").is_file():
        routes.append(Mount("/files", StaticFiles(directory=data, html=True), name="files"))
    return Starlette(routes=routes, exception_handlers={RequestError: _refused})


async def _refused(request: Request, error: Exception) -> Response:
    """A refused request: its status and one line, as JSON on the JSON routes."""
    status = error.status if isinstance(error, RequestError) else 500
    if request.url.path.endswith(".json"):
        return JSONResponse({"ok": False, "error": str(error)}, status)
    return PlainTextResponse(str(error) + "\n", status_code=status)


class _Endpoint:
    def __init__(
        self, workers: QueryWorkers, canned: Mapping[str, CannedQuery], site: Site
    ) -> None:
        self.workers = workers
        self.canned = canned
        self.site = site

    async def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol's query operation."""
        text = await _protocol_query(request)
        fmt = _format(request, _kind(text))  # before running: a 406 should not wait
        result = await self._run(QuerySource("query", text), {})
        return _result_response(result, fmt, self.workers.base)

    async def _run(self, source: QuerySource, params: Mapping[str, str]) -> Result:
        try:
            return await run_in_threadpool(self.workers.run, source, params)
        except (QueryTimeoutError, WorkersBusyError) as error:
            raise RequestError(503, str(error)) from None
        except WorkerDiedError as error:
            raise RequestError(500, str(error)) from None
        except UpdateRefusedError as error:
            raise RequestError(403, str(error)) from None
        except NothingNamedError as error:  # a story, outlet or topic the build does not hold
            raise RequestError(404, str(error)) from None
        except QueryError as error:  # syntax errors carry their line and column
            raise RequestError(400, str(error)) from None

    async def home(self, request: Request) -> Response:
        """The query page: a form, and the result of the query it was given."""
        text = request.query_params.get("query")
        result, problem = None, None
        if text:
            try:
                result = await self._run(QuerySource("query", text), {})
            except RequestError as error:
                problem = str(error)
        return self._page(
            "home.html",
            request,
            query=text or EXAMPLE_QUERY,
            result=self._table(result),
            problem=problem,
            canned=self.canned.values(),
        )

    async def canned_page(self, request: Request) -> Response:
        """A canned query: what it answers, a form for its parameters, its result."""
        query = self._canned(request.path_params["name"])
        values = _values(request, query)
        result, problem = None, None
        missing = [p.name for p in query.params if p.required and p.name not in values]
        if not missing:
            try:
                result = await self._run(QuerySource(query.name, query.text, query), values)
            except RequestError as error:
                problem = str(error)
        return self._page(
            "canned.html",
            request,
            query=query,
            values=values,
            result=self._table(result),
            problem=problem,
            missing=missing,
            data_links={ext: _link(f"{query.name}.{ext}", values) for ext in ("json", "csv")},
            editor_link="/?" + urlencode({"query": query.text}),
        )

    async def canned_data(self, request: Request) -> Response:
        """A canned query's result as JSON (rows as objects) or CSV."""
        query = self._canned(request.path_params["name"])
        ext = request.path_params["ext"]
        if ext not in ("json", "csv"):
            raise RequestError(404, f"no format .{ext}: use .json or .csv")
        values = _values(request, query)
        missing = [p for p in query.params if p.required and p.name not in values]
        if missing:
            raise RequestError(
                400, f"{query.name} needs {missing[0].name}: {missing[0].description}"
            )
        result = await self._run(QuerySource(query.name, query.text, query), values)
        if ext == "csv":
            return _result_response(result, "csv", self.workers.base)
        return JSONResponse(_canned_json(query, result), headers=_truncated(result))

    async def listing(self, _request: Request) -> Response:
        """Every canned query: name, title, what it answers, parameters and URLs."""
        return JSONResponse([_describe(query) for query in self.canned.values()])

    async def style(self, _request: Request) -> Response:
        css = _templates.get_template("style.css").render()
        return Response(css, media_type="text/css")

    def _canned(self, name: str) -> CannedQuery:
        if name not in self.canned:
            raise RequestError(404, f"no canned query {name!r}")
        return self.canned[name]

    def _table(self, result: Result | None) -> dict[str, Any] | None:
        return _html_table(result, self.workers.base) if result is not None else None

    def _page(self, template: str, request: Request, **context: Any) -> Response:
        html = _templates.get_template(template).render(
            site=self.site,
            listen=self.site.listen or str(request.base_url),
            limits=self.workers.limits.describe(),
            views=(self.site.data / "index.html").is_file(),
            **context,
        )
        return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_POLICY})


async def _protocol_query(request: Request) -> str:
    """The query text of a protocol request; refuses updates and dataset parameters."""
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    if request.method == "POST":
        body = await _body(request)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type == SPARQL_UPDATE:
            raise RequestError(403, "updates are refused: this endpoint is read-only")
        if media_type == SPARQL_QUERY:
            params.setdefault("query", []).append(body.decode("utf-8", errors="replace"))
        elif media_type == FORM:
            for key, found in parse_qs(body.decode("utf-8", errors="replace")).items():
                params.setdefault(key, []).extend(found)
        else:
            raise RequestError(415, f"POST takes {FORM} or {SPARQL_QUERY}, not {media_type!r}")
    if "update" in params:
        raise RequestError(403, "updates are refused: this endpoint is read-only")
    for refused in ("default-graph-uri", "named-graph-uri"):
        if refused in params:
            raise RequestError(400, f"{refused} is refused: the store has one default graph")
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise RequestError(400, "give exactly one query (the query parameter)")
    return queries[0]


async def _body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_QUERY_BYTES:
            raise RequestError(413, f"the request body is over {MAX_QUERY_BYTES:,} bytes")
    return body


def _kind(text: str) -> str:
    try:
        return query_kind(text)
    except UpdateRefusedError as error:
        raise RequestError(403, str(error)) from None
    except QueryError as error:
        raise RequestError(400, str(error)) from None


def _format(request: Request, kind: str) -> str:
    """The result format: a `format` (or `output`) parameter it knows, else `Accept`.

    Clients such as SPARQLWrapper send both; a name or media type not known here falls back
    to `Accept`, as other endpoints do.
    """
    for key in ("format", "output"):
        for asked in request.query_params.getlist(key):
            fmt = format_named(asked.strip().lower(), kind)
            if fmt:
                return fmt
    chosen = negotiate(kind, request.headers.get("accept"))
    if chosen is None:
        offered = ", ".join(MEDIA_TYPES[f] for f in formats_for(kind))
        raise RequestError(406, f"a {kind} result is served as one of {offered}")
    return chosen


def _result_response(result: Result, fmt: str, base: str | None) -> Response:
    if fmt == "json" and result.truncated:  # SPARQL JSON, plus Datasette's flag
        body = json.dumps({**as_json(result), "truncated": True}, ensure_ascii=False, indent=2)
    else:
        body = render(result, fmt, base)
    media_type = MEDIA_TYPES[fmt]
    return Response(
        body,
        media_type=f"{media_type}; charset=utf-8",
        headers={**_truncated(result), "Content-Disposition": "inline"},
    )


def _truncated(result: Result) -> dict[str, str]:
    return {TRUNCATED_HEADER: "true"} if result.truncated else {}


def _values(request: Request, query: CannedQuery) -> dict[str, str]:
    """The canned query's parameters given in the URL (empty ones are not given)."""
    names = {p.name for p in query.params}
    unknown = sorted(set(request.query_params) - names)
    if unknown:
        takes = ", ".join(sorted(names)) or "no parameters"
        raise RequestError(400, f"{query.name} has no parameter {unknown[0]!r} (it takes {takes})")
    return {name: value for name, value in request.query_params.items() if value}


def _link(path: str, values: Mapping[str, str]) -> str:
    return f"/queries/{path}" + (f"?{urlencode(values)}" if values else "")


def _describe(query: CannedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "answers": query.answers,
        "params": [
            {"name": p.name, "type": p.type, "required": p.required, "description": p.description}
            for p in query.params
        ],
        "url": f"/queries/{query.name}",
        "json": f"/queries/{query.name}.json",
    }


def _canned_json(query: CannedQuery, result: Result) -> dict[str, Any]:
    """Datasette's shape: the query, its columns, rows as objects, and whether it was cut."""
    if result.boolean is not None:
        return {"ok": True, "query": _describe(query), "boolean": result.boolean}
    rows = [
        {name: _plain(term) for name, term in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]
    return {
        "ok": True,
        "query": _describe(query),
        "columns": result.variables,
        "rows": rows,
        "truncated": result.truncated,
    }


def _plain(term: Term | None) -> Any:
    """A term as a JSON value: numbers and booleans as such, everything else as text."""
    if term is None:
        return None
    if term.datatype == XSD + "integer":
        return int(term.value)
    if term.datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
        return float(term.value)
    if term.datatype == XSD + "boolean":
        return term.value in ("true", "1")
    return term.value


def _html_table(result: Result, base: str | None) -> dict[str, Any]:
    """A result for the page: columns, and cells with their text and (IRIs) a DESCRIBE link."""
    if result.boolean is not None:
        return {"boolean": result.boolean}
    rows = []
    for row in result.rows:
        cells = []
        for name, term in zip(result.variables, row, strict=True):
            text = shown_for_people(name, _cell(term, base))
            link = None
            if term is not None and term.kind == "uri":
                link = "/?" + urlencode({"query": f"DESCRIBE <{term.value}>"})
            title = "" if term is None else term.value + (" s" if text != term.value else "")
            cells.append({"text": text, "link": link, "title": title})
        rows.append(cells)
    columns = [header_for_people(name) for name in result.variables]
    return {"columns": columns, "rows": rows, "truncated": result.truncated}


def _cell(term: Term | None, base: str | None) -> str:
    if term is None:
        return ""
    return compact_iri(term.value, base) if term.kind == "uri" else term.value
