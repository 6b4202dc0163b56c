"""Command line: ``python -m graphkit.synthetic OUT --records N --noise P --seed S``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .corpus import SyntheticCorpus, generate_corpus


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m graphkit.synthetic OUT --records N --noise P --seed S``."""
    args = _parser().parse_args(argv)
    begin = datetime.fromisoformat(args.start)
    if begin.tzinfo is None:
        begin = begin.replace(tzinfo=UTC)
    t = time.perf_counter()
    try:
        corpus = generate_corpus(args.out, args.records, args.noise, args.seed, begin, args.days)
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(_summary(corpus, time.perf_counter() - t))
    return 0


def _parser() -> argparse.ArgumentParser:
    """The argument parser of :func:`main`."""
    parser = argparse.ArgumentParser(
        prog="python -m graphkit.synthetic", description="Write a labelled synthetic corpus."
    )
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--records", type=int, default=1000, help="record files to write")
    parser.add_argument("--noise", type=float, default=0.05, help="cross-story related rate")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--start", default="2023-01-01", help="first story day (ISO date)")
    parser.add_argument("--days", type=int, default=365, help="length of the date range")
    return parser


def _summary(corpus: SyntheticCorpus, seconds: float) -> str:
    """One line about what was written: records, articles, stories and story sizes."""
    sizes: dict[str, int] = {}
    for sid in corpus.labels.values():
        sizes[sid] = sizes.get(sid, 0) + 1
    ordered = sorted(sizes.values())
    median = ordered[len(ordered) // 2] if ordered else 0
    return (
        f"wrote {corpus.records} records ({len(corpus.labels)} articles, {len(sizes)} stories, "
        f"median size {median}, largest {ordered[-1] if ordered else 0}) "
        f"to {corpus.path} in {seconds:.2f}s"
    )
