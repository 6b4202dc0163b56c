"""`graphkit serve` over real HTTP: a `graphkit serve` subprocess, spoken to with httpx (the raw
SPARQL 1.1 Protocol) and SPARQLWrapper (a real SPARQL client). Every answer is compared with
what graphkit computes in-process (`query_data`), never with rows written down here.

Also `graphkit query`'s limits, which run on the same query workers.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import rdflib
import rdflib.query
from SPARQLWrapper import GET, JSON, JSONLD, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from graphkit.outputs.text import header_for_people
from graphkit.pipeline import build
from graphkit.rdf import QuerySyntaxError, Result, Term, canned_queries, query_data
from graphkit.rdf.results import as_json

from .conftest import ROOT, SEEDS
from .processes import alive, descendants, stat

XSD = "http://www.w3.org/2001/XMLSchema#"
SPARQL_RESULTS = {"r": "http://www.w3.org/2005/sparql-results#"}
STARTUP_SECONDS = 60
SECRET = "graphkit-test-secret: outside the served folder"
CANNED = canned_queries()
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUICK = "ASK { ?s ?p ?o }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# IRIs, plain strings (with quotes and non-ASCII text), language strings, date-times,
# decimals, booleans, integers, and a column that is bound in some rows only.
SELECT = """PREFIX schema: <https://schema.org/>
PREFIX gk: <https://graphkit.example/vocab#>
SELECT ?article ?headline ?tagged ?published ?lag ?record ?width
WHERE {
  ?article schema:headline ?headline ; gk:hasRecord ?record .
  OPTIONAL { ?article schema:datePublished ?published }
  OPTIONAL { ?article gk:lagSeconds ?lag }
  OPTIONAL { ?article schema:image/schema:width ?width }
  BIND (STRLANG(?headline, "en") AS ?tagged)
}
ORDER BY ?article ?width
"""
CONSTRUCT = """PREFIX schema: <https://schema.org/>
PREFIX gk: <https://graphkit.example/vocab#>
CONSTRUCT {
  ?article schema:headline ?headline ; schema:alternativeHeadline ?tagged ;
           schema:description ?description ; schema:datePublished ?published ;
           gk:lagSeconds ?lag ; gk:hasRecord ?record ; gk:story ?story .
}
WHERE {
  ?article schema:headline ?headline ; gk:hasRecord ?record ; gk:story ?story .
  OPTIONAL { ?article schema:description ?description }
  OPTIONAL { ?article schema:datePublished ?published }
  OPTIONAL { ?article gk:lagSeconds ?lag }
  BIND (STRLANG(?headline, "en") AS ?tagged)
}
"""
DESCRIBE = "DESCRIBE <outlet/cnn.com>"
ASK_TRUE = "ASK { ?a a <https://schema.org/NewsArticle> }"
ASK_FALSE = "ASK { ?a a <https://schema.org/Nothing> }"
OUTLETS = """PREFIX schema: <https://schema.org/>
SELECT ?outlet ?name
WHERE {
  ?outlet schema:identifier ?id ; schema:name ?name .
  FILTER EXISTS { ?a schema:publisher ?outlet }
}
ORDER BY ?name ?outlet
"""
SELECT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MEDIA = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",  # rdflib's name for RDF/XML
}


# ---------------------------------------------------------------------------------------------
# The build, the servers, and what graphkit answers in-process


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """seeds/ built once; a file next to the folder that /files/ must never serve."""
    folder = tmp_path_factory.mktemp("serve") / "out"
    build(SEEDS, folder)
    (folder.parent / "secret.txt").write_text(SECRET, encoding="utf-8")
    return folder


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT/
    line: str  # what it printed on start
    process: subprocess.Popen[bytes]
    stderr: Path

    @property
    def endpoint(self) -> str:
        return self.url + "sparql"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


def _start(out: Path, folder: Path, *options: str) -> Iterator[Server]:
    """`python -m graphkit serve --data OUT -p 0 ...`; yields once it printed where it listens."""
    errors = folder / "stderr.txt"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "graphkit", "serve", "--data", str(out), "-p", "0", *options],
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=folder,
            env=_env(),
        )
    try:
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + STARTUP_SECONDS
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                pytest.fail(f"graphkit serve printed no URL in {STARTUP_SECONDS} s: {line!r}")
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                pytest.fail(f"graphkit serve ended: {errors.read_text(errors='replace')}")
            line += chunk
        selector.close()
        text = line.decode("utf-8").strip()
        match = re.fullmatch(
            r"Serving (.+) at (http://127\.0\.0\.1:(\d+)/) "
            r"\(SPARQL endpoint: (\S+)\); Ctrl-C stops",
            text,
        )
        assert match, text
        assert match.group(1) == str(out)
        assert int(match.group(3)) > 0  # -p 0 picked a free port, and says which
        assert match.group(4) == match.group(2) + "sparql"
        yield Server(match.group(2), text, process, errors)
        family = descendants(process.pid)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        finally:
            if process.stdout:
                process.stdout.close()
    # Ctrl-C stops it: at once, cleanly (click's "Aborted!" is its usual word for Ctrl-C)
    said = errors.read_text(errors="replace").splitlines()
    assert code == 0 or (code == 1 and said[-1:] == ["Aborted!"]), (code, said[-20:])
    # Ctrl-C ends the query workers too: nothing of the server is left running.
    deadline = time.monotonic() + 10
    while any(alive(*process) for process in family.items()) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = sorted(pid for pid, started in family.items() if alive(pid, started))
    for pid in left:  # only the server's own workers, by id
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes outlived the server: {left}"


@pytest.fixture(scope="module")
def server(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _start(out, tmp_path_factory.mktemp("server"))


@pytest.fixture(scope="module")
def limited(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    options = ("--timeout", "2", "--max-rows", "5", "--workers", "2")
    yield from _start(out, tmp_path_factory.mktemp("limited"), *options)


@cache
def _local(out: Path, query: str, params: tuple[tuple[str, str], ...]) -> Result:
    return query_data(out, query, dict(params))[0]


def local(out: Path, query: str, params: Mapping[str, str] | None = None) -> Result:
    """graphkit's own answer, in-process (the same library call as `graphkit query`)."""
    return _local(out, query, tuple(sorted((params or {}).items())))


def column(result: Result, name: str) -> list[Term | None]:
    at = result.variables.index(name)
    return [row[at] for row in result.rows]


@pytest.fixture(scope="module")
def param_values(out: Path) -> dict[str, str]:
    """A value from the data for every parameter a canned query takes."""
    story = column(local(out, "first-coverage"), "story_id")[0]
    topic = column(local(out, "topics-by-outlet"), "topic")[0]
    days = local(out, "articles-per-day")
    outlets = [term.value for term in column(days, "outlet") if term]
    outlet = max(sorted(set(outlets)), key=outlets.count)
    its_days = sorted(
        day.value
        for day, who in zip(column(days, "day"), column(days, "outlet"), strict=True)
        if day and who and who.value == outlet
    )
    assert story and topic and its_days
    return {
        "story": story.value,
        "topic": topic.value,
        "outlet": outlet,
        "since": its_days[0],
        "until": its_days[-1],
    }


def params_for(name: str, values: Mapping[str, str]) -> dict[str, str]:
    missing = [p.name for p in CANNED[name].params if p.name not in values]
    assert not missing, f"no value from the data for {name}'s parameter {missing}"
    return {p.name: values[p.name] for p in CANNED[name].params}


# ---------------------------------------------------------------------------------------------
# Results in comparable forms, parsed without graphkit's code


def plain(term: Term | None) -> Any:
    """A term as /queries/NAME.json shows it: numbers and booleans as such, else text."""
    if term is None:
        return None
    if term.datatype == XSD + "integer":
        return int(term.value)
    if term.datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
        return float(term.value)
    if term.datatype == XSD + "boolean":
        return term.value == "true"
    return term.value


def xml_results(text: str | bytes) -> dict[str, Any]:
    """SPARQL Results XML, read with ElementTree into the shape of SPARQL Results JSON."""
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
    boolean = root.find("r:boolean", SPARQL_RESULTS)
    if boolean is not None:
        assert boolean.text in ("true", "false")
        return {"head": {}, "boolean": boolean.text == "true"}
    names = [v.get("name") for v in root.findall("r:head/r:variable", SPARQL_RESULTS)]
    bindings = []
    for solution in root.findall("r:results/r:result", SPARQL_RESULTS):
        row = {}
        for binding in solution.findall("r:binding", SPARQL_RESULTS):
            (node,) = list(binding)
            term = {"type": node.tag.split("}")[1], "value": node.text or ""}
            if node.get("datatype"):
                term["datatype"] = node.get("datatype")
            if node.get("{http://www.w3.org/XML/1998/namespace}lang"):
                term["xml:lang"] = node.get("{http://www.w3.org/XML/1998/namespace}lang")
            row[binding.get("name")] = term
        bindings.append(row)
    return {"head": {"vars": names}, "results": {"bindings": bindings}}


def csv_rows(result: Result) -> list[list[str]]:
    """SPARQL 1.1 CSV of `result`: plain lexical values, empty when unbound."""
    return [[term.value if term else "" for term in row] for row in result.rows]


_TSV_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?', re.DOTALL)
_TSV_ESCAPES = {
    "t": "\t",
    "n": "\n",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def tsv_term(cell: str) -> tuple[str, str, str | None, str | None] | None:
    """A cell of SPARQL 1.1 TSV as (kind, value, datatype, lang); bare numbers untyped."""
    if cell == "":
        return None
    if cell.startswith("<") and cell.endswith(">"):
        return ("uri", cell[1:-1], None, None)
    if cell.startswith("_:"):
        return ("bnode", cell[2:], None, None)
    match = _TSV_LITERAL.fullmatch(cell)
    if match:
        value = re.sub(r"\\(.)", lambda m: _TSV_ESCAPES[m.group(1)], match.group(1))
        return ("literal", value, match.group(3), match.group(2))
    assert re.fullmatch(r"[+-]?[0-9.eE+-]+|true|false", cell), cell
    return ("literal", cell, "bare", None)


def expected_tsv_term(term: Term | None) -> tuple[str, str, str | None, str | None] | None:
    if term is None:
        return None
    # Bare only where Turtle's number rules read the datatype back: a decimal needs its dot.
    decimal = term.datatype == XSD + "decimal"
    if term.kind == "literal" and (
        term.datatype in (XSD + "integer", XSD + "boolean") or (decimal and "." in term.value)
    ):
        return ("literal", term.value, "bare", None)
    return (term.kind, term.value, term.datatype, term.lang)


def rdflib_term(term: Term | None) -> rdflib.term.Node:
    assert term is not None
    if term.kind == "uri":
        return rdflib.URIRef(term.value)
    if term.kind == "bnode":
        return rdflib.BNode(term.value)
    datatype = rdflib.URIRef(term.datatype) if term.datatype else None
    return rdflib.Literal(term.value, lang=term.lang, datatype=datatype)


def triples(result: Result) -> set[tuple[rdflib.term.Node, ...]]:
    """A CONSTRUCT or DESCRIBE result as rdflib triples (the data has no blank nodes)."""
    assert result.variables == ["subject", "predicate", "object"]
    return {tuple(rdflib_term(term) for term in row) for row in result.rows}


def graph_of(body: str | bytes, rdflib_format: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=body, format=rdflib_format)
    return graph


class ResultTable(HTMLParser):
    """The cells of a page's `<table class="result">`: its header and its rows."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.inside = False
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "result") in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    @property
    def body(self) -> list[list[str]]:
        return self.rows[1:]


def ask(client: httpx.Client, query: str, **kwargs: Any) -> httpx.Response:
    return client.get("/sparql", params={"query": query, **kwargs.pop("params", {})}, **kwargs)


def raw_get(url: str, target: str) -> tuple[int, bytes]:
    """GET `target` exactly as written (no client normalises its dots away)."""
    where = urlsplit(url)
    assert where.hostname and where.port
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        request = f"GET {target} HTTP/1.1\r\nHost: {where.netloc}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("ascii"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


# ---------------------------------------------------------------------------------------------
# 1. Every canned query answers through the endpoint what graphkit answers in-process


@pytest.mark.parametrize("name", sorted(CANNED))
def test_every_canned_query_answers_as_in_process(
    server: Server, out: Path, param_values: dict[str, str], name: str
) -> None:
    params = params_for(name, param_values)
    expected = local(out, name, params)
    assert expected.rows, f"{name} has no rows on seeds/ with {params}: nothing to compare"
    if params and not any(p.required for p in CANNED[name].params):
        # the values narrow the result, so a server that dropped them would be caught
        assert local(out, name) != expected
    with server.client() as client:
        found = client.get(f"/queries/{name}.json", params=params)
        assert found.status_code == 200, found.text
        document = found.json()
        assert document["ok"] is True and document["query"]["name"] == name
        assert document["columns"] == expected.variables
        assert document["rows"] == [
            {var: plain(term) for var, term in zip(expected.variables, row, strict=True)}
            for row in expected.rows
        ]
        assert document["truncated"] is False and "x-graphkit-truncated" not in found.headers

        as_csv = client.get(f"/queries/{name}.csv", params=params)
        assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(as_csv.text)))
        assert table == [expected.variables, *csv_rows(expected)]

        if not any(p.required for p in CANNED[name].params):
            # the canned text itself through the protocol, compared as SPARQL Results JSON
            unbound = local(out, name)
            answer = client.post("/sparql", data={"query": CANNED[name].text})
            assert answer.status_code == 200, answer.text
            assert answer.json() == as_json(unbound)


def test_canned_query_listing(server: Server) -> None:
    with server.client() as client:
        listing = client.get("/queries.json").json()
    assert [item["name"] for item in listing] == sorted(CANNED)
    for item in listing:
        canned = CANNED[item["name"]]
        assert item["title"] == canned.title and item["answers"] == canned.answers
        assert [(p["name"], p["type"], p["required"]) for p in item["params"]] == [
            (p.name, p.type, p.required) for p in canned.params
        ]
        assert item["url"] == f"/queries/{canned.name}"
        assert item["json"] == f"/queries/{canned.name}.json"


def test_canned_json_errors(server: Server) -> None:
    with server.client() as client:
        missing = client.get("/queries/story-timeline.json")
        assert missing.status_code == 400 and missing.json()["ok"] is False
        assert "story" in missing.json()["error"]
        nope = client.get("/queries/nope.json")
        assert nope.status_code == 404 and nope.json()["ok"] is False
        unknown = client.get("/queries/first-coverage.json", params={"story": "x"})
        assert unknown.status_code == 400 and "no parameter 'story'" in unknown.json()["error"]
        assert client.get("/queries/first-coverage.xlsx").status_code == 404


# ---------------------------------------------------------------------------------------------
# 2. SPARQLWrapper, a real client


def wrapper(server: Server, query: str, fmt: str, method: str = GET, conneg: bool = False) -> Any:
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setOnlyConneg(conneg)
    client.setTimeout(30)
    return client.query()


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_json_and_xml(server: Server, out: Path, method: str) -> None:
    expected = as_json(local(out, SELECT))
    assert wrapper(server, SELECT, JSON, method).convert() == expected
    document = wrapper(server, SELECT, XML, method).convert()  # a minidom Document
    assert xml_results(document.toxml()) == expected


@pytest.mark.parametrize("query", [ASK_TRUE, ASK_FALSE], ids=["true", "false"])
def test_sparqlwrapper_ask(server: Server, out: Path, query: str) -> None:
    expected = local(out, query).boolean
    assert expected is (query == ASK_TRUE)
    assert wrapper(server, query, JSON).convert() == {"head": {}, "boolean": expected}
    assert xml_results(wrapper(server, query, XML).convert().toxml())["boolean"] is expected


def test_sparqlwrapper_construct_and_describe(server: Server, out: Path) -> None:
    expected = triples(local(out, CONSTRUCT))
    turtle = wrapper(server, CONSTRUCT, TURTLE)
    assert turtle.info()["content-type"].startswith("text/turtle")
    assert set(graph_of(turtle.convert(), "turtle")) == expected
    # RDF/XML, by content negotiation (SPARQLWrapper then returns an rdflib graph)
    rdfxml = wrapper(server, CONSTRUCT, XML, conneg=True)
    assert rdfxml.info()["content-type"].startswith("application/rdf+xml")
    assert set(rdfxml.convert()) == expected
    described = triples(local(out, DESCRIBE))
    assert described
    assert set(wrapper(server, DESCRIBE, JSONLD, POST, conneg=True).convert()) == described


@pytest.mark.parametrize(
    ("query", "fmt"),
    [(CONSTRUCT, XML), (CONSTRUCT, RDFXML), (CONSTRUCT, JSONLD), (SELECT, TSV)],
    ids=["construct-xml", "construct-rdfxml", "construct-jsonld", "select-tsv"],
)
def test_sparqlwrapper_default_settings(server: Server, out: Path, query: str, fmt: str) -> None:
    answer = wrapper(server, query, fmt)  # SPARQLWrapper's defaults: Accept and format=
    expected = local(out, query)
    if fmt == TSV:
        assert answer.convert().decode("utf-8").splitlines()[0] == "\t".join(
            f"?{name}" for name in expected.variables
        )
    else:
        assert set(answer.convert()) == triples(expected)


# ---------------------------------------------------------------------------------------------
# 3. Every result format, every way of asking


def test_select_in_every_result_format(server: Server, out: Path) -> None:
    expected = local(out, SELECT)
    assert len(expected.rows) > 10
    assert any(t is None for t in column(expected, "width"))
    assert any(t is not None for t in column(expected, "width"))
    with server.client() as client:
        found = {
            fmt: ask(client, SELECT, headers={"Accept": media})
            for fmt, media in SELECT_MEDIA.items()
        }
    for fmt, response in found.items():
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == SELECT_MEDIA[fmt]
    assert found["json"].json() == as_json(expected)
    assert xml_results(found["xml"].content) == as_json(expected)
    table = list(csv.reader(io.StringIO(found["csv"].text)))
    assert table == [expected.variables, *csv_rows(expected)]
    lines = found["tsv"].text.split("\n")
    assert lines[-1] == "" and len(lines) == len(expected.rows) + 2
    assert lines[0].split("\t") == [f"?{name}" for name in expected.variables]
    cells = [[tsv_term(cell) for cell in line.split("\t")] for line in lines[1:-1]]
    assert cells == [[expected_tsv_term(term) for term in row] for row in expected.rows]


def test_tsv_keeps_datatypes_for_a_sparql_reader(server: Server, out: Path) -> None:
    query = (
        "PREFIX gk: <https://graphkit.example/vocab#>\nSELECT ?lag WHERE { ?a gk:lagSeconds ?lag }"
    )
    expected = sorted(rdflib_term(term) for (term,) in local(out, query).rows)
    with server.client() as client:
        text = ask(client, query, headers={"Accept": SELECT_MEDIA["tsv"]}).content
    parsed = rdflib.query.Result.parse(io.BytesIO(text), format="tsv")
    found = sorted(row[0] for row in parsed)
    assert [(t, t.datatype) for t in found] == [(t, t.datatype) for t in expected]


@pytest.mark.parametrize("query", [ASK_TRUE, ASK_FALSE], ids=["true", "false"])
def test_ask_as_json_and_xml(server: Server, out: Path, query: str) -> None:
    expected = local(out, query).boolean
    with server.client() as client:
        as_json_ = ask(client, query, headers={"Accept": SELECT_MEDIA["json"]})
        as_xml = ask(client, query, headers={"Accept": SELECT_MEDIA["xml"]})
    assert as_json_.json() == {"head": {}, "boolean": expected}
    assert xml_results(as_xml.content) == {"head": {}, "boolean": expected}


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graph_results_in_every_rdf_format(server: Server, out: Path, query: str) -> None:
    expected = triples(local(out, query))
    assert expected
    with server.client() as client:
        for rdflib_format, media in GRAPH_MEDIA.items():
            response = ask(client, query, headers={"Accept": media})
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].split(";")[0] == media
            graph = graph_of(response.content, rdflib_format)
            assert len(graph) == len(expected), media
            assert set(graph) == expected, media


def test_the_format_parameter(server: Server, out: Path) -> None:
    select, construct = local(out, SELECT), triples(local(out, CONSTRUCT))
    with server.client() as client:
        for fmt, media in [
            ("json", "json"),
            ("srj", "json"),
            ("xml", "xml"),
            ("srx", "xml"),
            ("csv", "csv"),
            ("tsv", "tsv"),
        ]:
            # format= wins over Accept
            response = ask(client, SELECT, params={"format": fmt}, headers={"Accept": "text/csv"})
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].split(";")[0] == SELECT_MEDIA[media]
        assert ask(client, SELECT, params={"format": "srx"}).content.startswith(b"<?xml")
        assert xml_results(ask(client, SELECT, params={"format": "xml"}).content) == as_json(select)
        for fmt, rdflib_format in [
            ("turtle", "turtle"),
            ("ttl", "turtle"),
            ("nt", "nt"),
            ("ntriples", "nt"),
            ("jsonld", "json-ld"),
            ("rdfxml", "xml"),
        ]:
            response = ask(client, CONSTRUCT, params={"format": fmt})
            assert response.status_code == 200, response.text
            assert set(graph_of(response.content, rdflib_format)) == construct
        # A format the result cannot take falls back to Accept, as SPARQLWrapper's hints need.
        unfit = ask(client, CONSTRUCT, params={"format": "csv"})
        assert unfit.status_code == 200
        assert unfit.headers["content-type"].startswith("text/turtle")
        unfit = ask(client, SELECT, params={"format": "turtle"}, headers={"Accept": "text/csv"})
        assert unfit.headers["content-type"].startswith("text/csv")
        refused = ask(client, SELECT, params={"format": "turtle"}, headers={"Accept": "image/png"})
        assert refused.status_code == 406


def test_get_post_form_and_post_query_agree(server: Server, out: Path) -> None:
    expected = as_json(local(out, SELECT))
    with server.client() as client:
        by_get = ask(client, SELECT)
        by_form = client.post("/sparql", data={"query": SELECT})
        by_body = client.post(
            "/sparql",
            content=SELECT.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query; charset=utf-8"},
        )
        for response in (by_get, by_form, by_body):
            assert response.status_code == 200, response.text
            assert response.json() == expected
        form_xml = client.post(
            "/sparql", data={"query": SELECT}, headers={"Accept": SELECT_MEDIA["xml"]}
        )
        assert xml_results(form_xml.content) == expected
        other = client.post("/sparql", content=SELECT, headers={"Content-Type": "text/plain"})
        assert other.status_code == 415
        assert client.get("/sparql").status_code == 400  # no query


def test_an_accept_the_endpoint_cannot_serve_is_406(server: Server) -> None:
    with server.client() as client:
        for query, accept in [
            (SELECT, "image/png"),
            (ASK_TRUE, "text/turtle"),
            (CONSTRUCT, "application/sparql-results+json"),
            (SELECT, "text/csv;q=0, application/pdf"),
        ]:
            response = ask(client, query, headers={"Accept": accept})
            assert response.status_code == 406, (query, accept, response.text)
        # a browser's Accept, and quality values, are honoured
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        assert (
            ask(client, SELECT, headers={"Accept": browser})
            .headers["content-type"]
            .startswith(SELECT_MEDIA["xml"])
        )
        weighted = "text/csv;q=0.5, application/sparql-results+xml;q=0.9"
        assert (
            ask(client, SELECT, headers={"Accept": weighted})
            .headers["content-type"]
            .startswith(SELECT_MEDIA["xml"])
        )


# ---------------------------------------------------------------------------------------------
# 4. Bad queries, updates and the network are refused


def test_a_malformed_query_is_400_with_line_and_column(server: Server, out: Path) -> None:
    bad = "SELECT ?s\nWHERE { ?s ?p }"
    with pytest.raises(QuerySyntaxError) as in_process:
        local(out, bad)
    assert in_process.value.line == 2
    with server.client() as client:
        answers = [
            ask(client, bad),
            client.post("/sparql", data={"query": bad}),
            client.post(
                "/sparql", content=bad, headers={"Content-Type": "application/sparql-query"}
            ),
        ]
        page = client.get("/", params={"query": bad})
    for response in answers:
        assert response.status_code == 400
        assert "line 2, column " in response.text
        assert response.text.strip() == str(in_process.value)
    assert page.status_code == 200 and "line 2, column " in page.text


def test_updates_are_refused_and_the_store_is_unchanged(server: Server, out: Path) -> None:
    evil = "<http://evil.example/s> <http://evil.example/p> <http://evil.example/o>"
    check = "ASK { <http://evil.example/s> ?p ?o }"
    updates = [
        f"INSERT DATA {{ {evil} }}",
        "DROP ALL",
        "drop all",
        "CLEAR DEFAULT",
        "DELETE WHERE { ?s ?p ?o }",
        f"PREFIX x: <http://evil.example/>\n# a comment\nINSERT DATA {{ {evil} }}",
        "LOAD <http://127.0.0.1:9/data.ttl>",
    ]
    with server.client() as client:
        before = ask(client, COUNT_ALL).json()
        assert before == as_json(local(out, COUNT_ALL))
        refused: list[httpx.Response] = []
        for update in updates:
            refused += [
                client.post("/sparql", data={"update": update}),
                client.post(
                    "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
                ),
                client.get("/sparql", params={"update": update}),
                ask(client, update),
                client.post("/sparql", data={"query": update}),
                client.post(
                    "/sparql", content=update, headers={"Content-Type": "application/sparql-query"}
                ),
            ]
        for response in refused:
            assert response.status_code == 403, (response.request.url, response.text)
            assert "refused" in response.text
        # an update smuggled after a query is no query either
        smuggled = ask(client, f"ASK {{}} ; INSERT DATA {{ {evil} }}")
        assert 400 <= smuggled.status_code < 500
        assert ask(client, COUNT_ALL).json() == before
        assert ask(client, check).json()["boolean"] is False
    assert (
        local(out, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # again").rows
        == local(out, COUNT_ALL).rows
    )
    assert query_data(out, check)[0].boolean is False


@pytest.mark.parametrize(
    ("query", "extra"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", {}),
        ("select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", {}),
        ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", {}),
        ("SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", {}),
        (QUICK, {"default-graph-uri": "http://127.0.0.1:9/data.ttl"}),
        (QUICK, {"named-graph-uri": "http://127.0.0.1:9/data.ttl"}),
    ],
)
def test_the_network_and_other_datasets_are_refused(
    server: Server, query: str, extra: dict[str, str]
) -> None:
    with server.client() as client:
        by_get = ask(client, query, params=extra)
        by_post = client.post("/sparql", data={"query": query, **extra})
    for response in (by_get, by_post):
        assert response.status_code == 400, response.text
        assert "refused" in response.text


# ---------------------------------------------------------------------------------------------
# 5. Limits: the time limit, the row cap, and one slow query not holding up the others


def test_a_slow_query_is_stopped_while_another_client_is_answered(limited: Server) -> None:
    def slow() -> tuple[httpx.Response, float]:
        with limited.client() as client:
            response = ask(client, SLOW)
        return response, time.monotonic()

    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        pending = pool.submit(slow)
        time.sleep(0.5)  # the slow query now holds a worker
        with limited.client() as client:
            quick_sent = time.monotonic()
            quick = ask(client, QUICK)
            quick_done = time.monotonic()
        assert not pending.done(), "the slow query ended before the quick one was answered"
        stopped, stopped_at = pending.result(timeout=30)
    assert quick.status_code == 200 and quick.json() == {"head": {}, "boolean": True}
    assert quick_done - quick_sent < 1.0
    assert stopped_at - quick_done > 0.5  # the quick answer came well before the slow one ended
    assert stopped.status_code == 503
    assert "stopped at its time limit of 2 s" in stopped.text
    assert 1.8 <= stopped_at - started < 10


def test_stopped_workers_are_replaced(limited: Server) -> None:
    """Two slow queries at once each get a worker (neither waits for one): the pool is whole."""

    def slow() -> httpx.Response:
        with limited.client() as client:
            return ask(client, SLOW)

    with limited.client() as client:  # the pool after the previous timeout, or after none
        assert ask(client, QUICK).status_code == 200
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: slow(), range(2)))
    assert time.monotonic() - started < 10
    for response in answers:
        assert response.status_code == 503
        assert "stopped at its time limit" in response.text  # not "every query worker stayed busy"
    with limited.client() as client:
        for _ in range(3):
            response = ask(client, QUICK)
            assert response.status_code == 200 and response.json()["boolean"] is True


def test_an_unservable_accept_is_refused_before_the_query_runs(limited: Server) -> None:
    with limited.client() as client:
        started = time.monotonic()
        refused = ask(client, SLOW, headers={"Accept": "image/png"})
        assert refused.status_code == 406
        assert time.monotonic() - started < 1.0  # not after the 2 s time limit


def test_a_worker_killed_mid_query_is_a_server_error_and_is_replaced(limited: Server) -> None:
    def slow() -> httpx.Response:
        with limited.client() as client:
            return ask(client, SLOW)

    before = {pid: _cpu_seconds(pid) for pid in descendants(limited.process.pid)}
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(slow)
        time.sleep(0.6)
        spent = {pid: _cpu_seconds(pid) - used for pid, used in before.items()}
        busiest = max(spent, key=lambda pid: spent[pid])
        assert spent[busiest] > 0.05, "no worker is busy with the slow query"
        assert sorted(spent.values())[-2] < spent[busiest] / 2  # one worker, not several
        os.kill(busiest, signal.SIGKILL)
        died = pending.result(timeout=30)
    assert died.status_code == 500
    assert "ended while answering" in died.text
    with limited.client() as client:
        for _ in range(3):
            assert ask(client, QUICK).status_code == 200


def _cpu_seconds(pid: int) -> float:
    fields = stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def test_the_row_cap_cuts_and_says_so(limited: Server, out: Path) -> None:
    everything = local(out, SELECT)
    assert len(everything.rows) > 5
    cut = Result("SELECT", everything.variables, everything.rows[:5])
    with limited.client() as client:
        as_json_ = ask(client, SELECT)
        as_xml = ask(client, SELECT, headers={"Accept": SELECT_MEDIA["xml"]})
        as_csv = ask(client, SELECT, headers={"Accept": "text/csv"})
        graph = ask(client, CONSTRUCT, headers={"Accept": "application/n-triples"})
        canned = client.get("/queries/first-coverage.json")
        exactly_five = ask(client, SELECT + "LIMIT 5")
        small = ask(client, SELECT + "LIMIT 3")
        boolean = ask(client, QUICK)
        page = client.get("/", params={"query": SELECT})
    for response in (as_json_, as_xml, as_csv, graph, canned):
        assert response.status_code == 200, response.text
        assert response.headers["x-graphkit-truncated"] == "true"
    document = as_json_.json()
    assert document.pop("truncated") is True
    assert document == as_json(cut)
    assert xml_results(as_xml.content) == as_json(cut)
    assert list(csv.reader(io.StringIO(as_csv.text))) == [cut.variables, *csv_rows(cut)]
    assert len(graph_of(graph.content, "nt")) == 5
    assert canned.json()["truncated"] is True and len(canned.json()["rows"]) == 5
    assert len(local(out, "first-coverage").rows) > 5
    for response in (exactly_five, small, boolean):
        assert response.status_code == 200
        assert "x-graphkit-truncated" not in response.headers
        assert "truncated" not in response.json()
    assert len(exactly_five.json()["results"]["bindings"]) == 5
    assert len(ResultTable(page.text).body) == 5 and "cut at the row cap" in page.text


# ---------------------------------------------------------------------------------------------
# 6. Pages for people


def test_the_home_page(server: Server) -> None:
    with server.client() as client:
        page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    text = html.unescape(page.text)
    assert server.url in text and server.endpoint in text
    for name, canned in CANNED.items():
        assert f'href="/queries/{name}"' in page.text
        assert canned.title in text


def test_the_home_page_runs_a_query(server: Server, out: Path) -> None:
    expected = local(out, OUTLETS)
    with server.client() as client:
        page = client.get("/", params={"query": OUTLETS})
    assert page.status_code == 200 and "content-security-policy" in page.headers
    table = ResultTable(page.text)
    assert table.rows[0] == expected.variables
    assert [row[1] for row in table.body] == [term.value for term in column(expected, "name")]
    assert [row[0] for row in table.body] == [
        f"<{term.value.removeprefix('https://graphkit.example/id/')}>"
        for term in column(expected, "outlet")
    ]
    assert f"{len(expected.rows)} rows" in page.text


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}',
        'SELECT ?x WHERE { BIND (<http://x.example/"><script>alert(1)</script>> AS ?x) }',
        'SELECT ?x WHERE { ?x ?p "</textarea><script>alert(1)</script>" }',
    ],
)
def test_hostile_text_comes_back_escaped(server: Server, query: str) -> None:
    with server.client() as client:
        page = client.get("/", params={"query": query})
        canned = client.get(
            "/queries/story-timeline", params={"story": '"><script>alert(1)</script>'}
        )
    for response in (page, canned):
        assert response.status_code == 200
        assert "<script" not in response.text.lower()
        assert "&lt;script&gt;" in response.text


def test_the_hostile_literal_is_rendered_in_the_table(server: Server) -> None:
    with server.client() as client:
        page = client.get(
            "/", params={"query": 'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}'}
        )
    assert ResultTable(page.text).body == [["<script>alert(1)</script>"]]


@pytest.mark.parametrize("name", sorted(CANNED))
def test_canned_query_pages(
    server: Server, out: Path, param_values: dict[str, str], name: str
) -> None:
    canned = CANNED[name]
    required = [p.name for p in canned.params if p.required]
    with server.client() as client:
        bare = client.get(f"/queries/{name}")
        given = client.get(f"/queries/{name}", params=params_for(name, param_values))
    for page in (bare, given):
        assert page.status_code == 200
        assert "content-security-policy" in page.headers
        assert canned.title in html.unescape(page.text)
    if required:
        asked = re.search(r"Give ([^<]*) to run it", bare.text)
        assert asked and asked.group(1).split(", ") == required
        assert not ResultTable(bare.text).rows
    else:
        assert len(ResultTable(bare.text).body) == len(local(out, name).rows)
    expected = local(out, name, params_for(name, param_values))
    table = ResultTable(given.text)
    # durations are headed and shown for people (`lag`: "16 h 52 min"), as everywhere
    assert table.rows[0] == [header_for_people(name) for name in expected.variables]
    assert len(table.body) == len(expected.rows)
    assert "to run it" not in given.text


def test_an_unknown_canned_query_page_is_404(server: Server) -> None:
    with server.client() as client:
        assert client.get("/queries/nope").status_code == 404


def test_an_unknown_parameter_on_a_canned_page_is_400(server: Server) -> None:
    with server.client() as client:
        page = client.get("/queries/first-coverage", params={"story": "x"})
    assert page.status_code == 400 and "no parameter" in page.text


def test_the_build_files_are_served_and_only_they(server: Server, out: Path) -> None:
    with server.client() as client:
        index = client.get("/files/index.html")
        folder = client.get("/files/")
    assert index.status_code == 200 and index.content == (out / "index.html").read_bytes()
    assert folder.status_code == 200 and folder.content == index.content
    secret = out.parent / "secret.txt"
    assert secret.read_text(encoding="utf-8") == SECRET
    for target in [
        "/files/../secret.txt",
        "/files/%2e%2e/secret.txt",
        "/files/..%2fsecret.txt",
        "/files/%2e%2e%2fsecret.txt",
        "/files/views/../../secret.txt",
        f"/files/{secret}",
        f"/files/{'%2f'.join(secret.parts)[1:]}",
    ]:
        status, answer = raw_get(server.url, target)
        assert status in (400, 404), (target, status)
        assert SECRET.encode() not in answer, target


# ---------------------------------------------------------------------------------------------
# 7. `graphkit query` under the same limits, as a real command


@dataclass
class Done:
    code: int
    stdout: str
    stderr: str
    seconds: float


@pytest.fixture(scope="module")
def cli(out: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    """Every command at once (each in its own process), then their outcomes by name."""
    commands = {
        "slow": [SLOW, "--timeout", "1"],
        "cut": ["first-coverage", "--max-rows", "2", "--format", "csv"],
        "cut-table": ["first-coverage", "--max-rows", "2"],
        "xml": [SELECT, "--format", "xml"],
        "turtle": [CONSTRUCT, "--format", "turtle"],
        "turtle-select": [SELECT, "--format", "turtle"],
    }
    folder = tmp_path_factory.mktemp("cli")
    started = time.monotonic()
    running = {
        name: subprocess.Popen(
            [sys.executable, "-m", "graphkit", "query", *args, "--data", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=folder,
            env=_env(),
        )
        for name, args in commands.items()
    }
    done = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=60)
        done[name] = Done(
            process.returncode, stdout.decode(), stderr.decode(), time.monotonic() - started
        )
    return done


def test_cli_a_slow_query_is_stopped_at_its_time_limit(cli: dict[str, Done]) -> None:
    slow = cli["slow"]
    assert slow.code == 4, slow.stderr
    assert slow.stdout == ""
    assert "stopped at its time limit of 1 s" in slow.stderr and "Traceback" not in slow.stderr
    assert slow.seconds < 15


def test_cli_the_row_cap_prints_that_many_rows_and_says_so(cli: dict[str, Done], out: Path) -> None:
    expected = local(out, "first-coverage")
    assert len(expected.rows) > 2
    cut = cli["cut"]
    assert cut.code == 0, cut.stderr
    first_two = Result("SELECT", expected.variables, expected.rows[:2])
    table_rows = list(csv.reader(io.StringIO(cut.stdout)))
    assert table_rows == [expected.variables, *csv_rows(first_two)]
    assert "result cut at 2 rows" in cut.stderr
    table = cli["cut-table"]
    assert table.code == 0 and table.stdout.splitlines()[-1] == "(2 rows)"
    assert "result cut at 2 rows" in table.stderr


def test_cli_xml_and_turtle(cli: dict[str, Done], out: Path) -> None:
    assert cli["xml"].code == 0, cli["xml"].stderr
    assert xml_results(cli["xml"].stdout.encode()) == as_json(local(out, SELECT))
    assert cli["turtle"].code == 0, cli["turtle"].stderr
    assert set(graph_of(cli["turtle"].stdout, "turtle")) == triples(local(out, CONSTRUCT))
    wrong = cli["turtle-select"]
    assert wrong.code == 2 and wrong.stdout == ""
    assert "SELECT result cannot be written as turtle" in wrong.stderr


def test_a_story_page_draws_over_http_from_its_data_file(server: Server) -> None:
    from playwright.sync_api import Response

    from .browser import open_browser

    failed: list[str] = []

    def answered(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):  # Chromium's
            failed.append(f"{response.status} {response.url}")

    with open_browser(loopback=True) as browser:
        context = browser.new_context()
        page = context.new_page()
        page.on("response", answered)
        page.on("pageerror", lambda error: failed.append(str(error)))
        page.goto(server.url + "files/views/story.html#s-be87dfd58115", wait_until="load")
        page.wait_for_function("() => window.graphkit && graphkit.current")
        drawn = page.evaluate("graphkit.current.body.data.nodes.getIds().length")
        title = page.locator("h1").inner_text()
        context.close()
    assert drawn == 3 and title.startswith("Story: Civil rights groups") and failed == []


def test_a_canned_parameter_that_names_nothing_is_404_and_a_story_prefix_resolves(
    server: Server, out: Path, param_values: dict[str, str]
) -> None:
    """No silent empty answer: an unknown story, outlet or topic is a 404 with the reason."""
    naming = [
        (query.name, param.name, param.type)
        for query in CANNED.values()
        for param in query.params
        if param.type in ("story", "outlet", "topic")
    ]
    assert {kind for _, _, kind in naming} == {"story", "outlet", "topic"}
    with server.client() as client:
        for name, param, kind in naming:
            params = params_for(name, param_values) | {param: "zz-nothing-by-this-name"}
            answer = client.get(f"/queries/{name}.json", params=params)
            assert answer.status_code == 404, (name, answer.text)
            assert f"no {kind} 'zz-nothing-by-this-name'" in answer.json()["error"]
            page = client.get(f"/queries/{name}", params=params)
            assert f"no {kind} &#39;zz-nothing-by-this-name&#39;" in page.text
        story = param_values["story"]
        whole = client.get("/queries/story-timeline.json", params={"story": story}).json()
        prefix = client.get("/queries/story-timeline.json", params={"story": story[:6]})
        assert prefix.status_code == 200 and prefix.json()["rows"] == whole["rows"]
        several = client.get("/queries/story-timeline.json", params={"story": "s-"})
        assert several.status_code == 400 and "several story ids" in several.json()["error"]
