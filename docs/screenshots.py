"""Take the README's screenshots of the pages built from seeds/, in headless Chromium.

    graphkit build seeds -o /tmp/seeds-out -q && python docs/screenshots.py /tmp/seeds-out

Writes docs/screenshots/{index,overview,story,outlet,topic}.png (1200x800); on each graph
page the mouse rests on one node so that its tooltip shows. Then serves the folder with
`graphkit serve -p 0` and writes endpoint-query.png and endpoint-canned.png: the query page
with a query run, and a canned query's page.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, ViewportSize

from graphkit.server.app import EXAMPLE_QUERY
from graphkit.views.site import OVERVIEW, read_pages

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import open_browser

HERE = Path(__file__).resolve().parent / "screenshots"
ENDPOINT_SHOTS = {
    "endpoint-query": "/?" + urlencode({"query": EXAMPLE_QUERY}),
    "endpoint-canned": "/queries/story-timeline?story=s-be87dfd58115",
}
VIEWPORT: ViewportSize = {"width": 1200, "height": 800}
# (file, page kind, key, node to hover: None for the index)
SHOTS = [
    ("index", None, None, None),
    ("overview", None, None, "story:s-be87dfd58115"),
    ("story", "story", "s-15b16e71fb8d", "https://theverge.com/2023/3/21/23649794/google-chatbot-bard-ai-available-waitlist-us-uk"),
    ("outlet", "outlet", "bbc.co.uk", "outlet:reuters.com"),
    ("topic", "topic", "ai", "story:s-b90e820d58cb"),
]  # fmt: skip


def hover(page: Page, node_id: str) -> None:
    box = page.locator("#graph canvas").bounding_box()  # inside the 1 px border
    assert box is not None
    where = page.evaluate(
        "id => graphkit.current.canvasToDOM(graphkit.current.getPositions([id])[id])", node_id
    )
    page.mouse.move(box["x"] + where["x"], box["y"] + where["y"])
    page.locator("div.vis-tooltip").wait_for(state="visible", timeout=5000)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path, help="a folder built from seeds/")
    args = parser.parse_args()
    pages = {(p.kind, p.key): p.page for p in read_pages(args.out)}
    HERE.mkdir(parents=True, exist_ok=True)
    with open_browser(loopback=True) as browser:
        page_shots(browser, args.out, pages)
        with serving(args.out) as url:
            for name, target in ENDPOINT_SHOTS.items():
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(url + target.lstrip("/"), wait_until="load")
                page.screenshot(path=str(HERE / f"{name}.png"))
                page.close()
                print(HERE / f"{name}.png")


def page_shots(browser: Browser, out: Path, pages: dict[tuple[str, str], str]) -> None:
    for name, kind, key, node in SHOTS:
        if kind is None:
            path = "index.html" if node is None else OVERVIEW
        else:
            path = pages[(kind, str(key))]
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto((out / path).resolve().as_uri(), wait_until="load")
        if node is None:
            page.fill("#search", "ai")
        else:
            page.wait_for_function("() => window.graphkit && graphkit.current")
            hover(page, node)
        page.screenshot(path=str(HERE / f"{name}.png"))
        context.close()
        print(HERE / f"{name}.png")


@contextmanager
def serving(out: Path) -> Iterator[str]:
    """`graphkit serve` on a free port over `out`: its URL, the server stopped on exit."""
    server = subprocess.Popen(
        [sys.executable, "-m", "graphkit", "serve", "--data", str(out), "-p", "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        yield server.stdout.readline().split(" at ")[1].split(" ")[0]
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
