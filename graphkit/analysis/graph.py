"""The coverage graph: articles, outlets, topics and categories as one networkx MultiDiGraph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..records import iso_utc
from ..resolve import Article, Corpus
from .coverage import CoverageTables, StoryCoverage

ARTICLE, PROVIDER, TOPIC, CATEGORY = "article", "provider", "topic", "category"
STORY = "story"


def node_id(kind: str, key: str) -> str:
    """Graph node ids carry their kind, so an outlet and a topic can share a name.

    >>> node_id("provider", "bbc.co.uk")
    'provider:bbc.co.uk'
    """
    return f"{kind}:{key}"


def coverage_graph(corpus: Corpus) -> nx.MultiDiGraph:
    """Build the graph: `related`, `published_by`, `about` and `in_category` edges.

    Node attributes carry the resolved fields; times are ISO 8601 UTC strings.

    >>> from graphkit.records import read_records
    >>> from graphkit.resolve import resolve
    >>> g = coverage_graph(resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records))
    >>> sorted(k for _, _, k in g.edges(keys=True)).count("related")
    2
    """
    graph = nx.MultiDiGraph(name="graphkit coverage")
    for provider in corpus.providers.values():
        graph.add_node(
            node_id(PROVIDER, provider.domain),
            kind=PROVIDER,
            label=provider.name,
            domain=provider.domain,
            names=list(provider.names),
            url=f"https://{provider.domain}/",
        )
    for kind, table in ((TOPIC, corpus.topics), (CATEGORY, corpus.categories)):
        for label in table.values():
            graph.add_node(
                node_id(kind, label.key),
                kind=kind,
                label=label.label,
                variants=list(label.variants),
            )
    for article in corpus.articles.values():
        article_node = node_id(ARTICLE, article.id)
        graph.add_node(article_node, **article_attributes(article))
        if article.provider:
            graph.add_edge(article_node, node_id(PROVIDER, article.provider), key="published_by")
        for topic in article.topics:
            graph.add_edge(article_node, node_id(TOPIC, topic), key="about")
        for category in article.categories:
            graph.add_edge(article_node, node_id(CATEGORY, category), key="in_category")
    for link in corpus.related:
        graph.add_edge(
            node_id(ARTICLE, link.source),
            node_id(ARTICLE, link.target),
            key="related",
            sources=list(link.files),
        )
    return graph


@dataclass(frozen=True)
class GraphSize:
    """How many nodes and edges (by relation) the coverage graph has, without building it."""

    nodes: int
    edges_by_relation: dict[str, int]

    @property
    def edges(self) -> int:
        return sum(self.edges_by_relation.values())


def graph_size(
    corpus: Corpus, coverage: CoverageTables | Sequence[StoryCoverage] = ()
) -> GraphSize:
    """The size of `add_stories(coverage_graph(corpus), coverage)`, counted from the tables.

    Every edge joins nodes that exist, and no two have the same ends and relation (topics,
    categories and links are unique per article), so the counts are sums.

    >>> from graphkit.records import read_records
    >>> from graphkit.resolve import resolve
    >>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
    >>> size = graph_size(corpus)
    >>> size.nodes, size.edges, size.edges_by_relation["related"]
    (10, 9, 2)
    """
    t, stories = corpus.tables, CoverageTables.of(coverage)
    firsts = stories.summary()["first_providers"].list.len().sum() if len(stories) else 0
    relations = Counter(
        published_by=int(t.articles["provider"].is_not_null().sum()),
        about=t.article_topics.height,
        in_category=t.article_categories.height,
        related=t.links.height,
        in_story=stories.entries.height,
        first_by=int(firsts),
    )
    nodes = t.providers.height + t.topics.height + t.categories.height
    nodes += t.articles.height + len(stories)
    return GraphSize(nodes, dict(sorted((+relations).items())))


def article_attributes(article: Article) -> dict[str, Any]:
    """An article's resolved fields as plain values (no `None`, times as ISO strings)."""
    values: dict[str, Any] = {
        "kind": ARTICLE,
        "label": article.title or article.url,
        "title": article.title,
        "excerpt": article.excerpt,
        "url": article.url,
        "canonical_url": article.id,
        "aliases": list(article.aliases),
        "published_utc": iso_utc(article.published) if article.published else None,
        "time_status": article.time_status.value,
        "provider": article.provider,
        "quality": article.quality,
        "heat": article.heat,
        "type": article.type,
        "images": [image.url for image in article.images],
        "sources": list(article.sources),
        "has_record": article.has_record,
        "conflicts": [
            f"{c.field}: kept {c.kept!r}, also {c.other!r} in {c.source}" for c in article.conflicts
        ],
    }
    return {name: value for name, value in values.items() if value not in (None, [])}


def add_stories(
    graph: nx.MultiDiGraph, coverage: CoverageTables | Sequence[StoryCoverage]
) -> nx.MultiDiGraph:
    """Add a `story:<id>` node per story, `in_story` edges from its articles (with their lag
    and whether they were first) and `first_by` edges to the outlet(s) that were first.

    >>> from graphkit.records import read_records
    >>> from graphkit.resolve import resolve
    >>> from graphkit.analysis.stories import detect_stories
    >>> from graphkit.analysis.coverage import first_coverage
    >>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
    >>> g = add_stories(coverage_graph(corpus), first_coverage(detect_stories(corpus), corpus))
    >>> story = next(n for n, kind in g.nodes(data="kind") if kind == STORY)
    >>> g.nodes[story]["first_published_utc"], list(g.successors(story))
    ('2021-02-17T23:21:00Z', ['provider:washingtonpost.com'])
    """
    if isinstance(coverage, CoverageTables):
        coverage = coverage.as_objects()
    for story in coverage:
        story_node = node_id(STORY, story.id)
        graph.add_node(story_node, **story_attributes(story))
        for entry in story.entries:
            attributes: dict[str, Any] = {"is_first": entry.is_first}
            if entry.lag_seconds is not None:
                attributes["lag_seconds"] = float(entry.lag_seconds)
            graph.add_edge(
                node_id(ARTICLE, entry.article), story_node, key="in_story", **attributes
            )
        for provider in story.first_providers:
            graph.add_edge(story_node, node_id(PROVIDER, provider), key="first_by")
    return graph


def story_attributes(story: StoryCoverage) -> dict[str, Any]:
    """A story's node attributes as plain values (no `None`, times as ISO strings)."""
    first, last = story.first_time, story.last_time
    values: dict[str, Any] = {
        "kind": STORY,
        "label": story.label,
        "story_id": story.id,
        "first_published_utc": iso_utc(first) if first else None,
        "last_published_utc": iso_utc(last) if last else None,
        "first_providers": list(story.first_providers),
        "first_articles": [entry.url for entry in story.first],
        "outlets": list(story.outlets),
        "topics": list(story.topics),
        "categories": list(story.categories),
        "article_count": len(story.entries),
        "outlet_count": len(story.outlets),
    }
    return {name: value for name, value in values.items() if value not in (None, [])}
