"""First coverage, lags, the outlet leaderboard, head-to-head, filters and the output tables."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graphkit import build
from graphkit.analysis import (
    CoverageFilter,
    StoryCoverage,
    add_stories,
    coverage_graph,
    detect_stories,
    first_coverage,
    head_to_head,
    leaderboard,
)
from graphkit.analysis.coverage import find_story, parse_when
from graphkit.analysis.lineage import StoryNotFoundError
from graphkit.outputs import read_coverage, read_graph_json
from graphkit.outputs.tables import FIRST_COLUMNS, STORY_COLUMNS, csv_text
from graphkit.outputs.text import format_lag
from graphkit.records import is_plausible, iso_utc, parse_time, read_records
from graphkit.resolve import Corpus, resolve

from .conftest import SEED_RECORD, WriteRecord, article
from .corpora import NOW, START, corpus_of, mention, record, stamp

POST = "https://www.washingtonpost.com/technology/2021/02/17/facial-recognition-biden/"
NATION = "https://www.nationthailand.com/edandtech/30402761"
DOT = "https://www.dailydot.com/debug/biden-facial-recognition-pressure/"


def coverage_of(records: list[dict[str, Any]]) -> list[StoryCoverage]:
    corpus = corpus_of(records)
    return first_coverage(detect_stories(corpus), corpus)


def one_story(*items: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    """One record relating to every other article: a single story."""
    return [record(items[0], list(items[1:]), **extra)]


def build_one_story(tmp_path: Path, *items: dict[str, Any]) -> None:
    """Write one record relating the items (see `one_story`) and build it into tmp_path/out."""
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "r.json").write_text(json.dumps(one_story(*items)[0]), encoding="utf-8")
    build(folder, tmp_path / "out")


def at(minutes: int, form: str = "z") -> str | None:
    return stamp(START + timedelta(minutes=minutes), form)


# ---------------------------------------------------------------- the seed record


def test_seed_record_washington_post_first_then_nation_thailand_then_daily_dot() -> None:
    [story] = build(SEED_RECORD).coverage
    assert story.first_time == datetime(2021, 2, 17, 23, 21, tzinfo=UTC)
    assert story.first_providers == ("washingtonpost.com",)
    timeline = [
        (e.url, e.provider_name, e.is_first, e.lag_seconds, format_lag(e.lag_seconds))
        for e in story.entries
    ]
    assert timeline == [
        (POST, "Washington Post", True, 0, "0 s"),
        (NATION, "nationthailand", False, 94 * 60, "1 h 34 min"),
        (DOT, "The Daily Dot", False, (16 * 60 + 52) * 60, "16 h 52 min"),
    ]


# ---------------------------------------------------------------- ties, missing and odd times


def test_articles_at_the_same_minute_are_all_first_and_share_the_credit() -> None:
    a = mention("https://a.example/x", "Rocket launch today", at(0), "a.example")
    b = mention("https://b.example/x", "Rocket launch today", at(0), "b.example")
    c = mention("https://c.example/x", "Rocket launch today", at(30), "c.example")
    [story] = coverage_of(one_story(a, b, c))
    assert story.first_providers == ("a.example", "b.example")
    assert [e.lag_seconds for e in story.entries] == [0, 0, 1800]
    leaders = {row.provider: row for row in leaderboard([story])}
    assert leaders["a.example"].first == leaders["b.example"].first == 0.5
    assert leaders["a.example"].tied_first == 1 and leaders["c.example"].first == 0
    assert leaders["c.example"].median_lag_seconds == 1800


def test_a_time_with_seconds_is_not_tied_with_the_same_minute() -> None:
    a = mention("https://a.example/x", "Rocket launch", "2023-01-02T10:00:00Z", "a.example")
    b = mention("https://b.example/x", "Rocket launch", "2023-01-02T10:00:30Z", "b.example")
    [story] = coverage_of(one_story(b, a))
    assert story.first_providers == ("a.example",)
    assert [e.lag_seconds for e in story.entries] == [0, 30]


def test_missing_and_implausible_times_are_listed_but_never_first() -> None:
    early = mention("https://a.example/x", "Flood warning", at(0, "implausible"), "a.example")
    none = mention("https://b.example/x", "Flood warning", None, "b.example")
    future = mention("https://c.example/x", "Flood warning", "2999-01-01T00:00:00Z", "c.example")
    real = mention("https://d.example/x", "Flood warning", at(60), "d.example")
    [story] = coverage_of(one_story(real, early, none, future))
    assert story.first_providers == ("d.example",)
    assert story.first_time == START + timedelta(minutes=60)
    untimed = {e.provider: e for e in story.untimed}
    assert set(untimed) == {"a.example", "b.example", "c.example"}
    assert {e.time_status for e in untimed.values()} == {"implausible", "missing"}
    assert all(e.lag_seconds is None and not e.is_first for e in untimed.values())
    assert story.entries[0].provider == "d.example"  # untimed articles come last
    leaders = {row.provider: row for row in leaderboard([story], min_outlets=1)}
    assert leaders["a.example"].stories == 1 and leaders["a.example"].first == 0
    assert leaders["a.example"].median_lag_seconds is None


def test_a_story_without_any_usable_time_has_no_first_and_is_not_ranked() -> None:
    a = mention("https://a.example/x", "Mystery", None, "a.example")
    b = mention("https://b.example/x", "Mystery", at(0, "implausible"), "b.example")
    [story] = coverage_of(one_story(a, b))
    assert story.first == () and story.first_time is None
    assert leaderboard([story], min_outlets=1) == []


def test_time_zones_compare_in_utc_and_times_without_a_zone_are_read_as_utc() -> None:
    utc = mention("https://a.example/x", "Summit opens", "2023-01-02T10:00:00Z", "a.example")
    paris = mention("https://b.example/x", "Summit opens", "2023-01-02T11:00:00+01:00", "b.example")
    tokyo = mention("https://c.example/x", "Summit opens", "2023-01-02T19:30:00+09:00", "c.example")
    naive = mention("https://d.example/x", "Summit opens", "2023-01-02T09:45:00", "d.example")
    [story] = coverage_of(one_story(utc, paris, tokyo, naive))
    lags = {e.provider: e.lag_seconds for e in story.entries}
    assert story.first_providers == ("d.example",)
    assert lags == {"d.example": 0, "a.example": 900, "b.example": 900, "c.example": 2700}
    assert next(e for e in story.entries if e.provider == "d.example").time_status == "no_zone"


# ---------------------------------------------------------------- leaderboard and head-to-head


def two_stories() -> list[StoryCoverage]:
    """Story 1: a first, b 1 h, c 3 h behind. Story 2 (days later): b first, a 2 h behind."""
    one = one_story(
        mention("https://a.example/1", "Storm hits coast", at(0), "a.example"),
        mention("https://b.example/1", "Storm hits coast", at(60), "b.example"),
        mention("https://c.example/1", "Storm hits coast", at(180), "c.example"),
        topics=["Weather"],
        category="news",
    )
    two = one_story(
        mention("https://b.example/2", "Election results in", at(5000), "b.example"),
        mention("https://a.example/2", "Election results in", at(5120), "a.example"),
        topics=["Politics"],
        category="opinion",
    )
    return coverage_of(one + two)


def test_leaderboard_counts_first_places_shares_and_lags() -> None:
    rows = leaderboard(two_stories())
    # a and b were first once each of two; b's lag when not first is shorter, so b leads
    assert [row.provider for row in rows] == ["b.example", "a.example", "c.example"]
    b, a, c = rows
    assert (a.stories, a.first, a.share_first, a.median_lag_seconds) == (2, 1.0, 0.5, 7200)
    assert (b.stories, b.first, b.median_lag_seconds, b.mean_lag_seconds) == (2, 1.0, 3600, 3600)
    assert (c.stories, c.first, c.share_first, c.median_lag_seconds) == (1, 0, 0.0, 10800)


def test_head_to_head_counts_who_was_earlier_on_shared_stories() -> None:
    pairs = {(p.a, p.b): p for p in head_to_head(two_stories())}
    ab = pairs[("a.example", "b.example")]
    assert (ab.stories, ab.a_earlier, ab.b_earlier, ab.ties) == (2, 1, 1, 0)
    ac = pairs[("a.example", "c.example")]
    assert (ac.stories, ac.a_earlier, ac.b_earlier) == (1, 1, 0)
    assert [(p.a, p.b) for p in head_to_head(two_stories(), outlet="c.example")] == [
        ("a.example", "c.example"),
        ("b.example", "c.example"),
    ]


def test_filters_by_topic_category_and_time_range() -> None:
    stories = two_stories()

    def providers(where: CoverageFilter) -> list[str]:
        return [row.provider for row in leaderboard(stories, where)]

    assert providers(CoverageFilter(topic="weather")) == ["a.example", "b.example", "c.example"]
    assert providers(CoverageFilter(topic="POLITICS")) == ["b.example", "a.example"]
    assert providers(CoverageFilter(category="opinion")) == ["b.example", "a.example"]
    assert providers(CoverageFilter(topic="sport")) == []
    day = START.date().isoformat()
    same_day = CoverageFilter(since=parse_when(day), until=parse_when(day, end=True))
    assert providers(same_day) == ["a.example", "b.example", "c.example"]
    assert providers(CoverageFilter(since=parse_when(f"{day}T00:01:00Z"))) == [
        "b.example",
        "a.example",
    ]


def test_time_bounds_are_inclusive_to_the_second_each_on_its_own() -> None:
    # Story 1 starts at START, story 2 at START + 5000 min: each bound alone changes the answer.
    stories = two_stories()

    def firsts(where: CoverageFilter) -> list[tuple[str, float]]:
        return [(row.provider, row.first) for row in leaderboard(stories, where)]

    second = timedelta(seconds=1)
    only_one = [("a.example", 1.0), ("b.example", 0.0), ("c.example", 0.0)]
    only_two = [("b.example", 1.0), ("a.example", 0.0)]
    assert firsts(CoverageFilter(until=START)) == only_one
    assert firsts(CoverageFilter(until=START - second)) == []
    assert firsts(CoverageFilter(since=START + second)) == only_two
    assert firsts(CoverageFilter(since=START)) == firsts(CoverageFilter())
    assert len(firsts(CoverageFilter())) == 3


def test_a_story_without_a_usable_time_is_left_out_only_by_a_time_bound() -> None:
    untimed = coverage_of(
        one_story(
            mention("https://a.example/7", "Undated", None, "a.example"),
            mention("https://b.example/7", "Undated", None, "b.example"),
        )
    )
    [story] = untimed
    assert story.first_time is None
    assert CoverageFilter().admits(story)
    assert CoverageFilter(topic=None, category=None).admits(story)
    assert not CoverageFilter(until=START).admits(story)
    assert not CoverageFilter(since=START).admits(story)


def test_min_outlets_leaves_out_stories_only_one_outlet_covered() -> None:
    lone = one_story(mention("https://a.example/9", "Scoop", at(0), "a.example"))
    [story] = coverage_of(lone)
    assert leaderboard([story]) == []
    [row] = leaderboard([story], min_outlets=1)
    assert (row.provider, row.first, row.share_first) == ("a.example", 1.0, 1.0)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2021-02-17", False, datetime(2021, 2, 17, tzinfo=UTC)),
        ("2021-02-17", True, datetime(2021, 2, 17, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2021-02-17T23:21", True, datetime(2021, 2, 17, 23, 21, tzinfo=UTC)),
        ("2021-02-18T00:21+01:00", False, datetime(2021, 2, 17, 23, 21, tzinfo=UTC)),
        ("2021-02-17T23:21:00Z", False, datetime(2021, 2, 17, 23, 21, tzinfo=UTC)),
    ],
)
def test_parse_when_reads_dates_and_date_times_as_utc(
    text: str, end: bool, expected: datetime
) -> None:
    assert parse_when(text, end=end) == expected


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "-"),
        (0, "0 s"),
        (59, "59 s"),
        (60, "1 min"),
        (61, "1 min 1 s"),
        (3599, "59 min 59 s"),
        (3600, "1 h"),
        (3660, "1 h 1 min"),
        (86399, "23 h 59 min"),
        (86400, "1 d"),
        (90000, "1 d 1 h"),
        (90059.6, "1 d 1 h"),
    ],
)
def test_format_lag_shows_the_two_largest_units(seconds: float | None, shown: str) -> None:
    assert format_lag(seconds) == shown


def test_parse_when_gives_utc_whatever_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        bound = parse_when("2021-02-18T00:21+01:00")
        assert bound.isoformat() == "2021-02-17T23:21:00+00:00"
        assert parse_when("2021-02-17T23:21").isoformat() == "2021-02-17T23:21:00+00:00"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_times_are_written_in_utc_whatever_the_machines_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert iso_utc(datetime(2021, 2, 17, 23, 21, tzinfo=UTC)) == "2021-02-17T23:21:00Z"
        assert (
            parse_time("2021-02-18T17:13:00+01:00").value.isoformat() == "2021-02-18T16:13:00+00:00"
        )
        assert is_plausible(datetime.now(UTC) + timedelta(hours=23))  # `now` is the clock's
        assert not is_plausible(datetime.now(UTC) + timedelta(hours=25))
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_story_is_found_by_its_id_or_a_prefix_of_only_its_id() -> None:
    stories = timelines([("a.example", 0), ("b.example", 1)], [("a.example", 0), ("c.example", 1)])
    one, two = stories
    assert find_story(stories, one.id) is one and find_story(stories, two.id) is two
    common = 2 + next(
        i for i, (x, y) in enumerate(zip(one.id[2:], two.id[2:], strict=True)) if x != y
    )
    assert find_story(stories, one.id[: common + 1]) is one  # unique from here on
    with pytest.raises(StoryNotFoundError, match="2 story ids start with"):
        find_story(stories, one.id[:common])  # a prefix of both ids
    for unknown in ("s-000000000000", "s-zz"):
        with pytest.raises(StoryNotFoundError, match=f"no story '{unknown}'"):
            find_story(stories, unknown)


def test_parse_when_refuses_other_text() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_when("yesterday")


# ---------------------------------------------------------------- files written by build


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.slow  # a whole build
def test_build_writes_story_tables_as_csv_and_json(tmp_path: Path) -> None:
    build(SEED_RECORD, tmp_path)
    stories = rows_of(tmp_path / "stories.csv")
    assert list(stories[0])[:6] == list(STORY_COLUMNS)[:6]
    assert [
        (r["provider_domain"], r["published_utc"], r["lag_seconds"], r["is_first"]) for r in stories
    ] == [
        ("washingtonpost.com", "2021-02-17T23:21:00Z", "0", "true"),
        ("nationthailand.com", "2021-02-18T00:55:00Z", "5640", "false"),
        ("dailydot.com", "2021-02-18T16:13:00Z", "60720", "false"),
    ]
    [first] = rows_of(tmp_path / "first_coverage.csv")
    assert list(first) == list(FIRST_COLUMNS)
    assert first["first_published_utc"] == "2021-02-17T23:21:00Z"
    assert (first["first_provider_domains"], first["first_article_urls"]) == (
        '["washingtonpost.com"]',
        json.dumps([POST]),
    )
    assert (first["article_count"], first["outlet_count"]) == ("3", "3")
    outlets = rows_of(tmp_path / "outlets.csv")
    assert next((r["provider_domain"], r["times_first"]) for r in outlets) == (
        "washingtonpost.com",
        "1",
    )
    as_json = json.loads((tmp_path / "first_coverage.json").read_text(encoding="utf-8"))
    assert as_json[0]["first_provider_domains"] == ["washingtonpost.com"]
    assert (
        json.loads((tmp_path / "stories.json").read_text(encoding="utf-8"))[1]["lag_seconds"]
        == 5640
    )
    assert json.loads((tmp_path / "outlets.json").read_text(encoding="utf-8"))[0]["stories"] == 1


@pytest.mark.slow  # a whole build
def test_ties_are_json_arrays_in_csv_and_lists_in_json(tmp_path: Path) -> None:
    a = mention("https://a.example/x", "Rocket launch today", at(0), "a.example")
    b = mention("https://b.example/x", "Rocket launch today", at(0), "b.example")
    build_one_story(tmp_path, a, b)
    [first] = rows_of(tmp_path / "out" / "first_coverage.csv")
    assert first["first_provider_domains"] == '["a.example","b.example"]'
    assert first["first_article_urls"] == '["https://a.example/x","https://b.example/x"]'
    [row] = json.loads((tmp_path / "out" / "first_coverage.json").read_text(encoding="utf-8"))
    assert row["first_provider_domains"] == ["a.example", "b.example"]


@pytest.mark.slow  # a whole build
def test_list_cells_split_back_even_when_urls_hold_separators_and_quotes(
    tmp_path: Path,
) -> None:
    # As real feeds write them: `&amp;` puts a `;` in the URL; `,` and `"` can follow.
    tricky = 'https://a.example/x?feed=OBR&amp;date=20140310&amp;id=17418699&q="a,b"'
    plain = "https://b.example/y;v=1,2"
    a = mention(tricky, "Rocket launch today", at(0), "a.example")
    b = mention(plain, "Rocket launch today", at(0), "b.example")
    build_one_story(tmp_path, a, b)
    [first] = rows_of(tmp_path / "out" / "first_coverage.csv")
    assert json.loads(first["first_article_urls"]) == [tricky, plain]
    assert json.loads(first["first_provider_domains"]) == ["a.example", "b.example"]
    [row] = json.loads((tmp_path / "out" / "first_coverage.json").read_text(encoding="utf-8"))
    assert json.loads(first["first_article_urls"]) == row["first_article_urls"]


@pytest.mark.slow  # a whole build
def test_an_empty_list_cell_is_an_empty_json_array(tmp_path: Path) -> None:
    a = mention("https://a.example/x", "Rocket launch today", None, "a.example")
    b = mention("https://b.example/x", "Rocket launch today", None, "b.example")
    build_one_story(tmp_path, a, b)
    [first] = rows_of(tmp_path / "out" / "first_coverage.csv")
    assert (first["first_provider_domains"], first["first_article_urls"]) == ("[]", "[]")
    assert first["first_published_utc"] == ""
    [row] = list(csv.DictReader(io.StringIO(csv_text([{"a": (), "b": [""]}], ["a", "b"]))))
    assert (json.loads(row["a"]), json.loads(row["b"])) == ([], [""])


@pytest.mark.slow  # a whole build
def test_written_tables_read_back_into_the_same_timelines(tmp_path: Path) -> None:
    result = build(SEED_RECORD, tmp_path)
    assert read_coverage(tmp_path) == result.coverage


@pytest.mark.slow  # a whole build
def test_story_nodes_join_the_graph_files(tmp_path: Path) -> None:
    build(SEED_RECORD, tmp_path, formats=("json", "graphml", "gexf"))
    story = "story:s-be87dfd58115"
    for graph in (
        read_graph_json(tmp_path / "graph.json"),
        nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True),
        nx.read_gexf(tmp_path / "graph.gexf"),
    ):
        assert graph.nodes[story]["kind"] == "story"
        assert graph.nodes[story]["first_published_utc"] == "2021-02-17T23:21:00Z"
        assert graph.in_degree(story) == 3
        assert "provider:washingtonpost.com" in set(graph.successors(story))


def test_csv_cells_that_would_run_as_formulas_are_neutralised() -> None:
    text = csv_text([{"label": "=HYPERLINK(1)", "n": -5}], ["label", "n"])
    assert text.splitlines()[1] == "'=HYPERLINK(1),-5"


def test_list_cells_with_formula_looking_values_stay_safe_and_exact() -> None:
    values = ["=HYPERLINK(1)", "+1", "-5", "@SUM(A1)", "\tx", "\rx"]
    text = csv_text([{"one": ["=cmd|' /C calc'!A0"], "many": values}], ["one", "many"])
    [row] = csv.DictReader(io.StringIO(text))
    for cell in row.values():
        assert cell.startswith("[") and not cell.startswith("'")
    assert json.loads(row["one"]) == ["=cmd|' /C calc'!A0"]
    assert json.loads(row["many"]) == values
    # JSON escapes control characters: the only line breaks are the two rows' CRLF ends
    assert text.count("\r") == text.count("\n") == 2 and text.endswith("\r\n")


# ---------------------------------------------------------------- rules the README states


def timelines(*stories: list[tuple[str, int | None]]) -> list[StoryCoverage]:
    """One story per list of (outlet, minutes after the story's start; None: no time), the
    stories a week apart with headlines that share no rare word, so each stays whole."""
    records = []
    for n, story in enumerate(stories):
        title = f"Ranking{n} kestrel{n} harbour{n} decision"
        start = n * 7 * 24 * 60
        items = [
            mention(
                f"https://{outlet}/story{n}", title, None if m is None else at(start + m), outlet
            )
            for outlet, m in story
        ]
        records += one_story(*items)
    coverage = coverage_of(records)
    assert len(coverage) == len(stories)
    return coverage


def test_a_tie_among_k_outlets_gives_each_one_kth_of_a_first() -> None:
    for k in (2, 3, 4):
        tied = [(f"o{i}.example", 0) for i in range(k)]
        [story] = timelines([*tied, ("late.example", 30)])
        rows = {row.provider: row for row in leaderboard([story])}
        for outlet, _ in tied:
            assert rows[outlet].first == 1 / k and rows[outlet].tied_first == 1
            assert rows[outlet].share_first == 1 / k
        assert (rows["late.example"].first, rows["late.example"].tied_first) == (0, 0)
        assert sum(row.first for row in rows.values()) == pytest.approx(1)


def test_a_lone_first_is_a_whole_first_and_not_a_tie() -> None:
    [story] = timelines([("a.example", 0), ("b.example", 1), ("c.example", 1)])
    rows = {row.provider: row for row in leaderboard([story])}
    assert (rows["a.example"].first, rows["a.example"].tied_first) == (1, 0)
    assert (rows["b.example"].tied_first, rows["c.example"].tied_first) == (0, 0)


def test_an_outlet_without_a_name_is_shown_by_its_domain() -> None:
    named = mention("https://a.example/x", "Dam opens", at(0), "a.example")
    named["provider"]["name"] = "Alpha News"
    [story] = coverage_of(
        one_story(named, mention("https://b.example/x", "Dam opens", at(9), "b.example"))
    )
    names = {row.provider: row.name for row in leaderboard([story])}
    assert names == {"a.example": "Alpha News", "b.example": "b.example"}


def test_the_leaderboard_lag_is_the_median_and_the_mean_of_the_earliest_article() -> None:
    # m is 1, 2 and 10 minutes behind; in the last story it also has a later article.
    stories = timelines(
        [("f.example", 0), ("m.example", 1)],
        [("f.example", 0), ("m.example", 2)],
        [("f.example", 0), ("m.example", 10), ("m.example", 50)],
    )
    rows = {row.provider: row for row in leaderboard(stories)}
    assert rows["m.example"].median_lag_seconds == 120
    assert rows["m.example"].mean_lag_seconds == (60 + 120 + 600) / 3
    assert rows["m.example"].stories == 3
    assert rows["f.example"].median_lag_seconds is None  # always first: no lag


def test_the_leaderboard_ranks_by_times_first_then_share_then_median_lag() -> None:
    late = ("slow.example", 1000)
    stories = timelines(
        # a: 2 firsts in 4 stories; b: 1 first in 1 story. More firsts beat a higher share.
        [("a.example", 0), late],
        [("a.example", 0), late],
        [("quick.example", 0), ("a.example", 5), late],
        [("quick.example", 0), ("a.example", 5), late],
        [("b.example", 0), late],
        # c, e, f: 1 first in 2 stories, behind by 10 min, 1 min, and untimed; d: 1 in 3.
        [("c.example", 0), late],
        [("quick.example", 0), ("c.example", 10), late],
        [("e.example", 0), late],
        [("quick.example", 0), ("e.example", 1), late],
        [("f.example", 0), late],
        [("quick.example", 0), ("f.example", None), late],
        [("d.example", 0), late],
        [("quick.example", 0), ("d.example", 1), late],
        [("quick.example", 0), ("d.example", 1), late],
    )
    rows = leaderboard(stories)
    summary = {row.provider: (row.first, row.stories, row.median_lag_seconds) for row in rows}
    assert summary["a.example"] == (2, 4, 300)
    assert summary["b.example"] == (1, 1, None)
    assert summary["e.example"] == (1, 2, 60) and summary["c.example"] == (1, 2, 600)
    assert summary["f.example"] == (1, 2, None) and summary["d.example"] == (1, 3, 60)
    assert [row.provider for row in rows] == [
        "quick.example",  # 7 firsts
        "a.example",  # 2 firsts
        "b.example",  # 1 first, share 1
        "e.example",  # 1 first, share 1/2, median lag 1 min
        "c.example",  # 1 first, share 1/2, median lag 10 min
        "f.example",  # 1 first, share 1/2, no lag known
        "d.example",  # 1 first, share 1/3
        "slow.example",  # no first
    ]


def test_outlets_level_on_every_key_are_ranked_by_stories_then_name() -> None:
    stories = timelines(
        [("first.example", 0), ("zeta.example", 5), ("alpha.example", 5)],
        [("first.example", 0), ("zeta.example", 5), ("alpha.example", 5), ("beta.example", 5)],
        [("first.example", 0), ("zeta.example", 5)],
    )
    order = [row.provider for row in leaderboard(stories)]
    assert order == ["first.example", "zeta.example", "alpha.example", "beta.example"]


def test_head_to_head_counts_equal_times_as_ties_whichever_outlet_sorts_first() -> None:
    stories = timelines(
        [("a.example", 0), ("b.example", 0)],  # a tie
        [("b.example", 0), ("a.example", 0)],  # a tie, b listed first
        [("b.example", 0), ("a.example", 3)],  # b earlier
        [("a.example", 0), ("b.example", 3), ("b.example", None)],  # a earlier
    )
    [pair] = head_to_head(stories)
    assert (pair.a, pair.b) == ("a.example", "b.example")
    assert (pair.stories, pair.a_earlier, pair.b_earlier, pair.ties) == (4, 1, 1, 2)


def test_head_to_head_compares_earliest_usable_times_and_skips_untimed_outlets() -> None:
    stories = timelines(
        # b's untimed article does not count; its later timed one does
        [("b.example", None), ("a.example", 0), ("b.example", 20)],
        # c has no usable time in this story: no pair with c
        [("a.example", 0), ("b.example", 1), ("c.example", None)],
    )
    pairs = {
        (p.a, p.b): (p.stories, p.a_earlier, p.b_earlier, p.ties) for p in head_to_head(stories)
    }
    assert pairs == {("a.example", "b.example"): (2, 2, 0, 0)}
    assert head_to_head(stories, min_stories=3) == []
    assert head_to_head(stories, min_stories=2) != []


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_character_that_starts_a_formula_gets_a_quote(start: str) -> None:
    text = csv_text([{"label": f"{start}SUM(A1)", "note": f"x{start}1"}], ["label", "note"])
    [row] = csv.DictReader(io.StringIO(text, newline=""))
    assert row == {"label": f"'{start}SUM(A1)", "note": f"x{start}1"}


@pytest.mark.parametrize("text", ["SUM(A1)", " =1", "#1", "'=1", "(1)", "1+1", "", "%1"])
def test_text_that_does_not_start_a_formula_is_left_as_it_is(text: str) -> None:
    [row] = csv.DictReader(io.StringIO(csv_text([{"label": text, "n": 1}], ["label", "n"])))
    assert row["label"] == text


def test_numbers_and_booleans_are_never_quoted() -> None:
    [row] = csv.DictReader(
        io.StringIO(csv_text([{"lag": -5.5, "n": -3, "ok": False}], ["lag", "n", "ok"]))
    )
    assert row == {"lag": "-5.5", "n": "-3", "ok": "false"}


@pytest.mark.slow  # a whole build
def test_line_breaks_inside_a_headline_stay_inside_its_csv_cell(tmp_path: Path) -> None:
    # Records keep \r and \n inside text; a bare \r left unquoted would end the row early.
    headlines = ["Storm\rhits coast", "Storm\nhits coast", "Storm\r\nhits coast"]
    text = csv_text([{"label": h, "n": i} for i, h in enumerate(headlines)], ["label", "n"])
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(row["label"], row["n"]) for row in rows] == [
        (h, str(i)) for i, h in enumerate(headlines)
    ]
    a = mention("https://a.example/x", "Flood\rwarning issued", at(0), "a.example")
    b = mention("https://b.example/x", "Flood warning issued", at(5), "b.example")
    build_one_story(tmp_path, a, b)
    with (tmp_path / "out" / "first_coverage.csv").open(encoding="utf-8", newline="") as table:
        [row] = csv.DictReader(table)
    assert row["label"] == "Flood\rwarning issued"


def test_stories_join_the_graph_as_nodes_with_in_story_and_first_by_edges() -> None:
    items = [
        mention("https://a.example/x", "Dam opens", at(0), "a.example"),
        mention("https://b.example/x", "Dam opens", at(0), "b.example"),
        mention("https://c.example/x", "Dam opens", at(30), "c.example"),
        mention("https://d.example/x", "Dam opens", None, "d.example"),
    ]
    corpus = corpus_of(one_story(*items))
    [story] = first_coverage(detect_stories(corpus), corpus)
    graph = add_stories(coverage_graph(corpus), [story])
    node = f"story:{story.id}"
    assert (graph.nodes[node]["kind"], graph.nodes[node]["label"]) == ("story", "Dam opens")
    into = {u: (k, d) for u, _, k, d in graph.in_edges(node, keys=True, data=True)}
    assert into == {
        "article:https://a.example/x": ("in_story", {"is_first": True, "lag_seconds": 0.0}),
        "article:https://b.example/x": ("in_story", {"is_first": True, "lag_seconds": 0.0}),
        "article:https://c.example/x": ("in_story", {"is_first": False, "lag_seconds": 1800.0}),
        "article:https://d.example/x": ("in_story", {"is_first": False}),  # no usable time
    }
    out = {(v, k) for _, v, k in graph.out_edges(node, keys=True)}
    assert out == {("provider:a.example", "first_by"), ("provider:b.example", "first_by")}


def test_an_outlet_tied_first_twice_counts_both_ties() -> None:
    stories = timelines(
        [("a.example", 0), ("b.example", 0)],
        [("a.example", 0), ("c.example", 0), ("b.example", 4)],
        [("a.example", 0), ("b.example", 9)],
    )
    rows = {row.provider: row for row in leaderboard(stories)}
    assert (rows["a.example"].tied_first, rows["a.example"].first) == (2, 0.5 + 0.5 + 1)
    assert (rows["b.example"].tied_first, rows["c.example"].tied_first) == (1, 1)


def test_a_story_left_out_of_the_count_does_not_end_it() -> None:
    # The earliest story has one outlet (below --min-outlets 2); an untimed one comes last.
    stories = timelines(
        [("lone.example", 0)],
        [("a.example", None), ("b.example", None)],
        [("a.example", 0), ("b.example", 3)],
    )
    assert [row.provider for row in leaderboard(stories)] == ["a.example", "b.example"]
    assert [(p.a, p.b, p.stories) for p in head_to_head(stories)] == [("a.example", "b.example", 1)]


def test_head_to_head_pairs_come_most_shared_stories_first() -> None:
    stories = timelines(
        [("a.example", 0), ("z.example", 1)],
        [("b.example", 0), ("c.example", 1)],
        [("b.example", 0), ("c.example", 1)],
    )
    assert [(p.a, p.b) for p in head_to_head(stories)] == [
        ("b.example", "c.example"),
        ("a.example", "z.example"),
    ]


# ---------------------------------------------------------------- the coverage graph

GRAPH_DOT = "https://dailydot.com/debug/biden-facial-recognition-pressure"
GRAPH_POST = "https://washingtonpost.com/technology/2021/02/17/facial-recognition-biden"
GRAPH_NATION = "https://nationthailand.com/edandtech/30402761"


def seed_graph() -> tuple[Corpus, nx.MultiDiGraph]:
    corpus = resolve(read_records([SEED_RECORD]).records, now=NOW)
    return corpus, add_stories(
        coverage_graph(corpus), first_coverage(detect_stories(corpus), corpus)
    )


def test_article_nodes_carry_every_resolved_field_and_leave_out_empty_ones() -> None:
    corpus, graph = seed_graph()
    dot, post = corpus.articles[GRAPH_DOT], corpus.articles[GRAPH_POST]
    assert graph.nodes[f"article:{GRAPH_DOT}"] == {
        "kind": "article",
        "label": dot.title,
        "title": dot.title,
        "excerpt": dot.excerpt,
        "url": "https://www.dailydot.com/debug/biden-facial-recognition-pressure/",
        "canonical_url": GRAPH_DOT,
        "aliases": dot.aliases,
        "published_utc": "2021-02-18T16:13:00Z",
        "time_status": "ok",
        "provider": "dailydot.com",
        "quality": 59.0,
        "heat": 79.0,
        "type": "article",
        "images": [image.url for image in dot.images],
        "sources": dot.sources,
        "has_record": True,
    }
    assert len(dot.aliases) > 1 and len(dot.images) == 1
    assert (dot.title or "").startswith("Civil rights")
    node = graph.nodes[f"article:{GRAPH_POST}"]
    assert "heat" not in node and "conflicts" not in node  # none given: no key at all
    assert (node["has_record"], node["published_utc"]) == (False, "2021-02-17T23:21:00Z")
    assert node["label"] == post.title


def test_an_article_without_a_title_or_time_is_labelled_by_its_url_and_conflicts_listed(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    write_record("a.txt", {"webUrl": "https://x.com/1", "provider": {"domain": "x.com"}})
    write_record("b.txt", article("https://y.com/2", title="Own"))
    write_record(
        "c.txt",
        {**article("https://z.com/3"), "related": [article("https://y.com/2", title="Other")]},
    )
    corpus = resolve(read_records([tmp_path / "records"]).records, now=NOW)
    graph = coverage_graph(corpus)
    bare = graph.nodes["article:https://x.com/1"]
    assert (bare["label"], "title" in bare, "published_utc" in bare) == (
        "https://x.com/1",
        False,
        False,
    )
    assert bare["time_status"] == "missing"
    source = corpus.articles["https://y.com/2"].conflicts[0].source
    assert graph.nodes["article:https://y.com/2"]["conflicts"] == [
        f"title: kept 'Own', also 'Other' in {source}"
    ]


def test_outlet_topic_and_category_nodes_and_every_edge() -> None:
    corpus, graph = seed_graph()
    assert graph.nodes["provider:dailydot.com"] == {
        "kind": "provider",
        "label": "The Daily Dot",
        "domain": "dailydot.com",
        "names": ["The Daily Dot"],
        "url": "https://dailydot.com/",
    }
    assert graph.nodes["topic:computer vision"] == {
        "kind": "topic",
        "label": "Computer Vision",
        "variants": ["Computer Vision"],
    }
    assert graph.nodes["category:news"] == {
        "kind": "category",
        "label": "news",
        "variants": ["news"],
    }
    edges = {(u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)}
    dot = f"article:{GRAPH_DOT}"
    source = corpus.articles[GRAPH_DOT].sources  # the seed record's file, which lists both
    assert edges[(dot, f"article:{GRAPH_POST}", "related")] == {"sources": source}
    assert edges[(dot, f"article:{GRAPH_NATION}", "related")] == {"sources": source}
    assert edges[(dot, "provider:dailydot.com", "published_by")] == {}
    assert {v for u, v, k in edges if u == dot and k == "about"} == {
        "topic:ai",
        "topic:computer vision",
        "topic:natural language processing",
    }
    assert {v for u, v, k in edges if u == dot and k == "in_category"} == {"category:news"}
    assert (
        len(edges) == graph.number_of_edges() == 13
    )  # and one in_story edge per article, first_by


def test_story_nodes_carry_the_first_coverage() -> None:
    _, graph = seed_graph()
    assert graph.nodes["story:s-be87dfd58115"] == {
        "kind": "story",
        "label": graph.nodes[f"article:{GRAPH_POST}"]["title"],
        "story_id": "s-be87dfd58115",
        "first_published_utc": "2021-02-17T23:21:00Z",
        "last_published_utc": "2021-02-18T16:13:00Z",
        "first_providers": ["washingtonpost.com"],
        "first_articles": [
            "https://www.washingtonpost.com/technology/2021/02/17/facial-recognition-biden/"
        ],
        "outlets": ["washingtonpost.com", "nationthailand.com", "dailydot.com"],
        "topics": ["ai", "computer vision", "natural language processing"],
        "categories": ["news"],
        "article_count": 3,
        "outlet_count": 3,
    }
