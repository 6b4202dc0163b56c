"""First coverage: who covered each story first, how far behind everyone else was, who leads.

Only usable times count (`Article.usable_time`): an article without a time, or with an
implausible one, is listed in its story's timeline but is never first and has no lag.
Ties are equal UTC times: the feeds mostly give minutes, so two articles in the same minute
both count as first (an article given to the second is not tied with one given to the minute).

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
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cached_property
from itertools import combinations

from ..errors import GraphkitError
from ..resolve import Article, Corpus, label_key
from .stories import Story, timeline_key


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
    """A story's timeline: every article, earliest first, those without a usable time last."""

    id: str
    label: str
    topics: tuple[str, ...]
    categories: tuple[str, ...]
    entries: tuple[Entry, ...]

    @cached_property  # asked for often (every page, table and triple of a story)
    def first(self) -> tuple[Entry, ...]:
        """The earliest article(s); several when their times are equal."""
        return tuple(e for e in self.entries if e.is_first)

    @property
    def first_time(self) -> datetime | None:
        return self.entries[0].published if self.entries else None

    @property
    def last_time(self) -> datetime | None:
        return max((e.published for e in self.entries if e.published), default=None)

    @property
    def first_providers(self) -> tuple[str, ...]:
        return _unique(e.provider for e in self.first if e.provider)

    @cached_property
    def outlets(self) -> tuple[str, ...]:
        """Every outlet with an article in the story, in the order of their first article."""
        return _unique(e.provider for e in self.entries if e.provider)

    @property
    def untimed(self) -> tuple[Entry, ...]:
        """Articles without a usable time: listed, never first."""
        return tuple(e for e in self.entries if e.published is None)


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


def first_coverage(stories: Iterable[Story], corpus: Corpus) -> list[StoryCoverage]:
    """Every story's timeline, in the order of `stories`."""
    return [story_coverage(story, corpus) for story in stories]


def story_coverage(story: Story, corpus: Corpus) -> StoryCoverage:
    """One story's timeline: the first article(s), and every other article's lag behind them."""
    articles = sorted((corpus.articles[a] for a in story.articles), key=timeline_key)
    first = articles[0].usable_time if articles else None
    return StoryCoverage(
        id=story.id,
        label=story.label,
        topics=story.topics,
        categories=story.categories,
        entries=tuple(_entry(article, first, corpus) for article in articles),
    )


def _entry(article: Article, first: datetime | None, corpus: Corpus) -> Entry:
    published = article.usable_time
    lag = None if published is None or first is None else (published - first).total_seconds()
    provider = corpus.providers.get(article.provider) if article.provider else None
    return Entry(
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


def leaderboard(
    coverage: Iterable[StoryCoverage],
    where: CoverageFilter | None = None,
    *,
    min_outlets: int = 2,
) -> list[OutletLead]:
    """Per outlet: stories covered, times first (ties shared), share first, lag when not first.

    Counts the stories that pass `where`, have a usable first time, and were covered by at
    least `min_outlets` outlets (a story only one outlet covered says nothing about speed).
    An outlet's lag in a story is that of its earliest article there. Leaders first.
    """
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for story in _counted(coverage, where, min_outlets):
        firsts = story.first_providers
        for provider, entry in _earliest_by_outlet(story).items():
            tally = tallies[provider]
            tally.stories += 1
            tally.name = tally.name or entry.provider_name
            if entry.is_first:
                tally.first += 1 / len(firsts)
                tally.tied += len(firsts) > 1
            elif entry.lag_seconds is not None:
                tally.lags.append(entry.lag_seconds)
    rows = [tally.row(provider) for provider, tally in tallies.items()]
    return sorted(rows, key=_rank)


def _rank(row: OutletLead) -> tuple[float, float, float, int, str]:
    """Most times first, then highest share, then shortest median lag (none known: last),
    most stories, name."""
    lag = math.inf if row.median_lag_seconds is None else row.median_lag_seconds
    return (-row.first, -row.share_first, lag, -row.stories, row.provider)


def head_to_head(
    coverage: Iterable[StoryCoverage],
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
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for story in _counted(coverage, where, 2):
        times = {p: e.published for p, e in _earliest_by_outlet(story).items() if e.published}
        for a, b in combinations(sorted(times), 2):
            if outlet is not None and outlet not in (a, b):
                continue
            tally = counts[(a, b)]
            tally[0 if times[a] < times[b] else 1 if times[b] < times[a] else 2] += 1
    rows = [
        HeadToHead(a, b, sum(tally), tally[0], tally[1], tally[2])
        for (a, b), tally in counts.items()
        if sum(tally) >= min_stories
    ]
    return sorted(rows, key=lambda r: (-r.stories, r.a, r.b))


class StoryNotFoundError(GraphkitError, LookupError):
    """No story has the id asked for, or several ids start with it."""


def find_story(coverage: Iterable[StoryCoverage], story_id: str) -> StoryCoverage:
    """The story with this id, or the only one whose id starts with it (ids all have one
    length, so a whole id is the prefix of no other); StoryNotFoundError says which of
    "none" and "several" it was."""
    matches = [story for story in coverage if story.id.startswith(story_id)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise StoryNotFoundError(f"{len(matches)} story ids start with {story_id!r}: give more")
    raise StoryNotFoundError(f"no story {story_id!r} (ids look like s-1a2b3c4d5e6f)")


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


@dataclass
class _Tally:
    name: str | None = None
    stories: int = 0
    first: float = 0.0
    tied: int = 0
    lags: list[float] = field(default_factory=list)

    def row(self, provider: str) -> OutletLead:
        lags = self.lags
        return OutletLead(
            provider=provider,
            name=self.name or provider,
            stories=self.stories,
            first=self.first,
            tied_first=self.tied,
            share_first=self.first / self.stories,  # a tally starts with its first story
            median_lag_seconds=statistics.median(lags) if lags else None,
            mean_lag_seconds=statistics.fmean(lags) if lags else None,
        )


def _counted(
    coverage: Iterable[StoryCoverage], where: CoverageFilter | None, min_outlets: int
) -> Iterator[StoryCoverage]:
    for story in coverage:
        if story.first_time is None or len(story.outlets) < min_outlets:
            continue
        if where is None or where.admits(story):
            yield story


def _earliest_by_outlet(story: StoryCoverage) -> Mapping[str, Entry]:
    """Each outlet's earliest article in the story (entries are in timeline order)."""
    earliest: dict[str, Entry] = {}
    for entry in story.entries:
        if entry.provider:
            earliest.setdefault(entry.provider, entry)
    return earliest


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
