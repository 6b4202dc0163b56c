"""The resolved entities: one article, outlet, topic and category each, however often mentioned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ..records import Image, Problem
from .urls import AmpRules, canonical_url


class TimeStatus(StrEnum):
    """Whether an article's publication time can be used by analyses."""

    OK = "ok"
    NO_ZONE = "no_zone"  # read as UTC; usable, but counted
    IMPLAUSIBLE = "implausible"  # before 1990 or in the future: kept, ignored by analyses
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two mentions of one article that disagree; `kept` is what the article now says."""

    article: str
    field: str
    kept: str
    other: str
    source: str


@dataclass(slots=True)
class Article:
    id: str  # canonical URL
    url: str  # the address to show: the article's own webUrl when it has a record
    aliases: list[str] = field(default_factory=list)
    title: str | None = None
    excerpt: str | None = None
    published: datetime | None = None
    time_status: TimeStatus = TimeStatus.MISSING
    provider: str | None = None  # outlet key (domain)
    quality: float | None = None
    heat: float | None = None
    type: str | None = None
    images: list[Image] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # topic keys
    categories: list[str] = field(default_factory=list)  # category keys
    sources: list[str] = field(default_factory=list)  # files that mention it
    has_record: bool = False
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def usable_time(self) -> datetime | None:
        """The publication time analyses may use, or None when missing or implausible."""
        usable = (TimeStatus.OK, TimeStatus.NO_ZONE)
        return self.published if self.time_status in usable else None


@dataclass(slots=True)
class Provider:
    domain: str
    names: list[str] = field(default_factory=list)  # every spelling seen, first seen first
    name_counts: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The most used name, the first seen on a tie, the domain when none was given."""
        if not self.name_counts:
            return self.domain
        return max(self.names, key=lambda n: self.name_counts[n])


@dataclass(slots=True)
class Label:
    """A topic or category: keyed case- and space-insensitively, labelled by its first spelling."""

    key: str
    label: str
    variants: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RelatedLink:
    source: str  # article id of the record
    target: str  # article id of the related entry
    files: tuple[str, ...]


@dataclass
class Corpus:
    """Everything resolved from a set of records, ready for analyses and outputs."""

    articles: dict[str, Article] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    topics: dict[str, Label] = field(default_factory=dict)
    categories: dict[str, Label] = field(default_factory=dict)
    related: list[RelatedLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    built_at: datetime | None = None
    amp_rules: AmpRules = field(default_factory=AmpRules)

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for a in self.articles.values() for c in a.conflicts]

    def article_for(self, url: str) -> Article | None:
        """The article a URL in any of its forms refers to, or None."""
        key = canonical_url(url, self.amp_rules)
        return self.articles.get(key) if key else None


def label_key(text: str) -> str:
    """Key for topics and categories: case and spacing do not make a new one.

    >>> label_key("  Climate   Change ") == label_key("climate change")
    True
    """
    return " ".join(text.split()).casefold()
