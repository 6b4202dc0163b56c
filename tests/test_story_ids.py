"""Story ids that last across builds: an id from an earlier build into the same folder finds
the story that continues it, after an earlier article arrives, a merge, a split, and several
builds in a row, in the CLI, canned queries, the pages, and Python; a story whose articles
all went says so."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from graphkit import build
from graphkit.analysis import StoryIds, StoryNotFoundError
from graphkit.analysis.coverage import find_story
from graphkit.cli import main
from graphkit.outputs import read_coverage, read_story_moves

from .browser import load
from .conftest import article, front_matter, run_cli
from .test_server import _start

pytestmark = pytest.mark.slow  # builds, and one browser visit


def related(url: str, when: str, domain: str) -> dict[str, Any]:
    return article(url, headline(domain), when, provider={"name": domain, "domain": domain})


def headline(host: str) -> str:
    """Every article tells one event: its headlines share their words, as real ones mostly do
    (word-disjoint sides of a link would be set aside as strays)."""
    return f"Quake hits the coastal city, says {host}"


def record(url: str, when: str, *links: tuple[str, str]) -> dict[str, Any]:
    """A record of `url` (its outlet: the host) listing `links` (url, time) as related."""
    host = url.split("/")[2]
    entries = [related(link, at, link.split("/")[2]) for link, at in links]
    return article(url, headline(host), when, provider={"name": host, "domain": host},
                   related=entries)  # fmt: skip


class Folder:
    """A folder of records and the output folder they are built into, build after build."""

    def __init__(self, root: Path) -> None:
        self.records, self.out = root / "records", root / "out"
        self.records.mkdir()

    def put(self, name: str, fields: dict[str, Any]) -> None:
        (self.records / name).write_text(front_matter(fields), encoding="utf-8")

    def drop(self, name: str) -> None:
        (self.records / name).unlink()

    def build(self) -> dict[str, set[str]]:
        """Build; each story's id with its article URLs."""
        build(self.records, self.out)
        return {s.id: {e.url for e in s.entries} for s in read_coverage(self.out)}

    def story_of(self, url: str) -> str:
        found = [s.id for s in read_coverage(self.out) if url in {e.url for e in s.entries}]
        assert len(found) == 1
        return found[0]

    def moves(self) -> dict[str, Any]:
        return {move.old_id: move for move in read_story_moves(self.out)}


A, B, C, D, E = (f"https://a{n}.example/story" for n in range(5))
T = "2024-03-{:02d}T{:02d}:00:00Z"


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder(tmp_path)


def an_earlier_article_arrives(folder: Folder, day: int) -> tuple[str, str]:
    """Build a story of two articles, then add an earlier one: the story's id before, after."""
    folder.put("a.md", record(A, T.format(day, 10), (B, T.format(day, 11))))
    folder.build()
    old = folder.story_of(A)
    folder.put("early.md", record(C, T.format(day, 8), (A, T.format(day, 10))))
    folder.build()
    return old, folder.story_of(A)


def test_an_earlier_article_moves_the_id_and_the_old_one_still_finds_the_story(
    folder: Folder,
) -> None:
    old, new = an_earlier_article_arrives(folder, 2)
    assert new != old and new == folder.story_of(C)
    move = folder.moves()[old]
    assert (move.story_id, move.how, move.shared_articles, move.old_articles) == (
        new, "earlier article", 2, 2,
    )  # fmt: skip
    info = json.loads((folder.out / ".graphkit/current/build.json").read_text(encoding="utf-8"))
    assert move.since_build == info["id"]
    # the command line: the old id (or a prefix of it) gives today's story, and says so
    code, out, err = run_cli(main, "first", "--data", str(folder.out), "--story", old[:8])
    assert code == 0, err
    assert f"{old} is now {new} (an earlier article joined it; since build {info['id']})" in err
    assert out.startswith(f"story   {new}:")
    # Python: find_story with the build's moves
    coverage = read_coverage(folder.out)
    assert find_story(coverage, old, read_story_moves(folder.out)).id == new
    # a canned query over the store, which holds the old id as a gk:FormerStory
    code, out, err = run_cli(main, "query", "story-timeline", "--data", str(folder.out),
                             "--param", f"story={old}", "--format", "json")  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)["results"]["bindings"]
    assert {row["url"]["value"] for row in rows} == {A, B, C}


def test_merged_and_split_stories_resolve_to_the_story_holding_most_of_their_articles(
    folder: Folder,
) -> None:
    folder.put("a.md", record(A, T.format(3, 10), (B, T.format(3, 11)), (E, T.format(3, 15))))
    folder.put("c.md", record(C, T.format(3, 12), (D, T.format(3, 13))))
    first = folder.build()
    assert len(first) == 2
    one, other = folder.story_of(A), folder.story_of(C)
    # a roundup published before both lists all: both ids now name the merged story
    bridge = "https://bridge.example/both"
    listed = [(url, T.format(3, 10 + n)) for n, url in enumerate((A, B, C, D, E))]
    folder.put("bridge.md", record(bridge, T.format(3, 9), *listed))
    folder.build()
    merged = folder.story_of(A)
    assert merged == folder.story_of(C) == folder.story_of(bridge)
    moves = folder.moves()
    assert {moves[one].story_id, moves[other].story_id} == {merged}
    assert {moves[one].how, moves[other].how} == {"merged"}
    # the bridge goes again: its id is split between the two stories, the bigger one holds it
    folder.drop("bridge.md")
    x = "https://x.example/1"
    folder.put("b.md", record(B, T.format(3, 11), (A, T.format(3, 10)), (x, T.format(3, 14))))
    folder.build()
    split = folder.moves()[merged]
    assert split.how == "split" and split.story_id == folder.story_of(A)
    assert split.also == (folder.story_of(C),)
    assert (split.shared_articles, split.old_articles) == (3, 6)
    # the ids from the first build name their stories again, so they have no move any more
    assert one not in folder.moves() and other not in folder.moves()
    assert {folder.story_of(A), folder.story_of(C)} == {one, other}


def test_an_id_is_carried_through_builds_and_a_story_whose_articles_went_says_so(
    folder: Folder,
) -> None:
    folder.put("a.md", record(A, T.format(4, 12), (B, T.format(4, 13))))
    folder.build()
    oldest = folder.story_of(A)
    folder.put("c.md", record(C, T.format(4, 11), (A, T.format(4, 12)), (B, T.format(4, 13))))
    folder.build()
    since, middle = folder.moves()[oldest].since_build, folder.story_of(A)
    listed = [(C, T.format(4, 11)), (A, T.format(4, 12)), (B, T.format(4, 13))]
    folder.put("d.md", record(D, T.format(4, 10), *listed))
    folder.build()
    move, step = folder.moves()[oldest], folder.moves()[middle]
    assert move.story_id == step.story_id == folder.story_of(D)
    assert move.since_build == since != step.since_build
    # every article of the story goes: its ids say so instead of "no story"
    for name in ("a.md", "c.md", "d.md"):
        folder.drop(name)
    folder.put("other.md", record("https://other.example/1", T.format(5, 10)))
    folder.build()
    gone = folder.moves()[oldest]
    assert gone.story_id is None and gone.how == "gone"
    code, _, err = run_cli(main, "first", "--data", str(folder.out), "--story", oldest)
    assert code == 2 and f"{oldest} is in no story now (none of its articles are left" in err
    code, _, err = run_cli(main, "query", "story-timeline", "--data", str(folder.out),
                           "--param", f"story={oldest}")  # fmt: skip
    assert code == 2 and "was in an earlier build; none of its articles are now" in err
    ids = StoryIds(frozenset(), read_story_moves(folder.out))
    with pytest.raises(StoryNotFoundError, match="in no story now"):
        ids.find(oldest)


def test_the_page_of_an_old_id_goes_to_todays_story_and_says_why(
    folder: Folder, browser: Browser
) -> None:
    old, new = an_earlier_article_arrives(folder, 6)
    page = load(browser, folder.out / "views" / "story.html", folder.out, fragment=old)
    page.page.wait_for_url(f"**/views/story.html?moved=*#{new}")
    page.page.wait_for_function("() => graphkit.current")
    assert page.errors == [] and page.failed == [] and page.blocked == []
    assert page.page.evaluate("location.hash") == f"#{new}"
    assert page.page.locator("#title").inner_text() == "Story: " + headline("a2.example")
    notes = page.page.locator("#notes").inner_text()
    assert f"{old} is now {new} (an earlier article joined it" in notes
    code, out, err = run_cli(main, "view", "story", old, "--data", str(folder.out), "--print-path")
    assert code == 0, err
    assert out.strip().endswith(f"views/story.html#{new}")


def test_the_endpoint_answers_an_old_id_with_todays_story(folder: Folder, tmp_path: Path) -> None:
    old, new = an_earlier_article_arrives(folder, 7)
    with contextmanager(_start)(folder.out, tmp_path) as server, server.client() as client:
        today = client.get("/queries/story-timeline.json", params={"story": new})
        earlier = client.get("/queries/story-timeline.json", params={"story": old})
        assert today.status_code == earlier.status_code == 200, earlier.text
        assert earlier.json()["rows"] == today.json()["rows"] and len(today.json()["rows"]) == 3
