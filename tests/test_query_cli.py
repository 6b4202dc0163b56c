"""`graphkit query`: canned names, .rq files and text; formats; parameters; errors; engines."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.rdf import (
    Limits,
    QueryError,
    canned_queries,
    open_store,
    query_data,
    render_query,
)
from graphkit.rdf.formats import render

from .conftest import ROOT, SEEDS

BASE = "https://graphkit.example/id/"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    done = CliRunner().invoke(main, ["build", str(SEEDS), "-o", str(folder), "-q"])
    assert done.exit_code == 0, done.output
    return folder


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, list(args), env=env)
    return done.exit_code, done.stdout, done.stderr


def query(out: Path, *args: str) -> tuple[int, str, str]:
    return run("query", "--data", str(out), *args)


def test_a_canned_query_by_name_prints_a_table(out: Path) -> None:
    code, stdout, stderr = query(out, "first-coverage")
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0].split() == [
        "story_id",
        "first_published",
        "outlet",
        "outlet_name",
        "url",
        "article_count",
        "outlet_count",
        "label",
    ]
    assert lines[2].startswith("s-be87dfd58115  2021-02-17T23:21:00Z  washingtonpost.com")
    assert lines[-1] == "(11 rows)"


def test_csv_tsv_and_json_follow_the_sparql_result_formats(out: Path) -> None:
    _, as_csv, _ = query(out, "outlet-leaderboard", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(as_csv)))
    assert len(table) == 21 and table[0] == {
        "outlet": "bbc.co.uk",
        "name": "BBC News",
        "stories": "5",
        "first": "2",
        "tied_first": "0",
        "share_first": "0.4",
    }
    _, as_tsv, _ = query(out, "outlet-leaderboard", "--format", "tsv")
    header, first = as_tsv.splitlines()[:2]
    assert header.split("\t")[:3] == ["?outlet", "?name", "?stories"]
    assert first.split("\t")[:3] == ['"bbc.co.uk"', '"BBC News"', "5"]
    _, as_json, _ = query(out, "outlet-leaderboard", "--format", "json")
    document = json.loads(as_json)
    assert document["head"]["vars"][0] == "outlet"
    assert document["results"]["bindings"][0]["stories"] == {
        "type": "literal",
        "value": "5",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }


def test_query_text_ask_construct_and_describe(out: Path) -> None:
    code, stdout, _ = query(out, "ASK { ?a a <https://schema.org/NewsArticle> }")
    assert (code, stdout) == (0, "true\n")
    _, stdout, _ = query(out, "ASK { ?a a <https://schema.org/Nothing> }", "--format", "json")
    assert json.loads(stdout) == {"head": {}, "boolean": False}
    code, stdout, _ = query(out, "DESCRIBE <outlet/cnn.com>")
    assert code == 0
    assert "<outlet/cnn.com>  schema:name        CNN" in stdout
    construct = (
        "PREFIX schema: <https://schema.org/>\n"
        "CONSTRUCT { ?o schema:name ?n }\n"
        "WHERE { ?o schema:identifier 'bbc.co.uk' ; schema:name ?n }"
    )
    _, stdout, _ = query(out, construct, "--format", "csv")
    assert stdout.splitlines() == [
        "subject,predicate,object",
        f"{BASE}outlet/bbc.co.uk,https://schema.org/name,BBC News",
    ]


def test_a_rq_file_with_a_documented_parameter(out: Path, tmp_path: Path) -> None:
    path = tmp_path / "outlet-days.rq"
    path.write_text(
        "# title: Days an outlet published\n"
        "# answers: The days (UTC) on which one outlet published, from the data.\n"
        "# param outlet: string, required. The outlet's domain.\n"
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT DISTINCT ?day WHERE {\n"
        "  ?a schema:publisher/schema:identifier ?outlet ; schema:datePublished ?t .\n"
        "  BIND (SUBSTR(STR(?t), 1, 10) AS ?day)\n"
        "} ORDER BY ?day\n",
        encoding="utf-8",
    )
    code, stdout, stderr = query(out, str(path), "--param", "outlet=nrk.no", "--format", "csv")
    assert code == 0, stderr
    assert stdout.split() == ["day", "2024-09-17"]
    code, _, stderr = query(out, str(path))
    assert code == 2 and "needs --param outlet=" in stderr


def test_canned_parameters(out: Path) -> None:
    args = ("story-timeline", "--param", "story=s-be87dfd58115", "--format", "csv")
    code, stdout, stderr = query(out, *args)
    assert code == 0, stderr
    outlets = [row["outlet"] for row in csv.DictReader(io.StringIO(stdout))]
    assert outlets == ["washingtonpost.com", "nationthailand.com", "dailydot.com"]
    code, _, stderr = query(out, "story-timeline")
    assert code == 2 and "story-timeline needs --param story=" in stderr
    code, _, stderr = query(out, "first-coverage", "--param", "story=x")
    assert code == 2 and "has no parameter 'story'" in stderr
    code, _, stderr = query(out, "articles-per-day", "--param", "since")
    assert code == 2 and "--param takes NAME=VALUE" in stderr
    code, stdout, _ = query(
        out, "articles-per-day", "--param", "since=2024-09-17", "--format", "csv"
    )
    found = [(row["day"], row["outlet"]) for row in csv.DictReader(io.StringIO(stdout))]
    assert found == [
        ("2024-09-17", "bbc.co.uk"),
        ("2024-09-17", "nrk.no"),
        ("2024-09-17", "reuters.com"),
        ("2024-09-17", "theguardian.com"),
        ("2024-09-18", "cnn.com"),
    ]


def test_a_syntax_error_gives_line_and_column_without_a_traceback(out: Path) -> None:
    code, stdout, stderr = query(out, "SELECT ?s\nWHERE { ?s ?p }")
    assert code == 2 and stdout == ""
    assert stderr.startswith("error: syntax error at line 2, column ")
    assert "Traceback" not in stderr


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_updates_are_refused(out: Path, engine: str) -> None:
    code, _, stderr = query(out, "--engine", engine, "DELETE WHERE { ?s ?p ?o }")
    assert code == 2 and "updates are refused" in stderr
    assert query(out, "ASK { ?s ?p ?o }")[1] == "true\n"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
    ],
)
def test_queries_that_reach_the_network_are_refused(out: Path, engine: str, text: str) -> None:
    code, stdout, stderr = query(out, "--engine", engine, text)
    assert code == 2 and stdout == ""
    assert "refused: graphkit reads only the local store" in stderr


def test_unknown_queries_and_missing_data_are_usage_errors(out: Path, tmp_path: Path) -> None:
    code, _, stderr = query(out, "leaderboard")
    assert code == 2 and "canned queries: articles-per-day, first-coverage" in stderr
    code, _, stderr = query(out, "missing.rq")
    assert code == 2 and "missing.rq: no such file" in stderr
    for engine in ("oxigraph", "rdflib"):
        command = ("query", "--data", str(tmp_path), "--engine", engine, "first-coverage")
        code, _, stderr = run(*command)
        assert (
            code == 2
            and stderr == f"error: {tmp_path} holds no build: run `graphkit build` first\n"
        )
    code, _, _ = query(out)
    assert code == 2


def test_the_leaderboard_query_agrees_with_graphkit_first_on_seeds(out: Path) -> None:
    _, answer, _ = query(out, "outlet-leaderboard", "--format", "json")
    _, shown, _ = run("first", "--data", str(out), "--format", "json")
    found = {
        row["outlet"]["value"]: (
            int(row["stories"]["value"]),
            float(row["first"]["value"]),
            int(row["tied_first"]["value"]),
        )
        for row in json.loads(answer)["results"]["bindings"]
    }
    expected = {
        lead["provider_domain"]: (lead["stories"], lead["times_first"], lead["tied_first"])
        for lead in json.loads(shown)
    }
    assert found == expected


def test_list_shows_every_canned_query_and_its_parameters() -> None:
    code, stdout, _ = run("query", "--list")
    assert code == 0
    for name, canned in canned_queries().items():
        assert f"{name}  " in stdout and canned.title in stdout
    assert "--param story=<story> (required)" in stdout


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_rdflib_engine_prints_what_oxigraph_prints(out: Path, name: str) -> None:
    params = ["--param", "story=s-5463d77f940e"] if name == "story-timeline" else []
    oxigraph = query(out, name, *params, "--format", "tsv")
    rdflib = query(out, name, *params, "--format", "tsv", "--engine", "rdflib")
    assert oxigraph[0] == rdflib[0] == 0
    assert oxigraph[1] == rdflib[1]


def test_build_base_option_and_environment(tmp_path: Path) -> None:
    code, _, stderr = run("build", str(SEEDS), "-o", str(tmp_path / "a"), "-q", "--base", "ftp://x")
    assert code == 2 and "base IRI must start with http" in stderr
    env = {"GRAPHKIT_BASE": "https://env.example/id/"}
    assert run("build", str(SEEDS), "-o", str(tmp_path / "b"), "-q", env=env)[0] == 0
    assert open_store(tmp_path / "b").base == "https://env.example/id/"
    code, stdout, _ = run(
        "query", "--data", str(tmp_path / "b"), "DESCRIBE <outlet/cnn.com>", "--format", "csv"
    )
    assert (
        code == 0 and "https://env.example/id/outlet/cnn.com,https://schema.org/name,CNN" in stdout
    )


def test_query_base_resolves_relative_iris(out: Path) -> None:
    assert query(out, "ASK { <outlet/cnn.com> ?p ?o }")[1] == "true\n"
    other = ("--base", "https://other.example/id/")
    assert query(out, *other, "ASK { <outlet/cnn.com> ?p ?o }")[1] == "false\n"
    code, _, stderr = query(out, "--base", "not-an-iri", "ASK { ?s ?p ?o }")
    assert code == 2 and "base IRI must start with http" in stderr


def test_the_store_serves_concurrent_readers(out: Path) -> None:
    first, second = open_store(out), open_store(out)
    assert first.base == second.base == BASE


def test_graphkit_query_as_a_real_command(out: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "graphkit", "query", "--data", str(out), "first-coverage"]
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=tmp_path, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "(11 rows)"
    bad = [*command[:-1], "SELECT * WHERE { ?s ?p ?o"]
    done = subprocess.run(bad, capture_output=True, text=True, cwd=tmp_path, env=env, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: syntax error at line 1, column ")


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "xml"])
def test_a_worker_writes_what_the_caller_would_write(out: Path, fmt: str) -> None:
    # `graphkit query` has its worker write the answer (only text crosses the pipe): the
    # same text as writing the worker's result in this process.
    result, base = query_data(out, "first-coverage", limits=Limits(max_rows=5))
    rendered = render_query(out, "first-coverage", fmt, limits=Limits(max_rows=5))
    assert rendered.text == render(result, fmt, base)
    assert rendered.truncated is result.truncated is True
    whole = render_query(out, "first-coverage", "csv")
    assert not whole.truncated and len(whole.text.splitlines()) == 12  # header and 11 rows


def test_a_format_the_result_cannot_take_is_the_worker_s_usage_error(out: Path) -> None:
    with pytest.raises(QueryError, match="cannot be written as turtle"):
        render_query(out, "first-coverage", "turtle")
    code, _, stderr = query(out, "first-coverage", "--format", "turtle")
    assert code == 2 and "cannot be written as turtle" in stderr


def test_a_query_imports_no_stage_it_does_not_run(out: Path) -> None:
    """A fresh `graphkit query` starts graphkit in a tenth of a second: it must not import
    the build's engines (Polars, SciPy, igraph, networkx: 0.8 s together), in the command's
    process or in its query worker. `-X importtime` logs every import of both."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "graphkit", "query", "first-coverage",
         "--data", str(out), "--format", "csv"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("story_id,first_published,outlet")
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "pyoxigraph" in imported  # the log was read
    assert not imported & {"polars", "scipy", "igraph", "networkx", "rdflib", "uvicorn", "httpx"}
