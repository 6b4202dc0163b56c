"""The evidence of story grouping: every related link between two stories, and why it was
set aside (`CutLink`): a *bridge* between two groups densely linked among themselves, a
*lone* link (the only one between two sides, listed one way, between sides whose words are
far apart), an article *unlike* the story it was linked into, or an article *moved* to a
story its headline matches."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import polars as pl

from ..similarity import WordMatrix
from .lone import LoneLink
from .model import CUT_SCHEMA, plural_links
from .words import GroupWords


@dataclass(frozen=True)
class Reasons:
    """What the steps of grouping set aside: lone links (by their ends), the articles that
    left a group together as unlike it, and the articles moved (likeness to old and new)."""

    lone: dict[tuple[int, int], LoneLink]
    unlike: set[int]
    moved: dict[int, tuple[float, float]]


def cut_links(
    link_a: np.ndarray,
    link_b: np.ndarray,
    story_of: np.ndarray,
    story_ids: list[str],
    ids: list[str],
    matrix: WordMatrix,
    reasons: Reasons,
) -> pl.DataFrame:
    """The links (numbered ends a < b, sorted) whose ends are in different stories
    (`story_of`: each article's story number), with their reason and detail; article ends
    as numbers, stories as ids (`story_ids`), articles named in details by `ids`."""
    sa, sb = story_of[link_a], story_of[link_b]
    across = sa != sb
    inside = Counter(sa[~across].tolist())
    name = np.asarray(story_ids, dtype=object)
    pairs = [
        (x, y) if x <= y else (y, x)
        for x, y in zip(name[sa[across]].tolist(), name[sb[across]].tolist(), strict=True)
    ]
    between = Counter(pairs)
    a, b, sa, sb = link_a[across], link_b[across], sa[across], sb[across]
    centroids = GroupWords(matrix, story_of, len(story_ids)).centroids()
    similarity = np.asarray(centroids[sa].multiply(centroids[sb]).sum(axis=1)).ravel()
    rows = []
    for x, y, story_x, story_y, alike, pair in zip(
        a.tolist(), b.tolist(), sa.tolist(), sb.tolist(), similarity.tolist(), pairs, strict=True
    ):
        unlike, moved = reasons.unlike, reasons.moved
        if (x, y) in reasons.lone:
            found = reasons.lone[(x, y)]
            reason = "lone"
            detail = (
                f"the only link between {found.side} and {found.rest} articles, listed by one "
                f"of its two articles only; headline similarity {found.similarity:.2f} between "
                f"the two sides"
            )
        elif (x in unlike) != (y in unlike):
            reason = "unlike"
            detail = (
                f"{ids[x if x in unlike else y]} belongs to a group of articles alike among "
                f"themselves and unlike the story it was linked into (headline similarity "
                f"{alike:.2f} between the two stories)"
            )
        elif x in moved or y in moved:
            article = x if x in moved else y
            own, best = moved[article]
            reason = "moved"
            detail = (
                f"{ids[article]} is unlike the articles it is linked with (headline similarity "
                f"{own:.2f}) and matches story {story_ids[story_of[article]]} ({best:.2f})"
            )
        else:
            reason = "bridge"
            detail = (
                f"{plural_links(between[pair])} between the two stories against "
                f"{inside[story_x]} and {inside[story_y]} inside them; headline similarity "
                f"{alike:.2f}"
            )
        rows.append((x, y, story_ids[story_x], story_ids[story_y], reason, detail))
    return pl.DataFrame(rows, schema=CUT_SCHEMA, orient="row")
