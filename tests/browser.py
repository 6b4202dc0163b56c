"""Open graphkit's HTML pages in Debian's chromium (through Playwright) for the page tests.

Each visit gets a fresh browser context that lets nothing leave the output folder: every
request whose URL is not a file:// URL inside ``allowed_root`` is aborted and listed in
``blocked``. The visit also records console errors and uncaught exceptions (``errors``),
local files that failed to load (``failed``), alerts and other dialogs (``dialogs``), and
gives every frame an empty ``window.__pwned`` array for hostile-markup payloads to push to::

    with open_browser() as browser:
        visit = load(browser, out / "index.html", allowed_root=out)
        assert visit.errors == [] and visit.failed == [] and visit.blocked == []
        assert visit.dialogs == [] and visit.pwned() == 0
        screenshot(visit.page, tmp_path / "index.png")

scripts/test installs chromium with apt; Playwright's own browser download is never used.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Route,
    WebError,
    WebSocketRoute,
    sync_playwright,
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A backstop behind the request routing: no host name resolves, so nothing reaches a server.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
TIMEOUT_MS = 15_000
# Before any page script: a sink for payloads (onerror="window.__pwned.push(1)") that a page
# must never run; not writable, so a payload cannot hide itself by replacing it.
PWNED_SCRIPT = "Object.defineProperty(window, '__pwned', {value: [], writable: false});"
# What Chromium logs as a console error for each request that the routing aborted.
ABORTED_LOAD = "Failed to load resource: net::ERR_FAILED"


def chromium_path() -> str:
    """Debian's chromium: /usr/bin/chromium, else the one on PATH."""
    found = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if found is None:
        raise RuntimeError("chromium is missing: run scripts/test (or apt-get install chromium)")
    return found


@contextmanager
def open_browser(loopback: bool = False) -> Iterator[Browser]:
    """A headless chromium (Playwright makes it a fresh user data dir), closed on exit.

    `loopback` lets it reach a server on 127.0.0.1 (`graphkit serve`); no other host resolves.
    """
    args = [
        f"{arg}, EXCLUDE 127.0.0.1" if loopback and arg.startswith("--host-resolver") else arg
        for arg in CHROMIUM_ARGS
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=args)
        try:
            yield browser
        finally:
            browser.close()


def inside(url: str, root: Path) -> bool:
    """Whether url is a file:// URL (on this host) naming a path inside root, symlinks resolved."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(unquote(parts.path))).resolve()
    return path.is_relative_to(root.resolve())


@dataclass
class PageVisit:
    """One page opened by load(), and what happened while it loaded (and since)."""

    page: Page
    context: BrowserContext
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def pwned(self) -> int:
        """How many payloads pushed to window.__pwned, summed over the page's frames."""
        return sum(int(frame.evaluate("window.__pwned.length")) for frame in self.page.frames)

    def close(self) -> None:
        self.context.close()


def load(
    browser: Browser,
    path: Path,
    allowed_root: Path,
    *,
    viewport: tuple[int, int] = (1280, 800),
    fragment: str = "",
) -> PageVisit:
    """Open path (and #fragment) in a fresh context, block everything outside allowed_root,
    wait for load."""
    if not inside(path.as_uri(), allowed_root):
        raise ValueError(f"{path} is not inside {allowed_root}")
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(script=PWNED_SCRIPT)
    visit = PageVisit(page=context.new_page(), context=context)

    def route(route: Route) -> None:
        url = route.request.url
        if inside(url, allowed_root):
            route.continue_()
        else:
            visit.blocked.append(url)
            route.abort()

    def route_socket(socket: WebSocketRoute) -> None:
        visit.blocked.append(socket.url)
        socket.close()

    def console(message: ConsoleMessage) -> None:
        ours = message.text == ABORTED_LOAD and message.location.get("url") in visit.blocked
        if message.type == "error" and not ours:
            visit.errors.append(message.text)

    def page_error(error: WebError) -> None:
        visit.errors.append(f"{error.error.name}: {error.error.message}")

    def request_failed(request: Request) -> None:
        if request.url not in visit.blocked:
            visit.failed.append(f"{request.url} ({request.failure})")

    def dialog(dialog: Dialog) -> None:
        visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    # On the context, so popups and frames that the page opens are covered too.
    context.route("**/*", route)
    context.route_web_socket("**/*", route_socket)
    context.on("request", lambda request: visit.requests.append(request.url))
    context.on("requestfailed", request_failed)
    context.on("console", console)
    context.on("weberror", page_error)
    context.on("dialog", dialog)
    visit.page.goto(path.as_uri() + (f"#{fragment}" if fragment else ""), wait_until="load")
    return visit


def screenshot(page: Page, path: Path, *, full_page: bool = True) -> Path:
    """Save a PNG of page at path (parent folders made) and return path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path
