"""Turning articles into record front matter: the aggregator's fields and related list."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime
from typing import Any

from .emitter import Quoted, Stamp
from .model import Article, Outlet, Story
from .related import RelatedPicker
from .urls import cdn_amp, url_variant

_IMAGE_SIZES = ((1200, 800), (1440, 960), (800, 450), (2000, 1000), (640, 360))


def format_time(ts: int, seconds: bool, offset: int) -> str:
    """Aggregator-style ISO time, ``Z`` unless an offset (minutes east of UTC) is given.

    >>> format_time(1672574400, False, 0)
    '2023-01-01T12:00:00Z'
    >>> format_time(1672574445, True, -300)
    '2023-01-01T07:00:45-05:00'
    """
    moment = datetime.fromtimestamp(ts + offset * 60, UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M:00")
    if offset == 0:
        return text + "Z"
    sign = "+" if offset > 0 else "-"
    return f"{text}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def _stamp(art: Article, quoted: bool) -> str:
    """The publication time of ``art``, as a quoted string or a plain timestamp."""
    text = format_time(art.ts or 0, art.seconds, art.offset)
    return Quoted(text) if quoted else Stamp(text)


def _images(rng: random.Random, outlet: Outlet) -> list[dict[str, Any]]:
    """A one-image list hosted by ``outlet``."""
    width, height = rng.choice(_IMAGE_SIZES)
    url = f"https://media.{outlet.domain}/images/{rng.getrandbits(40):010x}.jpg"
    return [{"url": Quoted(url), "width": width, "height": height, "isCached": True}]


class RecordMaker:
    """Builds record mappings and records the true story of every URL they mention."""

    def __init__(
        self,
        rng: random.Random,
        stories: list[Story],
        outlets: list[Outlet],
        related: RelatedPicker,
    ) -> None:
        self.rng = rng
        self.stories = stories
        self.outlets = outlets
        self.related = related
        self.labels: dict[str, str] = {}

    def record(self, art: Article) -> dict[str, Any]:
        """The front-matter mapping of the record of ``art``; labels the URLs it mentions."""
        rng = self.rng
        story = self.stories[art.story]
        outlet = self.outlets[art.outlet]
        quoted = rng.random() < 0.3
        self.labels.setdefault(art.url, story.sid)
        doc: dict[str, Any] = {
            "category": "news",
            "title": Quoted(art.title),
            "excerpt": Quoted(art.excerpt),
        }
        if art.ts is not None:
            doc["publishedDateTime"] = _stamp(art, quoted)
        original = art.url
        if rng.random() < 0.1:
            original += "?utm_source=rss&utm_medium=feed"
        doc["originalUrl"] = Quoted(original)
        doc["webUrl"] = Quoted(art.url)
        if art.amp:
            doc["ampWebUrl"] = Quoted(art.amp)
            doc["cdnAmpWebUrl"] = Quoted(cdn_amp(art.amp))
        doc["type"] = art.kind
        doc["quality"] = art.quality
        doc["heat"] = rng.randint(0, 100)
        doc["published"] = True
        doc["provider"] = {"name": outlet.name, "domain": outlet.domain}
        doc["topics"] = self._topics(story)
        doc["images"] = _images(rng, outlet)
        doc["related"] = self._related(art, quoted)
        doc["secured"] = self._secured()
        return doc

    def _topics(self, story: Story) -> list[str]:
        """The story's topics, now and then missing one."""
        rng = self.rng
        topics = list(story.topics)
        if len(topics) > 1 and rng.random() < 0.1:
            topics.pop(rng.randrange(len(topics)))
        return topics

    def _related(self, art: Article, quoted: bool) -> list[dict[str, Any]]:
        """The related list of the record of ``art``."""
        entries = []
        for other, _noise in self.related.related(art):
            entries.append(self._mention(other, quoted))
            self.labels.setdefault(other.url, self.stories[other.story].sid)
        return entries

    def _secured(self) -> Quoted:
        """An opaque base64 blob and key, like the aggregator's ``secured`` field."""
        rng = self.rng
        blob = base64.b64encode(rng.randbytes(rng.randint(280, 420))).decode()
        return Quoted(f"{blob};{base64.b64encode(rng.randbytes(16)).decode()}")

    def _mention(self, art: Article, quoted: bool) -> dict[str, Any]:
        """A related-list entry describing ``art``."""
        rng = self.rng
        outlet = self.outlets[art.outlet]
        entry: dict[str, Any] = {"title": Quoted(art.title)}
        if rng.random() >= 0.02:
            entry["excerpt"] = Quoted(art.excerpt)
        if art.ts is not None:
            entry["publishedDateTime"] = _stamp(art, quoted)
        url = art.url
        if art.has_record and rng.random() < 0.2:
            url = url_variant(rng, art)
        entry["webUrl"] = Quoted(url)
        if art.amp and rng.random() < 0.6:
            entry["ampWebUrl"] = Quoted(art.amp)
            if rng.random() < 0.7:
                entry["cdnAmpWebUrl"] = Quoted(cdn_amp(art.amp))
        entry["type"] = art.kind
        name = rng.choice(outlet.aliases) if rng.random() < 0.2 else outlet.name
        entry["provider"] = {"name": name, "domain": outlet.domain}
        entry["quality"] = art.quality
        if rng.random() < 0.7:
            entry["images"] = _images(rng, outlet)
        return entry
