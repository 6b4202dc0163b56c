"""Step 1b of story grouping: lone links.

A related link that is the only one between two sides of a group (a bridge: without it the
group falls in two), that only one of its two articles lists, and whose two sides' words are
far apart is a stray entry, whatever the sides' sizes. Density cannot tell it in a group of
a few articles (two small stories and the one stray entry between them are as dense as one
story), but the words and the one-way listing can.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import igraph
import numpy as np

from ..similarity import Vector, WordMatrix, summed
from .communities import Links
from .model import StoryParams
from .refine import Groups, numbered
from .words import vectors


@dataclass(frozen=True)
class LoneLink:
    """A lone link that was cut: the articles on each side, and how alike the two sides are."""

    side: int
    rest: int
    similarity: float


def lone_links(
    groups: Groups, links: Links, matrix: WordMatrix, params: StoryParams
) -> tuple[Groups, dict[tuple[int, int], LoneLink]]:
    """The groups with their lone links cut (each group falls into its linked pieces), and
    the links cut, by their ends (a, b)."""
    articles = matrix.rows.shape[0]
    group_of, _ = numbered(groups, articles)
    inside = np.flatnonzero(group_of[links.a] == group_of[links.b])
    a, b = links.a[inside], links.b[inside]
    graph = igraph.Graph(n=articles, edges=np.column_stack([a, b]).tolist())
    bridge = np.zeros(len(inside), dtype=bool)
    bridge[graph.bridges()] = True
    degree = np.asarray(graph.degree())
    candidates = np.flatnonzero(
        bridge
        & ~links.mutual[inside]
        & (links.alike[inside] < params.lone_similarity)  # alike ends: hardly far-apart sides
        & (np.minimum(degree[a], degree[b]) >= min(params.least_lone_side, 2))
    )  # an end with no other link is a side of one article
    if len(candidates) == 0:
        return groups, {}
    touched = np.unique(group_of[a[candidates]])
    around = _Around(groups, touched, group_of, a, b, matrix)
    cut: dict[tuple[int, int], LoneLink] = {}
    for edge in candidates.tolist():
        x, y = int(a[edge]), int(b[edge])
        own = int(group_of[x])
        side = around.smaller_side(x, y, edge)
        rest = len(groups[own]) - len(side)
        if min(len(side), rest) < params.least_lone_side:
            continue
        similarity = around.likeness_to_rest(own, side)
        if similarity < params.lone_similarity:
            cut[(x, y)] = LoneLink(len(side), rest, round(similarity, 3) + 0.0)
    if not cut:
        return groups, {}
    kept = np.ones(len(inside), dtype=bool)
    kept[[edge for edge in candidates.tolist() if (int(a[edge]), int(b[edge])) in cut]] = False
    pieces = igraph.Graph(n=articles, edges=np.column_stack([a[kept], b[kept]]).tolist())
    piece_of = pieces.connected_components().membership
    split: dict[int, list[int]] = {}
    for group in groups:  # pieces in the order of their groups, articles in order
        for article in group:
            split.setdefault(piece_of[article], []).append(article)
    return list(split.values()), cut


class _Around:
    """The links and words of the groups that have lone-link candidates."""

    def __init__(
        self,
        groups: Groups,
        touched: np.ndarray,
        group_of: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
        matrix: WordMatrix,
    ) -> None:
        self.neighbours: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for edge in np.flatnonzero(np.isin(group_of[a], touched)).tolist():
            x, y = int(a[edge]), int(b[edge])
            self.neighbours[x].append((y, edge))
            self.neighbours[y].append((x, edge))
        members = [article for group in touched.tolist() for article in groups[group]]
        self.vectors = vectors(matrix, members)
        self.totals = {g: summed(self.vectors[m] for m in groups[g]) for g in touched.tolist()}
        self.norms = {g: sum(w * w for w in total.values()) for g, total in self.totals.items()}

    def smaller_side(self, x: int, y: int, bridge: int) -> set[int]:
        return _smaller_side(self.neighbours, x, y, bridge)

    def likeness_to_rest(self, group: int, side: set[int]) -> float:
        """The cosine of the side's summed words with the rest of its group's: with S the
        side's sum and T the group's, S.(T - S) over |S| |T - S|, without making T - S."""
        total = self.totals[group]
        part: Vector = summed(self.vectors[article] for article in side)
        dot = sum(weight * total.get(term, 0.0) for term, weight in part.items())
        own = sum(weight * weight for weight in part.values())
        rest = self.norms[group] - 2 * dot + own
        if own <= 1e-12 or rest <= 1e-12:
            return 0.0
        return (dot - own) / math.sqrt(own * rest)


def bridged_groups(groups: Groups, links: Links) -> int:
    """How many groups one link holds together: a bridge of the group's own links with two
    articles or more on each side (each end has another link of the group: a side of one
    article is an end with no other link)."""
    articles = sum(len(group) for group in groups)
    group_of, _ = numbered(groups, max(articles, int(links.a.max(initial=-1)) + 1))
    inside = np.flatnonzero(group_of[links.a] == group_of[links.b])
    a, b = links.a[inside], links.b[inside]
    graph = igraph.Graph(n=len(group_of), edges=np.column_stack([a, b]).tolist())
    bridges = np.asarray(graph.bridges(), dtype=np.int64)
    if len(bridges) == 0:
        return 0
    degree = np.asarray(graph.degree())
    held = (degree[a[bridges]] >= 2) & (degree[b[bridges]] >= 2)
    return len(np.unique(group_of[a[bridges[held]]]))


def _smaller_side(
    neighbours: dict[int, list[tuple[int, int]]], x: int, y: int, bridge: int
) -> set[int]:
    """The articles on the smaller side of the bridge (x, y): both sides grow in turn, and
    the first to stop growing is whole (so the work is that side's size)."""
    sides, frontiers = ({x}, {y}), ([x], [y])
    while True:
        for side, frontier in zip(sides, frontiers, strict=True):
            if not frontier:
                return side
            for other, edge in neighbours[frontier.pop()]:
                if edge != bridge and other not in side:
                    side.add(other)
                    frontier.append(other)
