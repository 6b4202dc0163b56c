"""Story grouping on real labelled coverage: a slice of the UCI News Aggregator data set.

News Aggregator data set, F. Gasparetti, UCI Machine Learning Repository, CC BY 4.0.
The slice (tests/fixtures/uci-news-slice.csv) holds 22 real stories with real headlines that
often share no word; `write_labelled_corpus` adds records, related lists, times spread over
hours to days, and 0, 5 or 10 % of related entries pointing into another story.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.analysis import (
    StoryGrouping,
    StoryParams,
    bcubed,
    first_coverage,
    group_stories,
    linked_components,
)
from graphkit.analysis.graph import GraphSize
from graphkit.analysis.stories import story_index
from graphkit.cli import main
from graphkit.outputs import read_stray_links
from graphkit.outputs.report import build_summary
from graphkit.outputs.text import summary_text
from graphkit.records import ReadResult, read_records
from graphkit.resolve import Corpus, resolve
from graphkit.synthetic.labelled import LabelledCorpus, read_labelled, write_labelled_corpus

from .corpora import NOW

pytestmark = pytest.mark.slow  # real labelled corpora, seconds each
SLICE = Path(__file__).resolve().parent / "fixtures" / "uci-news-slice.csv"
# Floors a little under issue 19's targets on the dev set (BCubed F1 0.99 / 0.98 / 0.97 at 0 /
# 5 / 10 %, 0.93 at 20 %, 0.88 at 30 %; true firsts 92 % at 10 %). Measured on this slice, seed
# 1: F1 0.998 / 0.989 / 0.985 / 0.961 / 0.928, firsts 22/22, 22/23, 22/23, 19/26, 21/28. The
# grouping before issue 19 gave F1 0.13 here at 30 % (one story for 22).
FLOORS = {
    0.0: (0.98, 0.92), 0.05: (0.97, 0.85), 0.10: (0.96, 0.85), 0.20: (0.92, 0.6),
    0.30: (0.87, 0.6),
}  # fmt: skip
# Small stories: 2 to 5 articles of each story of the slice (`story_sizes`); targets 0.97 at
# 5 % and 0.93 at 10 %. Measured, seed 1: F1 0.980 / 0.982 / 0.981.
SMALL_FLOORS = {0.0: 0.96, 0.05: 0.96, 0.10: 0.92}


@dataclass(frozen=True)
class Labelled:
    written: LabelledCorpus
    corpus: Corpus
    truth: dict[str, str]  # article id -> real story
    true_firsts: set[str]  # article ids
    grouping: StoryGrouping


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[float, Labelled]:
    return {
        noise: labelled_slice(tmp_path_factory.mktemp(f"real{noise}"), noise, None)
        for noise in FLOORS
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[float, Labelled]:
    return {
        noise: labelled_slice(tmp_path_factory.mktemp(f"small{noise}"), noise, (2, 5))
        for noise in SMALL_FLOORS
    }


def labelled_slice(folder: Path, noise: float, sizes: tuple[int, int] | None) -> Labelled:
    written = write_labelled_corpus(SLICE, folder, noise=noise, seed=1, story_sizes=sizes)
    corpus = resolve(read_records([folder]).records, now=NOW)
    truth = {corpus.article_for(url).id: story for url, story in written.labels.items()}  # type: ignore[union-attr]
    firsts = {corpus.article_for(url).id for url in written.true_firsts}  # type: ignore[union-attr]
    return Labelled(written, corpus, truth, firsts, group_stories(corpus))


@pytest.mark.parametrize("noise", sorted(SMALL_FLOORS))
def test_small_real_stories_are_kept_apart(small: dict[float, Labelled], noise: float) -> None:
    labelled = small[noise]
    assert max(Counter(labelled.truth.values()).values()) <= 5
    score = bcubed(story_index(labelled.grouping.stories), labelled.truth)
    assert score.f1 >= SMALL_FLOORS[noise]


def test_a_grouping_that_gives_way_is_reported(real: dict[float, Labelled]) -> None:
    """Without the fragments and lone-link steps (the grouping before issue 19), a third of
    stray links makes the slice one story: the build warns of it; today's grouping does not."""
    labelled = real[0.30]
    assert labelled.grouping.doubts.stories == ()
    old = group_stories(labelled.corpus, StoryParams(least_fragmented=10**6, lone_similarity=-1))
    [doubt] = old.doubts.stories
    assert doubt.share > 0.9 and doubt.coherence < 0.15
    assert doubt.story == old.stories[0].id or doubt.articles == max(
        len(s.articles) for s in old.stories
    )
    assert "of the corpus's articles" in doubt.reason and "far apart" in doubt.reason
    text = summary_text(
        build_summary(ReadResult(), labelled.corpus, GraphSize(0, {}), old), [], 0, [],
        Path("out"), doubts=old.doubts.stories,
    )  # fmt: skip
    assert f"warning  story {doubt.story} ({doubt.articles:,} articles) holds" in text


def counted_firsts(labelled: Labelled) -> list[str]:
    """The first articles of stories covered by two outlets or more: what the leaderboard counts."""
    coverage = first_coverage(labelled.grouping.stories, labelled.corpus)
    return [e.article for s in coverage if s.first_time and len(s.outlets) >= 2 for e in s.first]


@pytest.mark.parametrize("noise", sorted(FLOORS))
def test_real_stories_are_found_whole(real: dict[float, Labelled], noise: float) -> None:
    labelled = real[noise]
    score = bcubed(story_index(labelled.grouping.stories), labelled.truth)
    assert score.f1 >= FLOORS[noise][0]


@pytest.mark.parametrize("noise", sorted(FLOORS))
def test_counted_firsts_are_true_firsts(real: dict[float, Labelled], noise: float) -> None:
    labelled = real[noise]
    counted = counted_firsts(labelled)
    right = sum(article in labelled.true_firsts for article in counted)
    assert right / len(counted) >= FLOORS[noise][1]
    # about one counted first per real story, not one per piece of it (at 30 % stray links,
    # 28 firsts for 22 stories with exact word weights, 29 with weights on a grid: issue 21)
    assert len(counted) <= 1.35 * len(set(labelled.truth.values()))


def test_the_noisy_slice_chains_stories_for_plain_components(real: dict[float, Labelled]) -> None:
    """The cross-story links of the fixture matter: without cutting them, stories merge."""
    labelled = real[0.05]
    baseline = bcubed(story_index(linked_components(labelled.corpus)), labelled.truth)
    assert baseline.precision < 0.3
    assert bcubed(story_index(labelled.grouping.stories), labelled.truth).precision > 0.9


def test_headlines_of_one_real_story_often_share_no_word() -> None:
    """Why the grouping may not ask shared words of a link (the trap of the old rules)."""
    articles = read_labelled(SLICE)
    by_story: dict[str, list[set[str]]] = {}
    for article in articles:
        words = {w for w in article.title.casefold().split() if len(w) > 3}
        by_story.setdefault(article.story, []).append(words)
    disjoint = total = 0
    for titles in by_story.values():
        for a, b in pairwise(titles):
            total += 1
            disjoint += not (a & b)
    assert disjoint / total > 0.3


def test_every_link_between_two_stories_is_reported_with_its_reason(
    real: dict[float, Labelled],
) -> None:
    labelled = real[0.10]
    index = story_index(labelled.grouping.stories)
    crossing = {
        tuple(sorted((link.source, link.target)))
        for link in labelled.corpus.related
        if index[link.source] != index[link.target]
    }
    cut = labelled.grouping.cut
    assert {(c.a, c.b) for c in cut} == crossing
    assert all(c.story_a == index[c.a] and c.story_b == index[c.b] for c in cut)
    reasons = {"bridge", "lone", "unlike", "moved"}
    assert {c.reason for c in cut} <= reasons and all(c.detail for c in cut)
    truly_cross = sum(labelled.truth[c.a] != labelled.truth[c.b] for c in cut)
    assert truly_cross / len(cut) > 0.8  # what is cut is mostly what was planted


def test_a_clean_feed_has_few_cut_links_and_joined_pieces_are_real(
    real: dict[float, Labelled],
) -> None:
    labelled = real[0.0]
    links = {tuple(sorted((link.source, link.target))) for link in labelled.corpus.related}
    assert len(labelled.grouping.cut) < 0.01 * len(links)
    assert labelled.grouping.joined, "the clean slice has pieces no link joins"
    for piece in labelled.grouping.joined:
        [story] = [s for s in labelled.grouping.stories if s.id == piece.story]
        assert set(piece.articles) <= set(story.articles)
        members = Counter(labelled.truth[a] for a in story.articles)
        assert members.most_common(1)[0][0] == labelled.truth[piece.articles[0]]


def test_labelled_writer_plants_the_mix_it_promises(real: dict[float, Labelled]) -> None:
    clean, noisy = real[0.0], real[0.10]
    assert 0.5 < clean.written.records / len(read_labelled(SLICE)) < 0.7
    assert all(clean.truth[a] == clean.truth[b] for a, b in _pairs(clean.corpus))
    cross = sum(noisy.truth[a] != noisy.truth[b] for a, b in _pairs(noisy.corpus))
    assert 0.06 < cross / len(_pairs(noisy.corpus)) < 0.14
    for article in clean.true_firsts:
        story = clean.truth[article]
        times = [clean.corpus.articles[a].usable_time for a, s in clean.truth.items() if s == story]
        assert clean.corpus.articles[article].usable_time == min(t for t in times if t)


def _pairs(corpus: Corpus) -> list[tuple[str, str]]:
    return [(link.source, link.target) for link in corpus.related]


def test_first_story_shows_the_links_that_were_cut(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    write_labelled_corpus(SLICE, folder, noise=0.10, seed=2)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    strays = report["stray_links"]
    assert strays and report["summary"]["stray_links"] == len(strays)
    link = strays[0]
    shown = CliRunner().invoke(main, ["first", "--data", str(out), "--story", link["story_a"]])
    assert shown.exit_code == 0
    assert "set aside as strays" in shown.stdout
    assert link["story_b"] in shown.stdout and link["b"] in shown.stdout
    assert link["detail"] in " ".join(shown.stdout.split())
    # read back as the typed links the build made, an entry that is not one left out
    assert [asdict(cut) for cut in read_stray_links(out)] == strays
    report["stray_links"] = [{**strays[0], "story_a": 7}, "not a link", *strays[1:]]
    (out / "report.json").write_text(json.dumps(report), encoding="utf-8")
    assert [asdict(cut) for cut in read_stray_links(out)] == strays[1:]


def test_labelled_writer_keeps_small_stories(tmp_path: Path) -> None:
    """`story_sizes` keeps 2 to 5 random articles of each story, the same ones for a seed."""
    first = write_labelled_corpus(SLICE, tmp_path / "a", seed=4, story_sizes=(2, 5))
    again = write_labelled_corpus(SLICE, tmp_path / "b", seed=4, story_sizes=(2, 5))
    assert first.labels == again.labels and first.true_firsts == again.true_firsts
    assert sorted(p.read_bytes() for p in (tmp_path / "a").iterdir()) == sorted(
        p.read_bytes() for p in (tmp_path / "b").iterdir()
    )
    whole = {article.url: article.story for article in read_labelled(SLICE, seed=4)}
    assert first.labels.items() <= whole.items()
    sizes = Counter(first.labels.values())
    assert all(2 <= size <= 5 for size in sizes.values())  # no stray entries: both ends kept
    assert len(sizes) >= 0.8 * len(set(whole.values())) and len(set(sizes.values())) > 1
    with pytest.raises(ValueError, match="story_sizes"):
        write_labelled_corpus(SLICE, tmp_path / "c", story_sizes=(3, 2))
