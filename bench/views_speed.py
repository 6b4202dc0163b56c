"""How long the HTML views take to write, and how fast their pages become interactive.

    python bench/views_speed.py --records 10000
    python bench/views_speed.py --records 100000

Generates a synthetic corpus (`generate_corpus(..., noise=0.05, seed=7)`), runs the build
stage by stage as `graphkit.pipeline.build` and `write_outputs` do (with the cycle collector
paused, as there), timing `write_views` apart from the other writers, and prints as Markdown:
seconds per stage and the views' share of the whole build; the number and size of the pages;
then, for the overview, the index and the largest story page opened in headless Chromium
(Debian's /usr/bin/chromium through Playwright), the milliseconds from navigation start until
the load event and until the graph is drawn (a vis-network `afterDrawing` after
`graphkit.current` exists), and the milliseconds from moving onto a node until its tooltip
shows (vis-network waits 120 ms first); on the index, from typing a word into the search box
until results are listed.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import Page, ViewportSize

from graphkit.analysis import first_coverage, graph_size, group_stories
from graphkit.outputs import build_report, write_coverage_tables, write_json
from graphkit.rdf import write_rdf
from graphkit.records import read_records
from graphkit.resolve import resolve
from graphkit.synthetic import generate_corpus
from graphkit.util import collector_paused
from graphkit.views.names import page_name
from graphkit.views.site import OVERVIEW, write_views

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import open_browser

VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
TARGET_MS = 5000
T = TypeVar("T")

# In the page: once graphkit.current exists, redraw and note when afterDrawing fires
# (performance.now() counts from navigation start).
DRAWN = """() => new Promise(done => {
  graphkit.current.once("afterDrawing", () => done(performance.now()));
  graphkit.current.redraw();
})"""
LOADED = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"
COUNTS = """() => [graphkit.current.body.data.nodes.length,
                   graphkit.current.body.data.edges.length]"""
NODE_AT = "id => graphkit.current.canvasToDOM(graphkit.current.getPositions([id])[id])"
NODE_IDS = "() => graphkit.current.body.data.nodes.getIds()"
ZOOM_TO = """id => { const net = graphkit.current;
  net.moveTo({position: net.getPositions([id])[id], scale: 1}); }"""
SCALE = "() => graphkit.current.getScale()"


class Stages:
    """Seconds per stage, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, name: str, work: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = work()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        return value


def build_stages(src: Path, out: Path) -> tuple[Stages, list[Path], Any]:
    """The build of `graphkit.pipeline` stage by stage; the stages, files written, coverage."""
    stages = Stages()
    with collector_paused():
        read = stages.run("read records", lambda: read_records([src]))
        corpus = stages.run("resolve", lambda: resolve(read.records))
        grouping = stages.run("group stories", lambda: group_stories(corpus))
        coverage = stages.run("first coverage", lambda: first_coverage(grouping.stories, corpus))
        size = graph_size(corpus, coverage)
        out.mkdir(parents=True, exist_ok=True)
        written = [
            stages.run(
                "report.json",
                lambda: write_json(
                    out, "report.json", build_report([str(src)], read, corpus, size, grouping)
                ),
            ),
            *stages.run("coverage tables", lambda: write_coverage_tables(coverage, out)),
            *stages.run("RDF files + store", lambda: write_rdf(corpus, coverage, out)),
        ]
        cut = [asdict(link) for link in grouping.cut]
        written += stages.run("**views**", lambda: write_views(corpus, coverage, cut, out))
    return stages, written, coverage


def stage_table(stages: Stages) -> list[str]:
    total = sum(stages.seconds.values())
    rows = ["| stage | seconds | share |", "|---|---:|---:|"]
    for name, seconds in stages.seconds.items():
        rows.append(f"| {name} | {seconds:.2f} | {seconds / total:.1%} |")
    rows.append(f"| whole build | {total:.2f} | 100% |")
    return rows


def page_figures(out: Path, written: list[Path]) -> list[str]:
    pages = [p for p in written if p.suffix == ".html" or p.parent.name == "data"]
    sizes = {p: p.stat().st_size for p in pages}
    kinds: dict[str, list[int]] = {}
    for path, size in sizes.items():  # the pages, and the data files they draw from
        kind = f"{path.stem.split('-')[0]} data" if path.parent.name == "data" else path.stem
        kinds.setdefault(kind, []).append(size)
    assets = sum(p.stat().st_size for p in written if p.parent == out / "assets")
    rows = ["| pages | files | total MB | median KB | largest KB |", "|---|---:|---:|---:|---:|"]
    for kind, found in sorted(kinds.items()):
        rows.append(
            f"| {kind} | {len(found)} | {sum(found) / 1e6:.1f} | "
            f"{statistics.median(found) / 1e3:.1f} | {max(found) / 1e3:.1f} |"
        )
    every = list(sizes.values())
    rows.append(
        f"| all pages | {len(every)} | {sum(every) / 1e6:.1f} | "
        f"{statistics.median(every) / 1e3:.1f} | {max(every) / 1e3:.1f} |"
    )
    rows.append(f"| assets/ (once) | {sum(p.parent == out / 'assets' for p in written)} | "
                f"{assets / 1e6:.1f} | | |")  # fmt: skip
    return rows


NOW = "() => performance.now()"


def hover_ms(page: Page) -> tuple[float | None, int]:
    """Move onto a drawn node: ms from the move until its tooltip shows, and the nodes tried
    (a node drawn under a pixel wide may not be hit; after five, zoom to 100 % and try again)."""
    box = page.locator("#graph canvas").bounding_box()  # inside the 1 px border
    if box is None:
        return None, 0
    ids = page.evaluate(NODE_IDS)
    for tries, node_id in enumerate([*ids[:5], ids[0]], start=1):
        if tries == 6:
            page.evaluate(ZOOM_TO, node_id)
        where = page.evaluate(NODE_AT, node_id)
        started = float(page.evaluate(NOW))
        page.mouse.move(box["x"] + where["x"], box["y"] + where["y"])
        try:
            page.locator("div.vis-tooltip").wait_for(state="visible", timeout=1000)
        except Exception:  # too small to hit, or under another node: try the next
            page.mouse.move(0, 0)
            continue
        return float(page.evaluate(NOW)) - started, tries
    return None, 6


def search_ms(page: Page, query: str) -> float | None:
    """Type into the index's search box: ms until results are listed."""
    started = float(page.evaluate(NOW))
    page.fill("#search", query)
    try:
        page.locator("#results li a").first.wait_for(state="visible", timeout=3000)
    except Exception:  # reported as no results
        return None
    return float(page.evaluate(NOW)) - started


@dataclass
class Visit:
    """One cold load of a page: ms from navigation start, and what was drawn."""

    load: float  # the load event
    ready: float  # the graph drawn (the index: its load event, search script included)
    answered: float | None  # ms from hovering a node to its tooltip (index: search results)
    tries: int  # nodes hovered until one showed its tooltip (6: zoomed in to 100 % first)
    scale: float  # vis-network's zoom after fitting the graph into the page (1 = 100 %)
    counts: list[int]  # nodes and edges drawn (the index: leaderboard rows)


def open_page(page: Page, out: Path, name: str, query: str) -> Visit:
    """Load one page (`views/story.html#KEY`, say) cold and time it."""
    file, _, fragment = name.partition("#")
    page.goto((out / file).as_uri() + (f"#{fragment}" if fragment else ""), wait_until="commit")
    if file == "index.html":
        page.wait_for_load_state("load")
        ready = float(page.evaluate(NOW))
        answered, tries = search_ms(page, query), 1
        counts, scale = [page.locator("table.leaders tbody tr").count(), 0], 1.0
    else:
        page.wait_for_function("() => window.graphkit && graphkit.current",
                               polling="raf", timeout=120_000)  # fmt: skip
        ready = float(page.evaluate(DRAWN))
        scale = float(page.evaluate(SCALE))
        page.wait_for_load_state("load")
        answered, tries = hover_ms(page)
        counts = page.evaluate(COUNTS)
    return Visit(float(page.evaluate(LOADED)), ready, answered, tries, scale, counts)


def browser_table(out: Path, pages: dict[str, str], query: str, runs: int) -> list[str]:
    rows = [
        "| page | KB | nodes | edges | zoom at fit | load event ms | drawn ms "
        "| hover → tooltip ms (nodes tried) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with open_browser() as browser:
        for label, name in pages.items():
            visits = []
            for _ in range(runs):
                context = browser.new_context(viewport=VIEWPORT)  # a cold cache each run
                visits.append(open_page(context.new_page(), out, name, query))
                context.close()
            last = visits[-1]
            answers = [v.answered for v in visits if v.answered is not None]
            shown = f"{statistics.median(answers):.0f}" if answers else "none"
            if name == "index.html":
                shown = f"search: {shown}"
            elif any(v.tries > 1 for v in visits):
                shown += f" ({', '.join(str(v.tries) for v in visits)})"
            index = name == "index.html"
            nodes, edges = (f"{last.counts[0]} rows", "") if index else last.counts
            ready = statistics.median(v.ready for v in visits)
            rows.append(
                f"| {label} | {(out / name.partition('#')[0]).stat().st_size / 1e3:.0f} | "
                f"{nodes} | {edges} | "
                f"{last.scale:.0%} | {statistics.median(v.load for v in visits):.0f} | "
                f"{ready:.0f} | {shown} |"
            )
            if ready > TARGET_MS or not answers:
                rows.append(f"| ⚠ {label}: not interactive within {TARGET_MS} ms |" + " |" * 7)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="page loads per page (median)")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        synthetic = generate_corpus(
            Path(folder) / "records", records=args.records, noise=0.05, seed=7
        )
        generated = time.perf_counter() - started
        out = args.keep or Path(folder) / "out"
        stages, written, coverage = build_stages(synthetic.path, out)
        largest = max(coverage, key=lambda s: (len(s.entries), s.id))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{synthetic.records:,} records (generated in {generated:.0f} s), "
            f"{sum(len(s.entries) for s in coverage):,} articles, {len(coverage):,} stories; "
            f"peak memory {peak:.0f} MiB\n"
        )
        print("\n".join(stage_table(stages)) + "\n")
        print("\n".join(page_figures(out, written)) + "\n")
        pages = {
            "overview": OVERVIEW,
            "index": "index.html",
            f"largest story ({len(largest.entries)} articles)": page_name("story", largest.id),
        }
        print(
            f"Headless Chromium, {VIEWPORT['width']}x{VIEWPORT['height']}, median of "
            f"{args.runs} cold loads; ms from navigation start:\n"
        )
        query = largest.label.split()[0][:12]
        print("\n".join(browser_table(out, pages, query, args.runs)))


if __name__ == "__main__":
    main()
