"""`graphkit stories`: finding stories by headline words, outlet, time and size, in every
format, checked against the build's own tables (first_coverage.json, stories.json)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from graphkit.analysis.coverage import StorySearch, find_stories
from graphkit.cli import main
from graphkit.outputs import read_coverage

from .conftest import SEEDS, built_with_cli, run_cli

pytestmark = pytest.mark.slow  # a whole build of seeds/ (the module's `built` folder)


def run(*args: str) -> tuple[int, str, str]:
    return run_cli(main, *args)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_with_cli(main, tmp_path_factory.mktemp("out"), SEEDS)


def listed(built: Path, *options: str) -> list[dict[str, Any]]:
    code, out, err = run("stories", "--data", str(built), "--format", "json", *options)
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def headlines(built: Path) -> dict[str, str]:
    """Each story's headlines, case-folded, from the build's own stories.json."""
    found: dict[str, list[str]] = {}
    for row in json.loads((built / "stories.json").read_text(encoding="utf-8")):
        found.setdefault(row["story_id"], []).append(row.get("title") or "")
    return {story: " ".join(titles).casefold() for story, titles in found.items()}


def test_every_story_is_listed_with_its_first_coverage_row(built: Path) -> None:
    rows = listed(built)
    kept = json.loads((built / "first_coverage.json").read_text(encoding="utf-8"))
    assert rows == kept  # the same rows, in the same order (earliest first)


@pytest.mark.parametrize("words", ["gpt-4", "chatgpt", "opens access", "ZZZ-none"])
def test_a_search_finds_exactly_the_stories_with_every_word_in_a_headline(
    built: Path, words: str
) -> None:
    found = {row["story_id"] for row in listed(built, "--search", words)}
    texts = headlines(built)
    expected = {s for s, text in texts.items() if all(w in text for w in words.casefold().split())}
    assert found == expected
    assert len(found) < len(texts)
    assert bool(found) == (words != "ZZZ-none")


def test_an_outlet_lists_the_stories_it_covered(built: Path) -> None:
    by_story: dict[str, set[str]] = {}
    for row in json.loads((built / "stories.json").read_text(encoding="utf-8")):
        by_story.setdefault(row["story_id"], set()).add(row["provider_domain"])
    for outlet in ("bbc.co.uk", "www.reuters.com"):
        found = {row["story_id"] for row in listed(built, "--outlet", outlet)}
        domain = outlet.removeprefix("www.")
        assert found == {story for story, outlets in by_story.items() if domain in outlets}
        assert found


def test_sorts_by_size_and_by_outlets_and_bounds_by_time_and_outlets(built: Path) -> None:
    by_size = listed(built, "--sort", "size")
    assert [r["article_count"] for r in by_size] == sorted(
        (r["article_count"] for r in by_size), reverse=True
    )
    by_outlets = listed(built, "--sort", "outlets")
    assert [r["outlet_count"] for r in by_outlets] == sorted(
        (r["outlet_count"] for r in by_outlets), reverse=True
    )
    since = listed(built, "--since", "2023-06-01")
    every = listed(built)
    assert {r["story_id"] for r in since} == {
        r["story_id"] for r in every if r["first_published_utc"] >= "2023-06-01"
    }
    most = max(r["outlet_count"] for r in every)
    assert {r["story_id"] for r in listed(built, "--min-outlets", str(most))} == {
        r["story_id"] for r in every if r["outlet_count"] == most
    }


def test_the_table_and_csv_show_the_same_stories(built: Path) -> None:
    code, table, _ = run("stories", "--data", str(built), "--search", "ai")
    assert code == 0
    ids = [row["story_id"] for row in listed(built, "--search", "ai")]
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["story", "first"]
    assert [line.split()[0] for line in lines[1:]] == ids
    _, text, _ = run("stories", "--data", str(built), "--search", "ai", "--format", "csv")
    assert [row["story_id"] for row in csv.DictReader(io.StringIO(text))] == ids


def test_no_match_is_said_not_silent(built: Path) -> None:
    code, out, _ = run("stories", "--data", str(built), "--search", "no-such-word")
    assert (code, out.strip()) == (0, "no story matches")
    code, out, err = run("stories", "--data", str(built), "--search", "zz", "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    assert "no story matches among 10" in err


def test_the_library_call_is_what_the_command_lists(built: Path) -> None:
    coverage = read_coverage(built)
    found = find_stories(coverage, StorySearch(text="ai", min_outlets=5), "size")
    rows = listed(built, "--search", "ai", "--min-outlets", "5", "--sort", "size")
    assert [story.id for story in found] == [row["story_id"] for row in rows]
