"""How far to trust a grouping: the stories that one related link holds together, and the
stories too big or too mixed to be one event (what a feed with too many stray links, or a
grouping that gave way under them, looks like).

A real story's headlines share words as a group: on the real labelled coverage every story
of 50 articles or more has a mean cosine of at least 0.26 between its articles and its
centroid, while the one story that swallowed the whole corpus when grouping gave way under
a fifth of stray links had 0.10.
"""

from __future__ import annotations

import numpy as np

from ..similarity import WordMatrix
from .communities import Links
from .lone import bridged_groups
from .model import Doubts, StoryDoubt, StoryParams
from .refine import Groups, numbered
from .words import GroupWords


def doubts(
    groups: Groups, story_ids: list[str], links: Links, matrix: WordMatrix, params: StoryParams
) -> Doubts:
    """The doubts about final `groups` (`story_ids`: each group's story id, in order)."""
    articles = matrix.rows.shape[0]
    group_of, sizes = numbered(groups, articles)
    held = bridged_groups(groups, links)
    big = np.flatnonzero(sizes >= params.least_doubted)
    if len(big) == 0:
        return Doubts(held, ())
    centroids = GroupWords(matrix, group_of, len(groups)).centroids()
    likeness = np.asarray(matrix.rows.multiply(centroids[group_of]).sum(axis=1)).ravel()
    coherence = np.bincount(group_of, weights=likeness, minlength=len(groups)) / np.maximum(
        sizes, 1
    )
    found = []
    for group in big.tolist():
        share, alike = sizes[group] / articles, float(coherence[group])
        reasons = []
        if share > params.doubted_share:
            reasons.append(f"holds {share:.0%} of the corpus's articles")
        if alike < params.least_coherence:
            reasons.append(f"its headlines are far apart (coherence {alike:.2f})")
        if reasons:
            found.append(
                StoryDoubt(
                    story_ids[group],
                    int(sizes[group]),
                    round(share, 4),
                    round(alike, 3),
                    " and ".join(reasons),
                )
            )
    return Doubts(held, tuple(found))
