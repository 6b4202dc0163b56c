"""`graphkit push` and `graphkit query --endpoint` against a real Virtuoso that the tests start.

The corpus is the seed record plus records written from the real labelled slice
(tests/fixtures/uci-news-slice.csv): real headlines in many scripts, so literals must survive
the trip. Pushed in small batches, so that batching, PUT-then-POST and replacement show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphkit.pipeline import build
from graphkit.rdf import canned_queries, query_data
from graphkit.rdf.push import PushError, push_graph
from graphkit.rdf.remote import RemoteError, query_endpoint
from graphkit.rdf.results import as_json
from graphkit.rdf.sparql import NothingNamedError
from graphkit.settings import PUSH_BATCH_TRIPLES
from graphkit.synthetic.labelled import write_labelled_corpus

from .conftest import SEEDS
from .virtuoso import Virtuoso, find_virtuoso, start_virtuoso

SLICE = Path(__file__).resolve().parent / "fixtures" / "uci-news-slice.csv"
GRAPH = "https://graphkit.example/id/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"

pytestmark = pytest.mark.skipif(
    find_virtuoso() is None and not os.environ.get("CI"),
    reason="virtuoso-t is not installed (scripts/test installs it)",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    records = tmp_path_factory.mktemp("records")
    write_labelled_corpus(SLICE, records, noise=0.05, seed=3)
    shutil.copytree(SEEDS, records / "seeds")
    folder = tmp_path_factory.mktemp("out")
    build([records], folder, progress=False)
    return folder


@pytest.fixture(scope="module")
def pushed(store: Virtuoso, out: Path) -> Any:
    return push_graph(
        out,
        store.graph_store_url,
        user=store.user,
        password=store.password,
        batch_triples=700,
        progress=False,
    )


def remote_count(store: Virtuoso, graph: str = GRAPH) -> int:
    result, _ = query_endpoint(store.sparql_url, COUNT.format(graph=graph))
    assert result.rows[0][0] is not None
    return int(result.rows[0][0].value)


def triples_in(out: Path) -> int:
    return sum(1 for line in (out / "graph.nt").read_bytes().splitlines() if line.strip())


def canned_values(out: Path) -> dict[str, dict[str, str]]:
    """Parameters for every canned query, taken from the data itself."""
    first, _ = query_data(out, "first-coverage")
    story = next(row[0].value for row in first.rows if row[0] is not None)
    outlet = next(row[2].value for row in first.rows if row[2] is not None)
    topics, _ = query_data(out, "topics-by-outlet")
    values: dict[str, dict[str, str]] = {name: {} for name in canned_queries()}
    values["story-timeline"] = {"story": story}
    values["articles-per-day"] = {"outlet": outlet}
    if topics.rows and topics.rows[0][0] is not None:
        values["topics-by-outlet"] = {"topic": topics.rows[0][0].value}
    return values


def test_a_push_sends_every_triple_in_batches(store: Virtuoso, out: Path, pushed: Any) -> None:
    total = triples_in(out)
    assert total > 2000  # enough for several batches
    assert pushed.triples == total
    assert pushed.batches == -(-total // 700)
    assert remote_count(store) == total


def test_every_canned_query_answers_the_same_there_as_here(
    store: Virtuoso, out: Path, pushed: Any
) -> None:
    for name, params in canned_values(out).items():
        local, _ = query_data(out, name, params)
        remote, base = query_endpoint(store.sparql_url, name, params, graph=GRAPH)
        assert base == GRAPH
        assert local.rows, f"{name} gave no rows here: the comparison would prove nothing"
        assert as_json(remote) == as_json(local), name


def test_a_name_the_pushed_graph_does_not_hold_is_said_there_too(
    store: Virtuoso, out: Path, pushed: Any
) -> None:
    """No silent empty answer over --endpoint either: names are looked up in that store."""
    story = canned_values(out)["story-timeline"]["story"]
    whole, _ = query_endpoint(store.sparql_url, "story-timeline", {"story": story}, graph=GRAPH)
    prefix, _ = query_endpoint(store.sparql_url, "story-timeline", {"story": story[:7]},
                               graph=GRAPH)  # fmt: skip
    assert whole.rows and as_json(prefix) == as_json(whole)
    for name, param in (("story-timeline", "story"), ("articles-per-day", "outlet")):
        with pytest.raises(NothingNamedError, match=f"no {param} 'zz-nothing'"):
            query_endpoint(store.sparql_url, name, {param: "zz-nothing"}, graph=GRAPH)


def test_pushing_again_replaces_the_graph(store: Virtuoso, out: Path, pushed: Any) -> None:
    again = push_graph(
        out,
        store.graph_store_url,
        user=store.user,
        password=store.password,
        batch_triples=5000,
        progress=False,
    )
    assert again.triples == pushed.triples
    assert remote_count(store) == triples_in(out)


def test_a_smaller_build_pushed_over_a_bigger_one_leaves_no_stale_triples(
    store: Virtuoso, tmp_path: Path
) -> None:
    small = tmp_path / "small"
    build([SEEDS], small, progress=False)
    graph = "https://graphkit.example/test/replaced"
    for data in (small, small):
        push_graph(
            data,
            store.graph_store_url,
            graph,
            user=store.user,
            password=store.password,
            batch_triples=300,
            progress=False,
        )
    assert remote_count(store, graph) == triples_in(small)


def test_a_wrong_password_is_refused_clearly_and_changes_nothing(
    store: Virtuoso, out: Path, pushed: Any
) -> None:
    before = remote_count(store)
    with pytest.raises(PushError) as refused:
        push_graph(
            out, store.graph_store_url, user=store.user, password="not-the-password", progress=False
        )
    message = str(refused.value)
    assert "HTTP 401" in message and "wrong user name or password" in message
    assert "is as it was" in message and "not-the-password" not in message
    assert remote_count(store) == before


def test_a_push_that_fails_half_way_says_what_the_graph_holds(
    store: Virtuoso, out: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copytree(out / "store", broken / "store")
    lines = (out / "graph.nt").read_bytes().splitlines(keepends=True)
    # The third batch of 500 holds a line no store can parse.
    (broken / "graph.nt").write_bytes(
        b"".join(lines[:1200]) + b"<not a triple\n" + b"".join(lines[1200:])
    )
    graph = "https://graphkit.example/test/half-way"
    with pytest.raises(PushError) as stopped:
        push_graph(
            broken,
            store.graph_store_url,
            graph,
            user=store.user,
            password=store.password,
            batch_triples=500,
            retries=0,
            progress=False,
        )
    message = str(stopped.value)
    assert "batch 3" in message and f"the first 1,000 of {len(lines) + 1:,} triples" in message
    assert remote_count(store, graph) == 1000


def graphkit(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m graphkit ARGS`, with GRAPHKIT_PASSWORD set when `password` is given."""
    env = {**os.environ, **({"GRAPHKIT_PASSWORD": password} if password else {})}
    return subprocess.run(
        [sys.executable, "-m", "graphkit", *args],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_the_command_line_push_takes_the_password_from_the_environment(
    store: Virtuoso, out: Path
) -> None:
    graph = "https://graphkit.example/test/cli"
    done = graphkit(
        "push", "--data", str(out), "--endpoint", store.graph_store_url, "--graph", graph,
        "--user", store.user, password=store.password,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    total = triples_in(out)
    batches = -(-total // PUSH_BATCH_TRIPLES)
    assert done.stdout.startswith(
        f"pushed {total:,} triples in {batches} batches to graph <{graph}>"
    )
    csv = ("query", "first-coverage", "--format", "csv")
    queried = graphkit(*csv, "--endpoint", store.sparql_url, "--graph", graph)
    local = graphkit(*csv, "--data", str(out))
    assert queried.returncode == 0, queried.stderr
    assert queried.stdout == local.stdout and queried.stdout.count("\n") > 10


def test_a_wrong_password_at_the_command_line_is_one_clear_line(store: Virtuoso, out: Path) -> None:
    done = graphkit(
        "push", "--data", str(out), "-q", "--endpoint", store.graph_store_url,
        "--user", store.user, password="s3cret-but-wrong",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert "HTTP 401" in done.stderr and "s3cret-but-wrong" not in done.stderr + done.stdout


def test_an_unreachable_endpoint_is_a_clear_error(out: Path) -> None:
    with pytest.raises(RemoteError, match=r"cannot reach http://127\.0\.0\.1:9/"):
        query_endpoint("http://127.0.0.1:9/sparql", "first-coverage")
    with pytest.raises(PushError, match="Nothing was pushed"):
        push_graph(out, "http://127.0.0.1:9/data", retries=0, progress=False)


def test_a_staged_push_that_fails_leaves_the_graph_as_it_was(
    store: Virtuoso, out: Path, tmp_path: Path
) -> None:
    graph = "https://graphkit.example/test/staged"
    small = tmp_path / "small"
    build([SEEDS], small, progress=False)
    login = {"user": store.user, "password": store.password, "progress": False}
    push_graph(small, store.graph_store_url, graph, update_url=store.update_url, **login)
    assert remote_count(store, graph) == triples_in(small)
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copytree(out / "store", broken / "store")
    lines = (out / "graph.nt").read_bytes().splitlines(keepends=True)
    (broken / "graph.nt").write_bytes(b"".join(lines[:1200]) + b"<no\n" + b"".join(lines[1200:]))
    with pytest.raises(PushError) as stopped:
        push_graph(
            broken,
            store.graph_store_url,
            graph,
            update_url=store.update_url,
            batch_triples=500,
            retries=0,
            **login,
        )
    assert str(stopped.value).endswith(f"<{graph}> is as it was.")
    assert remote_count(store, graph) == triples_in(small)
    push_graph(
        out, store.graph_store_url, graph, update_url=store.update_url, batch_triples=5000, **login
    )
    assert remote_count(store, graph) == triples_in(out)
    staging, _ = query_endpoint(
        store.sparql_url,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER STRSTARTS(STR(?g), 'urn:graphkit:') }",
    )
    assert staging.rows == []  # the failed push's staging graph was dropped, the good one moved
