"""Score a clustering against known labels: BCubed precision, recall and F1, and the ARI.

ARI is the adjusted Rand index. Both scores take two mappings from item to cluster: the
`predicted` grouping and the `truth`. Items are those of `truth`; every one of them must also
be in `predicted` (extra predicted items are ignored). Both are computed from the contingency
table, in time linear in the number of items.

>>> truth = {"a": 1, "b": 1, "c": 2, "d": 2}
>>> bcubed({"a": "x", "b": "x", "c": "y", "d": "y"}, truth)
BCubed(precision=1.0, recall=1.0, f1=1.0)
>>> adjusted_rand_index({"a": 0, "b": 0, "c": 0, "d": 0}, truth)
0.0
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)


@dataclass(frozen=True)
class BCubed:
    """Mean per-item precision and recall of a clustering, and their harmonic mean."""

    precision: float
    recall: float
    f1: float


def contingency(
    predicted: Mapping[Item, Hashable], truth: Mapping[Item, Hashable]
) -> Counter[tuple[Hashable, Hashable]]:
    """How many items fall in each (predicted cluster, true class) pair.

    >>> sorted(contingency({"a": 0, "b": 0, "c": 1}, {"a": "s", "b": "t", "c": "t"}).items())
    [((0, 's'), 1), ((0, 't'), 1), ((1, 't'), 1)]
    """
    missing = [item for item in truth if item not in predicted]
    if missing:
        raise ValueError(f"{len(missing)} labelled items have no predicted cluster: {missing[:3]}")
    return Counter((predicted[item], label) for item, label in truth.items())


def bcubed(predicted: Mapping[Item, Hashable], truth: Mapping[Item, Hashable]) -> BCubed:
    """BCubed precision, recall and F1 (Bagga and Baldwin 1998; Amigó et al. 2009).

    An item's precision is the share of its predicted cluster that shares its true class; its
    recall the share of its true class found in its predicted cluster. Both are averaged over
    items, so big stories weigh in proportion to their size.

    >>> score = bcubed({"a": 0, "b": 0, "c": 0}, {"a": 1, "b": 1, "c": 2})
    >>> round(score.precision, 3), score.recall, round(score.f1, 3)
    (0.556, 1.0, 0.714)
    """
    cells = contingency(predicted, truth)
    if not cells:
        return BCubed(1.0, 1.0, 1.0)
    clusters: Counter[Hashable] = Counter()
    classes: Counter[Hashable] = Counter()
    for (cluster, label), count in cells.items():
        clusters[cluster] += count
        classes[label] += count
    total = sum(cells.values())
    precision = sum(n * n / clusters[c] for (c, _), n in cells.items()) / total
    recall = sum(n * n / classes[k] for (_, k), n in cells.items()) / total
    f1 = 2 * precision * recall / (precision + recall)
    return BCubed(precision, recall, f1)


def adjusted_rand_index(
    predicted: Mapping[Item, Hashable], truth: Mapping[Item, Hashable]
) -> float:
    """The Rand index of the two partitions, corrected for chance (Hubert and Arabie 1985).

    1.0 for identical partitions, about 0 for a random one, negative when worse than chance.
    Two identical trivial partitions (all one cluster, or all singletons) score 1.0.

    >>> adjusted_rand_index({"a": 0, "b": 0, "c": 1}, {"a": "x", "b": "x", "c": "y"})
    1.0
    >>> round(adjusted_rand_index({"a": 0, "b": 1, "c": 1}, {"a": "x", "b": "x", "c": "y"}), 3)
    -0.5
    """
    cells = contingency(predicted, truth)
    clusters: Counter[Hashable] = Counter()
    classes: Counter[Hashable] = Counter()
    for (cluster, label), count in cells.items():
        clusters[cluster] += count
        classes[label] += count
    pairs_both = sum(_pairs(n) for n in cells.values())
    pairs_predicted = sum(_pairs(n) for n in clusters.values())
    pairs_truth = sum(_pairs(n) for n in classes.values())
    all_pairs = _pairs(sum(cells.values()))
    if all_pairs == 0:
        return 1.0
    expected = pairs_predicted * pairs_truth / all_pairs
    best = (pairs_predicted + pairs_truth) / 2
    if best == expected:
        return 1.0
    return (pairs_both - expected) / (best - expected)


def _pairs(count: int) -> int:
    return math.comb(count, 2)
