"""The browser harness itself: it blocks what leaves the folder and sees what a page ran."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from .browser import load

PAGE = """<!doctype html><html><head><script src="app.js"></script></head><body>
<img src="https://example.com/x.png"><img src=x onerror="window.__pwned.push(1)">
<script>console.error("boom"); alert("hi"); fetch("../outside.txt").catch(() => {});</script>
</body></html>"""


def test_harness_blocks_outside_requests_and_records_what_ran(
    browser: Browser, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text(PAGE, encoding="utf-8")
    (out / "app.js").write_text("window.appRan = true;", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("not for the page", encoding="utf-8")
    visit = load(browser, out / "index.html", allowed_root=out)
    visit.page.wait_for_function("window.__pwned.length > 0")
    assert visit.page.evaluate("[window.appRan, window.__pwned.length]") == [True, 1]
    outside = (tmp_path / "outside.txt").as_uri()
    assert sorted(visit.blocked) == [outside, "https://example.com/x.png"]
    # The local <img src=x> is missing: its failure is an error, unlike the blocked loads.
    assert sorted(visit.errors) == ["Failed to load resource: net::ERR_FILE_NOT_FOUND", "boom"]
    assert visit.failed == [f"{(out / 'x').as_uri()} (net::ERR_FILE_NOT_FOUND)"]
    assert visit.dialogs == ["alert: hi"]
    assert (out / "app.js").as_uri() in visit.requests
