"""Steps 2 and 3 of story grouping: splits, moves and joins on headline evidence.

Groups are lists of article numbers (sorted); what every article of every group needs (its
likeness to the rest of its group, the groups' centroids, the words they share) is worked
out for all at once (`GroupWords`), and only the few articles a step may act on are looked
at one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import polars as pl
from scipy import sparse

from ..similarity import WordMatrix, cosine
from .communities import Links
from .model import StoryParams
from .words import GroupWords, group_centroid, vectors

Groups = list[list[int]]
CLAIMS_THAT_HOLD = 2  # an article whose record lists this many of its group stays in it
Moved = dict[int, tuple[float, float]]  # article -> (likeness to its old group, to its new)


def numbered(groups: Groups, articles: int) -> tuple[np.ndarray, np.ndarray]:
    """(each article's group number, each group's size)."""
    sizes = np.fromiter((len(group) for group in groups), dtype=np.int64, count=len(groups))
    group_of = np.full(articles, -1, dtype=np.int64)
    if groups:
        members = np.fromiter((a for group in groups for a in group), dtype=np.int64)
        group_of[members] = np.repeat(np.arange(len(groups)), sizes)
    return group_of, sizes


def split_unlike(
    groups: Groups, link_a: np.ndarray, link_b: np.ndarray, matrix: WordMatrix, params: StoryParams
) -> tuple[Groups, set[int]]:
    """Step 2a: linked articles, each unlike the rest of its group but alike among themselves,
    leave the group together: a small story that a big one's stray entries point into.

    Returns the new groups and the articles that left.
    """
    articles = matrix.rows.shape[0]
    group_of, sizes = numbered(groups, articles)
    likeness = GroupWords(matrix, group_of, len(groups)).unlike_rest(params.own_similarity)
    unlike = ~np.isnan(likeness) & (sizes[group_of] >= params.least_unlike_group)
    both = unlike[link_a] & unlike[link_b] & (group_of[link_a] == group_of[link_b])
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b in zip(link_a[both].tolist(), link_b[both].tolist(), strict=True):
        pairs[int(group_of[a])].append((a, b))
    out: Groups = []
    left: set[int] = set()
    for i, group in enumerate(groups):
        if i not in pairs:
            out.append(group)
            continue
        members = [a for a in group if unlike[a]]
        found = vectors(matrix, group)
        rest = set(group)
        for piece in _unlike_pieces(members, pairs[i], len(group), found, params):
            others = rest - piece
            apart = cosine(group_centroid(found, piece), group_centroid(found, others))
            if apart < params.split_similarity:
                out.append(sorted(piece))
                left |= piece
                rest = others
        out.append(sorted(rest))
    return out, left


def _unlike_pieces(
    unlike: list[int],
    pairs: list[tuple[int, int]],
    size: int,
    found: dict[int, dict[str, float]],
    params: StoryParams,
) -> list[set[int]]:
    """Cohesive linked sets of a few articles unlike the rest, a small share of the group."""
    pieces: dict[int, set[int]] = defaultdict(set)
    for article, key in components(unlike, pairs).items():
        pieces[key].add(article)
    kept = []
    for key in sorted(pieces):
        piece = pieces[key]
        if len(piece) < params.least_unlike_piece or len(piece) > params.unlike_share * size:
            continue
        alike = min(cosine(found[a], group_centroid(found, piece - {a})) for a in piece)
        if alike >= params.cohesion:
            kept.append(piece)
    return kept


def moves(
    groups: Groups, links: Links, matrix: WordMatrix, params: StoryParams
) -> tuple[Groups, Moved]:
    """Step 2b: articles unlike their group move to a story whose words match them strongly,
    unless their own record ties them to the group: it lists two of its articles, or one
    that lists it back (one entry of its own may be its own stray; two claims hold).

    Returns the new groups and, per moved article, its similarity to its old group and new one.
    """
    articles = matrix.rows.shape[0]
    group_of, sizes = numbered(groups, articles)
    words = GroupWords(matrix, group_of, len(groups))
    likeness = words.unlike_rest(params.own_similarity)
    inside = group_of[links.a] == group_of[links.b]
    claims = np.bincount(links.a[inside & links.a_lists], minlength=articles)
    claims += np.bincount(links.b[inside & links.b_lists], minlength=articles)
    claims[links.a[inside & links.mutual]] += CLAIMS_THAT_HOLD  # listed back: it holds
    claims[links.b[inside & links.mutual]] += CLAIMS_THAT_HOLD
    movable = np.flatnonzero(
        ~np.isnan(likeness)
        & (sizes[group_of] >= params.least_moved_from)
        & (claims < CLAIMS_THAT_HOLD)
    )
    if len(movable) == 0:
        return groups, {}
    scores = _match_scores(words, sizes, movable, params)
    targets: dict[int, int] = {}
    similarities: Moved = {}
    for row, article in enumerate(movable.tolist()):
        own, best, j = float(likeness[article]), *_best(scores, row, int(group_of[article]))
        if best >= params.move_similarity and best >= own + params.move_margin:
            targets[article] = j
            # + 0.0: a likeness of -1e-17 (rounding) is shown as 0.00, not -0.00
            similarities[article] = (round(own, 3) + 0.0, round(best, 3) + 0.0)
    if not targets:
        return groups, {}
    moved = [set(group) for group in groups]
    for article, j in targets.items():
        moved[int(group_of[article])].discard(article)
        moved[j].add(article)
    return [sorted(group) for group in moved if group], similarities


def _match_scores(
    words: GroupWords, sizes: np.ndarray, movable: np.ndarray, params: StoryParams
) -> sparse.csr_matrix:
    """The cosine of each movable article with each group's centroid, summed over the words
    that at most `common_word_groups` groups hold (a word of hundreds of stories says nothing
    about which one); only groups of `least_move_target` articles or more."""
    eligible = sizes >= params.least_move_target
    groups, terms, _ = words.term_counts()
    held = np.bincount(terms[eligible[groups]], minlength=words.matrix.rows.shape[1])
    telling = sparse.diags((held <= params.common_word_groups).astype(np.float64))
    centroids = sparse.diags(eligible.astype(np.float64)) @ words.centroids()
    return sparse.csr_matrix(words.matrix.rows[movable] @ telling @ centroids.T)


def _best(scores: sparse.csr_matrix, row: int, own: int) -> tuple[float, int]:
    """The best score of a row other than in group `own`, and its group (the first of equal
    ones); (0.0, 0) for none."""
    start, end = scores.indptr[row], scores.indptr[row + 1]
    groups, values = scores.indices[start:end], scores.data[start:end]
    keep = (groups != own) & (values != 0)
    groups, values = groups[keep], values[keep]
    if len(values) == 0:
        return 0.0, 0
    best = values.max()
    return float(best), int(groups[values == best].min())


def joins(
    groups: Groups, matrix: WordMatrix, times: np.ndarray, params: StoryParams
) -> tuple[Groups, list[tuple[list[int], float]]]:
    """Step 3: pieces join a much bigger story that matches their words and their time, and
    shares a word with them that few other articles have (`join_specificity` of the articles
    with that word are in the two).

    `times` are the articles' usable times (µs since the epoch; NaN for none). Returns the
    merged groups and the pieces that joined, with their similarity to the story."""
    ordered = sorted(groups, key=lambda group: (-len(group), group[0]))  # biggest first
    articles = matrix.rows.shape[0]
    group_of, sizes = numbered(ordered, articles)
    words = GroupWords(matrix, group_of, len(ordered))
    pairs = _join_candidates(words, sizes, params)
    if pairs.is_empty():
        return ordered, []
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    first, last = _spans(group_of, times, len(ordered))
    pad = params.join_days * 86_400e6
    unknown = np.isnan(first[i]) | np.isnan(first[j])
    within = unknown | ((first[i] >= first[j] - pad) & (last[i] <= last[j] + pad))
    i, j = i[within], j[within]
    centroids = words.centroids()
    similarity = np.asarray(centroids[i].multiply(centroids[j]).sum(axis=1)).ravel()
    best = (
        pl.DataFrame({"i": i, "j": j, "similarity": similarity})
        .sort("i", "similarity", "j", descending=[False, True, False])
        .group_by("i", maintain_order=True)
        .first()
        .filter(pl.col("similarity") >= params.join_similarity)
    )
    target = list(range(len(ordered)))
    joined: dict[int, float] = {}
    for piece, story, found in best.iter_rows():
        target[piece], joined[piece] = story, found
    # a story that took pieces may itself join a bigger one: each chain ends in one story
    story_of = components(range(len(ordered)), ((a, b) for a, b in enumerate(target) if a != b))
    parts: dict[int, list[int]] = defaultdict(list)
    for index in range(len(ordered)):
        parts[story_of[index]].append(index)
    merged = [
        ordered[found[0]] if len(found) == 1 else sorted(a for k in found for a in ordered[k])
        for found in parts.values()
    ]
    pieces = [(ordered[k], similarity) for k, similarity in sorted(joined.items())]
    return merged, pieces


def _join_candidates(words: GroupWords, sizes: np.ndarray, params: StoryParams) -> pl.DataFrame:
    """(i, j): group i (not the biggest) may join group j: j has `join_ratio` times its
    articles or more, and shares with it a word that j holds at least `join_specificity` of
    the word's articles minus those in i."""
    least_target = max(params.least_join_target, params.join_ratio)
    takers = int(np.count_nonzero(sizes >= least_target))  # the first, by size
    group, term, count = words.term_counts()
    frequency = np.bincount(words.matrix.rows.indices, minlength=words.matrix.rows.shape[1])
    need = params.join_specificity * frequency.astype(np.float64)
    entries = pl.DataFrame(
        {"group": group, "term": term, "count": count, "need": need[term], "size": sizes[group]}
    )
    most = entries.group_by("term").agg(pl.col("count").max().alias("most"))
    held = (
        entries.filter(pl.col("group") < takers)
        .join(most, on="term")
        .filter(pl.col("count") >= pl.col("need") - pl.col("most"))
        .select(pl.col("group").alias("j"), "term", pl.col("count").alias("held"), "size")
    )
    return (
        entries.filter(pl.col("group") >= 1)
        .join(held, on="term", suffix="_j")
        .filter(
            (pl.col("held") >= pl.col("need") - pl.col("count"))
            & (pl.col("group") != pl.col("j"))
            & (pl.col("size_j") >= params.join_ratio * pl.col("size"))
        )
        .select(pl.col("group").alias("i"), "j")
        .unique()
        .sort("i", "j")
    )


def _spans(group_of: np.ndarray, times: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Each group's first and last usable time (NaN when it has none)."""
    timed = ~np.isnan(times)
    first = np.full(groups, np.inf)
    last = np.full(groups, -np.inf)
    np.minimum.at(first, group_of[timed], times[timed])
    np.maximum.at(last, group_of[timed], times[timed])
    first[np.isinf(first)] = np.nan
    last[np.isinf(last)] = np.nan
    return first, last


def components(nodes: Iterable[int], pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Union-find: each node's component, named by its smallest member (order-independent)."""
    parent = {node: node for node in nodes}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {node: root(node) for node in parent}
