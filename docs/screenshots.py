"""Take the README's screenshots of the pages built from seeds/, in headless Chromium.

    graphkit build seeds -o /tmp/seeds-out -q && python docs/screenshots.py /tmp/seeds-out

Writes docs/screenshots/{index,overview,story,outlet,topic}.png (1200x800); on each graph
page the mouse rests on one node so that its tooltip shows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

from graphkit.views.site import OVERVIEW, read_pages

HERE = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
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
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            for name, kind, key, node in SHOTS:
                if kind is None:
                    path = "index.html" if node is None else OVERVIEW
                else:
                    path = pages[(kind, str(key))]
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                page.goto((args.out / path).resolve().as_uri(), wait_until="load")
                if node is None:
                    page.fill("#search", "ai")
                else:
                    page.wait_for_function("() => window.graphkit && graphkit.current")
                    hover(page, node)
                page.screenshot(path=str(HERE / f"{name}.png"))
                context.close()
                print(HERE / f"{name}.png")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
