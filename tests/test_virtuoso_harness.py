"""The Virtuoso harness (tests/virtuoso.py) starts a real server that takes Graph Store uploads.

Uses only the standard library's HTTP client, with digest authentication as Virtuoso wants.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.virtuoso import Virtuoso, find_virtuoso, running_virtuoso

pytestmark = pytest.mark.skipif(
    find_virtuoso() is None,
    reason="virtuoso-t is missing (scripts/test installs virtuoso-opensource-7-bin with apt)",
)

GRAPH = "https://graphkit.example/test/harness"
TRIPLES = """\
<https://graphkit.example/id/a> <https://schema.org/name> "Café – “quoted” 北京" .
<https://graphkit.example/id/a> <https://schema.org/identifier> "a" .
<https://graphkit.example/id/b> <https://schema.org/name> "b"@en .
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def opener(store: Virtuoso, password: str) -> urllib.request.OpenerDirector:
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, store.base_url, store.user, password)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))


def put_graph(store: Virtuoso, body: str, password: str) -> int:
    url = store.graph_store_url + "?" + urllib.parse.urlencode({"graph-uri": GRAPH})
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="PUT")
    request.add_header("Content-Type", "application/n-triples")
    with opener(store, password).open(request, timeout=30) as response:
        return int(response.status)


def select(store: Virtuoso, query: str) -> list[dict[str, dict[str, str]]]:
    request = urllib.request.Request(
        store.sparql_url,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return list(json.load(response)["results"]["bindings"])


def test_upload_then_count(store: Virtuoso) -> None:
    assert put_graph(store, TRIPLES, store.password) in (200, 201)
    rows = select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert rows[0]["n"]["value"] == "3"
    names = select(
        store, f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s <https://schema.org/name> ?o }} }}"
    )
    assert {row["o"]["value"] for row in names} == {"Café – “quoted” 北京", "b"}


def test_wrong_password_is_refused(store: Virtuoso) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        put_graph(store, TRIPLES, "not-the-password")
    assert refused.value.code == 401
    assert refused.value.headers["WWW-Authenticate"].startswith("Digest ")


def test_stop_ends_the_server(tmp_path: Path) -> None:
    with running_virtuoso(tmp_path) as server:
        assert server.answers()
    assert server.process.returncode is not None
    assert not server.answers()
