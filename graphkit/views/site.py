"""Writing the pages: `OUT/index.html`, `OUT/views/...`, and what they need in `OUT/assets/`.

Pages are rendered from our own Jinja templates with autoescaping (record text is escaped in
HTML and passed to scripts through `tojson`, which escapes `<`, `>`, `&` and quotes), never
pyvis's template: it loads Bootstrap and vis-network from CDNs, does not escape its heading and
switches tooltips to `innerHTML` when a title contains `href`. vis-network itself is copied
from the pyvis package once into `OUT/assets/`, so the pages work offline.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..analysis import HeadToHead, StoryCoverage, head_to_head, leaderboard
from ..analysis.coverage import format_lag
from ..outputs import write_text
from ..resolve import Corpus
from .names import page_name
from .networks import STYLE, View, outlet_view, overview_view, story_view, to_pyvis, topic_view

PAGES_FILE = "views/pages.json"
OVERVIEW = "views/overview.html"
ASSETS = ("vis-network.min.js", "vis-network.css")
SYMBOLS = {"star": "★", "dot": "●", "square": "■", "triangle": "▲", "diamond": "◆"}
OPTIONS = {
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
    "edges": {"smooth": False, "width": 1},
    "nodes": {"font": {"size": 12}, "size": 12},
}


@dataclass(frozen=True)
class Page:
    """One page a user can reach: its kind, key (story id, domain, topic key), name, path."""

    kind: str
    key: str
    name: str
    page: str


def write_views(
    corpus: Corpus, coverage: Sequence[StoryCoverage], cut: Sequence[Mapping[str, Any]], out: Path
) -> list[Path]:
    """Write the index, the overview and a page per story, outlet and topic; return the paths.

    Stories get a page when at least two articles cover them (a lone article has nothing to
    compare), outlets and topics always.
    """
    env = Environment(
        loader=PackageLoader("graphkit.views", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    names = {domain: provider.name for domain, provider in corpus.providers.items()}
    topic_labels = {key: label.label for key, label in corpus.topics.items()}
    written = _assets(out)
    pages = _pages(coverage, names, topic_labels)
    views = _views(corpus, coverage, cut, names, topic_labels)
    template = env.get_template("page.html")
    for name, view in views:
        root = "../" * name.count("/")
        written.append(write_text(out, name, _render(template, view, root)))
    written.append(write_text(out, PAGES_FILE, json.dumps([p.__dict__ for p in pages], indent=1)))
    written.append(write_text(out, "index.html", _index(env, coverage, names, pages)))
    return written


def read_pages(out: Path) -> list[Page]:
    """The pages a build wrote (for `graphkit view`), or none."""
    try:
        rows = json.loads((out / PAGES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Page(**row) for row in rows]


def find_page(pages: Sequence[Page], kind: str, name: str) -> list[Page]:
    """Pages of `kind` whose key is `name`, or else whose key or name starts with it."""
    of_kind = [p for p in pages if p.kind == kind]
    exact = [p for p in of_kind if name in (p.key, p.name)]
    if exact:
        return exact
    folded = name.casefold()
    return [
        p
        for p in of_kind
        if folded in (p.key.casefold()[: len(folded)], p.name.casefold()[: len(folded)])
    ]


def _assets(out: Path) -> list[Path]:
    library = resources.files("pyvis") / "lib" / "vis-9.1.2"
    ours = resources.files("graphkit.views") / "templates"
    sources = [library / name for name in ASSETS] + [ours / "graphkit.js", ours / "graphkit.css"]
    return [write_text(out, f"assets/{path.name}", path.read_text("utf-8")) for path in sources]


def _pages(
    coverage: Sequence[StoryCoverage], names: Mapping[str, str], topics: Mapping[str, str]
) -> list[Page]:
    stories = [
        Page("story", s.id, s.label, page_name("story", s.id))
        for s in coverage
        if len(s.entries) >= 2
    ]
    outlets = {o for s in coverage for o in s.outlets}
    used_topics = {t for s in coverage for t in s.topics}
    return [
        *stories,
        *(Page("outlet", o, names.get(o, o), page_name("outlet", o)) for o in sorted(outlets)),
        *(Page("topic", t, topics.get(t, t), page_name("topic", t)) for t in sorted(used_topics)),
    ]


def _views(
    corpus: Corpus,
    coverage: Sequence[StoryCoverage],
    cut: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
    topic_labels: Mapping[str, str],
) -> list[tuple[str, View]]:
    titles = {a.id: a.title for a in corpus.articles.values()}
    links = sorted({tuple(sorted((r.source, r.target))) for r in corpus.related})
    links_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    story_of = {e.article: s.id for s in coverage for e in s.entries}
    for a, b in links:
        if story_of.get(a) == story_of.get(b) and a in story_of:
            links_of[story_of[a]].append((a, b))
    cut_of: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for link in cut:
        cut_of[link["story_a"]].append(link)
        cut_of[link["story_b"]].append(link)
    views: list[tuple[str, View]] = [(OVERVIEW, overview_view(coverage, names, topic_labels))]
    by_outlet: dict[str, list[StoryCoverage]] = defaultdict(list)
    by_topic: dict[str, list[StoryCoverage]] = defaultdict(list)
    for story in coverage:
        if len(story.entries) >= 2:
            views.append(
                (
                    page_name("story", story.id),
                    story_view(story, links_of[story.id], cut_of[story.id], titles, names),
                )
            )
        for outlet in story.outlets:
            by_outlet[outlet].append(story)
        for topic in story.topics:
            by_topic[topic].append(story)
    pairs_of: dict[str, list[HeadToHead]] = defaultdict(list)  # in head_to_head's order
    for pair in head_to_head(coverage):
        pairs_of[pair.a].append(pair)
        pairs_of[pair.b].append(pair)
    for outlet, stories in sorted(by_outlet.items()):
        view = outlet_view(outlet, names.get(outlet, outlet), stories, pairs_of[outlet], names)
        views.append((page_name("outlet", outlet), view))
    for topic, stories in sorted(by_topic.items()):
        view = topic_view(topic_labels.get(topic, topic), stories, names)
        views.append((page_name("topic", topic), view))
    return views


def _render(template: Any, view: View, root: str) -> str:
    nodes, edges = to_pyvis(view)
    return str(
        template.render(
            title=view.title, notes=view.notes, kinds=view.kinds, styles=STYLE, symbols=SYMBOLS,
            nodes=nodes, edges=edges, options=OPTIONS, root=root,
        )
    )  # fmt: skip


def _index(
    env: Environment,
    coverage: Sequence[StoryCoverage],
    names: Mapping[str, str],
    pages: Sequence[Page],
) -> str:
    leaders = [
        {
            "name": names.get(lead.provider, lead.name), "domain": lead.provider,
            "page": page_name("outlet", lead.provider), "stories": lead.stories,
            "first": f"{lead.first:g}", "tied": lead.tied_first,
            "share": f"{lead.share_first:.0%}", "lag": format_lag(lead.median_lag_seconds),
        }
        for lead in leaderboard(coverage)
    ]  # fmt: skip
    multi = sum(len(s.outlets) > 1 for s in coverage)
    notes = [
        f"{len(coverage)} stories, {multi} of them covered by two outlets or more; "
        f"{sum(p.kind == 'outlet' for p in pages)} outlets, "
        f"{sum(p.kind == 'topic' for p in pages)} topics.",
    ]
    entries = [{"kind": p.kind, "key": p.key, "name": p.name, "page": p.page} for p in pages]
    return str(
        env.get_template("index.html").render(
            leaders=leaders, entries=entries, notes=notes, overview=OVERVIEW
        )
    )


def page_for(out: Path, kind: str | None = None, name: str | None = None) -> Path:
    """The page file of a build: the index, or one story, outlet or topic by id, domain, key,
    or a unique prefix of its name. Raises LookupError with a one-line reason.

    >>> page_for(Path("no-such-folder"))
    Traceback (most recent call last):
    LookupError: no pages in no-such-folder: run `graphkit build` first
    """
    if not (out / "index.html").is_file():
        raise LookupError(f"no pages in {out}: run `graphkit build` first")
    if kind is None:
        return (out / "index.html").resolve()
    if not name:
        return (out / OVERVIEW).resolve()
    found = find_page(read_pages(out), kind, name)
    if not found:
        raise LookupError(f"no {kind} page matches {name!r}")
    if len(found) > 1:
        some = ", ".join(f"{p.key} ({p.name})" for p in found[:5])
        raise LookupError(f"{name!r} matches {len(found)} {kind} pages: {some}")
    return (out / found[0].page).resolve()
