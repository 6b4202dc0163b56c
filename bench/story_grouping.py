"""Story grouping benchmark: real labelled coverage first, then labelled synthetic corpora.

**Real** (`--real CSV`, default `../shared/data/uci-news-dev.csv`): the real headlines, outlets
and story clusters of a slice of the UCI News Aggregator data set, written in the record format
by `graphkit.synthetic.labelled` (records for about 60 % of the articles, 1 to 4 same-story
related entries each, 0, 5, 10, 15, 20 and 30 % of related entries pointing into another story
published within a day, times spread over hours to days). **Small stories**: the same, keeping
only 2 to 5 random articles of each story (`story_sizes`), at 0, 5 and 10 %. **Synthetic**:
corpora of `graphkit.synthetic` at 0, 2, 5 and 10 % cross-story links.

For each corpus, groups the articles with graphkit (`group_stories`), with plain connected
components of the related links, and with the untuned Louvain baseline of issue 19
(`louvain_baseline`), and prints, as Markdown tables (means over the seeds): BCubed precision,
recall and F1, the adjusted Rand index, and the share of *counted first articles* that are
true firsts: the first articles of found stories covered by two outlets or more (what the
leaderboard counts), and whether each is the earliest article of its real story. Under each
table, the measured share of related links (each pair once either way) that join two true
stories, which for small stories comes out above the nominal level (see the writer).

    python bench/story_grouping.py                           # real, small stories, synthetic
    python bench/story_grouping.py --skip-synthetic --seeds 1 2 3 4 5
    python bench/story_grouping.py --skip-small --skip-synthetic --noise 0.2 0.3
    python bench/story_grouping.py --small --small-noise 0.1 --methods graphkit louvain
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

import networkx as nx
import numpy as np
import polars as pl

from graphkit.analysis import (
    Story,
    adjusted_rand_index,
    bcubed,
    detect_stories,
    first_coverage,
    linked_components,
)
from graphkit.analysis.similarity import word_matrix
from graphkit.analysis.stories import StoryGrouping, story_index
from graphkit.analysis.stories.assemble import story_tables
from graphkit.analysis.stories.model import CUT_SCHEMA
from graphkit.records import read_records
from graphkit.resolve import Corpus, resolve
from graphkit.synthetic import generate_corpus
from graphkit.synthetic.labelled import write_labelled_corpus

REAL_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "uci-news-dev.csv"
REAL_NOISE = (0.0, 0.05, 0.10, 0.15, 0.20, 0.30)
SMALL_NOISE = (0.0, 0.05, 0.10)
SMALL_SIZES = (2, 5)
SYNTHETIC_NOISE = (0.0, 0.02, 0.05, 0.10)
LOUVAIN_RESOLUTION = 2.0
LOUVAIN_TITLE_WEIGHT = 5.0
LOUVAIN_SEED = 0


def louvain_baseline(corpus: Corpus) -> list[Story]:
    """The untuned baseline that issue 19 names, for comparison only (not graphkit's method):
    Louvain community detection (modularity, resolution 2) over the related-link graph, each
    link (each pair of distinct articles once) weighing 1 + 5 x the TF-IDF cosine of its two
    articles' headlines (graphkit's `word_matrix`, headlines only, no excerpt). Nothing in it
    was tuned on this data. networkx's Louvain with a fixed seed, the articles numbered in the
    order of their canonical URLs and the links sorted: the same stories on every run and in
    any record order. An article without links is a story alone."""
    articles = corpus.tables.articles
    count = articles.height
    order = articles["id"].arg_sort().to_numpy().astype(np.int64)  # rank -> article number
    rank = np.empty_like(order)
    rank[order] = np.arange(count)
    matrix = word_matrix(articles["title"].gather(order))
    links = corpus.tables.links
    source = rank[links["source"].to_numpy().astype(np.int64)]
    target = rank[links["target"].to_numpy().astype(np.int64)]
    low, high = np.minimum(source, target), np.maximum(source, target)
    pairs = np.unique((low * count + high)[low != high])  # sorted, one number per pair
    low, high = pairs // count, pairs % count
    cosine = np.asarray(matrix.rows[low].multiply(matrix.rows[high]).sum(axis=1)).ravel()
    graph = nx.Graph()
    graph.add_nodes_from(range(count))
    graph.add_weighted_edges_from(
        zip(low.tolist(), high.tolist(), (1 + LOUVAIN_TITLE_WEIGHT * cosine).tolist(), strict=True)
    )
    found = nx.community.louvain_communities(
        graph, weight="weight", resolution=LOUVAIN_RESOLUTION, seed=LOUVAIN_SEED
    )
    group = np.empty(count, dtype=np.int64)
    for number, members in enumerate(found):
        group[order[sorted(members)]] = number
    table, members_table = story_tables(corpus.tables, group)
    return StoryGrouping(
        table, members_table, pl.DataFrame(schema=CUT_SCHEMA), [], corpus.tables.articles["id"]
    ).stories


METHODS: dict[str, Callable[[Corpus], list[Story]]] = {
    "graphkit": detect_stories,
    "components": linked_components,
    "louvain": louvain_baseline,
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
    cross_links: float  # measured share of related links between two true stories


def score(
    corpus: Corpus,
    labels: dict[str, str],
    firsts: frozenset[str] | None,
    noise: float,
    methods: Sequence[str] = tuple(METHODS),
) -> list[Score]:
    """Score `methods` on one labelled corpus (`firsts`: true first URLs, when known)."""
    truth = {_article(corpus, url): story for url, story in labels.items()}
    true_first_ids = {_article(corpus, url) for url in firsts} if firsts is not None else None
    cross = cross_share(corpus, truth)
    scores = []
    for name in methods:
        method = METHODS[name]
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
                adjusted_rand_index(predicted, truth), len(counted), right, seconds, cross,
            )
        )  # fmt: skip
    return scores


def cross_share(corpus: Corpus, truth: dict[str, str]) -> float:
    """The share of the corpus's related links (each pair of distinct articles once either
    way, as `Corpus.related`) whose two articles belong to different true stories."""
    story: list[str | None] = [truth.get(a) for a in corpus.tables.articles["id"].to_list()]
    links = corpus.tables.links
    pairs = [
        (a, b)
        for a, b in zip(links["source"].to_list(), links["target"].to_list(), strict=True)
        if a != b
    ]
    crossing = sum(1 for a, b in pairs if story[a] != story[b])
    return crossing / max(len(pairs), 1)


def _article(corpus: Corpus, url: str) -> str:
    article = corpus.article_for(url)
    if article is None:
        raise SystemExit(f"labelled URL {url} not found in the corpus")
    return article.id


def real_scores(
    csv_path: Path,
    noise: float,
    seed: int,
    folder: Path,
    methods: Sequence[str] = tuple(METHODS),
    story_sizes: tuple[int, int] | None = None,
) -> list[Score]:
    """Scores on the labelled CSV written as records (`story_sizes`: small stories)."""
    written = write_labelled_corpus(
        csv_path, folder, noise=noise, seed=seed, story_sizes=story_sizes
    )
    corpus = resolve(read_records([folder]).records)
    return score(corpus, written.labels, written.true_firsts, noise, methods)


def synthetic_scores(
    records: int, noise: float, seed: int, folder: Path, methods: Sequence[str] = tuple(METHODS)
) -> list[Score]:
    written = generate_corpus(folder, records=records, noise=noise, seed=seed)
    corpus = resolve(read_records([folder]).records)
    return score(corpus, written.labels, None, noise, methods)


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
    measured = ", ".join(
        f"{noise:.0%}: {mean([s.cross_links for s in scores if s.noise == noise]):.1%}"
        for noise in sorted({s.noise for s in scores})
    )
    lines.append(f"\nMeasured share of related links between two true stories: {measured}.")
    return "\n".join(lines)


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values)


def noise_level(text: str) -> float:
    """A share of cross-story related links, as `0.2` (argparse type)."""
    level = float(text)
    if not 0.0 <= level < 1.0:
        raise argparse.ArgumentTypeError(f"{text}: a share within [0, 1), as 0.2")
    return level


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--real", type=Path, default=REAL_CSV, help="labelled CSV of real data")
    parser.add_argument("--records", type=int, default=3000, help="records per synthetic corpus")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="corpus seeds")
    parser.add_argument(
        "--noise", type=noise_level, nargs="+", default=list(REAL_NOISE), metavar="SHARE",
        help="cross-story link shares on the real data (default: 0 0.05 0.1 0.15 0.2 0.3)",
    )  # fmt: skip
    parser.add_argument(
        "--small-noise", type=noise_level, nargs="+", default=list(SMALL_NOISE),
        metavar="SHARE", help="cross-story link shares on small stories (default: 0 0.05 0.1)",
    )  # fmt: skip
    parser.add_argument(
        "--story-sizes", type=int, nargs=2, default=list(SMALL_SIZES), metavar=("LOW", "HIGH"),
        help="articles kept of each story in the small-stories variant (default: 2 5)",
    )  # fmt: skip
    parser.add_argument(
        "--methods", nargs="+", choices=list(METHODS), default=list(METHODS),
        help="methods to score (default: all)",
    )  # fmt: skip
    parser.add_argument("--skip-real", action="store_true", help="no whole real stories")
    parser.add_argument("--skip-small", action="store_true", help="no small-stories variant")
    parser.add_argument("--skip-synthetic", action="store_true", help="no synthetic corpora")
    parser.add_argument(
        "--small", action="store_true", help="only the small-stories variant (skip the rest)"
    )
    args = parser.parse_args(argv)
    if args.small:
        args.skip_real = args.skip_synthetic = True
        args.skip_small = False
    methods = [name for name in METHODS if name in args.methods]
    sizes = (args.story_sizes[0], args.story_sizes[1])
    seeds = " ".join(map(str, args.seeds))
    if not (args.skip_real and args.skip_small) and not args.real.is_file():
        raise SystemExit(f"no labelled CSV at {args.real} (--real)")
    with tempfile.TemporaryDirectory(prefix="graphkit-bench-") as temporary:
        if not args.skip_real:

            def real_one(noise: float, seed: int, folder: Path) -> list[Score]:
                return real_scores(args.real, noise, seed, folder, methods)

            real = run(args.seeds, args.noise, Path(temporary) / "real", real_one)
            print(f"Real labelled coverage ({args.real.name}), seeds {seeds}:\n")
            print(table(real, with_firsts=True), end="\n\n", flush=True)
        if not args.skip_small:

            def small_one(noise: float, seed: int, folder: Path) -> list[Score]:
                return real_scores(args.real, noise, seed, folder, methods, story_sizes=sizes)

            small = run(args.seeds, args.small_noise, Path(temporary) / "small", small_one)
            print(
                f"Small stories ({args.real.name}, {sizes[0]} to {sizes[1]} random articles "
                f"of each story), seeds {seeds}:\n"
            )
            print(table(small, with_firsts=True), end="\n\n", flush=True)
        if not args.skip_synthetic:

            def synthetic_one(noise: float, seed: int, folder: Path) -> list[Score]:
                return synthetic_scores(args.records, noise, seed, folder, methods)

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
