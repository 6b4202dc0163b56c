"""Figures about a coverage graph: what is in it and who covers the most."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from .graph import ARTICLE, CATEGORY, PROVIDER, TOPIC


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


def _busiest(graph: nx.MultiDiGraph, relation: str, top: int) -> list[dict[str, Any]]:
    counts = Counter(target for _, target, key in graph.edges(keys=True) if key == relation)
    return [
        {"id": node, "label": graph.nodes[node]["label"], "articles": count}
        for node, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    ]
