"""Figures about a coverage graph: what is in it and who covers the most."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import networkx as nx

from ..records import iso_utc
from ..resolve import Corpus
from .coverage import CoverageTables, StoryCoverage
from .graph import ARTICLE, CATEGORY, PROVIDER, TOPIC, graph_size, node_id
from .stories.assemble import usable_time


def graph_stats(graph: nx.MultiDiGraph, top: int = 10) -> dict[str, Any]:
    """Counts by node kind and edge relation, time span, and the busiest outlets and topics.

    Works on a graph built now or loaded from `graph.json`.
    """
    kinds = Counter(data.get("kind") for _, data in graph.nodes(data=True))
    relations = Counter(key for _, _, key in graph.edges(keys=True))
    times = sorted(
        data["published_utc"]
        for _, data in graph.nodes(data=True)
        if data.get("kind") == ARTICLE and data.get("time_status") in ("ok", "no_zone")
    )
    return {
        "articles": kinds[ARTICLE],
        "outlets": kinds[PROVIDER],
        "topics": kinds[TOPIC],
        "categories": kinds[CATEGORY],
        "edges": dict(sorted(relations.items())),
        "first_published_utc": times[0] if times else None,
        "last_published_utc": times[-1] if times else None,
        "top_outlets": _busiest(graph, "published_by", top),
        "top_topics": _busiest(graph, "about", top),
    }


def coverage_stats(
    corpus: Corpus, coverage: CoverageTables | Sequence[StoryCoverage] = (), top: int = 10
) -> dict[str, Any]:
    """`graph_stats` of the build's graph, counted from the corpus without building it.

    >>> from graphkit.records import read_records
    >>> from graphkit.resolve import resolve
    >>> stats = coverage_stats(resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records))
    >>> stats["articles"], stats["top_outlets"][0]["id"], stats["first_published_utc"]
    (3, 'provider:dailydot.com', '2021-02-17T23:21:00Z')
    """
    t = corpus.tables
    times = t.articles.select(usable_time().min().alias("first"), usable_time().max().alias("last"))
    first, last = times.row(0)
    names = dict(t.providers.select("domain", "name").iter_rows())
    labels = dict(t.topics.select("key", "label").iter_rows())
    outlets = t.articles["provider"].drop_nulls().value_counts().iter_rows()
    topics = t.article_topics["key"].value_counts().iter_rows()
    return {
        "articles": t.articles.height,
        "outlets": t.providers.height,
        "topics": t.topics.height,
        "categories": t.categories.height,
        "edges": graph_size(corpus, coverage).edges_by_relation,
        "first_published_utc": iso_utc(first) if first else None,
        "last_published_utc": iso_utc(last) if last else None,
        "top_outlets": _ranked({node_id(PROVIDER, k): (names[k], n) for k, n in outlets}, top),
        "top_topics": _ranked({node_id(TOPIC, k): (labels[k], n) for k, n in topics}, top),
    }


def _ranked(counts: dict[str, tuple[str, int]], top: int) -> list[dict[str, Any]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1][1], item[0]))[:top]
    return [{"id": node, "label": label, "articles": count} for node, (label, count) in ranked]


def _busiest(graph: nx.MultiDiGraph, relation: str, top: int) -> list[dict[str, Any]]:
    counts = Counter(target for _, target, key in graph.edges(keys=True) if key == relation)
    return _ranked({node: (graph.nodes[node]["label"], n) for node, n in counts.items()}, top)
