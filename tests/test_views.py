"""The HTML views in a real headless Chromium: drawn, offline, and inert with hostile records."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser

from graphkit import build
from graphkit.cli import main
from graphkit.outputs.text import format_lag
from graphkit.views.names import KINDS, page_file, page_name, shard_of
from graphkit.views.networks import STYLE, briefs, outlet_pages, overview_view, to_pyvis, web_link
from graphkit.views.site import read_pages

from .browser import PageVisit, load
from .conftest import SEEDS, front_matter

# Each payload pushes to window.__pwned (or opens a dialog) if it ever runs as HTML or script.
XSS_IMG = '<img src=x onerror="window.__pwned.push(1)">'
XSS_SCRIPT = "<script>window.__pwned.push(2)</script>"
XSS_SVG = "<svg onload=window.__pwned.push(3)>"
HOSTILE = {
    "title": f"{XSS_IMG} Quake {XSS_SCRIPT} see <a href='javascript:alert(1)'>href</a>",
    "webUrl": "https://hostile.example/quake/1",
    "publishedDateTime": "2024-05-01T10:00:00Z",
    "provider": {"name": f'Evil "Quotes" \\ {XSS_SVG}', "domain": "hostile.example"},
    "topics": [f"{XSS_SVG}", "../../../etc/passwd", "Earthquakes", "__proto__"],
    "related": [
        {
            "title": f"Second {XSS_IMG} quake report </script><script>alert(3)</script>",
            "webUrl": "https://other.example/quake/2",
            "originalUrl": "javascript:window.__pwned.push(4)",
            "publishedDateTime": "2024-05-01T11:30:00Z",
            "provider": {
                "name": "Other </title><script>alert(5)</script>",
                "domain": "other.example",
            },
        }
    ],
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    records = tmp_path_factory.mktemp("records")
    (records / "hostile.md").write_text(front_matter(HOSTILE), encoding="utf-8")
    folder = tmp_path_factory.mktemp("out")
    build([SEEDS, records], folder)
    return folder


def visit(browser: Browser, out: Path, name: str) -> PageVisit:
    """Open a page by its name in the build (`views/story.html#KEY` for one story), drawn."""
    file, _, fragment = name.partition("#")
    page = load(browser, out / file, allowed_root=out, fragment=fragment)
    page.page.wait_for_function("() => !document.getElementById('graph') || graphkit.current")
    return page


def assert_clean(page: PageVisit) -> None:
    assert page.errors == [] and page.failed == [] and page.blocked == []
    assert page.dialogs == [] and page.pwned() == 0


def drawn_ids(page: PageVisit) -> set[str]:
    return set(page.page.evaluate("graphkit.current.body.data.nodes.getIds()"))


def hover(page: PageVisit, node_id: str) -> str:
    """Move the mouse onto a node; the tooltip's text."""
    box = page.page.locator("#graph canvas").bounding_box()
    assert box is not None
    where = page.page.evaluate(
        "id => graphkit.current.canvasToDOM(graphkit.current.getPositions([id])[id])", node_id
    )
    page.page.mouse.move(box["x"] + where["x"], box["y"] + where["y"])
    tip = page.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    return str(tip.text_content())


def pages(out: Path) -> dict[str, Any]:
    return {(p.kind, p.key): p for p in read_pages(out)}


def test_index_lists_the_leaderboard_and_finds_pages_by_name(browser: Browser, out: Path) -> None:
    page = visit(browser, out, "index.html")
    assert_clean(page)
    rows = page.page.locator("table.leaders tbody tr")
    assert rows.count() == 23  # the 21 outlets of seeds/ and the two hostile ones
    page.page.fill("#search", "quotes")
    result = page.page.locator("#results li a")
    assert result.count() == 1 and 'Evil "Quotes" \\ <svg' in result.first.inner_text()
    page.page.fill("#search", "civil rights")
    assert page.page.locator("#results li a").first.get_attribute("href") == page_name(
        "story", "s-be87dfd58115"
    )
    assert page.pwned() == 0


def test_story_page_draws_every_article_on_its_time_axis_with_the_first_marked(
    browser: Browser, out: Path
) -> None:
    page = visit(browser, out, page_name("story", "s-be87dfd58115"))
    assert_clean(page)
    post = "https://washingtonpost.com/technology/2021/02/17/facial-recognition-biden"
    assert post in drawn_ids(page) and len(drawn_ids(page)) == 3
    shapes = page.page.evaluate(
        "graphkit.current.body.data.nodes.get().map(n => [n.x, n.shape, n.label])"
    )
    assert [shape for _, shape, _ in sorted(shapes)] == ["star", "dot", "dot"]  # first at left
    assert sorted(shapes)[2][2].endswith("16 h 52 min")  # the Daily Dot's lag in its label
    text = hover(page, post)
    assert "Civil rights groups ask Biden administration" in text
    assert "behind the first: first" in text


def test_stray_links_are_drawn_dashed_to_the_other_story(browser: Browser, out: Path) -> None:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [stray] = report["stray_links"]
    page = visit(browser, out, page_name("story", stray["story_a"]))
    assert_clean(page)
    dashed = page.page.evaluate(
        "graphkit.current.body.data.edges.get().filter(e => e.dashes).map(e => e.to)"
    )
    assert dashed == [f"other:{stray['b']}"]
    # The other story opens in the same page: a new key in the address, another data file.
    box = page.page.locator("#graph canvas").bounding_box()
    assert box is not None
    where = page.page.evaluate(
        "id => graphkit.current.canvasToDOM(graphkit.current.getPositions([id])[id])", dashed[0]
    )
    page.page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    page.page.wait_for_url(f"**/views/story.html#{stray['story_b']}")
    page.page.wait_for_function(
        "id => window.graphkit && graphkit.current && graphkit.current.body.data.nodes.get(id)",
        arg=stray["b"],
    )
    assert_clean(page)


def test_hostile_records_are_shown_as_text_and_never_run(browser: Browser, out: Path) -> None:
    found = pages(out)
    [story] = [p for (kind, _), p in found.items() if kind == "story" and "Quake" in p.name]
    page = visit(browser, out, story.page)
    assert_clean(page)
    text = hover(page, "https://hostile.example/quake/1")
    assert XSS_IMG in text and XSS_SCRIPT in text and "href" in text
    assert page.page.locator("div.vis-tooltip img, div.vis-tooltip script").count() == 0
    assert page.page.title().startswith("Story: <img src=x")  # the heading is text too
    # the related entry's javascript: originalUrl never becomes a link
    hrefs = page.page.evaluate("graphkit.current.body.data.nodes.get().map(n => n.href)")
    assert sorted(hrefs) == ["https://hostile.example/quake/1", "https://other.example/quake/2"]
    for kind, key in (
        ("outlet", "hostile.example"), ("topic", f"{XSS_SVG}".casefold()), ("topic", "__proto__"),
    ):  # fmt: skip
        other = visit(browser, out, found[(kind, key)].page)  # drawn: its graph appears
        assert_clean(other)
        assert other.page.locator("svg[onload], img[onerror]").count() == 0
    assert page.pwned() == 0


def test_pages_are_drawn_from_data_files_that_no_key_can_name(out: Path) -> None:
    found = read_pages(out)
    assert len({(p.kind, p.key) for p in found}) == len(found) > 50
    files = {(out / p.page.partition("#")[0]).resolve() for p in found}
    assert files == {(out / page_file(kind)).resolve() for kind in KINDS}
    data = sorted(path.name for path in (out / "views" / "data").iterdir())
    assert data and all(re.fullmatch(r"(story|outlet|topic)-\d{3}\.js", name) for name in data)
    topic = next(p for p in found if p.kind == "topic" and "passwd" in p.key)
    assert topic.page == "views/topic.html#..%2F..%2F..%2Fetc%2Fpasswd"


def test_the_page_and_its_data_file_agree_on_where_each_key_lives(
    browser: Browser, out: Path
) -> None:
    page = load(browser, out / "views/story.html", allowed_root=out, fragment="s-000000000000")
    page.page.wait_for_function("() => document.title.startsWith('No story')")
    assert_clean(page)  # a key that is in no data file: said on the page, nothing breaks
    assert page.page.locator("h1").inner_text() == "No story s-000000000000 in this build"
    keys = ["s-be87dfd58115", "bbc.co.uk", "économie", "../../etc/passwd", XSS_SVG, ""]
    for shards in (1, 7, 64, 1000):
        drawn = page.page.evaluate(f"keys => keys.map(k => graphkit.shardOf(k, {shards}))", keys)
        assert drawn == [shard_of(key, shards) for key in keys]


def test_pyvis_adds_nothing_to_the_nodes_and_edges_the_data_files_hold() -> None:
    result = build(SEEDS)
    story = max(result.coverage, key=lambda s: len(s.entries))
    view = overview_view([story], {}, {})
    nodes, edges = to_pyvis(view)
    assert nodes == view.nodes and edges == view.edges and len(nodes) >= 2


def test_story_pages_show_lags_as_the_command_line_does(browser: Browser, out: Path) -> None:
    page = load(browser, out / "views/story.html", allowed_root=out, fragment="s-be87dfd58115")
    page.page.wait_for_function("() => window.graphkit && graphkit.current")
    seconds = [0, 0.5, 1.5, 2.5, 45, 59.5, 60, 61, 3599.5, 3600, 5640, 60720, 86400, 183600,
               10**7 + 0.5, None]  # fmt: skip
    shown = page.page.evaluate("values => values.map(graphkit.formatLag)", seconds)
    assert shown == [format_lag(value) for value in seconds]
    places = [0.25, 0.75, 1.25, 531.25, 0.15, 2.675, 1000 / 3, 123.45, 0.05, 16512.0, 99.95]
    rounded = page.page.evaluate("values => values.map(graphkit.roundTenth)", places)
    assert rounded == [round(value, 1) for value in places]  # where a node stands
    result = build(SEEDS)
    story = next(s for s in result.coverage if s.id == "s-be87dfd58115")
    labels = page.page.evaluate("graphkit.current.body.data.nodes.get().map(n => n.label)")
    outlets = [e.provider_name or e.provider for e in story.entries]
    lags = ["first" if e.is_first else format_lag(e.lag_seconds) for e in story.entries]
    assert sorted(labels) == sorted(f"{o}\n{lag}" for o, lag in zip(outlets, lags, strict=True))


def test_outlet_and_topic_pages_draw_their_stories(browser: Browser, out: Path) -> None:
    outlet = visit(browser, out, page_name("outlet", "bbc.co.uk"))
    assert_clean(outlet)
    ids = drawn_ids(outlet)
    assert sum(i.startswith("story:") for i in ids) == 5  # BBC covered five seed stories
    assert "outlet:reuters.com" in ids  # a head-to-head opponent
    topic = visit(browser, out, page_name("topic", "ai"))
    assert_clean(topic)
    assert any(i.startswith("story:") for i in drawn_ids(topic))


def test_clicking_a_story_on_the_overview_opens_its_page(browser: Browser, out: Path) -> None:
    page = visit(browser, out, "views/overview.html")
    assert_clean(page)
    story = "story:s-be87dfd58115"
    assert story in drawn_ids(page)
    box = page.page.locator("#graph canvas").bounding_box()
    assert box is not None
    where = page.page.evaluate(
        "id => graphkit.current.canvasToDOM(graphkit.current.getPositions([id])[id])", story
    )
    page.page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    page.page.wait_for_url("**/views/story.html#s-be87dfd58115")
    page.page.wait_for_function("() => window.graphkit && graphkit.current")
    assert "Civil rights groups" in page.page.locator("h1").inner_text()


def test_overview_caps_what_it_draws_and_says_what_it_left_out() -> None:
    result = build(SEEDS)
    view = overview_view(result.coverage, {}, {}, stories_cap=3, outlets_cap=5, topics_cap=2)
    kinds = [n["kind"] for n in view.nodes]
    assert (kinds.count("story"), kinds.count("outlet"), kinds.count("topic")) == (3, 5, 2)
    assert "the 3 stories covered by the most outlets" in " ".join(view.notes)


def test_web_links_are_http_or_https_only() -> None:
    assert web_link("http://a.example/x") == "http://a.example/x"
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//a.example"):
        assert web_link(bad) is None


def test_view_command_opens_a_page_or_prints_its_path(out: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["view", "outlet", "Evil", "--data", str(out), "--print-path"])
    assert shown.exit_code == 0
    page = (out / "views" / "outlet.html").resolve().as_uri()
    assert shown.stdout.strip() == f"{page}#hostile.example"
    opened = tmp_path / "opened"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    done = runner.invoke(main, ["view", "--data", str(out)], env={"BROWSER": str(browser)})
    assert done.exit_code == 0
    assert opened.read_text(encoding="utf-8").strip() == (out / "index.html").resolve().as_uri()
    ambiguous = runner.invoke(main, ["view", "outlet", "The", "--data", str(out)])
    assert ambiguous.exit_code == 2 and "matches" in ambiguous.stderr


def test_outlet_page_caps_stories_and_opponents_led_stories_first(
    browser: Browser, out: Path
) -> None:
    result = build(SEEDS)
    bbc = [s for s in result.coverage if "bbc.co.uk" in s.outlets]
    led = {s.id for s in bbc if "bbc.co.uk" in s.first_providers}
    data = outlet_pages(briefs(bbc), [], {"bbc.co.uk": "BBC News"}, cap=2)["bbc.co.uk"]
    assert {story["i"] for story in data["stories"]} == led and len(led) == 2  # led: kept
    assert (data["total"], data["first"]) == (len(bbc), 2)
    page = load(browser, out / "views/outlet.html", allowed_root=out, fragment="bbc.co.uk")
    page.page.wait_for_function("() => window.graphkit && graphkit.current")
    view = page.page.evaluate(
        "([data, styles]) => graphkit.outletView(data, {styles: styles})", [data, STYLE]
    )
    stories = {n["id"].removeprefix("story:") for n in view["nodes"] if n["kind"] == "story"}
    assert stories == led
    assert "Showing 2 of its stories" in " ".join(view["notes"])


def test_pages_are_the_same_on_every_run(tmp_path: Path) -> None:
    """Layouts are seeded and never follow set order, which changes with string hashing."""
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "graphkit", "build", str(SEEDS), "-o", str(out), "-q"]
        subprocess.run(command, check=True, env=env, capture_output=True)
        views = (p for p in (out / "views").rglob("*") if p.is_file())
        pages.append({p.relative_to(out): p.read_bytes() for p in views})
    assert pages[0] == pages[1] and len(pages[0]) > 5


def test_data_files_hold_at_most_64_pages_and_about_256_kb_each() -> None:
    from graphkit.views.site import _shard_count

    assert [_shard_count(n, 1000) for n in (0, 1, 64, 65, 640)] == [1, 1, 1, 2, 10]
    assert [_shard_count(10, size) for size in (256_000, 256_001, 2_560_000)] == [1, 2, 10]


def test_index_lists_the_biggest_and_latest_stories_and_finds_one_by_its_words(
    browser: Browser, out: Path
) -> None:
    stories = json.loads((out / "first_coverage.json").read_text(encoding="utf-8"))
    paged = [s for s in stories if s["article_count"] >= 2]
    page = visit(browser, out, "index.html")
    assert_clean(page)
    biggest, latest = (page.page.locator("table.stories").nth(n) for n in (0, 1))
    shown = [a.get_attribute("href") for a in biggest.locator("tbody tr td:first-child a").all()]

    def size(story: dict[str, Any]) -> tuple[int, int, str, str]:
        first = story["first_published_utc"] or "~"  # no time: after every time
        return (-story["article_count"], -story["outlet_count"], first, story["story_id"])

    most = sorted(paged, key=size)
    assert shown == [page_name("story", s["story_id"]) for s in most[:10]]
    firsts = [row.locator("td").nth(1).inner_text() for row in latest.locator("tbody tr").all()]
    timed = sorted(s["first_published_utc"] for s in paged if s["first_published_utc"])
    assert firsts == timed[::-1][:10]
    # words of a headline in any order, parts of words too
    page.page.fill("#search", "recognition civil")
    found = page.page.locator("#results li a")
    assert found.count() == 1
    assert found.first.get_attribute("href") == page_name("story", "s-be87dfd58115")
    page.page.fill("#search", "gpt-4 openai")
    assert "GPT-4" in page.page.locator("#results li a").first.inner_text()
    assert page.pwned() == 0
