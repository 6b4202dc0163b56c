"""`graphkit query` with a canned query whose parameter names a story, outlet or topic: a name
the build does not hold says so in one line and ends with status 2 (never an empty answer),
and a story id's prefix resolves as `graphkit first --story` resolves it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphkit.cli import main
from graphkit.rdf import canned_queries

from .conftest import SEEDS, built_with_cli, run_cli

pytestmark = pytest.mark.slow  # a whole build of seeds/


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_with_cli(main, tmp_path_factory.mktemp("out"), SEEDS)


def rows(built: Path, query: str, *params: str) -> list[dict[str, object]]:
    options = [item for param in params for item in ("--param", param)]
    code, out, err = run_cli(
        main, "query", query, "--data", str(built), "--format", "json", *options
    )
    assert code == 0, err
    found: list[dict[str, object]] = json.loads(out)["results"]["bindings"]
    return found


@pytest.mark.parametrize(
    ("query", "param", "kind"),
    [
        (query.name, param.name, param.type)
        for query in canned_queries().values()
        for param in query.params
        if param.type in ("story", "outlet", "topic")
    ],
)
def test_a_name_the_build_does_not_hold_is_said(
    built: Path, query: str, param: str, kind: str
) -> None:
    code, out, err = run_cli(
        main, "query", query, "--data", str(built), "--param", f"{param}=zz-no-such-{kind}"
    )
    assert (code, out) == (2, "")
    [line] = err.strip().splitlines()
    # a story id may also be one of an earlier build's, so a story is looked for there too
    where = "in this build or the ones before it" if kind == "story" else "in this build"
    assert line.startswith(f"error: {query}: no {kind} 'zz-no-such-{kind}' {where} (")


def test_a_story_prefix_gives_the_whole_ids_timeline(built: Path) -> None:
    stories = json.loads((built / "first_coverage.json").read_text(encoding="utf-8"))
    story = stories[0]["story_id"]
    whole = rows(built, "story-timeline", f"story={story}")
    assert len(whole) == stories[0]["article_count"]
    assert rows(built, "story-timeline", f"story={story[:7]}") == whole
    code, _, err = run_cli(
        main, "query", "story-timeline", "--data", str(built), "--param", "story=s-"
    )
    assert code == 2 and "several story ids start with 's-'" in err


def test_an_outlet_and_a_topic_match_as_people_write_them(built: Path) -> None:
    days = rows(built, "articles-per-day", "outlet=bbc.co.uk")
    assert days and all(row["outlet"]["value"] == "bbc.co.uk" for row in days)
    assert rows(built, "articles-per-day", "outlet=WWW.BBC.co.uk") == days
    topics = rows(built, "topics-by-outlet")
    label = str(topics[0]["topic"]["value"])  # type: ignore[index]
    narrowed = rows(built, "topics-by-outlet", f"topic={label.swapcase()}")
    assert narrowed and {row["topic"]["value"] for row in narrowed} == {label}  # type: ignore[index]
