"""Writing the pages: `OUT/index.html`, `OUT/views/...`, and what they need in `OUT/assets/`.

The index and the overview are rendered whole. Every story, outlet and topic page is drawn in
the browser by its kind's one page (`views/story.html#KEY`) from a data file written in bulk
(`views/data/story-NNN.js`, a few dozen pages each, loaded by a script tag so that pages work
from `file://`): tens of thousands of pages cost a build a few hundred files, not one rendered
page each. Record text reaches the page only as JSON (`<`, `>`, `&` escaped) that graphkit.js
sets as text, never as HTML.

Pages come from our own Jinja templates with autoescaping, never pyvis's template: it loads
Bootstrap and vis-network from CDNs, does not escape its heading and switches tooltips to
`innerHTML` when a title contains `href`. vis-network itself is copied from the pyvis package
once into `OUT/assets/`, so the pages work offline.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..analysis import CutLink, HeadToHead, StoryCoverage, head_to_head, leaderboard
from ..outputs import write_text
from ..outputs.text import format_lag
from ..resolve import Corpus
from ..util import Progress, json_text, quietly
from .names import KINDS, data_name, page_file, page_name, shard_of
from .networks import STYLE, View, outlet_view, overview_view, story_view, to_pyvis, topic_view

PAGES_FILE = "views/pages.json"
PAGES_PER_SHARD = 64  # pages per data file: a page loads its shard, a build writes few files
SHARD_SIZE = 256_000  # characters per data file, about: outlet views run to 40 KB each
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
    corpus: Corpus,
    coverage: Sequence[StoryCoverage],
    cut: Sequence[CutLink],
    out: Path,
    progress: Progress = quietly,
) -> list[Path]:
    """Write the index, the overview, and the pages and data of every story, outlet and topic;
    return the paths. `progress` counts the pages drawn.

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
    template = env.get_template("page.html")
    overview = overview_view(coverage, names, topic_labels)
    nodes, edges = to_pyvis(overview)
    setup = {**_setup(), "view": _view_data(overview, nodes, edges)}
    written.append(write_text(out, OVERVIEW, _render(template, overview.title, setup)))
    # A data file is a list of [key, view] pairs, not an object: a key such as `__proto__`
    # would set an object literal's prototype instead of naming a page.
    items: dict[str, list[tuple[str, str]]] = {kind: [] for kind in KINDS}  # key, its entry
    views = _views(corpus, coverage, cut, names, topic_labels)
    for kind, key, view in progress(views, total=len(pages), unit="page"):
        entry = _script_json(_view_data(view, view.nodes, view.edges))
        items[kind].append((key, f"[{_script_json(key)},{entry}]"))
    for kind, entries in items.items():
        shards = _shard_count(len(entries), sum(len(entry) for _, entry in entries))
        buckets: list[list[str]] = [[] for _ in range(shards)]
        for key, entry in entries:
            buckets[shard_of(key, shards)].append(entry)
        setup = {**_setup(), "kind": kind, "shards": shards}
        written.append(write_text(out, page_file(kind), _render(template, kind.title(), setup)))
        for shard, bucket in enumerate(buckets):
            body = ",\n".join(bucket)
            text = f'graphkit.receive("{kind}", {shard}, [\n{body}\n]);\n'
            written.append(write_text(out, data_name(kind, shard), text))
    written.append(write_text(out, PAGES_FILE, json.dumps([p.__dict__ for p in pages], indent=1)))
    written.append(write_text(out, "index.html", _index(env, coverage, names, pages)))
    return written


def _shard_count(pages: int, size: int) -> int:
    """Data files for `pages` views of `size` characters in all: at most PAGES_PER_SHARD
    views and about SHARD_SIZE characters a file, so a page loads little besides its own."""
    return max(1, -(-pages // PAGES_PER_SHARD), -(-size // SHARD_SIZE))


def _setup() -> dict[str, Any]:
    """What every drawn page needs besides its view: the look of each kind, the options of
    vis-network, the way back to the output folder."""
    return {"root": "../", "styles": STYLE, "symbols": SYMBOLS, "options": OPTIONS}


def _view_data(
    view: View, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> dict[str, Any]:
    return {"title": view.title, "notes": view.notes, "kinds": view.kinds, "nodes": nodes,
            "edges": edges}  # fmt: skip


_SCRIPT_ESCAPES = (  # JSON allows these escapes in any string
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
    ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
)  # fmt: skip


def _script_json(value: Any) -> str:
    """JSON that is inert inside a script: no `</script>`, no HTML, no line separators."""
    text = json_text(value)
    for character, escape in _SCRIPT_ESCAPES:  # str.replace runs in C; str.translate does not
        text = text.replace(character, escape)
    return text


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
    cut: Sequence[CutLink],
    names: Mapping[str, str],
    topic_labels: Mapping[str, str],
) -> Iterator[tuple[str, str, View]]:
    """The view of every page: (kind, key, view), stories first, then outlets and topics."""
    titles = {a.id: a.title for a in corpus.articles.values()}
    links = sorted({tuple(sorted((r.source, r.target))) for r in corpus.related})
    links_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    story_of = {e.article: s.id for s in coverage for e in s.entries}
    for a, b in links:
        if story_of.get(a) == story_of.get(b) and a in story_of:
            links_of[story_of[a]].append((a, b))
    cut_of: dict[str, list[CutLink]] = defaultdict(list)
    for link in cut:
        cut_of[link.story_a].append(link)
        cut_of[link.story_b].append(link)
    by_outlet: dict[str, list[StoryCoverage]] = defaultdict(list)
    by_topic: dict[str, list[StoryCoverage]] = defaultdict(list)
    for story in coverage:
        if len(story.entries) >= 2:
            view = story_view(story, links_of[story.id], cut_of[story.id], titles, names)
            yield "story", story.id, view
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
        yield "outlet", outlet, view
    for topic, stories in sorted(by_topic.items()):
        view = topic_view(topic_labels.get(topic, topic), stories, names)
        yield "topic", topic, view


def _render(template: Any, title: str, setup: Mapping[str, Any]) -> str:
    return str(template.render(title=title, root=setup["root"], setup=setup))


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


def page_for(out: Path, kind: str | None = None, name: str | None = None) -> str:
    """The address (a `file:` URL) of a page of a build: the index, or one story, outlet or
    topic by id, domain, key, or a unique prefix of its name. Raises LookupError with a
    one-line reason.

    >>> page_for(Path("no-such-folder"))
    Traceback (most recent call last):
    LookupError: no pages in no-such-folder: run `graphkit build` first
    """
    if not (out / "index.html").is_file():
        raise LookupError(f"no pages in {out}: run `graphkit build` first")
    if kind is None:
        return (out / "index.html").resolve().as_uri()
    if not name:
        return (out / OVERVIEW).resolve().as_uri()
    found = find_page(read_pages(out), kind, name)
    if not found:
        raise LookupError(f"no {kind} page matches {name!r}")
    if len(found) > 1:
        some = ", ".join(f"{p.key} ({p.name})" for p in found[:5])
        raise LookupError(f"{name!r} matches {len(found)} {kind} pages: {some}")
    file, _, key = found[0].page.partition("#")
    return f"{(out / file).resolve().as_uri()}#{key}"
