"""The coverage graph as GraphML, GEXF (for Gephi) and node-link JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

import networkx as nx

from .files import write_json, write_text


def write_graph_files(
    graph: nx.MultiDiGraph, out: Path, extra: Collection[str] = ("json", "graphml", "gexf")
) -> list[Path]:
    """Write `graph.json`, `graph.graphml` and `graph.gexf` into `out`, those `extra` asks for."""
    written = []
    if "json" in extra:
        data = nx.node_link_data(graph, edges="edges")
        written.append(write_json(out, "graph.json", data, indent=None))
    if "graphml" in extra or "gexf" in extra:
        flat = flat_graph(graph)
        if "graphml" in extra:
            written.append(write_text(out, "graph.graphml", _serialise(nx.write_graphml, flat)))
        if "gexf" in extra:
            written.append(write_text(out, "graph.gexf", _serialise(nx.write_gexf, flat)))
    return written


def read_graph_json(path: Path) -> nx.MultiDiGraph:
    """Load a graph written as `graph.json`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    graph = nx.node_link_graph(data, edges="edges", directed=True, multigraph=True)
    assert isinstance(graph, nx.MultiDiGraph)
    return graph


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only scalar attributes, as GraphML and GEXF require (lists become JSON).

    Edge ids must be unique in GraphML, so the relation moves from the key to an attribute.
    """
    flat = nx.MultiDiGraph(name=graph.graph.get("name", ""))
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **_scalars(data))
    edges = graph.edges(keys=True, data=True)
    for number, (source, target, key, data) in enumerate(edges):
        flat.add_edge(source, target, key=f"e{number}", relation=key, **_scalars(data))
    return flat


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
        for name, value in data.items()
        if value is not None
    }


def _serialise(writer: Any, graph: nx.MultiDiGraph) -> str:
    buffer = io.BytesIO()
    writer(graph, buffer)
    return buffer.getvalue().decode("utf-8")
