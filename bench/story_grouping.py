"""Story grouping benchmark: real labelled coverage first, then labelled synthetic corpora.

**Real** (`--real CSV`, default `../shared/data/uci-news-dev.csv`): the real headlines, outlets
and story clusters of a slice of the UCI News Aggregator data set, written in the record format
by `graphkit.synthetic.labelled` (records for about 60 % of the articles, 1 to 4 same-story
related entries each, 0, 5 and 10 % of related entries pointing into another story published
within a day, times spread over hours to days). **Synthetic**: corpora of
`graphkit.synthetic` at 0, 2, 5 and 10 % cross-story links.

For each corpus, groups the articles with graphkit (`group_stories`) and with plain connected
components of the related links, and prints, as Markdown tables (means over the seeds):
BCubed precision, recall and F1, the adjusted Rand index, and the share of *counted first
articles* that are true firsts: the first articles of found stories covered by two outlets or
more (what the leaderboard counts), and whether each is the earliest article of its real story.

    python bench/story_grouping.py                           # real data, then synthetic
    python bench/story_grouping.py --skip-synthetic --seeds 1 2 3 4 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphkit.analysis import (
    Story,
    adjusted_rand_index,
    bcubed,
    detect_stories,
    first_coverage,
    linked_components,
)
from graphkit.analysis.stories import story_index
from graphkit.records import read_records
from graphkit.resolve import Corpus, resolve
from graphkit.synthetic import generate_corpus
from graphkit.synthetic.labelled import write_labelled_corpus

REAL_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "uci-news-dev.csv"
REAL_NOISE = (0.0, 0.05, 0.10)
SYNTHETIC_NOISE = (0.0, 0.02, 0.05, 0.10)
METHODS: dict[str, Callable[[Corpus], list[Story]]] = {
    "graphkit": detect_stories,
    "components": linked_components,
}


@dataclass(frozen=True)
class Score:
    method: str
    noise: float
    articles: int
    true_stories: int
    found_stories: int
    precision: float
    recall: float
    f1: float
    ari: float
    counted_firsts: int
    true_firsts: int
    seconds: float


def score(
    corpus: Corpus, labels: dict[str, str], firsts: frozenset[str] | None, noise: float
) -> list[Score]:
    """Score every method on one labelled corpus (`firsts`: true first URLs, when known)."""
    truth = {_article(corpus, url): story for url, story in labels.items()}
    true_first_ids = {_article(corpus, url) for url in firsts} if firsts is not None else None
    scores = []
    for name, method in METHODS.items():
        started = time.perf_counter()
        stories = method(corpus)
        seconds = time.perf_counter() - started
        predicted = story_index(stories)
        quality = bcubed(predicted, truth)
        counted = [
            entry.article
            for story in first_coverage(stories, corpus)
            if story.first_time is not None and len(story.outlets) >= 2
            for entry in story.first
        ]
        right = sum(a in true_first_ids for a in counted) if true_first_ids is not None else 0
        scores.append(
            Score(
                name, noise, len(truth), len(set(truth.values())), len(stories),
                quality.precision, quality.recall, quality.f1,
                adjusted_rand_index(predicted, truth), len(counted), right, seconds,
            )
        )  # fmt: skip
    return scores


def _article(corpus: Corpus, url: str) -> str:
    article = corpus.article_for(url)
    if article is None:
        raise SystemExit(f"labelled URL {url} not found in the corpus")
    return article.id


def real_scores(csv_path: Path, noise: float, seed: int, folder: Path) -> list[Score]:
    written = write_labelled_corpus(csv_path, folder, noise=noise, seed=seed)
    corpus = resolve(read_records([folder]).records)
    return score(corpus, written.labels, written.true_firsts, noise)


def synthetic_scores(records: int, noise: float, seed: int, folder: Path) -> list[Score]:
    written = generate_corpus(folder, records=records, noise=noise, seed=seed)
    corpus = resolve(read_records([folder]).records)
    return score(corpus, written.labels, None, noise)


def table(scores: Sequence[Score], with_firsts: bool) -> str:
    """A Markdown table: one row per noise level and method, means over the seeds."""
    head = (
        "| cross-story links | method | articles | true stories | found | BCubed P | R | F1 | ARI |"
    )
    rule = "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
    if with_firsts:
        head += " counted firsts that are true firsts |"
        rule += "---:|"
    lines = [head + " seconds |", rule + "---:|"]
    for noise in sorted({s.noise for s in scores}):
        for method in METHODS:
            rows = [s for s in scores if s.noise == noise and s.method == method]
            if not rows:
                continue
            line = (
                f"| {noise:.0%} | {method} | {mean([r.articles for r in rows]):.0f} "
                f"| {mean([r.true_stories for r in rows]):.0f} "
                f"| {mean([r.found_stories for r in rows]):.0f} "
                f"| {mean([r.precision for r in rows]):.3f} | {mean([r.recall for r in rows]):.3f} "
                f"| {mean([r.f1 for r in rows]):.3f} | {mean([r.ari for r in rows]):.3f} |"
            )
            if with_firsts:
                right, counted = (
                    sum(r.true_firsts for r in rows),
                    sum(r.counted_firsts for r in rows),
                )
                line += f" {right / max(counted, 1):.1%} ({right} of {counted}) |"
            lines.append(line + f" {mean([r.seconds for r in rows]):.2f} |")
    return "\n".join(lines)


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--real", type=Path, default=REAL_CSV, help="labelled CSV of real data")
    parser.add_argument("--records", type=int, default=3000, help="records per synthetic corpus")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="corpus seeds")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args(argv)
    seeds = " ".join(map(str, args.seeds))
    with tempfile.TemporaryDirectory(prefix="graphkit-bench-") as temporary:
        if not args.skip_real:
            if not args.real.is_file():
                raise SystemExit(f"no labelled CSV at {args.real} (--real)")

            def real_one(noise: float, seed: int, folder: Path) -> list[Score]:
                return real_scores(args.real, noise, seed, folder)

            real = run(args.seeds, REAL_NOISE, Path(temporary) / "real", real_one)
            print(f"Real labelled coverage ({args.real.name}), seeds {seeds}:\n")
            print(table(real, with_firsts=True), end="\n\n", flush=True)
        if not args.skip_synthetic:

            def synthetic_one(noise: float, seed: int, folder: Path) -> list[Score]:
                return synthetic_scores(args.records, noise, seed, folder)

            synthetic = run(
                args.seeds, SYNTHETIC_NOISE, Path(temporary) / "synthetic", synthetic_one
            )
            print(f"Synthetic corpora ({args.records} records), seeds {seeds}:\n")
            print(table(synthetic, with_firsts=False))
    return 0


def run(
    seeds: Sequence[int],
    levels: Sequence[float],
    folder: Path,
    measure: Callable[[float, int, Path], list[Score]],
) -> list[Score]:
    scores: list[Score] = []
    for noise in levels:
        for seed in seeds:
            found = measure(noise, seed, folder / f"noise{noise}-seed{seed}")
            for s in found:
                print(f"{folder.name} {noise:.0%} seed {seed} {s.method}: F1 {s.f1:.3f} "
                      f"firsts {s.true_firsts}/{s.counted_firsts} ({s.seconds:.2f}s)",
                      file=sys.stderr)  # fmt: skip
            scores.extend(found)
    return scores


if __name__ == "__main__":
    raise SystemExit(main())
