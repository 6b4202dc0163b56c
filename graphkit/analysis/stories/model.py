"""What story grouping gives: its knobs, the stories, the links it set aside, the pieces it
joined. The stories live in tables (`StoryGrouping.table`, `members`, `cut_table`); the
`Story`, `CutLink` and `JoinedPiece` objects are made from them when asked for."""

from __future__ import annotations

import hashlib
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import polars as pl


@dataclass(frozen=True)
class StoryParams:
    """The knobs of story detection; defaults chosen on real labelled coverage (see README)."""

    resolution: float = 0.07  # parts linked below this share of their group's density split
    link_floor: float = 0.2  # what a related link weighs beyond its two articles' similarity
    mutual_bonus: float = 0.2  # ... and more when each of the two articles lists the other
    fragment_resolution: float = 8.0  # a part kept whole is cut into fragments at this times
    # the resolution, and two fragments merge back while the links between them weigh at
    merge_share: float = 0.04  # least this share of the sparser one's own weight per pair
    merge_similarity: float = 0.1  # ... and their summed words are at least this alike
    lone_similarity: float = 0.05  # a bridge listed one way between sides less alike is cut
    own_similarity: float = 0.1  # an article less like the rest of its group may move ...
    move_similarity: float = 0.3  # ... to a story this like it
    join_similarity: float = 0.3  # a piece joins a story this like it ...
    move_margin: float = 0.1  # a move needs the new story to match this much better
    join_days: float = 0.5  # a piece joins a story whose span, widened by this, it overlaps
    join_ratio: float = 2.0  # ... and that has at least this many times its articles
    join_specificity: float = 0.3  # ... sharing a word whose articles are this much in the two
    cohesion: float = 0.5  # a linked set of unlike articles this alike among themselves ...
    split_similarity: float = 0.15  # ... and less like the rest of their group than this, leaves
    common_word_groups: int = 500  # a move is never decided by a word more groups than this hold
    seed: int = 1  # of Leiden's random generator
    # Sizes and depths: where a step applies at all.
    least_split: int = 3  # a component (or part) smaller than this is one story as it is
    max_depth: int = 8  # Leiden runs again inside its parts at most this many times
    stable_up_to: int = 20_000  # Leiden iterates until stable in a component this big or less,
    big_passes: int = 2  # ... and makes this many passes over a bigger one
    least_unlike_group: int = 5  # a group this big may lose a linked set of unlike articles ...
    least_unlike_piece: int = 2  # ... of at least this many articles ...
    unlike_share: float = 0.25  # ... that are at most this share of it
    least_fragmented: int = 6  # a part kept whole is cut into fragments from this size
    least_lone_side: int = 2  # a lone link is cut only between sides of this many articles
    least_moved_from: int = 3  # an article moves out of a group of at least this many ...
    least_move_target: int = 2  # ... into one of at least this many
    least_join_target: int = 2  # a piece joins a story of at least this many articles
    # Doubts: a story of this many articles or more is reported when it holds more than
    least_doubted: int = 50  # ... `doubted_share` of the corpus's articles, or when its
    doubted_share: float = 0.25  # ... articles' mean cosine with its centroid is below
    least_coherence: float = 0.15  # ... this (real stories: 0.26 or more)


DEFAULT_PARAMS = StoryParams()


@dataclass(frozen=True, slots=True)
class Story:
    """The articles on one event, earliest first (articles without a usable time last)."""

    id: str
    label: str  # the first headline
    articles: tuple[str, ...]  # article ids (canonical URLs)
    topics: tuple[str, ...]  # topic keys, most used first
    categories: tuple[str, ...]  # category keys, most used first
    providers: tuple[str, ...]  # outlet keys, in the order of their first article
    start: datetime | None  # earliest usable publication time
    end: datetime | None  # latest usable publication time


@dataclass(frozen=True, slots=True)
class CutLink:
    """A related link whose two articles ended in different stories, and why."""

    a: str  # article ids, a < b
    b: str
    story_a: str
    story_b: str
    reason: str  # "bridge" (links), "lone" (one link, one way, far apart), "unlike", "moved"
    detail: str  # one line for people

    def other_story(self, story_id: str) -> str:
        """The story at the other end of the link from `story_id`'s."""
        return self.story_b if self.story_a == story_id else self.story_a

    def article_in(self, members: Container[str]) -> tuple[str, str]:
        """(the article among `members`, the other one)."""
        return (self.a, self.b) if self.a in members else (self.b, self.a)


@dataclass(frozen=True)
class JoinedPiece:
    """Articles that no kept link joined to a story, joined to it on headlines and time."""

    story: str
    articles: tuple[str, ...]
    similarity: float  # headline cosine of the piece and the story


@dataclass(frozen=True)
class StoryDoubt:
    """A story too big or too mixed to be taken as one event without a look."""

    story: str  # its id
    articles: int
    share: float  # of the corpus's articles
    coherence: float  # the mean cosine of its articles with its centroid
    reason: str  # one line for people


@dataclass(frozen=True)
class Doubts:
    """What the grouping of a corpus leaves in doubt."""

    held_by_one_link: int  # stories whose two parts one related link holds together
    stories: tuple[StoryDoubt, ...]


STORIES_SCHEMA = {
    "story": pl.UInt32,  # the story's number: stories earliest first, then by id
    "id": pl.String,
    "label": pl.String,
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
    "topics": pl.List(pl.String),
    "categories": pl.List(pl.String),
    "providers": pl.List(pl.String),
}
CUT_SCHEMA = {
    "a": pl.UInt32, "b": pl.UInt32, "story_a": pl.String, "story_b": pl.String,
    "reason": pl.String, "detail": pl.String,
}  # fmt: skip


@dataclass(frozen=True)
class StoryGrouping:
    """The stories of a corpus and the evidence of how they were grouped.

    `table` has one row per story (STORIES_SCHEMA), `members` one per article: (story,
    article) with the articles of each story in timeline order, numbered as the corpus
    numbers them; `cut_table` one per related link set aside (CUT_SCHEMA, article numbers).
    `stories`, `cut` and `joined` are the same as objects.
    """

    table: pl.DataFrame
    members: pl.DataFrame
    cut_table: pl.DataFrame
    joined: list[JoinedPiece] = field(default_factory=list)
    article_ids: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    doubts: Doubts = field(default_factory=lambda: Doubts(0, ()))
    links: int = 0  # related links between distinct articles, each pair once

    @cached_property
    def stories(self) -> list[Story]:
        ids = self.article_ids
        articles: dict[int, list[str]] = {}
        for story, article in self.members.select("story", "article").iter_rows():
            articles.setdefault(story, []).append(ids[article])
        return [
            Story(
                id=row["id"],
                label=row["label"],
                articles=tuple(articles[row["story"]]),
                topics=tuple(row["topics"]),
                categories=tuple(row["categories"]),
                providers=tuple(row["providers"]),
                start=row["start"],
                end=row["end"],
            )
            for row in self.table.iter_rows(named=True)
        ]

    def cut_ids(self) -> pl.DataFrame:
        """`cut_table` with the articles by id (canonical URL) instead of number."""
        ids = self.article_ids
        return self.cut_table.with_columns(
            ids.gather(self.cut_table["a"]).alias("a"), ids.gather(self.cut_table["b"]).alias("b")
        )

    @cached_property
    def cut(self) -> list[CutLink]:
        ids = self.article_ids
        return [
            CutLink(ids[a], ids[b], story_a, story_b, reason, detail)
            for a, b, story_a, story_b, reason, detail in self.cut_table.iter_rows()
        ]


def story_index(stories: Iterable[Story]) -> dict[str, str]:
    """Article id to story id.

    >>> story_index([Story("s-1", "x", ("a", "b"), (), (), (), None, None)])
    {'a': 's-1', 'b': 's-1'}
    """
    return {article: story.id for story in stories for article in story.articles}


def story_id(article_id: str) -> str:
    """A story's id from its earliest article's canonical URL: the same in every run.

    >>> story_id("https://example.com/a")
    's-c4ed1c218d14'
    """
    digest = hashlib.sha1(article_id.encode("utf-8"), usedforsecurity=False).hexdigest()
    return "s-" + digest[:12]


def plural_links(count: int) -> str:
    """A count of links in words.

    >>> plural_links(1), plural_links(3)
    ('1 link', '3 links')
    """
    return f"{count} link" if count == 1 else f"{count} links"
