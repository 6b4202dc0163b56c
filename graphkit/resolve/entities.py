"""The resolved entities: one article, outlet, topic and category each, however often mentioned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property

import polars as pl

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


@dataclass(frozen=True)
class CorpusTables:
    """The resolved corpus as tables (Polars). Articles are numbered by `article` in the order
    they were first mentioned (own records first, then related entries, each in reading
    order); every other table refers to them by that number and keeps its rows in the order
    the mentions came."""

    articles: pl.DataFrame  # article, id, url, title, excerpt, published, time_status,
    # provider, quality, heat, type, has_record
    aliases: pl.DataFrame  # article, url: every form it was mentioned under
    sources: pl.DataFrame  # article, source: the files that mention it
    images: pl.DataFrame  # article, url, width, height
    article_topics: pl.DataFrame  # article, key
    article_categories: pl.DataFrame  # article, key
    providers: pl.DataFrame  # domain, name, names (first seen first), counts
    topics: pl.DataFrame  # key, label, variants
    categories: pl.DataFrame  # key, label, variants
    links: pl.DataFrame  # source, target (article numbers), files
    conflicts: pl.DataFrame  # article, field, kept, other, source


@dataclass
class Corpus:
    """Everything resolved from a set of records, ready for analyses and outputs.

    The analyses and outputs read `tables`; `articles`, `providers`, `topics`, `categories`,
    `related` and `conflicts` give the same as Python objects, made on first use (for
    notebooks and small corpora: a million articles as objects take gigabytes)."""

    tables: CorpusTables
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    built_at: datetime | None = None
    amp_rules: AmpRules = field(default_factory=AmpRules)

    @cached_property
    def articles(self) -> dict[str, Article]:
        """Every article by canonical URL, in the order they were first mentioned."""
        t = self.tables
        aliases, sources = _lists(t.aliases, "url"), _lists(t.sources, "source")
        topics, categories = _lists(t.article_topics, "key"), _lists(t.article_categories, "key")
        images: dict[int, list[Image]] = {}
        for number, url, width, height in t.images.iter_rows():
            images.setdefault(number, []).append(Image(url, width, height))
        conflicts: dict[int, list[Conflict]] = {}
        ids = t.articles["id"]
        for number, name, kept, other, source in t.conflicts.iter_rows():
            conflicts.setdefault(number, []).append(
                Conflict(ids[number], name, kept, other, source)
            )
        found = {}
        for row in t.articles.iter_rows(named=True):
            number = row["article"]
            found[row["id"]] = Article(
                id=row["id"], url=row["url"], aliases=aliases.get(number, []),
                title=row["title"], excerpt=row["excerpt"], published=row["published"],
                time_status=TimeStatus(row["time_status"]), provider=row["provider"],
                quality=row["quality"], heat=row["heat"], type=row["type"],
                images=images.get(number, []), topics=topics.get(number, []),
                categories=categories.get(number, []), sources=sources.get(number, []),
                has_record=row["has_record"], conflicts=conflicts.get(number, []),
            )  # fmt: skip
        return found

    @cached_property
    def providers(self) -> dict[str, Provider]:
        """Every outlet by domain, in the order first mentioned."""
        return {
            domain: Provider(domain, list(names), dict(zip(names, counts, strict=True)))
            for domain, _, names, counts in self.tables.providers.iter_rows()
        }

    @cached_property
    def topics(self) -> dict[str, Label]:
        return _labels(self.tables.topics)

    @cached_property
    def categories(self) -> dict[str, Label]:
        return _labels(self.tables.categories)

    @cached_property
    def related(self) -> list[RelatedLink]:
        """The related links between distinct articles, each pair once (either way counts
        apart), in the order first given, with the files that give them."""
        ids = self.tables.articles["id"]
        return [
            RelatedLink(ids[source], ids[target], tuple(files))
            for source, target, files in self.tables.links.iter_rows()
        ]

    @property
    def conflicts(self) -> list[Conflict]:
        ids = self.tables.articles["id"]
        return [
            Conflict(ids[number], name, kept, other, source)
            for number, name, kept, other, source in self.tables.conflicts.iter_rows()
        ]

    @property
    def article_count(self) -> int:
        return self.tables.articles.height

    def article_for(self, url: str) -> Article | None:
        """The article a URL in any of its forms refers to, or None."""
        key = canonical_url(url, self.amp_rules)
        return self.articles.get(key) if key else None


def _lists(table: pl.DataFrame, column: str) -> dict[int, list[str]]:
    """A two-column table (article, value) as lists of values by article, in row order."""
    lists: dict[int, list[str]] = {}
    for number, value in table.select("article", column).iter_rows():
        lists.setdefault(number, []).append(value)
    return lists


def _labels(table: pl.DataFrame) -> dict[str, Label]:
    return {key: Label(key, label, list(variants)) for key, label, variants in table.iter_rows()}


def label_key(text: str) -> str:
    """Key for topics and categories: case and spacing do not make a new one.

    >>> label_key("  Climate   Change ") == label_key("climate change")
    True
    """
    return " ".join(text.split()).casefold()
