"""Step 1 of story grouping: Leiden communities within each linked component.

Articles are vertices numbered in the order of their canonical URLs, links edges (a < b)
weighted as `links.weight`; igraph runs Leiden in C. Each component, and each part Leiden
finds, becomes a graph of its own, numbered from 0 in the order of its vertices, made from
lists of its edges: a subgraph taken out of a bigger igraph graph costs as much as the bigger
graph, and a corpus has hundreds of thousands of components, most of a few articles (so the
work per component is kept to plain lists and igraph's own calls).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import igraph
import numpy as np

from ...util import Progress, quietly, seeded_igraph
from .model import StoryParams


@dataclass(frozen=True)
class Links:
    """The related links as columns: numbered ends (a < b, each pair once, sorted) and their
    weights (`link_floor` plus the two articles' headline cosine)."""

    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray


def communities(
    articles: int, links: Links, params: StoryParams, progress: Progress = quietly
) -> list[list[int]]:
    """Leiden communities (constant Potts model) within each connected component of the
    links, searched again inside each part against its own density: lists of vertex numbers,
    sorted, in the order of their components (by smallest vertex), then of the parts found."""
    graph = igraph.GraphBase(articles, list(zip(links.a.tolist(), links.b.tolist(), strict=True)))
    component = np.asarray(graph.connected_components(), dtype=np.int64)
    del graph
    groups: list[list[int]] = []
    count = int(component.max(initial=-1)) + 1
    with seeded_igraph(params.seed) as generator:
        leiden = _Leiden(params, generator)
        for nodes, a, b, edges in progress(
            _components(component, links.a, links.b), total=count, unit="component"
        ):
            if len(nodes) < params.least_split:
                groups.append(nodes)
                continue
            found = leiden.parts(len(nodes), a, b, links.weight[edges].tolist())
            groups.extend([nodes[v] for v in part] for part in found)
    return groups


def _components(
    component: np.ndarray, a: np.ndarray, b: np.ndarray
) -> Iterator[tuple[list[int], list[int], list[int], np.ndarray]]:
    """For each component (in order), its vertices (sorted), its edges' ends renumbered from
    0 in the order of its vertices, and which edges they are (in their order)."""
    order = np.argsort(component, kind="stable")  # vertices by component, in order within
    starts = np.searchsorted(component[order], np.arange(component.max(initial=-1) + 2))
    local = np.empty_like(order)
    local[order] = np.arange(len(order)) - starts[component[order]]
    edges = np.argsort(component[a], kind="stable")
    edge_starts = np.searchsorted(component[a[edges]], np.arange(len(starts)))
    nodes, ends_a, ends_b = order.tolist(), local[a[edges]].tolist(), local[b[edges]].tolist()
    for c in range(len(starts) - 1):
        first, last = edge_starts[c], edge_starts[c + 1]
        yield (
            nodes[starts[c] : starts[c + 1]], ends_a[first:last], ends_b[first:last],
            edges[first:last],
        )  # fmt: skip


class _Leiden:
    """Leiden (CPM) again and again, each run with igraph's generator freshly seeded."""

    def __init__(self, params: StoryParams, generator: random.Random) -> None:
        self.params, self.generator = params, generator

    def parts(
        self, size: int, a: list[int], b: list[int], weight: list[float], depth: int = 0
    ) -> list[list[int]]:
        """Leiden on a graph of `size` vertices and edges (a, b), then again inside each part
        found, against that part's own density: parts as sorted lists of its vertices.
        (Leiden's answer depends on the vertices' numbers, not on the order of the edges.)"""
        params = self.params
        density = math.fsum(weight) / (size * (size - 1) / 2)
        # Iterating until no article moves is superlinear in a huge component (the 383,000
        # articles of a 300,000-record corpus's biggest: 14.3 s, two passes 1.6 s for nearly
        # the same parts); its parts are searched again below either way.
        passes = -1 if size <= params.stable_up_to else params.big_passes
        graph = igraph.GraphBase(size, list(zip(a, b, strict=True)))
        self.generator.seed(params.seed)
        membership, _ = graph.community_leiden(
            edge_weights=weight,
            node_weights=None,
            node_in_weights=None,
            resolution=params.resolution * density,
            normalize_resolution=False,
            beta=0.01,
            initial_membership=None,
            n_iterations=passes,
        )  # fmt: skip (igraph.Graph.community_leiden's call for "CPM", without its wrapping)
        found: list[list[int]] = [[] for _ in range(max(membership) + 1)]
        for vertex, part in enumerate(membership):
            found[part].append(vertex)
        if len(found) == 1 or depth >= params.max_depth:
            return found
        inside: list[list[int]] = [[] for _ in found]  # each part's edges, in one pass
        for edge, (x, y) in enumerate(zip(a, b, strict=True)):
            if membership[x] == membership[y]:
                inside[membership[x]].append(edge)
        parts = []
        for part, edges in zip(found, inside, strict=True):
            if len(part) < params.least_split or not edges:
                parts.append(part)
                continue
            local = {vertex: i for i, vertex in enumerate(part)}
            sub_a, sub_b = [local[a[e]] for e in edges], [local[b[e]] for e in edges]
            sub = self.parts(len(part), sub_a, sub_b, [weight[e] for e in edges], depth + 1)
            parts.extend([part[v] for v in inner] for inner in sub)
        return parts
