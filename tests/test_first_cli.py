"""`graphkit first`: the leaderboard and story timelines, from sources or a built folder."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graphkit import build
from graphkit.analysis import StoryCoverage, head_to_head, leaderboard
from graphkit.cli import main
from graphkit.outputs import tables

from .conftest import ROOT, SEED_RECORD, SEEDS, built_with_cli, run_cli

STORY = "s-be87dfd58115"


def run(*args: str) -> tuple[int, str, str]:
    return run_cli(main, *args)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_with_cli(main, tmp_path_factory.mktemp("out"), SEED_RECORD)


@pytest.mark.slow  # a whole build (the module's `built` folder)
def test_story_timeline_shows_who_was_first_and_how_far_behind_the_others_were(
    built: Path,
) -> None:
    code, out, _ = run("first", "--data", str(built), "--story", STORY)
    assert code == 0
    lines = out.splitlines()
    assert "Civil rights groups ask Biden administration" in lines[0]
    assert lines[1] == "first   2021-02-17T23:21:00Z by Washington Post (washingtonpost.com)"
    timeline = [" ".join(line.split()) for line in lines if line.startswith("2021-")]
    assert timeline[0].startswith("2021-02-17T23:21:00Z first Washington Post (washingtonpost.com)")
    assert timeline[1].startswith("2021-02-18T00:55:00Z 1 h 34 min nationthailand (nationthai")
    assert timeline[2].startswith("2021-02-18T16:13:00Z 16 h 52 min The Daily Dot (dailydot.com)")
    assert len(timeline) == 3


@pytest.mark.slow  # a whole build (the module's `built` folder)
def test_leaderboard_from_sources_equals_the_one_from_a_built_folder(built: Path) -> None:
    code, from_sources, _ = run("first", str(SEED_RECORD), "--format", "json")
    assert code == 0
    _, from_data, _ = run("first", "--data", str(built), "--format", "json")
    assert json.loads(from_sources) == json.loads(from_data)
    rows = json.loads(from_data)
    assert [(r["provider_domain"], r["times_first"]) for r in rows] == [
        ("washingtonpost.com", 1),
        ("nationthailand.com", 0),
        ("dailydot.com", 0),
    ]
    assert rows[1]["median_lag_seconds"] == 5640


@pytest.mark.slow  # a whole build (the module's `built` folder)
def test_story_as_csv_and_json(built: Path) -> None:
    _, text, _ = run("first", "--data", str(built), "--story", STORY, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["provider_domain"], r["lag_seconds"], r["is_first"]) for r in rows] == [
        ("washingtonpost.com", "0", "true"),
        ("nationthailand.com", "5640", "false"),
        ("dailydot.com", "60720", "false"),
    ]
    _, text, _ = run("first", "--data", str(built), "--story", STORY[:6], "--format", "json")
    assert json.loads(text)[0]["published_utc"] == "2021-02-17T23:21:00Z"


@pytest.mark.slow  # a whole build (the module's `built` folder)
def test_filters_narrow_the_leaderboard(built: Path) -> None:
    def outlets(*options: str) -> list[str]:
        code, out, err = run("first", "--data", str(built), "--format", "json", *options)
        assert code == 0, err
        return [row["provider_domain"] for row in json.loads(out)]

    assert len(outlets("--topic", "computer vision")) == 3
    assert outlets("--topic", "sport") == []
    assert len(outlets("--since", "2021-02-17", "--until", "2021-02-17")) == 3
    assert outlets("--since", "2021-02-17T23:22:00Z") == []
    assert outlets("--until", "2021-02-16") == []
    assert outlets("--min-outlets", "4") == []
    code, out, _ = run("first", "--data", str(built), "--topic", "sport")
    assert code == 0 and "no stories" in out


@functools.cache
def seeds_coverage() -> list[StoryCoverage]:
    return build(SEEDS).coverage


@pytest.mark.parametrize(
    ("option", "value"),
    [("--topic", "Climate  CHANGE"), ("--category", "SCIENCE"), ("--category", "technology")],
)
def test_topic_and_category_pick_their_stories_out_of_the_seeds(option: str, value: str) -> None:
    # On the seeds each value picks some stories and leaves others out, so the answer changes.
    coverage = seeds_coverage()
    key = " ".join(value.lower().split())
    picked = [s for s in coverage if key in (s.topics if option == "--topic" else s.categories)]
    assert 0 < len(picked) < len(coverage)
    code, out, err = run("first", str(SEEDS), "--format", "json", option, value)
    assert code == 0, err
    rows = json.loads(out)
    assert rows == json.loads(json.dumps(tables.outlet_rows(leaderboard(picked))))
    assert rows != json.loads(run("first", str(SEEDS), "--format", "json")[1])
    code, out, err = run("first", str(SEEDS), "--format", "json", "--head-to-head", option, value)
    assert code == 0, err
    pairs = json.loads(out)
    assert pairs == json.loads(json.dumps(tables.head_to_head_rows(head_to_head(picked))))
    assert len(pairs) < len(head_to_head(coverage))


@pytest.mark.slow  # a whole build (the module's `built` folder)
def test_head_to_head_table(built: Path) -> None:
    code, out, _ = run("first", "--data", str(built), "--head-to-head", "--format", "json")
    assert code == 0
    pairs = {(r["outlet_a"], r["outlet_b"]): r for r in json.loads(out)}
    assert pairs[("dailydot.com", "washingtonpost.com")]["b_earlier"] == 1


@pytest.mark.slow  # a whole build (the module's `built` folder)
def test_usage_errors_exit_2(built: Path, tmp_path: Path) -> None:
    code, _, err = run("first", "--data", str(built), "--story", "s-000000000000")
    assert code == 2 and "no story" in err
    code, _, err = run("first", str(SEEDS), "--story", "s-")  # a prefix of every story's id
    assert code == 2 and "10 story ids start with 's-': give more" in err
    code, _, err = run("first", "--data", str(built), "--since", "last week")
    assert code == 2 and "ISO date" in err
    code, _, err = run("first", "--data", str(tmp_path / "nothing"))
    assert code == 2 and "graphkit build" in err
    code, _, err = run("first", "--data", str(built), "--format", "xml")
    assert code == 2


@pytest.mark.processes
def test_the_command_runs_as_a_real_process_on_the_seeds(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "graphkit"]
    done = subprocess.run(
        [*command, "build", str(SEEDS), "-o", str(tmp_path), "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: some seed files are deliberately bad
    done = subprocess.run(
        [*command, "first", "--data", str(tmp_path), "--story", STORY, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["provider_domain"], r["lag_seconds"]) for r in rows] == [
        ("washingtonpost.com", 0),
        ("nationthailand.com", 5640),
        ("dailydot.com", 60720),
    ]
