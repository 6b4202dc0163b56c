"""SHACL: the export of seeds/ conforms to the shipped shapes; broken graphs do not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef

from graphkit.rdf import SHAPES

from .rdf_support import build_seeds

# rdflib's JSON-LD parser still builds a ConjunctiveGraph inside.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")

SCHEMA = Namespace("https://schema.org/")
GK = Namespace("https://graphkit.example/vocab#")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    build_seeds(folder)
    return folder


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def validate(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes)
    assert isinstance(report, Graph)
    return bool(conforms), report


def violations(report: Graph) -> set[tuple[str, str]]:
    """(constraint component, path) of each result, short names only."""
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        component = str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        path = str(report.value(result, SH.resultPath)).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        found.add((component, path))
    return found


@pytest.mark.parametrize("name", ["graph.ttl", "graph.nt", "graph.jsonld"])
def test_the_seeds_export_conforms(out: Path, shapes: Graph, name: str) -> None:
    fmt = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[name.split(".")[1]]
    conforms, report = validate(Graph().parse(out / name, format=fmt), shapes)
    assert conforms, report.serialize(format="turtle")


def first_article(graph: Graph) -> URIRef:
    return sorted(graph.subjects(RDF.type, SCHEMA.NewsArticle))[0]  # type: ignore[type-var]


def first_story(graph: Graph) -> URIRef:
    return sorted(graph.subjects(RDF.type, GK.Story))[0]  # type: ignore[type-var]


def local_time(graph: Graph) -> None:
    local = Literal("2021-02-17T23:21:00+01:00", datatype=XSD.dateTime)
    graph.set((first_article(graph), SCHEMA.datePublished, local))


def blank_publisher(graph: Graph) -> None:
    article = first_article(graph)
    graph.remove((article, SCHEMA.publisher, None))
    graph.add((article, SCHEMA.publisher, BNode()))


def stray_property(graph: Graph) -> None:
    graph.add((first_article(graph), GK.lagSecs, Literal(3)))


def no_canonical_url(graph: Graph) -> None:
    graph.remove((first_article(graph), GK.canonicalUrl, None))


def negative_lag(graph: Graph) -> None:
    graph.set((first_article(graph), GK.lagSeconds, Literal("-60", datatype=XSD.decimal)))


def unknown_time_status(graph: Graph) -> None:
    graph.set((first_article(graph), GK.timeStatus, Literal("late")))


def wrong_first_coverage(graph: Graph) -> None:
    stories = sorted(graph.subjects(RDF.type, GK.Story))  # type: ignore[type-var]
    elsewhere = graph.value(stories[1], GK.firstCoverage)
    graph.add((stories[0], GK.firstCoverage, elsewhere))


def two_stories(graph: Graph) -> None:
    stories = sorted(graph.subjects(RDF.type, GK.Story))  # type: ignore[type-var]
    graph.add((first_article(graph), GK.story, stories[-1]))


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (local_time, ("PatternConstraintComponent", "datePublished")),
        (blank_publisher, ("NodeKindConstraintComponent", "publisher")),
        (stray_property, ("ClosedConstraintComponent", "lagSecs")),
        (no_canonical_url, ("MinCountConstraintComponent", "canonicalUrl")),
        (negative_lag, ("MinInclusiveConstraintComponent", "lagSeconds")),
        (unknown_time_status, ("InConstraintComponent", "timeStatus")),
        (wrong_first_coverage, ("SPARQLConstraintComponent", "firstCoverage")),
        (two_stories, ("MaxCountConstraintComponent", "story")),
    ],
)
def test_a_broken_graph_does_not_conform(
    out: Path, shapes: Graph, breakage: Callable[[Graph], None], expected: tuple[str, str]
) -> None:
    graph = Graph().parse(out / "graph.nt", format="nt")
    breakage(graph)
    conforms, report = validate(graph, shapes)
    assert not conforms
    assert expected in violations(report)
