"""Records in the feed format from real labelled coverage (a CSV of headlines and stories).

The input is a slice of the UCI News Aggregator data set ("News Aggregator data set,
F. Gasparetti, UCI Machine Learning Repository, CC BY 4.0"): one row per real article with
``TITLE, URL, PUBLISHER, CATEGORY, STORY, HOSTNAME, TIMESTAMP``. Headlines, outlets and story
clusters are real; what a feed adds is drawn here, reproducibly per seed:

- **times**: ``TIMESTAMP`` is when the aggregator collected the article (a whole story within
  a minute or two), so each story starts at its first collection time and its articles spread
  over hours to days, more for bigger stories (exponential gaps, to the minute, so ties occur);
- **records**: about ``record_share`` of the articles get a record of their own, listing 1 to 4
  other articles of the same story as ``related``;
- **noise**: a share ``noise`` of all related entries point into another story instead,
  at an article published within a day of the record's own;
- **story sizes** (optional, ``story_sizes=(low, high)``): only ``low`` to ``high`` random
  articles of each story are kept (all of a smaller one) before records are drawn, for small
  stories out of big ones. Related lists are drawn as for whole stories, so a small story's
  records list fewer same-story entries and the share of cross-story links comes out above
  ``noise`` (about 6 % and 12 % for ``noise`` 0.05 and 0.10 at sizes 2 to 5 on the dev set).

The true first articles of a story are its earliest ones among those the corpus mentions.
"""

from __future__ import annotations

import csv
import math
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .corpus import LABELS_FILE, prepare_dir, write_labels
from .emitter import Quoted, Stamp, dump_front_matter

CATEGORIES = {"b": "Business", "t": "Science and technology", "e": "Entertainment", "m": "Health"}
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class LabelledArticle:
    url: str
    title: str
    publisher: str
    host: str
    category: str
    story: str
    published: datetime


@dataclass(frozen=True)
class LabelledCorpus:
    """A written corpus: folder, record count, each mentioned URL's story, true first URLs."""

    path: Path
    records: int
    labels: dict[str, str]
    true_firsts: frozenset[str]


def read_labelled(path: Path | str, seed: int = 0) -> list[LabelledArticle]:
    """The CSV's articles, each with a drawn publication time (see the module docstring)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    by_story: dict[str, list[dict[str, str]]] = defaultdict(list)
    seen: set[str] = set()
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            url = _ESCAPE.sub(r"\1", row["URL"])
            if url not in seen:
                seen.add(url)
                by_story[row["STORY"]].append({**row, "URL": url})
    articles = []
    for story in sorted(by_story):
        rows = by_story[story]
        start = datetime.fromtimestamp(min(int(r["TIMESTAMP"]) for r in rows) / 1000, UTC)
        start = start.replace(second=0, microsecond=0)
        scale_hours = min(36.0, max(2.0, 3.0 * math.sqrt(len(rows))))
        for index, row in enumerate(rows):
            hours = 0.0 if index == 0 else rng.expovariate(1 / scale_hours)
            articles.append(
                LabelledArticle(
                    url=row["URL"],
                    title=_ESCAPE.sub(r"\1", row["TITLE"]),
                    publisher=row["PUBLISHER"],
                    host=row["HOSTNAME"],
                    category=CATEGORIES.get(row["CATEGORY"], row["CATEGORY"]),
                    story=story,
                    published=start + timedelta(minutes=round(hours * 60)),
                )
            )
    return articles


def write_labelled_corpus(
    csv_path: Path | str,
    out_dir: Path | str,
    noise: float = 0.0,
    seed: int = 0,
    record_share: float = 0.6,
    story_sizes: tuple[int, int] | None = None,
) -> LabelledCorpus:
    """Write the records of a labelled CSV to ``out_dir``, with ``labels.tsv``.

    ``story_sizes=(low, high)`` keeps only ``low`` to ``high`` articles of each story (a number
    drawn per story, then that many articles drawn at random, reproducibly per ``seed``; a story
    with fewer keeps all), as small stories; publication times are those of the whole story.
    ``None`` (the default) keeps every article, and the records are then exactly as without it.
    """
    if not 0.0 <= noise < 1.0:
        raise ValueError("noise must be within [0, 1)")
    if story_sizes is not None and not 1 <= story_sizes[0] <= story_sizes[1]:
        raise ValueError("story_sizes must be (low, high) with 1 <= low <= high")
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    articles = read_labelled(csv_path, seed)
    if story_sizes is not None:
        articles = _keep_some(articles, story_sizes, rng)
    out = Path(out_dir)
    prepare_dir(out)
    by_story: dict[str, list[LabelledArticle]] = defaultdict(list)
    for article in articles:
        by_story[article.story].append(article)
    by_time = sorted(articles, key=lambda a: a.published)
    # Cross-story entries per record so that they are `noise` of all entries (2.5 same-story).
    cross_rate = noise * 2.5 / (1 - noise)
    mentioned: set[str] = set()
    records = [a for a in articles if rng.random() < record_share]
    rng.shuffle(records)
    for index, own in enumerate(records):
        others = [a for a in by_story[own.story] if a is not own]
        related = rng.sample(others, min(len(others), rng.randint(1, 4)))
        if rng.random() < cross_rate:
            stray = _near_other_story(own, by_time, rng)
            if stray is not None:
                related.insert(rng.randrange(len(related) + 1), stray)
        mentioned.update(a.url for a in [own, *related])
        name = f"{index:06d}_{rng.getrandbits(64):016x}.txt"
        with open(out / name, "w", encoding="utf-8", newline="\n") as handle:
            dump_front_matter(_record(own, related), handle)
    labels = {a.url: a.story for a in articles if a.url in mentioned}
    write_labels(out / LABELS_FILE, labels)
    return LabelledCorpus(out, len(records), labels, _true_firsts(articles, mentioned))


def _keep_some(
    articles: list[LabelledArticle], sizes: tuple[int, int], rng: random.Random
) -> list[LabelledArticle]:
    """``sizes[0]`` to ``sizes[1]`` random articles of each story (stories in the order met),
    each story's kept articles in their order in ``articles``."""
    by_story: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        by_story[article.story].append(index)
    kept: list[int] = []
    for indices in by_story.values():
        kept.extend(rng.sample(indices, min(len(indices), rng.randint(*sizes))))
    return [articles[index] for index in sorted(kept)]


def _near_other_story(
    own: LabelledArticle, by_time: list[LabelledArticle], rng: random.Random
) -> LabelledArticle | None:
    day = timedelta(days=1)
    near = [a for a in by_time if a.story != own.story and abs(a.published - own.published) <= day]
    return rng.choice(near) if near else None


def _true_firsts(articles: list[LabelledArticle], mentioned: set[str]) -> frozenset[str]:
    earliest: dict[str, datetime] = {}
    for a in articles:
        if a.url in mentioned and (a.story not in earliest or a.published < earliest[a.story]):
            earliest[a.story] = a.published
    return frozenset(
        a.url for a in articles if a.url in mentioned and a.published == earliest[a.story]
    )


def _mention(article: LabelledArticle) -> dict[str, Any]:
    return {
        "title": Quoted(article.title),
        "publishedDateTime": Stamp(article.published.strftime("%Y-%m-%dT%H:%M:%SZ")),
        "webUrl": Quoted(article.url),
        "provider": {"name": Quoted(article.publisher), "domain": Quoted(article.host)},
    }


def _record(own: LabelledArticle, related: list[LabelledArticle]) -> dict[str, Any]:
    return {
        **_mention(own),
        "category": Quoted(own.category),
        "related": [_mention(a) for a in related],
    }
