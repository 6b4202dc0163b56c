"""Scoring a grouping against labels: BCubed and the adjusted Rand index, on worked examples."""

from __future__ import annotations

import re

import pytest

from graphkit.analysis import adjusted_rand_index, bcubed
from graphkit.analysis.scoring import BCubed, contingency


def labels(*clusters: str) -> dict[str, str]:
    """{"ab", "cde"} -> a and b in cluster 0, c, d and e in cluster 1."""
    return {item: str(n) for n, cluster in enumerate(clusters) for item in cluster}


def test_bcubed_averages_precision_and_recall_over_items() -> None:
    # a, b, c, d are one story and e another; the grouping is {a, b} and {c, d, e}.
    # Precision: a 1, b 1, c 2/3, d 2/3, e 1/3; recall: a to d 1/2 each, e 1.
    score = bcubed(labels("ab", "cde"), labels("abcd", "e"))
    precision, recall = (1 + 1 + 2 / 3 + 2 / 3 + 1 / 3) / 5, (4 * 0.5 + 1) / 5
    assert score.precision == pytest.approx(precision) == 11 / 15
    assert score.recall == pytest.approx(recall) == 0.6
    assert score.f1 == pytest.approx(2 * precision * recall / (precision + recall)) == 0.66


def test_bcubed_is_perfect_only_for_the_same_grouping_under_any_names() -> None:
    assert bcubed({"a": "x", "b": "x", "c": "y"}, {"a": 1, "b": 1, "c": 2}) == (
        bcubed(labels("ab", "c"), labels("ab", "c"))
    )
    assert bcubed(labels("ab", "c"), labels("ab", "c")).f1 == 1.0
    lumped = bcubed(labels("abc"), labels("ab", "c"))
    assert (lumped.recall, lumped.precision < 1) == (1.0, True)
    split = bcubed(labels("a", "b", "c"), labels("ab", "c"))
    assert (split.precision, split.recall < 1) == (1.0, True)


def test_scores_count_only_labelled_items_and_refuse_unpredicted_ones() -> None:
    truth = labels("ab", "c")
    assert bcubed({**labels("ab", "c"), "z": "0"}, truth).f1 == 1.0  # z is not labelled
    assert adjusted_rand_index({**labels("ab", "c"), "z": "0"}, truth) == 1.0
    with pytest.raises(ValueError, match="1 labelled items have no predicted cluster"):
        bcubed(labels("ab"), truth)
    with pytest.raises(ValueError, match="no predicted cluster"):
        adjusted_rand_index(labels("ab"), truth)
    assert bcubed({}, {}) == BCubed(1.0, 1.0, 1.0)
    message = "4 labelled items have no predicted cluster: ['a', 'b', 'c']"  # the first three
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        contingency({}, labels("abcd"))


@pytest.mark.parametrize(
    ("predicted", "truth", "expected"),
    [
        # Values as scikit-learn's adjusted_rand_score documents them.
        ([0, 0, 1, 1], [0, 0, 1, 1], 1.0),
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),
        ([0, 0, 1, 2], [0, 0, 1, 1], 0.5714285714285715),
        ([0, 0, 1, 1], [0, 0, 1, 2], 0.5714285714285715),
        ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),
        ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
        # Worked by hand: of 15 pairs, 4 together in the grouping, 3 in the truth, 1 in both;
        # chance expects 4 * 3 / 15 = 0.8 in both, the best is (4 + 3) / 2.
        ([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], (1 - 0.8) / (3.5 - 0.8)),
    ],
)
def test_adjusted_rand_index_matches_known_values(
    predicted: list[int], truth: list[int], expected: float
) -> None:
    items = [f"i{n}" for n in range(len(truth))]
    score = adjusted_rand_index(
        dict(zip(items, predicted, strict=True)), dict(zip(items, truth, strict=True))
    )
    assert score == pytest.approx(expected)


def test_adjusted_rand_index_of_trivial_partitions() -> None:
    assert adjusted_rand_index({"a": 0}, {"a": 1}) == 1.0  # no pairs at all
    assert adjusted_rand_index(labels("a", "b", "c"), labels("a", "b", "c")) == 1.0
    assert adjusted_rand_index(labels("abc"), labels("abc")) == 1.0


def test_contingency_counts_items_per_cluster_and_class() -> None:
    cells = contingency(labels("ab", "cde"), labels("abcd", "e"))
    assert dict(cells) == {("0", "0"): 2, ("1", "0"): 2, ("1", "1"): 1}
