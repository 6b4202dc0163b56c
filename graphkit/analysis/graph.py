"""The coverage graph: articles, outlets, topics and categories as one networkx MultiDiGraph."""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..records import iso_utc
from ..resolve import Article, Corpus

ARTICLE, PROVIDER, TOPIC, CATEGORY = "article", "provider", "topic", "category"


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
