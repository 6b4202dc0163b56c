"""One vocabulary of units and names: a lag is a number of seconds in every machine-readable
output and "16 h 52 min" everywhere people read it (command-line tables, served pages, the
story pages); a name means the same in Python as in the CSV and JSON files."""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import graphkit
from graphkit.analysis import HeadToHead, OutletLead, StoryCoverage, head_to_head, leaderboard
from graphkit.cli import main
from graphkit.outputs.text import format_lag

from .conftest import SEEDS, run_cli
from .test_server import Server, _start

pytestmark = pytest.mark.slow  # a build of seeds/ and a server

DAILY_DOT = "https://www.dailydot.com/debug/biden-facial-recognition-pressure/"
LAG = 60720  # The Daily Dot behind The Washington Post on s-be87dfd58115, in seconds


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, graphkit.Build]:
    out = tmp_path_factory.mktemp("out")
    return out, graphkit.build(SEEDS, out)


@pytest.fixture(scope="module")
def server(
    built: tuple[Path, graphkit.Build], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    with contextmanager(_start)(built[0], tmp_path_factory.mktemp("server")) as started:
        yield started


def test_a_lag_is_seconds_for_machines_and_the_same_words_for_people(
    built: tuple[Path, graphkit.Build], server: Server
) -> None:
    out, _ = built
    words = format_lag(LAG)
    assert words == "16 h 52 min"
    story = ("--param", "story=s-be87dfd58115")
    # machines: the tables, the query's CSV and JSON, the endpoint's JSON
    rows = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    assert [r["lag_seconds"] for r in rows if r["article_url"] == DAILY_DOT] == [LAG]
    code, text, err = run_cli(main, "query", "story-timeline", "--data", str(out), *story,
                              "--format", "csv")  # fmt: skip
    assert code == 0, err
    assert f",{LAG}," in text.splitlines()[3] and words not in text
    with server.client() as client:
        answer = client.get("/queries/story-timeline.json", params={"story": "s-be87dfd58115"})
        page = client.get("/queries/story-timeline", params={"story": "s-be87dfd58115"})
    lags = [row["lag_seconds"] for row in answer.json()["rows"]]
    assert lags[-1] == LAG
    # people: `first --story`, the query's table, the served page (the seconds on hover)
    code, text, err = run_cli(main, "first", "--data", str(out), "--story", "s-be87dfd58115")
    assert code == 0 and f"  {words}  " in text
    code, text, err = run_cli(main, "query", "story-timeline", "--data", str(out), *story)
    assert code == 0 and text.split()[1] == "lag" and f"  {words}  " in text
    assert str(LAG) not in text
    assert f'<td title="{LAG} s">{words}</td>' in page.text
    assert "<th>lag</th>" in html.unescape(page.text)


def python_value(value: Any) -> Any:
    """A Python field's value as the JSON files write it."""
    if isinstance(value, tuple):
        return [python_value(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    return value


@pytest.mark.parametrize(
    ("table", "kind"),
    [("first_coverage", StoryCoverage), ("outlets", OutletLead), ("head_to_head", HeadToHead)],
)
def test_a_name_in_a_table_means_what_it_means_in_python(
    built: tuple[Path, graphkit.Build], table: str, kind: type
) -> None:
    """Every column named as a field of the Python object of the same row holds its value."""
    out, result = built
    rows = json.loads((out / f"{table}.json").read_text(encoding="utf-8"))
    objects = {
        "first_coverage": result.coverage,
        "outlets": leaderboard(result.coverage),
        "head_to_head": head_to_head(result.coverage),
    }[table]
    shared = {f.name for f in dataclasses.fields(kind)} & set(rows[0])
    assert shared  # the check checks something
    assert len(rows) == len(objects)
    for row, thing in zip(rows, objects, strict=True):
        for name in shared:
            want = python_value(getattr(thing, name))
            if isinstance(want, float):
                assert row[name] == pytest.approx(want, abs=1e-4), (table, name)
            else:
                assert row[name] == want, (table, name)
