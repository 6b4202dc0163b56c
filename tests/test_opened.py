"""`graphkit.open(OUT)`: a published build for a notebook, without rebuilding: its tables as
DataFrames, its timelines, and SPARQL answers as Python values."""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

import graphkit
from graphkit.outputs.folder import NoBuildError

from .conftest import SEEDS

pytestmark = pytest.mark.slow  # a whole build of seeds/


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, graphkit.Build]:
    out = tmp_path_factory.mktemp("out")
    return out, graphkit.build(SEEDS, out)


def test_the_tables_are_the_builds_csv_files_as_dataframes(
    built: tuple[Path, graphkit.Build],
) -> None:
    out, _ = built
    opened = graphkit.open(out)
    for name in ("first_coverage", "stories", "outlets", "head_to_head"):
        with (out / f"{name}.csv").open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        frame = getattr(opened, name)
        assert isinstance(frame, pl.DataFrame) and frame.height == len(rows)
        first_column = next(iter(rows[0]))
        assert frame[first_column].cast(pl.String).to_list() == [r[first_column] for r in rows]
    first = opened.first_coverage
    assert first.schema["first_published_utc"] == pl.Datetime("us", "UTC")
    assert first.schema["article_count"] == pl.Int64
    assert first["article_count"].sum() == opened.stories.height


def test_the_timelines_and_report_are_the_builds(built: tuple[Path, graphkit.Build]) -> None:
    out, result = built
    opened = graphkit.open(out)
    assert [s.id for s in opened.coverage] == [s.id for s in result.coverage]
    assert [s.first_time for s in opened.coverage] == [s.first_time for s in result.coverage]
    assert opened.report["summary"]["articles"] == result.summary["articles"]


def test_query_answers_with_python_values(built: tuple[Path, graphkit.Build]) -> None:
    out, _ = built
    opened = graphkit.open(out)
    rows = opened.query("first-coverage")
    assert isinstance(rows, list) and rows
    by_story = {row["story_id"]: row for row in rows}
    for story in opened.first_coverage.iter_rows(named=True):
        row = by_story[story["story_id"]]
        assert isinstance(row["article_count"], int)
        assert row["article_count"] == story["article_count"]
        assert isinstance(row["first_published"], datetime)
        assert row["first_published"] == story["first_published_utc"]
    frame = opened.query("first-coverage", frame=True)
    assert isinstance(frame, pl.DataFrame) and frame.height == len(rows)
    timeline = opened.query("story-timeline", {"story": rows[0]["story_id"][:8]})
    assert isinstance(timeline, list)
    assert len(timeline) == by_story[rows[0]["story_id"]]["article_count"]


def test_a_folder_without_a_build_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NoBuildError):
        graphkit.open(tmp_path)


def test_the_graph_of_an_opened_build_is_the_builds(built: tuple[Path, graphkit.Build]) -> None:
    out, result = built
    made, read = result.graph, graphkit.open(out).graph
    assert set(read.nodes) == set(made.nodes) and len(made) == 113
    assert sorted(read.edges(keys=True)) == sorted(made.edges(keys=True))
    for node, kind in made.nodes(data="kind"):
        assert read.nodes[node]["kind"] == kind
        for name in ("label", "url", "published_utc", "story_id", "article_count", "domain"):
            assert read.nodes[node].get(name) == made.nodes[node].get(name), (node, name)
    for a, b, key, data in made.edges(keys=True, data=True):
        said = {name: value for name, value in data.items() if name != "sources"}
        assert read.edges[a, b, key] == said, (a, b, key)  # which files: not in the RDF


def test_a_story_is_found_by_any_id_it_had_and_its_figures_are_fields(
    built: tuple[Path, graphkit.Build],
) -> None:
    out, _ = built
    opened = graphkit.open(out)
    story = opened.find_story("s-be87")
    fields = dataclasses.asdict(story)
    assert fields["first_time"] == story.entries[0].published
    assert fields["outlets"] == ("washingtonpost.com", "nationthailand.com", "dailydot.com")
    assert fields["first_providers"] == ("washingtonpost.com",)
    assert opened.story_ids.columns[:2] == ["old_story_id", "story_id"]
