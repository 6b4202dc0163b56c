"""Story grouping benchmark: labelled synthetic corpora at 0, 2, 5 and 10 % cross-story links.

For each noise level and seed, writes a corpus with `graphkit.synthetic`, reads and resolves it,
groups the articles with `detect_stories` and with plain connected components of the related
links (the baseline), and scores both against the true stories: BCubed precision, recall and
F1, and the adjusted Rand index. Prints a Markdown table (means over the seeds).

    python bench/story_grouping.py                      # 3000 records, seeds 1 2 3
    python bench/story_grouping.py --records 10000 --seeds 7
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
    linked_components,
)
from graphkit.analysis.stories import story_index
from graphkit.records import read_records
from graphkit.resolve import Corpus, resolve
from graphkit.synthetic import generate_corpus

NOISE_LEVELS = (0.0, 0.02, 0.05, 0.10)
METHODS: dict[str, Callable[[Corpus], list[Story]]] = {
    "stories": detect_stories,
    "components (baseline)": linked_components,
}


@dataclass(frozen=True)
class Score:
    method: str
    noise: float
    seed: int
    articles: int
    true_stories: int
    found_stories: int
    precision: float
    recall: float
    f1: float
    ari: float
    seconds: float


def measure(records: int, noise: float, seed: int, folder: Path) -> list[Score]:
    """Generate one corpus and score every method on it."""
    corpus_files = generate_corpus(folder, records=records, noise=noise, seed=seed)
    corpus = resolve(read_records([folder]).records)
    truth = {}
    for url, story in corpus_files.labels.items():
        article = corpus.article_for(url)
        if article is None:
            raise SystemExit(f"labelled URL {url} not found in the corpus")
        truth[article.id] = story
    scores = []
    for name, method in METHODS.items():
        started = time.perf_counter()
        stories = method(corpus)
        seconds = time.perf_counter() - started
        predicted = story_index(stories)
        quality = bcubed(predicted, truth)
        scores.append(
            Score(
                method=name,
                noise=noise,
                seed=seed,
                articles=len(truth),
                true_stories=len(set(truth.values())),
                found_stories=len(stories),
                precision=quality.precision,
                recall=quality.recall,
                f1=quality.f1,
                ari=adjusted_rand_index(predicted, truth),
                seconds=seconds,
            )
        )
    return scores


def table(scores: Sequence[Score]) -> str:
    """A Markdown table: one row per noise level and method, means over the seeds."""
    lines = [
        "| noise | method | articles | true stories | found | BCubed P | BCubed R | BCubed F1 "
        "| ARI | seconds |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for noise in sorted({s.noise for s in scores}):
        for method in METHODS:
            rows = [s for s in scores if s.noise == noise and s.method == method]
            if not rows:
                continue
            lines.append(
                f"| {noise:.0%} | {method} | {mean([r.articles for r in rows]):.0f} "
                f"| {mean([r.true_stories for r in rows]):.0f} "
                f"| {mean([r.found_stories for r in rows]):.0f} "
                f"| {mean([r.precision for r in rows]):.3f} | {mean([r.recall for r in rows]):.3f} "
                f"| {mean([r.f1 for r in rows]):.3f} | {mean([r.ari for r in rows]):.3f} "
                f"| {mean([r.seconds for r in rows]):.2f} |"
            )
    return "\n".join(lines)


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=3000, help="records per corpus")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="corpus seeds")
    parser.add_argument(
        "--noise", type=float, nargs="+", default=list(NOISE_LEVELS), help="noise levels"
    )
    args = parser.parse_args(argv)
    scores: list[Score] = []
    with tempfile.TemporaryDirectory(prefix="graphkit-bench-") as temporary:
        for noise in args.noise:
            for seed in args.seeds:
                folder = Path(temporary) / f"noise{noise}-seed{seed}"
                found = measure(args.records, noise, seed, folder)
                for s in found:
                    print(
                        f"noise {noise:.0%} seed {seed} {s.method}: F1 {s.f1:.3f} "
                        f"ARI {s.ari:.3f} ({s.seconds:.2f}s)",
                        file=sys.stderr,
                    )
                scores.extend(found)
    print(f"{args.records} records per corpus, seeds {' '.join(map(str, args.seeds))}:\n")
    print(table(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
