"""`graphkit build` writes graph.ttl, graph.nt, graph.jsonld and store/: the same graph, read by
Oxigraph, rdflib and Raptor's rapper."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import graphkit
from graphkit.rdf import RDF_FILES, open_store, run_query
from graphkit.rdf.store import StoreLoader

from .conftest import SEEDS
from .rdf_support import BASE, build_seeds, ntriples, rows

# rdflib's JSON-LD parser still builds a ConjunctiveGraph inside.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")

FORMATS = {"graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}
OX_FORMATS = {
    "graph.ttl": ox.RdfFormat.TURTLE,
    "graph.nt": ox.RdfFormat.N_TRIPLES,
    "graph.jsonld": ox.RdfFormat.JSON_LD,
}
RAPPER = {"graph.ttl": "turtle", "graph.nt": "ntriples"}  # Raptor has no JSON-LD parser


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    build_seeds(folder)
    return folder


def oxigraph_triples(path: Path) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(path=str(path), format=OX_FORMATS[path.name])}


def test_build_writes_the_rdf_files_and_the_store(out: Path) -> None:
    for name in RDF_FILES:
        assert (out / name).stat().st_size > 10_000
    assert (out / "store" / "CURRENT").is_file()
    assert not list(out.glob(".store*")), "no temporary store left behind"


def test_the_three_files_are_the_same_graph_for_oxigraph(out: Path) -> None:
    graphs = {name: oxigraph_triples(out / name) for name in RDF_FILES}
    assert len(graphs["graph.nt"]) == (out / "graph.nt").read_text().count("\n")
    assert graphs["graph.ttl"] == graphs["graph.nt"] == graphs["graph.jsonld"]


def test_the_three_files_are_the_same_graph_for_rdflib(out: Path) -> None:
    graphs = {name: rdflib.Graph().parse(out / name, format=fmt) for name, fmt in FORMATS.items()}
    reference = set(graphs["graph.nt"])
    assert len(reference) > 1000
    assert set(graphs["graph.ttl"]) == reference
    assert set(graphs["graph.jsonld"]) == reference


@pytest.mark.parametrize("name", sorted(RAPPER))
def test_rapper_reads_the_file(out: Path, name: str) -> None:
    rapper = shutil.which("rapper")
    assert rapper, "rapper (Debian raptor2-utils) is missing: scripts/test installs it"
    done = subprocess.run(
        [rapper, "-i", RAPPER[name], "-c", str(out / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = len(oxigraph_triples(out / "graph.nt"))
    assert f"Parsing returned {expected} triples" in done.stderr


def test_the_files_are_the_same_on_every_build(out: Path, tmp_path: Path) -> None:
    build_seeds(tmp_path)
    for name in RDF_FILES:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_jsonld_is_compact_with_the_usual_prefixes(out: Path) -> None:
    document = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["schema"] == "https://schema.org/"
    outlet = next(n for n in document["@graph"] if n["@id"] == BASE + "outlet/cnn.com")
    assert outlet["@type"] == "schema:NewsMediaOrganization"
    assert outlet["schema:name"] == "CNN"


def test_turtle_uses_prefixes_for_minted_iris(out: Path) -> None:
    text = (out / "graph.ttl").read_text(encoding="utf-8")
    assert f"@prefix outlet: <{BASE}outlet/> ." in text
    assert "outlet:cnn.com a schema:NewsMediaOrganization" in text


def test_the_store_answers_without_a_rebuild_and_matches_the_files(out: Path) -> None:
    store = open_store(out)
    assert store.base == BASE
    count = rows(run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert count == [(str(len(oxigraph_triples(out / "graph.nt"))),)]


def test_a_rebuild_replaces_the_store_whole(tmp_path: Path) -> None:
    build_seeds(tmp_path, base="https://first.example/id/")
    build_seeds(tmp_path, base="https://second.example/id/")
    store = open_store(tmp_path)
    assert store.base == "https://second.example/id/"
    subjects = rows(run_query(store, "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"))
    assert not [s for (s,) in subjects if "first.example" in s]


def test_the_base_setting_reaches_every_file(tmp_path: Path) -> None:
    result = build_seeds(tmp_path, base="https://news.example/kg/")
    assert (tmp_path / "graph.nt").read_bytes() == ntriples(result, "https://news.example/kg/")
    assert "graphkit.example/id/" not in (tmp_path / "graph.ttl").read_text(encoding="utf-8")


def test_the_default_build_streams_the_same_n_triples_into_the_same_store(tmp_path: Path) -> None:
    result = graphkit.build(SEEDS, tmp_path)  # graph.nt only: written as a stream
    written = (tmp_path / "graph.nt").read_bytes()
    assert written == ntriples(result)
    assert not (tmp_path / "graph.ttl").exists()
    count = rows(run_query(open_store(tmp_path), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert int(count[0][0]) == written.count(b"\n")


def test_the_store_loads_from_spans_of_a_file_still_being_written(tmp_path: Path) -> None:
    lines = [f'<https://x.example/a{i}> <https://x.example/p> "{i}" .\n' for i in range(1000)]
    with (tmp_path / "graph.nt").open("w+b") as stream, StoreLoader(tmp_path) as loader:
        at = 0
        for run in (lines[:400], lines[400:]):
            data = "".join(run).encode()
            stream.write(data)
            stream.flush()
            loader.load_span(stream, at, len(data))
            at += len(data)
        assert not loader.target.exists()  # put in place when the loader is left
    assert len(ox.Store.read_only(str(loader.target))) == 1000


def test_a_span_past_the_end_of_its_file_fails_the_load_and_leaves_no_store(
    tmp_path: Path,
) -> None:
    with (tmp_path / "graph.nt").open("w+b") as stream:
        stream.write(b'<https://x.example/a> <https://x.example/p> "1" .\n')
        stream.flush()
        loader = StoreLoader(tmp_path)
        with pytest.raises(OSError, match="ended 10 bytes early"), loader:
            loader.load_span(stream, 0, stream.tell() + 10)
    assert not loader.target.exists() and not loader.fresh.exists()
    with (
        (tmp_path / "graph.nt").open("wb") as stream,
        StoreLoader(tmp_path) as loader,
        pytest.raises(ValueError, match="open for reading and writing"),
    ):
        loader.load_span(stream, 0, 0)  # its loader could not read it back


def test_the_store_loads_behind_the_next_stages_and_goes_if_they_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = graphkit.build(SEEDS, tmp_path)
    count = rows(run_query(open_store(tmp_path), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    stages = list(first.timings.steps)
    assert stages.index("rdf") < stages.index("views") < stages.index("store")

    def no_room(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(graphkit.pipeline, "write_views", no_room)  # while the store loads
    with pytest.raises(OSError, match="No space left"):
        graphkit.build(SEEDS, tmp_path, base="https://other.example/id/")
    store = open_store(tmp_path)
    assert store.base == BASE  # the first build's, whole
    assert rows(run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")) == count
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".store")]
