"""Story ids that last: which earlier ids each build's stories continue.

A story's id comes from its earliest article, so it is the same in every build of the same
files, but it changes when an earlier article arrives, and a merge or a split leaves ids that
no story has any more. Each build therefore compares its stories with the previous build's
by their shared articles and keeps, for every id that is gone, the story that holds most of
its articles now (`StoryMove`), carried through every later build. An id written into a
notebook or a paper last month thus still finds its story: `StoryIds.find` resolves it.

How a move is named: "earlier article" when the one story that continues it holds no other
earlier story's articles (an earlier article arrived, or the first one's record went), "merged"
when it also holds another earlier story's articles, "split" when its articles are now in
several stories (the one with most continues it), "gone" when none of them is left.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from ..errors import GraphkitError

MOVE_KINDS = ("earlier article", "merged", "split", "gone")


class StoryNotFoundError(GraphkitError, LookupError):
    """No story has the id asked for, or several ids start with it."""


@dataclass(frozen=True)
class StoryMove:
    """An id no story of this build has: what became of its story, and since which build."""

    old_id: str
    story_id: str | None  # the story holding most of its articles now; None when "gone"
    how: str  # one of MOVE_KINDS
    since_build: str  # the first build without it (its id starts with when it was made, UTC)
    shared_articles: int  # of its articles, how many `story_id` holds (at the last step)
    old_articles: int  # how many articles it had when last seen
    also: tuple[str, ...] = ()  # the other stories its articles are in now (a split)

    def describe(self) -> str:
        """One line for people.

        >>> StoryMove("s-1", "s-2", "merged", "20261207T100000-1a2b3c4d", 3, 3).describe()
        's-1 is now s-2 (merged with another story; since build 20261207T100000-1a2b3c4d)'
        """
        since = f"since build {self.since_build}"
        if self.story_id is None:
            return f"{self.old_id} is in no story now (none of its articles are left; {since})"
        why = {
            "earlier article": "an earlier article joined it",
            "merged": "merged with another story",
            "split": f"split: {self.shared_articles} of its {self.old_articles} articles are "
            f"here, the rest in {', '.join(self.also)}",
        }[self.how]
        return f"{self.old_id} is now {self.story_id} ({why}; {since})"


@dataclass(frozen=True)
class StoryIds:
    """The ids of a build's stories and the moves of the ids earlier builds had."""

    current: frozenset[str]
    moves: tuple[StoryMove, ...] = ()
    _by_old: dict[str, StoryMove] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_old", {move.old_id: move for move in self.moves})

    def find(self, asked: str) -> tuple[str, StoryMove | None]:
        """The id of the story `asked` names today, and the move that led there if it is an
        earlier build's id: a whole id or the only one starting with `asked` (today's ids are
        tried first). StoryNotFoundError says whether it was none, several, or gone.

        >>> ids = StoryIds(frozenset({"s-aa11", "s-bb22"}),
        ...                (StoryMove("s-cc33", "s-bb22", "merged", "b7", 2, 2),))
        >>> ids.find("s-a")
        ('s-aa11', None)
        >>> ids.find("s-cc33")[0]
        's-bb22'
        """
        asked = asked.strip()
        for names, earlier in ((self.current, False), (self._by_old.keys(), True)):
            matches = [name for name in names if name.startswith(asked)] if asked else []
            if len(matches) > 1:
                several = f"{len(matches)} story ids start with {asked!r}: give more"
                raise StoryNotFoundError(several)
            if not matches:
                continue
            if not earlier:
                return matches[0], None
            move = self._by_old[matches[0]]
            if move.story_id is None:
                raise StoryNotFoundError(move.describe())
            return move.story_id, move
        raise StoryNotFoundError(
            f"no story {asked!r} in this build or the builds before it in this folder "
            "(ids look like s-1a2b3c4d5e6f; `graphkit stories --search WORDS` finds one)"
        )


def continue_ids(
    earlier: pl.DataFrame,
    earlier_moves: Iterable[StoryMove],
    now: pl.DataFrame,
    build: str,
) -> StoryIds:
    """The moves after a build: `earlier` and `now` give each build's articles as rows of
    (story_id, article_url); `earlier_moves` are the moves the earlier build had kept.

    >>> earlier = pl.DataFrame({"story_id": ["s-a", "s-a", "s-b"], "article_url": ["1", "2", "3"]})
    >>> now = pl.DataFrame({"story_id": ["s-c", "s-c", "s-c"], "article_url": ["0", "1", "2"]})
    >>> [(m.old_id, m.story_id, m.how) for m in continue_ids(earlier, [], now, "b2").moves]
    [('s-a', 's-c', 'earlier article'), ('s-b', None, 'gone')]
    """
    current = frozenset(now["story_id"].unique().to_list())
    fresh = {move.old_id: move for move in _moves(earlier, now, current, build)}
    moves = dict(fresh)
    for move in earlier_moves:
        if move.old_id in current or move.old_id in moves:
            continue  # it names a story again, or the earlier build had it as its own
        moves[move.old_id] = _carried(move, fresh, current)
    return StoryIds(current, tuple(sorted(moves.values(), key=lambda move: move.old_id)))


def _moves(
    earlier: pl.DataFrame, now: pl.DataFrame, current: frozenset[str], build: str
) -> list[StoryMove]:
    """A move for each of `earlier`'s ids that `now` has not."""
    overlap = (
        earlier.select(pl.col("story_id").alias("old_id"), "article_url")
        .join(now.select("story_id", "article_url"), on="article_url", how="left")
        .group_by("old_id", "story_id")
        .len("shared")
    )
    # how many earlier stories flow into each story of now: more than one is a merge
    sources = overlap.drop_nulls("story_id").group_by("story_id").agg(pl.col("old_id").n_unique())
    inflow = dict(sources.iter_rows())
    gone = overlap.filter(~pl.col("old_id").is_in(list(current)))
    moves = []
    for (old_id,), group in gone.sort("shared", "story_id", descending=[True, False]).group_by(
        "old_id", maintain_order=True
    ):
        sizes = list(zip(group["story_id"], group["shared"], strict=True))
        total = sum(shared for _, shared in sizes)
        held = [(story, shared) for story, shared in sizes if story is not None]
        if not held:
            moves.append(StoryMove(str(old_id), None, "gone", build, 0, total))
            continue
        (target, shared), others = held[0], tuple(story for story, _ in held[1:])
        how = "split" if others else "merged" if inflow.get(target, 0) > 1 else "earlier article"
        moves.append(StoryMove(str(old_id), target, how, build, shared, total, others))
    return moves


def _carried(move: StoryMove, fresh: dict[str, StoryMove], current: frozenset[str]) -> StoryMove:
    """An older move after one more build: its story may itself have moved since."""
    if move.story_id is None or move.story_id in current:
        return move if not move.also else _keep_current_also(move, current)
    step = fresh.get(move.story_id)
    if step is None or step.story_id is None:
        return StoryMove(move.old_id, None, "gone", move.since_build, 0, move.old_articles)
    return StoryMove(
        move.old_id, step.story_id, move.how, move.since_build, step.shared_articles,
        move.old_articles, step.also,
    )  # fmt: skip


def _keep_current_also(move: StoryMove, current: frozenset[str]) -> StoryMove:
    also = tuple(story for story in move.also if story in current)
    return StoryMove(**{**move.__dict__, "also": also})


def moves_frame(moves: Sequence[StoryMove]) -> pl.DataFrame:
    """The moves as a table, one row per earlier id (the columns of `story_ids.csv`)."""
    return pl.DataFrame(
        {
            "old_story_id": [m.old_id for m in moves],
            "story_id": [m.story_id for m in moves],
            "how": [m.how for m in moves],
            "since_build": [m.since_build for m in moves],
            "shared_articles": [m.shared_articles for m in moves],
            "old_articles": [m.old_articles for m in moves],
            "also_story_ids": [list(m.also) for m in moves],
        },
        schema={
            "old_story_id": pl.String, "story_id": pl.String, "how": pl.String,
            "since_build": pl.String, "shared_articles": pl.Int64,
            "old_articles": pl.Int64, "also_story_ids": pl.List(pl.String),
        },
    )  # fmt: skip
