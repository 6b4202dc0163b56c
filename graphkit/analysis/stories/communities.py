"""Step 1 of story grouping: Leiden communities within each linked component.

Articles are vertices numbered in the order of their canonical URLs, links edges (a < b)
weighted as `links.weight`; igraph runs Leiden in C. Each component, and each part Leiden
finds, becomes a graph of its own, numbered from 0 in the order of its vertices, made from
lists of its edges: a subgraph taken out of a bigger igraph graph costs as much as the bigger
graph, and a corpus has hundreds of thousands of components, most of a few articles (so the
work per component is kept to plain lists and igraph's own calls).
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

import igraph
import numpy as np
from scipy import sparse

from ...util import (
    Progress,
    quietly,
    seeded_igraph,
    worker_count,
    worker_pool,
)
from .memo import SplitMemo
from .model import StoryParams
from .words import sorted_keys

PARALLEL_FROM_LINKS = 100_000  # links in components to split: fewer split faster here
BATCH_LINKS = 20_000  # links per task: a task's round trip is small beside its Leiden runs
CUT_LINKS = 100_000  # links of a component whose first parts are split by all workers


@dataclass(frozen=True)
class Links:
    """The related links as columns: numbered ends (a < b, each pair once, sorted) and their
    weights (`link_floor` plus the two articles' headline cosine, plus `mutual_bonus` where
    each article lists the other: a stray entry is seldom listed back)."""

    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray
    alike: np.ndarray  # the cosine of the two articles' words
    a_lists: np.ndarray  # whether a's record lists b
    b_lists: np.ndarray  # whether b's record lists a

    @property
    def mutual(self) -> np.ndarray:
        """Whether each of the two articles lists the other."""
        both: np.ndarray = self.a_lists & self.b_lists
        return both


def communities(
    articles: int,
    links: Links,
    words: sparse.csr_matrix,
    params: StoryParams,
    progress: Progress = quietly,
    jobs: int = 1,
    executor: Executor | None = None,
    memo: SplitMemo | None = None,
) -> list[list[int]]:
    """Leiden communities (constant Potts model) within each connected component of the
    links, searched again inside each part against its own density: lists of vertex numbers,
    sorted, in the order of their components (by smallest vertex), then of the parts found.

    Components are independent: batches of them go to an `executor`'s workers (a Dask
    cluster's), or to `jobs` processes (0: one per core) when there are enough links to
    repay starting them. The answer is the same wherever they run. With a `memo` (whose
    `of_words` has seen `words`' matrix), a component split by the last build with the same
    inputs gets its parts from there."""
    graph = igraph.GraphBase(articles, list(zip(links.a.tolist(), links.b.tolist(), strict=True)))
    component = np.asarray(graph.connected_components(), dtype=np.int64)
    del graph
    sizes = np.bincount(component)
    big_links = np.bincount(component[links.a], minlength=len(sizes))[sizes >= params.least_split]
    # the biggest component is one task whoever runs it, unless it is big enough to be cut
    # and its parts shared: the others must repay a pool
    biggest = int(big_links.max(initial=0))
    shared = int(big_links.sum()) - (biggest if biggest <= CUT_LINKS else 0)
    workers = worker_count(jobs) if executor is None and shared >= PARALLEL_FROM_LINKS else 1
    # each component's parts, filled in as they come
    found: list[list[list[int]]] = [[] for _ in range(len(sizes))]
    with _Splitter(params, words, links.weight, workers, executor, memo) as splitter:
        listed = _components(component, links.a, links.b, _biggest_first(component, links))
        for number, nodes, a, b, edges in progress(listed, total=len(sizes), unit="component"):
            if len(nodes) < params.least_split:
                found[number] = [nodes]
            else:
                found[number] = splitter.split(nodes, a, b, edges)
    return [group for parts in found for group in parts]


def _biggest_first(component: np.ndarray, links: Links) -> np.ndarray:
    """The components' numbers, those of more than a task's links first, biggest first: a
    huge component is one task whoever runs it, and the others then flow through the other
    workers beside it rather than all wait for it at the end."""
    counts = np.bincount(component[links.a], minlength=component.max(initial=-1) + 1)
    big = np.flatnonzero(counts > BATCH_LINKS)
    big = big[np.argsort(-counts[big], kind="stable")]
    rest = np.setdiff1d(np.arange(len(counts)), big, assume_unique=True)
    return np.concatenate([big, rest])


_Component = tuple[list[int], list[int], list[int], np.ndarray]  # as `_components` gives
_Slot = tuple[list[list[int]], list[int], bytes | None]  # parts to fill, vertices, memo key


@dataclass(frozen=True)
class _Batch:
    """Components to split in one task: their vertices' word rows, one component after
    another, and for each its first row, its size, its edges (ends numbered within it) and
    their weights, and its depth (0 for a linked component, 1 for a part of one)."""

    words: sparse.csr_matrix
    components: list[tuple[int, int, list[int], list[int], list[float], int]]


class _Splitter:
    """Splits components with Leiden in batches of about `BATCH_LINKS` links: here, in a
    pool of `workers` processes (when more than one), or by an executor's workers, with two
    tasks in flight a worker (each holds its word rows and links, and a pickled copy).

    A component of more than `CUT_LINKS` links is first cut by a task of its own (Leiden's
    first run on it), and each part it gives is then split as a component of its own: the
    parts of the biggest component, most of a big corpus, are searched by every worker."""

    def __init__(
        self,
        params: StoryParams,
        words: sparse.csr_matrix,
        weight: np.ndarray,
        workers: int,
        executor: Executor | None,
        memo: SplitMemo | None = None,
    ) -> None:
        self.params, self.words, self.weight, self.memo = params, words, weight, memo
        self.pool = worker_pool(workers) if workers > 1 else None
        self.runner = self.pool or executor
        self.ahead = 2 * (workers if self.pool else getattr(executor, "workers", 0) or 2)
        self.batch: list[tuple[_Slot, _Component, int]] = []  # its slots, components, depths
        self.links = 0
        self.ready: deque[list[tuple[_Slot, _Component, int]]] = deque()  # batches to send
        self.pending: deque[tuple[Future[Any], Callable[[Any], None]]] = deque()
        self.cut: list[tuple[_Slot, list[list[list[int]]]]] = []  # a cut one's parts' parts

    def __enter__(self) -> _Splitter:
        return self

    def split(
        self, nodes: list[int], a: list[int], b: list[int], edges: np.ndarray
    ) -> list[list[int]]:
        """A slot that will hold the component's parts (as lists of its vertices) once its
        batch is done: at the latest when the splitter closes."""
        key = None
        if self.memo is not None:
            key = self.memo.key(nodes, a, b, self.weight[edges])
            known = self.memo.look_up(key)
            if known is not None:
                return [[nodes[v] for v in part] for part in known]
        slot: list[list[int]] = []
        component = (nodes, a, b, edges)
        if self.runner is not None and len(a) > CUT_LINKS:
            task = _batch([(component, 0)], self.weight, self.words)
            cut = partial(self._cut, (slot, nodes, key), component)
            self.pending.append((self.runner.submit(cut_component, self.params, task), cut))
        else:
            self._queue((slot, nodes, key), component, 0)
        self._send()
        return slot

    def _queue(self, slot: _Slot, component: _Component, depth: int) -> None:
        self.batch.append((slot, component, depth))
        self.links += len(component[1])
        if self.links >= BATCH_LINKS:
            self.ready.append(self.batch)
            self.batch, self.links = [], 0

    def _send(self, every: bool = False) -> None:
        """Send the batches that are full (`every`: and the last one), at most `ahead`
        tasks in flight."""
        if every and self.batch:
            self.ready.append(self.batch)
            self.batch, self.links = [], 0
        while self.ready:
            while len(self.pending) >= self.ahead:
                self._settle()  # may fill more batches
            batch = self.ready.popleft()
            task = _batch([(component, depth) for _, component, depth in batch], self.weight,
                          self.words)  # fmt: skip
            fill = partial(self._fill, [slot for slot, _, _ in batch])
            if self.runner is None:
                fill(split_batch(self.params, task))
            else:
                self.pending.append((self.runner.submit(split_batch, self.params, task), fill))

    def _settle(self) -> None:
        """Take the answers of the tasks done by now, waiting for one if none is: in the
        order they end, so that a long task does not hold up the workers done beside it."""
        done, _ = wait([future for future, _ in self.pending], return_when=FIRST_COMPLETED)
        still: deque[tuple[Future[Any], Callable[[Any], None]]] = deque()
        for future, take in self.pending:
            if future in done:
                take(future.result())
            else:
                still.append((future, take))
        self.pending = still

    def _fill(self, slots: list[_Slot], answers: list[list[list[int]]]) -> None:
        """Each component's parts, as its vertices, into its slot (and the memo)."""
        for (slot, nodes, key), parts in zip(slots, answers, strict=True):
            slot.extend([nodes[v] for v in part] for part in parts)
            if self.memo is not None and key is not None:
                self.memo.keep(key, parts)

    def _cut(
        self, slot: _Slot, component: _Component, answer: tuple[list[list[int]], bool]
    ) -> None:
        """A big component's first parts: each to be split as a component of its own."""
        parts, again = answer
        nodes, a, b, edges = component
        inner = inner_graphs(parts, a, b, self.params) if again else [None] * len(parts)
        pieces: list[list[list[int]]] = []  # each part's parts, filled in as they come
        for part, graph in zip(parts, inner, strict=True):
            vertices = [nodes[v] for v in part]
            if graph is None:
                pieces.append([vertices])
                continue
            pieces.append([])
            inside, sub_a, sub_b = graph
            self._queue((pieces[-1], vertices, None), (vertices, sub_a, sub_b, edges[inside]), 1)
        self.cut.append((slot, pieces))

    def _close(self) -> None:
        """Every task sent and answered; the cut components' parts gathered."""
        self._send(every=True)
        while self.pending:
            self._settle()
            self._send(every=True)
        for (slot, nodes, key), pieces in self.cut:
            slot.extend(part for piece in pieces for part in piece)
            if self.memo is not None and key is not None:
                local = np.asarray(nodes)
                self.memo.keep(key, [np.searchsorted(local, part).tolist() for part in slot])

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                self._close()
        finally:
            for future, _take in self.pending:
                future.cancel()
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)


def _batch(
    components: list[tuple[_Component, int]], weight: np.ndarray, words: sparse.csr_matrix
) -> _Batch:
    """A task of `components` (each with its depth), with the word rows of their vertices."""
    rows = np.concatenate([np.asarray(nodes, dtype=np.int64) for (nodes, *_), _ in components])
    parts, first = [], 0
    for (nodes, a, b, edges), depth in components:
        parts.append((first, len(nodes), a, b, weight[edges].tolist(), depth))
        first += len(nodes)
    return _Batch(words[rows], parts)


def split_batch(params: StoryParams, batch: _Batch) -> list[list[list[int]]]:
    """Leiden's parts of each component of a batch (a task: the same answer in any process,
    for igraph's generator is seeded again before each of its calls)."""
    with seeded_igraph(params.seed) as generator:
        leiden = _Leiden(params, generator, batch.words)
        return [
            leiden.parts(list(range(first, first + size)), a, b, weight, depth)
            for first, size, a, b, weight, depth in batch.components
        ]


def cut_component(params: StoryParams, batch: _Batch) -> tuple[list[list[int]], bool]:
    """The first parts of a batch's one component (`_Leiden.cut`; a task like `split_batch`)."""
    [(first, size, a, b, weight, depth)] = batch.components
    with seeded_igraph(params.seed) as generator:
        leiden = _Leiden(params, generator, batch.words)
        return leiden.cut(list(range(first, first + size)), a, b, weight, depth)


def _components(
    component: np.ndarray, a: np.ndarray, b: np.ndarray, numbers: np.ndarray
) -> Iterator[tuple[int, *_Component]]:
    """For each component (in the order of their `numbers`), its number, its vertices (sorted), its
    edges' ends renumbered from 0 in the order of its vertices, and which edges they are (in
    their order)."""
    order, _ = sorted_keys(component)  # vertices by component, in order within
    starts = np.searchsorted(component[order], np.arange(component.max(initial=-1) + 2))
    local = np.empty_like(order)
    local[order] = np.arange(len(order)) - starts[component[order]]
    edges, _ = sorted_keys(component[a])
    edge_starts = np.searchsorted(component[a[edges]], np.arange(len(starts)))
    nodes, ends_a, ends_b = order.tolist(), local[a[edges]].tolist(), local[b[edges]].tolist()
    for c in numbers.tolist():
        first, last = edge_starts[c], edge_starts[c + 1]
        yield (
            c, nodes[starts[c] : starts[c + 1]], ends_a[first:last], ends_b[first:last],
            edges[first:last],
        )  # fmt: skip


def inner_graphs(
    parts: list[list[int]], a: list[int], b: list[int], params: StoryParams
) -> list[tuple[list[int], list[int], list[int]] | None]:
    """For each part (sorted vertices) that is searched again, its graph: the edges inside it
    (their numbers, in order) and their ends numbered within the part; None for a part too
    small to search, or with no edge inside."""
    part_of = [0] * sum(len(part) for part in parts)
    for number, part in enumerate(parts):
        for vertex in part:
            part_of[vertex] = number
    inside: list[list[int]] = [[] for _ in parts]  # each part's edges, in one pass
    for edge, (x, y) in enumerate(zip(a, b, strict=True)):
        if part_of[x] == part_of[y]:
            inside[part_of[x]].append(edge)
    graphs: list[tuple[list[int], list[int], list[int]] | None] = []
    for part, edges in zip(parts, inside, strict=True):
        if len(part) < params.least_split or not edges:
            graphs.append(None)
            continue
        local = {vertex: i for i, vertex in enumerate(part)}
        graphs.append((edges, [local[a[e]] for e in edges], [local[b[e]] for e in edges]))
    return graphs


class _Leiden:
    """Leiden (CPM) again and again, each run with igraph's generator freshly seeded."""

    def __init__(
        self, params: StoryParams, generator: random.Random, words: sparse.csr_matrix
    ) -> None:
        self.params, self.generator, self.words = params, generator, words

    def parts(
        self, nodes: list[int], a: list[int], b: list[int], weight: list[float], depth: int = 0
    ) -> list[list[int]]:
        """Leiden on a graph of `size` vertices and edges (a, b), then again inside each part
        found, against that part's own density: parts as sorted lists of its vertices.
        (Leiden's answer depends on the vertices' numbers, not on the order of the edges.)"""
        found, again = self.cut(nodes, a, b, weight, depth)
        if not again:
            return found
        parts = []
        for part, inner in zip(found, inner_graphs(found, a, b, self.params), strict=True):
            if inner is None:
                parts.append(part)
                continue
            edges, sub_a, sub_b = inner
            sub_nodes = [nodes[v] for v in part]
            sub = self.parts(sub_nodes, sub_a, sub_b, [weight[e] for e in edges], depth + 1)
            parts.extend([part[v] for v in inner] for inner in sub)
        return parts

    def cut(
        self, nodes: list[int], a: list[int], b: list[int], weight: list[float], depth: int = 0
    ) -> tuple[list[list[int]], bool]:
        """The parts of Leiden's first run on the graph (as `parts` gives them), and whether
        they are searched again."""
        params = self.params
        size = len(nodes)
        density = math.fsum(weight) / (size * (size - 1) / 2)
        graph = igraph.GraphBase(size, list(zip(a, b, strict=True)))
        membership = self._leiden(graph, size, weight, params.resolution * density)
        if max(membership) == 0 and size >= params.least_fragmented and depth < params.max_depth:
            # Kept whole: one story, or stories whose stray links are so many that they weigh
            # more than `resolution` of the whole's density (a fifth of the links is enough).
            # Cut it finer, and merge back the fragments that are dense with each other.
            fine = params.resolution * params.fragment_resolution * density
            fragments = self._leiden(graph, size, weight, fine)
            membership = merged_fragments(fragments, a, b, weight, params, (self.words, nodes))
        found: list[list[int]] = [[] for _ in range(max(membership) + 1)]
        for vertex, number in enumerate(membership):
            found[number].append(vertex)
        return found, len(found) > 1 and depth < params.max_depth

    def _leiden(
        self, graph: igraph.GraphBase, size: int, weight: list[float], resolution: float
    ) -> list[int]:
        """Leiden's parts (constant Potts model) at `resolution`: each vertex's part number."""
        # Iterating until no article moves is superlinear in a huge component (the 383,000
        # articles of a 300,000-record corpus's biggest: 14.3 s, two passes 1.6 s for nearly
        # the same parts); its parts are searched again either way.
        passes = -1 if size <= self.params.stable_up_to else self.params.big_passes
        self.generator.seed(self.params.seed)
        membership, _ = graph.community_leiden(
            edge_weights=weight,
            node_weights=None,
            node_in_weights=None,
            resolution=resolution,
            normalize_resolution=False,
            beta=0.01,
            initial_membership=None,
            n_iterations=passes,
        )  # fmt: skip (igraph.Graph.community_leiden's call for "CPM", without its wrapping)
        return list(membership)


def merged_fragments(
    fragment: list[int],
    a: list[int],
    b: list[int],
    weight: list[float],
    params: StoryParams,
    words: tuple[sparse.csr_matrix, list[int]] | None = None,
) -> list[int]:
    """Fragments merged back, the most tightly linked pair first, while the links between two
    weigh, per pair of their articles, at least `merge_share` of the sparser fragment's own
    link weight per pair (a lone article counts as dense as any), and, with `words` (word
    vectors as rows, and each vertex's row), while their summed words are at least
    `merge_similarity` alike: each vertex's part number.

    The bar compares two fragments with each other, not with the whole, so it holds however
    many stray links the rest of the component has; the words keep a merge of two stories from
    making the next merge easier (a mixed group is sparse), which would undo the cut.

    >>> from itertools import combinations
    >>> clique = list(combinations(range(5), 2))  # two stories of five, each fully linked,
    >>> edges = clique + [(x + 5, y + 5) for x, y in clique] + [(0, 5)]  # and one stray link
    >>> a, b = [x for x, _ in edges], [y for _, y in edges]
    >>> merged_fragments([0] * 5 + [1] * 5, a, b, [1.0] * 20 + [0.5], StoryParams())
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    >>> # a lone article linked into a story: it merges
    >>> merged_fragments([0] * 5 + [1], a[:10] + [0], b[:10] + [5], [1.0] * 11, StoryParams())
    [0, 0, 0, 0, 0, 0]
    """
    count = max(fragment) + 1
    size = [0] * count
    for part in fragment:
        size[part] += 1
    own = [0.0] * count
    between: list[dict[int, float]] = [{} for _ in range(count)]
    for x, y, w in zip(a, b, weight, strict=True):
        f, g = fragment[x], fragment[y]
        if f == g:
            own[f] += w
        else:
            between[f][g] = between[f].get(g, 0.0) + w
            between[g][f] = between[g].get(f, 0.0) + w
    summed = _FragmentWords(words, fragment, count) if words is not None and count > 1 else None

    def tightness(f: int, g: int) -> float:
        dense = [own[h] / (size[h] * (size[h] - 1) / 2) for h in (f, g) if size[h] > 1]
        linked = between[f][g] / (size[f] * size[g])
        tight = linked / min(dense) if dense else math.inf
        words_apart = (
            tight >= params.merge_share
            and summed is not None
            and summed.cosine(f, g) < params.merge_similarity
        )
        return 0.0 if words_apart else tight  # words far apart: not one story, however linked

    parent = list(range(count))
    version = [0] * count
    queue = [(-tightness(f, g), f, g, 0, 0) for f in range(count) for g in between[f] if f < g]
    heapq.heapify(queue)
    while queue:
        negative, f, g, seen_f, seen_g = heapq.heappop(queue)
        if (version[f], version[g]) != (seen_f, seen_g) or parent[f] != f or parent[g] != g:
            continue  # one of the two has merged since
        if -negative < params.merge_share:
            break
        if len(between[f]) < len(between[g]):
            f, g = g, f  # g's links join f's
        parent[g] = f
        own[f] += own[g] + between[f].pop(g)
        del between[g][f]
        size[f] += size[g]
        for h, w in between[g].items():
            del between[h][g]
            between[f][h] = between[h][f] = between[f].get(h, 0.0) + w
        between[g] = {}
        if summed is not None:
            summed.merge(f, g)
        version[f] += 1
        for h in between[f]:
            low, high = min(f, h), max(f, h)
            heapq.heappush(queue, (-tightness(low, high), low, high, version[low], version[high]))
    roots: dict[int, int] = {}
    return [roots.setdefault(_root(parent, part), len(roots)) for part in fragment]


class _FragmentWords:
    """Each fragment's summed word vector (term -> weight), made when first asked for and kept
    summed as fragments merge: most fragments are never compared on words."""

    def __init__(
        self, words: tuple[sparse.csr_matrix, list[int]], fragment: list[int], count: int
    ) -> None:
        self.words, rows = words
        self.members: list[list[int]] = [[] for _ in range(count)]
        for vertex, part in enumerate(fragment):
            self.members[part].append(rows[vertex])
        self.sums: dict[int, dict[int, float]] = {}
        self.norms: dict[int, float] = {}

    def _sum(self, f: int) -> dict[int, float]:
        if f not in self.sums:
            total: dict[int, float] = {}
            indptr, indices, data = self.words.indptr, self.words.indices, self.words.data
            for row in self.members[f]:
                start, end = indptr[row], indptr[row + 1]
                for term, weight in zip(
                    indices[start:end].tolist(), data[start:end].tolist(), strict=True
                ):
                    total[term] = total.get(term, 0.0) + weight
            self.sums[f] = total
            self.norms[f] = math.fsum(w * w for w in total.values())
        return self.sums[f]

    def cosine(self, f: int, g: int) -> float:
        """How alike two fragments' words are (1.0 when either has none: no evidence)."""
        x, y = self._sum(f), self._sum(g)
        if self.norms[f] <= 1e-12 or self.norms[g] <= 1e-12:
            return 1.0
        small, large = (x, y) if len(x) <= len(y) else (y, x)
        dot = sum(weight * large.get(term, 0.0) for term, weight in small.items())
        return dot / math.sqrt(self.norms[f] * self.norms[g])

    def merge(self, f: int, g: int) -> None:
        """Fragment g joins f."""
        self.members[f].extend(self.members[g])
        if f in self.sums and g in self.sums:
            total = self.sums[f]
            for term, weight in self.sums.pop(g).items():
                total[term] = total.get(term, 0.0) + weight
            self.norms[f] = math.fsum(w * w for w in total.values())
        else:
            self.sums.pop(f, None), self.sums.pop(g, None)


def _root(parent: list[int], part: int) -> int:
    while parent[part] != part:
        part = parent[part]
    return part
