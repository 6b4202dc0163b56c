"""Story detection: group the articles that cover the same event.

The aggregator's related lists are the main evidence: they mostly point into the same story,
and real headlines of one story often share no word, so a link is never cut merely because two
headlines differ. But some entries point to another story, and plain connected components of
the links chain distinct stories into giant clusters. Stories are found in three steps:

1. **Communities.** Within each connected component of the related links, the Leiden
   algorithm (igraph) looks for groups under the constant Potts model: a part stays with the
   rest when the links between them weigh more than ``resolution`` times the component's own
   link weight per pair of articles (its density), times the pairs between them. Each part
   found is searched again the same way, against its own density, until none splits: so the
   bar adapts to sparse big stories and dense small ones alike. A link weighs ``link_floor``
   plus the TF-IDF cosine of its two articles' headlines and excerpts. A stray link that
   bridges two groups densely linked among themselves does not hold them together: it is
   *cut*.
2. **Splits and moves.** Linked articles that are each unlike the rest of their group
   (cosine below ``own_similarity``) but alike among themselves (``cohesion``) leave it
   together when their group's words differ from the rest (``split_similarity``): a small
   story that a big one's stray entries point into. A single article unlike its group moves
   to the story whose headlines match it strongly (``move_similarity``, and ``move_margin``
   better): typically an article that only one stray entry names.
3. **Joins.** A piece that no link joins to the rest of its story (each piece has its own
   false "first") joins a story ``join_ratio`` times its size or more whose headlines match it
   (``join_similarity``), with which it shares a word found mostly in the two of them
   (``join_specificity`` of the articles with that word: "Plosser", not "stocks"), and whose
   time span, widened by ``join_days``, holds its own. Without that shared word, a big corpus
   of similar small stories (daily market reports) would glue them together.

The result is the same in any record order: articles are numbered in the order of their
canonical URLs, links sorted, Leiden seeded, and ties break on those numbers. A story's id
derives from its earliest article (by usable time, then canonical URL). Word weights are
corpus-wide (IDF, its counts on a grid), so adding records can change a decision at the margin
of a threshold (`memo`: which components a rebuild splits again);
:func:`group_stories` says which links were cut and which pieces joined, and why.

Every step works on the whole corpus at once (sparse matrices of word weights, igraph on
integer ids, Polars tables); only the few articles a step may act on are looked at one by one.

>>> from graphkit.records import read_records
>>> from graphkit.resolve import resolve
>>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
>>> [story] = detect_stories(corpus)
>>> story.id, story.label
('s-be87dfd58115', 'Civil rights groups ask Biden administration to oppose facial recognition')
>>> story.providers
('washingtonpost.com', 'nationthailand.com', 'dailydot.com')
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import igraph
import numpy as np
import polars as pl

from ...resolve import Article, Corpus
from ...util import Progress, quietly
from ..similarity import WordMatrix, word_matrix
from .assemble import story_tables, usable_time
from .communities import Links, communities
from .doubts import doubts
from .evidence import Reasons, cut_links
from .lone import lone_links
from .memo import SplitMemo
from .model import (
    CUT_SCHEMA,
    DEFAULT_PARAMS,
    CutLink,
    Doubts,
    JoinedPiece,
    Story,
    StoryDoubt,
    StoryGrouping,
    StoryParams,
    plural_links,
    story_id,
    story_index,
)
from .refine import Groups, joins, moves, numbered, split_unlike

__all__ = [
    "DEFAULT_PARAMS",
    "CutLink",
    "Doubts",
    "JoinedPiece",
    "SplitMemo",
    "Story",
    "StoryDoubt",
    "StoryGrouping",
    "StoryParams",
    "detect_stories",
    "group_stories",
    "linked_components",
    "plural_links",
    "story_id",
    "story_index",
    "timeline_key",
]


def detect_stories(corpus: Corpus, params: StoryParams = DEFAULT_PARAMS) -> list[Story]:
    """Group every article of the corpus into stories (an unlinked article is a story alone).

    Stories come earliest first (those without any usable time last), then by id.
    """
    return group_stories(corpus, params).stories


@dataclass(frozen=True)
class _Numbering:
    """The articles numbered in the order of their canonical URLs (`rank`), as grouping
    numbers them, and back (`article`: each rank's number in the corpus)."""

    article: np.ndarray
    rank: np.ndarray
    ids: list[str]  # by rank

    @classmethod
    def of(cls, corpus: Corpus) -> _Numbering:
        ids = corpus.tables.articles["id"]
        article = ids.arg_sort().to_numpy().astype(np.int64)
        rank = np.empty_like(article)
        rank[article] = np.arange(len(article))
        return cls(article, rank, ids.gather(article).to_list())


def group_stories(
    corpus: Corpus,
    params: StoryParams = DEFAULT_PARAMS,
    progress: Progress = quietly,
    jobs: int = 1,
    executor: Executor | None = None,
    memo: SplitMemo | None = None,
) -> StoryGrouping:
    """The stories, the related links set aside as strays, and the pieces joined back;
    `progress` counts the linked components as Leiden splits them, in `jobs` processes or
    an `executor`'s workers (see `communities`: the same stories wherever they run). A
    `memo` of the last build's components spares Leiden those whose inputs are unchanged
    (`graphkit.analysis.stories.memo`: the same stories as without it)."""
    number = _Numbering.of(corpus)
    articles = corpus.tables.articles.gather(number.article)  # by rank
    text = pl.concat_str(
        pl.col("title").fill_null(""), pl.lit(" "), pl.col("excerpt").fill_null("")
    )
    matrix = word_matrix(articles.select(text).to_series())
    links = _links(corpus, number, matrix, params)
    if memo is not None:
        memo.of_words(matrix)
    groups = communities(
        len(number.ids), links, matrix.rows, params, progress, jobs, executor, memo
    )
    groups, lone = lone_links(groups, links, matrix, params)
    groups, unlike = split_unlike(groups, links.a, links.b, matrix, params)
    groups, moved = moves(groups, links, matrix, params)
    times = articles.select(usable_time()).to_series().dt.epoch("us").cast(pl.Float64)
    groups, pieces = joins(groups, matrix, times.fill_null(np.nan).to_numpy(), params)
    table, members, story_of = _stories(corpus, number, groups)
    story_ids = table["id"].to_list()
    cut = cut_links(
        links.a, links.b, story_of, story_ids, number.ids, matrix, Reasons(lone, unlike, moved)
    )
    cut = cut.with_columns(
        pl.Series(end, number.article[cut[end].to_numpy().astype(np.int64)], dtype=pl.UInt32)
        for end in ("a", "b")
    )
    joined = [
        JoinedPiece(
            story_ids[story_of[piece[0]]], tuple(number.ids[a] for a in piece), round(found, 3)
        )
        for piece, found in pieces
    ]
    doubt = doubts(_final_groups(members, number), story_ids, links, matrix, params)
    ids = corpus.tables.articles["id"]
    return StoryGrouping(table, members, cut, joined, ids, doubt, len(links.a))


def _final_groups(members: pl.DataFrame, number: _Numbering) -> Groups:
    """The stories' articles as groups of ranks, in the order of the stories."""
    rank = number.rank[members["article"].to_numpy().astype(np.int64)]
    story = members["story"].to_numpy().astype(np.int64)
    order = np.lexsort((rank, story))
    bounds = np.searchsorted(story[order], np.arange(int(story.max(initial=-1)) + 2))
    ranks = rank[order].tolist()
    return [ranks[bounds[s] : bounds[s + 1]] for s in range(len(bounds) - 1)]


def _links(corpus: Corpus, number: _Numbering, matrix: WordMatrix, params: StoryParams) -> Links:
    """The related links between distinct articles, each pair once (a < b), sorted, weighed
    `link_floor` plus the cosine of their two articles' words."""
    found = corpus.tables.links
    source = number.rank[found["source"].to_numpy().astype(np.int64)]
    target = number.rank[found["target"].to_numpy().astype(np.int64)]
    articles = np.int64(len(number.ids))
    listing = np.unique((source * articles + target)[source != target])  # each listing once
    source, target = listing // articles, listing % articles
    a, b = np.minimum(source, target), np.maximum(source, target)
    pair = a * articles + b
    pairs, listed = np.unique(pair, return_counts=True)  # sorted by (a, b)
    a_lists = np.isin(pairs, pair[source < target])  # the smaller-numbered end lists the other
    b_lists = np.isin(pairs, pair[source > target])
    a, b = pairs // articles, pairs % articles
    alike = np.asarray(matrix.rows[a].multiply(matrix.rows[b]).sum(axis=1)).ravel()
    weight = params.link_floor + alike + params.mutual_bonus * (listed == 2)
    return Links(a, b, weight, alike, a_lists, b_lists)


def _stories(
    corpus: Corpus, number: _Numbering, groups: Groups
) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray]:
    """The story tables of the final groups, and each rank's story number."""
    group_of, _ = numbered(groups, len(number.ids))
    by_article = np.empty_like(group_of)
    by_article[number.article] = group_of
    table, members = story_tables(corpus.tables, by_article)
    story_of_article = np.empty(len(number.ids), dtype=np.int64)
    story_of_article[members["article"].to_numpy()] = members["story"].to_numpy()
    return table, members, story_of_article[number.article]


def linked_components(corpus: Corpus) -> list[Story]:
    """The baseline: every related link joins its articles (plain connected components)."""
    links = corpus.tables.links
    graph = igraph.Graph(
        n=corpus.tables.articles.height,
        edges=np.column_stack([links["source"].to_numpy(), links["target"].to_numpy()]),
    )
    group = np.asarray(graph.connected_components().membership, dtype=np.int64)
    table, members = story_tables(corpus.tables, group)
    return StoryGrouping(
        table, members, pl.DataFrame(schema=CUT_SCHEMA), [], corpus.tables.articles["id"]
    ).stories


def timeline_key(article: Article) -> tuple[bool, object, str]:
    """Sort key of an article object in a timeline: with a usable time first, earliest
    first, then by canonical URL (what `story_tables` sorts by)."""
    time = article.usable_time
    return (time is None, time.timestamp() if time else 0.0, article.id)
