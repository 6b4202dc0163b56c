"""Generating a corpus folder: record files plus ``labels.tsv``."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from .emitter import dump_front_matter
from .outlets import draw_outlets
from .records import RecordMaker
from .related import RelatedPicker
from .stories import StoryBuilder

LABELS_FILE = "labels.tsv"
JSONL_RECORDS = 10_000  # records a JSON Lines file holds, as an API's daily export might
_RECORD_NAME = re.compile(r"^\d{6,}_[0-9a-f]{16}\.txt$|^\d{6,}\.jsonl$")


@dataclass(frozen=True)
class SyntheticCorpus:
    """A generated corpus: its folder, record count and true story of every article URL."""

    path: Path
    records: int
    labels: dict[str, str]


def generate_corpus(
    out_dir: Path | str,
    records: int = 1000,
    noise: float = 0.05,
    seed: int = 0,
    start: datetime = datetime(2023, 1, 1, tzinfo=UTC),
    days: int = 365,
    jsonl: bool = False,
) -> SyntheticCorpus:
    """Write ``records`` labelled record files plus ``labels.tsv`` to ``out_dir``.

    ``noise`` is the probability that a related entry points to a different story (preferably
    one sharing a topic and starting within two weeks). Output is deterministic per ``seed``.
    With ``jsonl``, the same records go into JSON Lines files of ``JSONL_RECORDS`` records
    each (how an aggregator's API delivers them) instead of a front-matter file each.
    """
    if records < 1:
        raise ValueError("records must be >= 1")
    if not 0.0 <= noise <= 1.0:
        raise ValueError("noise must be within [0, 1]")
    out = Path(out_dir)
    prepare_dir(out)
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    pool = draw_outlets(rng)
    stories = StoryBuilder(rng, pool, start, days).build(records)
    maker = RecordMaker(rng, stories, pool.outlets, RelatedPicker(rng, stories, noise))
    recs = [a for s in stories for a in s.articles if a.has_record]
    rng.shuffle(recs)
    width = max(6, len(str(len(recs) - 1)))
    lines = None
    for i, art in enumerate(recs):
        doc = maker.record(art)
        name = f"{i:0{width}d}_{rng.getrandbits(64):016x}.txt"  # drawn either way: same records
        if not jsonl:
            with open(out / name, "w", encoding="utf-8", newline="\n") as fh:
                dump_front_matter(doc, fh)
            continue
        if i % JSONL_RECORDS == 0:
            lines = _reopen(lines, out / f"{i:0{width}d}.jsonl")
        assert lines is not None
        lines.write(json.dumps(doc, ensure_ascii=False) + "\n")
    if lines is not None:
        lines.close()
    write_labels(out / LABELS_FILE, maker.labels)
    return SyntheticCorpus(path=out, records=len(recs), labels=maker.labels)


def _reopen(current: TextIO | None, path: Path) -> TextIO:
    if current is not None:
        current.close()
    return open(path, "w", encoding="utf-8", newline="\n")


def prepare_dir(out: Path) -> None:
    """Create ``out``; clear a previous synthetic corpus there, refuse other record folders."""
    out.mkdir(parents=True, exist_ok=True)
    texts = [p for p in out.iterdir() if p.suffix in (".txt", ".jsonl")]
    if not texts:
        return
    ours = (out / LABELS_FILE).exists() and all(_RECORD_NAME.match(p.name) for p in texts)
    if not ours:
        raise FileExistsError(f"{out} already holds .txt files that are not a synthetic corpus")
    for p in texts:
        p.unlink()


def write_labels(path: Path, labels: dict[str, str]) -> None:
    """Write the ``article_url``/``story_id`` table, sorted by URL."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("article_url\tstory_id\n")
        fh.writelines(f"{url}\t{story}\n" for url, story in sorted(labels.items()))
