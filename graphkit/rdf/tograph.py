"""The coverage graph (networkx) read back from a build's RDF, for a build opened later.

A build makes its networkx graph only when asked to export it; an opened build
(`graphkit.open`) has its `graph.nt`, which says the same: the same nodes (`article:<canonical
URL>`, `provider:<domain>`, `topic:<key>`, `category:<key>`, `story:<id>`) and the same edges
(`published_by`, `about`, `in_category`, `related`, `in_story`, `first_by`) as
`graphkit.analysis.add_stories(coverage_graph(corpus), coverage)`, with the attributes the RDF
carries (tests/test_opened.py holds the two to the same nodes and edges): not the files that
listed each related link, nor the name variants and aliases, which the RDF does not hold.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from ..analysis.graph import ARTICLE, CATEGORY, PROVIDER, STORY, TOPIC, node_id
from ..resolve import label_key
from .terms import GK, SCHEMA, SKOS

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_KINDS = {
    SCHEMA + "NewsArticle": ARTICLE,
    SCHEMA + "NewsMediaOrganization": PROVIDER,
    SKOS + "Concept": TOPIC,
    GK + "Story": STORY,
}
# predicate: (kind of subject, attribute)
_ATTRIBUTES = {
    SCHEMA + "headline": (ARTICLE, "title"),
    SCHEMA + "url": (None, "url"),
    GK + "canonicalUrl": (ARTICLE, "canonical_url"),
    SCHEMA + "datePublished": (ARTICLE, "published_utc"),
    GK + "timeStatus": (ARTICLE, "time_status"),
    GK + "hasRecord": (ARTICLE, "has_record"),
    GK + "quality": (ARTICLE, "quality"),
    GK + "heat": (ARTICLE, "heat"),
    SCHEMA + "name": (None, "label"),
    SCHEMA + "identifier": (None, "key"),
    SKOS + "prefLabel": (TOPIC, "label"),
    GK + "firstPublished": (STORY, "first_published_utc"),
    GK + "lastPublished": (STORY, "last_published_utc"),
    GK + "articleCount": (STORY, "article_count"),
    GK + "outletCount": (STORY, "outlet_count"),
    GK + "lagSeconds": (ARTICLE, "lag_seconds"),  # on the article's in_story edge
}
_NUMBERS = {"quality", "heat", "article_count", "outlet_count"}


def graph_from_rdf(nt_file: Path) -> nx.MultiDiGraph:
    """The coverage graph of a build from its `graph.nt`."""
    kinds: dict[str, str] = {}
    values: dict[str, dict[str, Any]] = defaultdict(dict)
    links: list[tuple[str, str, str]] = []  # (subject, predicate, object IRI)
    sections: list[tuple[str, str]] = []  # (article, category label)
    for triple in parse(path=str(nt_file), format=RdfFormat.N_TRIPLES):
        subject, predicate, thing = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, NamedNode):
            continue
        if predicate == RDF_TYPE and isinstance(thing, NamedNode) and thing.value in _KINDS:
            kinds[subject.value] = _KINDS[thing.value]
        elif predicate == SCHEMA + "articleSection" and isinstance(thing, Literal):
            sections.append((subject.value, thing.value))
        elif predicate in _ATTRIBUTES and isinstance(thing, Literal | NamedNode):
            attribute = _ATTRIBUTES[predicate][1]  # schema:url is an IRI, the others literals
            values[subject.value][attribute] = _value(attribute, thing)
        elif isinstance(thing, NamedNode):
            links.append((subject.value, predicate, thing.value))
    return _graph(kinds, values, links, sections)


def _value(attribute: str, literal: Literal | NamedNode) -> Any:
    if attribute == "lag_seconds":
        return float(literal.value)
    if attribute in _NUMBERS:
        number = float(literal.value)
        return int(number) if number.is_integer() else number
    if attribute == "has_record":
        return literal.value == "true"
    return literal.value


def _graph(
    kinds: dict[str, str],
    values: dict[str, dict[str, Any]],
    links: list[tuple[str, str, str]],
    sections: list[tuple[str, str]],
) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name="graphkit coverage")
    names: dict[str, str] = {}  # IRI: node id
    for iri, kind in kinds.items():
        attributes = dict(values.get(iri, {}))
        key = _key(kind, iri, attributes)
        names[iri] = node_id(kind, key)
        if kind == ARTICLE:
            attributes.setdefault("label", attributes.get("title", attributes.get("url")))
        elif kind == PROVIDER:
            attributes["domain"] = key
        elif kind == STORY:
            attributes["story_id"] = key
        attributes.pop("key", None)
        graph.add_node(names[iri], kind=kind, **attributes)
    for article, label in sections:
        category = node_id(CATEGORY, label_key(label))
        graph.add_node(category, kind=CATEGORY, label=label)
        graph.add_edge(names[article], category, key="in_category")
    _add_links(graph, names, links)
    return graph


def _key(kind: str, iri: str, attributes: dict[str, Any]) -> str:
    if kind == ARTICLE:
        return str(attributes["canonical_url"])
    if kind == TOPIC:
        return label_key(str(attributes["label"]))
    return str(attributes.get("key", iri))


def _add_links(graph: nx.MultiDiGraph, names: dict[str, str], links: list[Any]) -> None:
    """The edges between nodes: what each predicate between two IRIs is in the graph."""
    publisher: dict[str, str] = {}
    firsts: dict[str, list[str]] = defaultdict(list)
    stories: dict[str, str] = {}
    for subject, predicate, thing in links:
        if subject not in names or thing not in names:
            continue
        source, target = names[subject], names[thing]
        if predicate == SCHEMA + "publisher":
            graph.add_edge(source, target, key="published_by")
            publisher[source] = target
        elif predicate == SCHEMA + "about" and graph.nodes[source]["kind"] == ARTICLE:
            graph.add_edge(source, target, key="about")
        elif predicate == GK + "relatedCoverage":
            graph.add_edge(source, target, key="related")
        elif predicate == GK + "story":
            stories[source] = target
        elif predicate == GK + "firstCoverage":
            firsts[source].append(target)
    first_articles = {article for articles in firsts.values() for article in articles}
    for article, story in stories.items():
        edge: dict[str, Any] = {"is_first": article in first_articles}
        lag = graph.nodes[article].pop("lag_seconds", None)
        if lag is not None:
            edge["lag_seconds"] = lag
        graph.add_edge(article, story, key="in_story", **edge)
    for story, articles in firsts.items():
        for outlet in dict.fromkeys(publisher[a] for a in articles if a in publisher):
            graph.add_edge(story, outlet, key="first_by")
