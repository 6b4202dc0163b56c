"""The coverage as RDF: vocabulary, stable IRIs under a base that is a setting, no blank nodes."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

import graphkit
from graphkit.rdf import GK, SHAPES, VOCABULARY, Minter, coverage_triples, resolve_base
from graphkit.rdf.terms import BaseIriError, topic_slug
from graphkit.records import read_records
from graphkit.resolve import resolve

from .conftest import SEED_RECORD, SEEDS
from .rdf_support import BASE

SCHEMA = "https://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@pytest.fixture(scope="module")
def seeds() -> graphkit.Build:
    return graphkit.build(SEEDS)


@pytest.fixture(scope="module")
def triples(seeds: graphkit.Build) -> list[ox.Triple]:
    return coverage_triples(seeds.corpus, seeds.coverage, base=BASE)


def objects(triples: list[ox.Triple], subject: str, predicate: str) -> list[str]:
    return sorted(
        t.object.value
        for t in triples
        if t.subject.value == subject and t.predicate.value == predicate
    )


def test_every_node_is_an_iri(triples: list[ox.Triple]) -> None:
    assert triples
    assert all(isinstance(t.subject, ox.NamedNode) for t in triples)
    assert not any(isinstance(t.object, ox.BlankNode) for t in triples)


def test_one_node_per_entity_of_the_corpus(seeds: graphkit.Build, triples: list[ox.Triple]) -> None:
    typed: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate == RDF_TYPE:
            typed.setdefault(t.object.value, set()).add(t.subject.value)
    assert len(typed[SCHEMA + "NewsArticle"]) == len(seeds.corpus.articles) == 55
    assert len(typed[SCHEMA + "NewsMediaOrganization"]) == len(seeds.corpus.providers) == 21
    assert len(typed["http://www.w3.org/2004/02/skos/core#Concept"]) == 24
    assert len(typed[GK + "Story"]) == len(seeds.coverage)


def test_the_seed_record_in_schema_org_terms() -> None:
    corpus = resolve(read_records([SEED_RECORD]).records)
    coverage = graphkit.build(SEED_RECORD).coverage
    triples = coverage_triples(corpus, coverage, base=BASE)
    mint = Minter(BASE)
    post = mint.article("https://washingtonpost.com/technology/2021/02/17/facial-recognition-biden")
    assert objects(triples, post, SCHEMA + "datePublished") == ["2021-02-17T23:21:00Z"]
    assert objects(triples, post, SCHEMA + "publisher") == [mint.outlet("washingtonpost.com")]
    assert objects(triples, post, GK + "lagSeconds") == ["0"]
    dot = mint.article("https://dailydot.com/debug/biden-facial-recognition-pressure")
    assert objects(triples, dot, GK + "lagSeconds") == ["60720"]  # 16 h 52 min
    assert objects(triples, dot, SCHEMA + "headline") == [
        "Civil rights groups want Biden to halt government use of facial recognition"
    ]
    assert objects(triples, dot, SCHEMA + "articleSection") == ["news"]
    assert objects(triples, dot, GK + "heat") == ["79"]
    assert objects(triples, dot, SCHEMA + "about") == sorted(
        mint.topic(key) for key in ("ai", "computer vision", "natural language processing")
    )
    [image] = objects(triples, dot, SCHEMA + "image")
    assert objects(triples, image, SCHEMA + "width") == ["2000"]
    outlet = mint.outlet("dailydot.com")
    assert objects(triples, outlet, SCHEMA + "name") == ["The Daily Dot"]
    assert objects(triples, outlet, SCHEMA + "url") == ["https://dailydot.com/"]
    story = mint.story(coverage[0].id)
    assert objects(triples, story, GK + "firstCoverage") == [post]
    assert objects(triples, story, GK + "firstPublished") == ["2021-02-17T23:21:00Z"]


def test_times_are_utc_datetimes(triples: list[ox.Triple]) -> None:
    dates = [t.object for t in triples if t.predicate.value == SCHEMA + "datePublished"]
    assert len(dates) == 55
    assert all(d.datatype.value.endswith("#dateTime") and d.value.endswith("Z") for d in dates)


def test_outlet_name_variants_are_alternate_names(seeds: graphkit.Build, triples) -> None:
    varied = [p for p in seeds.corpus.providers.values() if len(set(p.names)) > 1]
    assert varied
    for provider in varied:
        outlet = Minter(BASE).outlet(provider.domain)
        assert objects(triples, outlet, SCHEMA + "name") == [provider.name]
        assert objects(triples, outlet, SCHEMA + "alternateName") == sorted(
            set(provider.names) - {provider.name}
        )


def test_same_input_same_triples_on_every_run(seeds: graphkit.Build, triples) -> None:
    again = graphkit.build(SEEDS)
    assert coverage_triples(again.corpus, again.coverage, base=BASE) == triples


def test_iris_do_not_depend_on_record_order(tmp_path: Path, triples) -> None:
    files = sorted(p for p in SEEDS.iterdir() if p.is_file())
    shuffled = files[:]
    random.Random(4).shuffle(shuffled)
    for index, path in enumerate(shuffled):  # path order is reading order: rename to reorder
        (tmp_path / f"{index:03d}_{path.name}").write_bytes(path.read_bytes())
    again = graphkit.build(tmp_path)
    nodes = {t.subject.value for t in coverage_triples(again.corpus, again.coverage, base=BASE)}
    assert nodes == {t.subject.value for t in triples}


def test_the_base_is_a_setting(seeds: graphkit.Build, monkeypatch: pytest.MonkeyPatch) -> None:
    other = coverage_triples(seeds.corpus, seeds.coverage, base="https://news.example/kg/")
    minted = {t.subject.value for t in other if "graphkit.example/vocab" not in t.subject.value}
    assert minted and all(iri.startswith("https://news.example/kg/") for iri in minted)
    monkeypatch.setenv("GRAPHKIT_BASE", "https://env.example/id/")
    assert resolve_base() == "https://env.example/id/"
    assert resolve_base("https://given.example/") == "https://given.example/"
    with pytest.raises(BaseIriError):
        resolve_base("ftp://x.example/id")


def test_minted_iris_follow_the_documented_patterns() -> None:
    mint = Minter(BASE)
    assert mint.article("https://bbc.co.uk/news/1") == BASE + "article/204f8b3492c14f3d"
    assert mint.outlet("bbc.co.uk") == BASE + "outlet/bbc.co.uk"
    assert mint.story("s-be87dfd58115") == BASE + "story/s-be87dfd58115"
    assert mint.image("https://x.example/a.jpg").startswith(BASE + "image/")


@pytest.mark.parametrize(
    ("a", "b"),
    [("a b", "a_b"), ("a-b", "a b"), ("c++", "c"), ("électricité", "electricite"), ("x", "_x")],
)
def test_distinct_topic_keys_get_distinct_slugs(a: str, b: str) -> None:
    assert topic_slug(a) != topic_slug(b)
    assert ox.NamedNode(BASE + "topic/" + topic_slug(a))  # a valid IRI


def test_every_graphkit_term_used_is_defined_with_a_label_and_a_comment(triples) -> None:
    vocabulary = ox.Store()
    vocabulary.load(path=str(VOCABULARY), format=ox.RdfFormat.TURTLE)
    defined = {q.subject.value for q in vocabulary if q.subject.value.startswith(GK)}
    used = {t.predicate.value for t in triples if t.predicate.value.startswith(GK)}
    used |= {t.object.value for t in triples if t.object.value.startswith(GK)}
    assert used <= defined
    for term in defined:
        for needed in ("label", "comment"):
            found = vocabulary.quads_for_pattern(
                ox.NamedNode(term), ox.NamedNode(RDFS + needed), None
            )
            assert list(found), f"{term} has no rdfs:{needed}"


def test_vocabulary_and_shapes_ship_in_the_package() -> None:
    for path in (VOCABULARY, SHAPES):
        assert path.is_file() and path.parent.name == "rdf"
        assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))) > 20
