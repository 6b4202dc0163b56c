"""The generator's in-memory model: outlets, stories, their articles, and time units."""

from __future__ import annotations

from dataclasses import dataclass, field

HOUR = 3600.0
DAY = 86400.0
MAX_STORY = 300  # largest story size drawn
MAX_SPREAD = 10 * DAY  # no article later than this after its story's start


@dataclass(slots=True)
class Outlet:
    """A publisher with its naming, URL habits and speed tendency."""

    name: str
    aliases: tuple[str, ...]
    domain: str
    speed: float
    url_style: int
    amp_style: int
    prefix_rate: float
    suffix: str
    title_case: bool
    quality: int


@dataclass(slots=True)
class Article:
    """One article of a story; ``story`` and ``outlet`` are list indexes."""

    story: int
    outlet: int
    ts: int | None
    title: str = ""
    excerpt: str = ""
    url: str = ""
    amp: str | None = None
    has_record: bool = False
    kind: str = "article"
    quality: int = 50
    seconds: bool = False
    offset: int = 0  # minutes east of UTC used when printing the time


@dataclass(slots=True)
class Story:
    """One story: its headline template, topics, start time and articles."""

    sid: str
    start: float
    group: int
    topics: tuple[str, ...]
    subject: str
    verb: int
    modifier: str
    head: str
    detail: str
    articles: list[Article] = field(default_factory=list)
