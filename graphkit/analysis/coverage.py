"""First coverage: who covered each story first, how far behind everyone else was, who leads.

Only usable times count (`Article.usable_time`): an article without a time, or with an
implausible one, is listed in its story's timeline but is never first and has no lag.
Ties are equal UTC times: the feeds mostly give minutes, so two articles in the same minute
both count as first (an article given to the second is not tied with one given to the minute).

Every analysis here is a few group-bys over one table (`CoverageTables.entries`: a row per
article, stories in order, each story's articles in timeline order); the `StoryCoverage`
objects are made from it when asked for.

>>> from graphkit.records import read_records
>>> from graphkit.resolve import resolve
>>> from graphkit.analysis.stories import detect_stories
>>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
>>> [story] = first_coverage(detect_stories(corpus), corpus)
>>> story.first_providers
('washingtonpost.com',)
>>> for entry in story.entries:
...     print(entry.provider, entry.is_first, entry.lag_seconds)
washingtonpost.com True 0.0
nationthailand.com False 5640.0
dailydot.com False 60720.0
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import polars as pl

from ..resolve import Corpus, domain_key, label_key
from .lineage import StoryIds, StoryMove
from .stories import Story, StoryGrouping
from .stories.assemble import usable_time


@dataclass(frozen=True, slots=True)
class Entry:
    """One article in a story's timeline."""

    article: str  # canonical URL
    url: str  # the address to show
    provider: str | None  # outlet key (domain)
    provider_name: str | None
    title: str | None
    published: datetime | None  # the usable time only
    time_status: str  # ok, no_zone, implausible or missing
    lag_seconds: float | None  # behind the story's first article; None without a usable time
    is_first: bool


@dataclass(frozen=True)
class StoryCoverage:
    """A story's timeline: every article, earliest first, those without a usable time last.

    What follows from the timeline is made once, as fields (so `dataclasses.asdict` has it):
    `first` (the earliest article(s), several when their times are equal), `first_time`,
    `last_time`, `first_providers`, `outlets` (every outlet's domain, in the order of their
    first article) and `untimed` (articles without a usable time: listed, never first).

    >>> import dataclasses
    >>> from datetime import UTC, datetime
    >>> at = datetime(2024, 5, 1, 10, tzinfo=UTC)
    >>> story = StoryCoverage("s-1", "Quake", (), (), (
    ...     Entry("a", "https://a.example/1", "a.example", "A", "Quake", at, "ok", 0.0, True),))
    >>> story.first_time.isoformat(), story.outlets, dataclasses.asdict(story)["first_providers"]
    ('2024-05-01T10:00:00+00:00', ('a.example',), ('a.example',))
    """

    id: str
    label: str
    topics: tuple[str, ...]
    categories: tuple[str, ...]
    entries: tuple[Entry, ...]
    first: tuple[Entry, ...] = field(init=False)
    first_time: datetime | None = field(init=False)
    last_time: datetime | None = field(init=False)
    first_providers: tuple[str, ...] = field(init=False)
    outlets: tuple[str, ...] = field(init=False)
    untimed: tuple[Entry, ...] = field(init=False)

    def __post_init__(self) -> None:
        entries = self.entries
        first = tuple(e for e in entries if e.is_first)
        derived = {
            "first": first,
            "first_time": entries[0].published if entries else None,
            "last_time": max((e.published for e in entries if e.published), default=None),
            "first_providers": _unique(e.provider for e in first if e.provider),
            "outlets": _unique(e.provider for e in entries if e.provider),
            "untimed": tuple(e for e in entries if e.published is None),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class CoverageFilter:
    """Which stories an analysis looks at: by topic, category and when they started.

    `since` and `until` are inclusive bounds on the story's first usable time; a story without
    one is left out when either is given. Topics and categories match case-insensitively.
    """

    topic: str | None = None
    category: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def expression(self) -> pl.Expr:
        """`admits` as a filter on `CoverageTables.summary()` rows."""
        kept = pl.lit(True)
        if self.topic is not None:
            kept &= pl.col("topics").list.contains(label_key(self.topic))
        if self.category is not None:
            kept &= pl.col("categories").list.contains(label_key(self.category))
        if self.since is not None or self.until is not None:
            kept &= pl.col("first_time").is_not_null()
        if self.since is not None:
            kept &= pl.col("first_time") >= self.since
        if self.until is not None:
            kept &= pl.col("first_time") <= self.until
        return kept

    def admits(self, story: StoryCoverage) -> bool:
        if self.topic is not None and label_key(self.topic) not in story.topics:
            return False
        if self.category is not None and label_key(self.category) not in story.categories:
            return False
        if self.since is None and self.until is None:
            return True
        start = story.first_time
        if start is None:
            return False
        return (self.since is None or start >= self.since) and (
            self.until is None or start <= self.until
        )


@dataclass(frozen=True)
class OutletLead:
    """One outlet's row of the leaderboard."""

    provider: str
    name: str
    stories: int  # stories it covered (among those counted)
    first: float  # times first, a tie among k outlets giving each 1/k
    tied_first: int  # stories where it was first together with another outlet
    share_first: float  # first / stories
    median_lag_seconds: float | None  # of its earliest article, over stories it was not first
    mean_lag_seconds: float | None


@dataclass(frozen=True)
class HeadToHead:
    """Two outlets on the stories both covered with a usable time: who was earlier how often."""

    a: str
    b: str
    stories: int
    a_earlier: int
    b_earlier: int
    ties: int


ENTRIES_SCHEMA: dict[str, Any] = {
    "story": pl.UInt32,  # the story's number (stories in order)
    "article": pl.String,  # canonical URL
    "url": pl.String,
    "provider": pl.String,
    "provider_name": pl.String,
    "title": pl.String,
    "published": pl.Datetime("us", "UTC"),  # the usable time only
    "time_status": pl.String,
    "lag_seconds": pl.Float64,
    "is_first": pl.Boolean,
}
STORIES_SCHEMA: dict[str, Any] = {
    "story": pl.UInt32, "id": pl.String, "label": pl.String,
    "topics": pl.List(pl.String), "categories": pl.List(pl.String),
}  # fmt: skip


@dataclass(frozen=True)
class CoverageTables:
    """First coverage as tables: `stories` (story, id, label, topics, categories) in story
    order, and `entries` (ENTRIES_SCHEMA), a row per article, each story's in timeline order.
    `as_objects()` gives the same as `StoryCoverage` objects."""

    stories: pl.DataFrame
    entries: pl.DataFrame

    @classmethod
    def of(cls, coverage: CoverageTables | Iterable[StoryCoverage]) -> CoverageTables:
        """Tables of coverage given as tables (as they are) or as objects."""
        if isinstance(coverage, CoverageTables):
            return coverage
        rows, entries = [], []
        for number, story in enumerate(coverage):
            rows.append((number, story.id, story.label, list(story.topics), list(story.categories)))
            entries += [
                (number, e.article, e.url, e.provider, e.provider_name, e.title, e.published,
                 e.time_status, e.lag_seconds, e.is_first)
                for e in story.entries
            ]  # fmt: skip
        return cls(
            pl.DataFrame(rows, schema=STORIES_SCHEMA, orient="row"),
            pl.DataFrame(entries, schema=ENTRIES_SCHEMA, orient="row"),
        )

    def __len__(self) -> int:
        return self.stories.height

    def covered_by_many(self) -> int:
        """How many stories two outlets or more covered (without making a story object).

        >>> CoverageTables.of([]).covered_by_many()
        0
        """
        provider = pl.col("provider")
        outlets = self.entries.filter(provider.is_not_null() & (provider != ""))
        counted = outlets.group_by("story").agg(provider.n_unique())
        return counted.filter(provider > 1).height

    def as_objects(self) -> list[StoryCoverage]:
        entries: list[list[Entry]] = [[] for _ in range(self.stories.height)]
        for row in self.entries.iter_rows():
            entries[row[0]].append(Entry(*row[1:]))
        return [
            StoryCoverage(id=id_, label=label, topics=tuple(topics),
                          categories=tuple(categories), entries=tuple(entries[number]))
            for number, id_, label, topics, categories in self.stories.iter_rows()
        ]  # fmt: skip

    def summary(self) -> pl.DataFrame:
        """One row per story: its first time, last time, the providers and URLs of its first
        articles, its articles, outlets and untimed articles (what `first_coverage.csv`
        lists)."""
        first = pl.col("is_first")
        per_story = self.entries.group_by("story", maintain_order=True).agg(
            pl.col("published").first().alias("first_time"),
            pl.col("published").max().alias("last_time"),
            pl.col("provider")
            .filter(first & pl.col("provider").is_not_null())
            .unique(maintain_order=True)
            .alias("first_providers"),
            pl.col("url").filter(first).alias("first_urls"),
            pl.len().alias("article_count"),
            pl.col("provider").drop_nulls().n_unique().alias("outlet_count"),
            pl.col("published").is_null().sum().alias("untimed_count"),
        )
        return self.stories.join(per_story, on="story", how="left", maintain_order="left")


def coverage_tables(grouping: StoryGrouping, corpus: Corpus) -> CoverageTables:
    """Every story's timeline: the first article(s), and every other article's lag behind
    them, as tables."""
    articles = corpus.tables.articles
    names = corpus.tables.providers.select(pl.col("domain").alias("provider"), "name")
    found = (
        grouping.members.join(articles, on="article", maintain_order="left")
        .join(names, on="provider", how="left", maintain_order="left")
        .with_columns(usable_time().alias("published"))
    )
    lag = (pl.col("published") - pl.col("published").first().over("story")).dt.total_microseconds()
    entries = found.select(
        "story", pl.col("id").alias("article"), "url", "provider",
        pl.col("name").alias("provider_name"), "title", "published", "time_status",
        (lag / 1e6).alias("lag_seconds"),
    ).with_columns((pl.col("lag_seconds") == 0).fill_null(False).alias("is_first"))  # fmt: skip
    stories = grouping.table.select(list(STORIES_SCHEMA))
    return CoverageTables(stories, entries.cast(ENTRIES_SCHEMA))  # type: ignore[arg-type]


def first_coverage(stories: Iterable[Story], corpus: Corpus) -> list[StoryCoverage]:
    """Every story's timeline, in the order of `stories`."""
    return [story_coverage(story, corpus) for story in stories]


def story_coverage(story: Story, corpus: Corpus) -> StoryCoverage:
    """One story's timeline: the first article(s), and every other article's lag behind them."""
    articles = corpus.articles
    entries = []
    first = articles[story.articles[0]].usable_time if story.articles else None
    for article in (articles[a] for a in story.articles):
        published = article.usable_time
        lag = None if published is None or first is None else (published - first).total_seconds()
        provider = corpus.providers.get(article.provider) if article.provider else None
        entries.append(
            Entry(
                article=article.id,
                url=article.url,
                provider=article.provider,
                provider_name=provider.name if provider else None,
                title=article.title,
                published=published,
                time_status=article.time_status.value,
                lag_seconds=lag,
                is_first=lag == 0,
            )
        )
    return StoryCoverage(story.id, story.label, story.topics, story.categories, tuple(entries))


def leaderboard(
    coverage: CoverageTables | Iterable[StoryCoverage],
    where: CoverageFilter | None = None,
    *,
    min_outlets: int = 2,
) -> list[OutletLead]:
    """Per outlet: stories covered, times first (ties shared), share first, lag when not first.

    Counts the stories that pass `where`, have a usable first time, and were covered by at
    least `min_outlets` outlets (a story only one outlet covered says nothing about speed).
    An outlet's lag in a story is that of its earliest article there. Leaders first.
    """
    earliest = _earliest_by_outlet(CoverageTables.of(coverage), where, min_outlets)
    if earliest.is_empty():
        return []
    firsts = earliest.filter("is_first").group_by("story").agg(pl.len().alias("firsts"))
    earliest = earliest.join(firsts, on="story", how="left", maintain_order="left")
    per_outlet = earliest.group_by("provider", maintain_order=True).agg(
        pl.len().alias("stories"),
        pl.col("provider_name").drop_nulls().filter(pl.col("provider_name") != "").first(),
        pl.col("firsts").filter("is_first").alias("shares"),
        (pl.col("is_first") & (pl.col("firsts") > 1)).sum().alias("tied"),
        pl.col("lag_seconds")
        .filter(~pl.col("is_first") & pl.col("lag_seconds").is_not_null())
        .alias("lags"),
    )
    rows = []
    for provider, stories, name, shares, tied, lags in per_outlet.iter_rows():
        first = 0.0
        for share in shares:  # summed in story order, as a reader would add them up
            first += 1 / share
        rows.append(
            OutletLead(
                provider=provider,
                name=name or provider,
                stories=stories,
                first=first,
                tied_first=tied,
                share_first=first / stories,
                median_lag_seconds=statistics.median(lags) if lags else None,
                mean_lag_seconds=statistics.fmean(lags) if lags else None,
            )
        )
    return sorted(rows, key=_rank)


def _rank(row: OutletLead) -> tuple[float, float, float, int, str]:
    """Most times first, then highest share, then shortest median lag (none known: last),
    most stories, name."""
    lag = math.inf if row.median_lag_seconds is None else row.median_lag_seconds
    return (-row.first, -row.share_first, lag, -row.stories, row.provider)


def head_to_head(
    coverage: CoverageTables | Iterable[StoryCoverage],
    where: CoverageFilter | None = None,
    *,
    outlet: str | None = None,
    min_stories: int = 1,
) -> list[HeadToHead]:
    """For each pair of outlets, on the stories both covered: how often each was earlier.

    Compares each outlet's earliest usable time in the story; equal times are ties. Pairs
    come with the outlets in alphabetical order, most shared stories first. `outlet` keeps
    only the pairs with that outlet; `min_stories` drops pairs that met on fewer stories.
    """
    earliest = _earliest_by_outlet(CoverageTables.of(coverage), where, 2)
    timed = earliest.filter(pl.col("published").is_not_null()).select(
        "story", "provider", "published"
    )
    pairs = timed.join(timed, on="story", suffix="_b").filter(
        pl.col("provider") < pl.col("provider_b")
    )
    if outlet is not None:
        pairs = pairs.filter((pl.col("provider") == outlet) | (pl.col("provider_b") == outlet))
    a, b = pl.col("published"), pl.col("published_b")
    counted = (
        pairs.group_by("provider", "provider_b")
        .agg(
            pl.len().alias("stories"),
            (a < b).sum().alias("a_earlier"),
            (b < a).sum().alias("b_earlier"),
            (a == b).sum().alias("ties"),
        )
        .filter(pl.col("stories") >= min_stories)
        .sort(["stories", "provider", "provider_b"], descending=[True, False, False])
    )
    return [HeadToHead(*row) for row in counted.iter_rows()]


STORY_ORDERS = ("first", "size", "outlets")


@dataclass(frozen=True)
class StorySearch:
    """Which stories to list: every word of `text` in one of its headlines (case-insensitive,
    parts of words too: "gpt" finds "GPT-4"), an article by `outlet` (a domain, with or
    without "www."), at least `min_outlets` outlets, and what `where` admits."""

    text: str | None = None
    outlet: str | None = None
    min_outlets: int = 1
    where: CoverageFilter = CoverageFilter()

    def admits(self, story: StoryCoverage) -> bool:
        if len(story.outlets) < self.min_outlets or not self.where.admits(story):
            return False
        if self.outlet is not None and domain_key(self.outlet) not in story.outlets:
            return False
        if self.text is None:
            return True
        headlines = " ".join([story.label, *(e.title or "" for e in story.entries)]).casefold()
        return all(word in headlines for word in self.text.casefold().split())


def find_stories(
    coverage: Iterable[StoryCoverage], search: StorySearch = StorySearch(), order: str = "first"
) -> list[StoryCoverage]:
    """The stories `search` admits: by `order` "first" (first covered earliest first, those
    never timed last), "size" (most articles first) or "outlets" (most outlets first); ties
    by first time, then id.

    >>> from graphkit.records import read_records
    >>> from graphkit.resolve import resolve
    >>> from graphkit.analysis.stories import detect_stories
    >>> corpus = resolve(read_records(["seeds"]).records)
    >>> coverage = first_coverage(detect_stories(corpus), corpus)
    >>> [(s.id, s.first_providers) for s in find_stories(coverage, StorySearch(text="gpt-4"))]
    [('s-5463d77f940e', ('techcrunch.com', 'theverge.com'))]
    """
    if order not in STORY_ORDERS:
        raise ValueError(f"order is one of {', '.join(STORY_ORDERS)}, not {order!r}")
    found = [story for story in coverage if search.admits(story)]

    def by_time(story: StoryCoverage) -> tuple[bool, float, str]:
        start = story.first_time
        return (start is None, start.timestamp() if start else 0.0, story.id)

    found.sort(key=by_time)
    if order == "size":
        found.sort(key=lambda story: -len(story.entries))
    elif order == "outlets":
        found.sort(key=lambda story: -len(story.outlets))
    return found


def find_story(
    coverage: Iterable[StoryCoverage], story_id: str, moves: Iterable[StoryMove] = ()
) -> StoryCoverage:
    """The story with this id, or the only one whose id starts with it (ids all have one
    length, so a whole id is the prefix of no other); an earlier build's id in `moves` (a
    build's `story_ids.json`) finds the story that continues it. StoryNotFoundError says
    which of "none", "several" and "gone" it was."""
    return locate_story(coverage, story_id, moves)[0]


def locate_story(
    coverage: Iterable[StoryCoverage], story_id: str, moves: Iterable[StoryMove] = ()
) -> tuple[StoryCoverage, StoryMove | None]:
    """`find_story`, and the move that led from an earlier build's id to it (None when
    `story_id` names a story of this build)."""
    stories = {story.id: story for story in coverage}
    found, moved = StoryIds(frozenset(stories), tuple(moves)).find(story_id)
    return stories[found], moved


def parse_when(text: str, *, end: bool = False) -> datetime:
    """A bound for `since`/`until`: an ISO date or date-time, as UTC (no zone means UTC).

    A bare date stands for its whole day: its start as `since`, its end as `until`.

    >>> parse_when("2021-02-17").isoformat()
    '2021-02-17T00:00:00+00:00'
    >>> parse_when("2021-02-17", end=True).isoformat()
    '2021-02-17T23:59:59.999999+00:00'
    >>> parse_when("2021-02-18T01:00+01:00").isoformat()
    '2021-02-18T00:00:00+00:00'
    """
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _earliest_by_outlet(
    coverage: CoverageTables, where: CoverageFilter | None, min_outlets: int
) -> pl.DataFrame:
    """Each outlet's earliest article in each story counted (entries are in timeline order):
    stories with a usable first time, at least `min_outlets` outlets, that pass `where`."""
    stories = coverage.summary().filter(
        pl.col("first_time").is_not_null() & (pl.col("outlet_count") >= min_outlets)
    )
    if where is not None:
        stories = stories.filter(where.expression())
    return (
        coverage.entries.filter(pl.col("provider").is_not_null())
        .join(stories.select("story"), on="story", maintain_order="left")
        .unique(["story", "provider"], keep="first", maintain_order=True)
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
