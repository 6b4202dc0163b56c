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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape

from ..analysis import CutLink, StoryCoverage, head_to_head, leaderboard
from ..analysis.coverage import CoverageTables
from ..analysis.lineage import StoryMove
from ..outputs import read_story_moves, write_text
from ..outputs.text import format_lag
from ..records.times import iso_utc, iso_utc_texts
from ..resolve import Corpus
from ..util import Progress, advance, json_text, quietly, ticks
from .names import data_name, page_file, page_name, shard_of
from .networks import STYLE, View, briefs, outlet_pages, overview_view, to_pyvis, topic_pages

PAGES_FILE = "views/pages.json"
PAGES_PER_SHARD = 64  # pages per data file: a page loads its shard, a build writes few files
SHARD_SIZE = 256_000  # characters per data file, about: outlet views run to 40 KB each
OVERVIEW = "views/overview.html"
INDEX_STORIES = 10  # stories in each of the index's lists, the biggest and the latest
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
    coverage: CoverageTables | Sequence[StoryCoverage],
    cut: pl.DataFrame | Sequence[CutLink],
    out: Path,
    progress: Progress = quietly,
    moves: Sequence[StoryMove] = (),
) -> list[Path]:
    """Write the index, the overview, and the pages and data of every story, outlet and topic;
    return the paths. `cut` gives the related links set aside (CutLink objects, or their
    table with articles by id). `progress` counts the pages as their data is written. An
    earlier build's story id in `moves` gets an entry that sends its page to today's story.

    Stories get a page when at least two articles cover them (a lone article has nothing to
    compare), outlets and topics always. A story's page is drawn in the browser from its
    compact data (its timeline, its links, its links set aside), made for all stories at once.
    """
    env = Environment(
        loader=PackageLoader("graphkit.views", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    tables = CoverageTables.of(coverage)
    stories = briefs(tables)
    names = dict(corpus.tables.providers.select("domain", "name").iter_rows())
    topic_labels = dict(corpus.tables.topics.select("key", "label").iter_rows())
    written = _assets(out)
    pages = _pages(stories, names, topic_labels)
    template = env.get_template("page.html")
    overview = overview_view(stories, names, topic_labels)
    nodes, edges = to_pyvis(overview)
    setup = {**_setup(), "view": _view_data(overview, nodes, edges)}
    written.append(write_text(out, OVERVIEW, _render(template, overview.title, setup)))
    # A data file is a list of [key, view] pairs, not an object: a key such as `__proto__`
    # would set an object literal's prototype instead of naming a page.
    counter = ticks(progress, len(pages), "page")
    cut_table = _cut_table(cut)
    kinds: dict[str, Callable[[], pl.DataFrame]] = {
        "story": lambda: pl.concat([_story_data(corpus, tables, cut_table), _moved_data(moves)]),
        "outlet": lambda: _hub_data(stories, tables, names, topic_labels, "outlet"),
        "topic": lambda: _hub_data(stories, tables, names, topic_labels, "topic"),
    }
    for kind, made in kinds.items():  # one kind's data at a time: a million records' stories'
        entries = made()  # are 700 MB of text
        setup = {**_setup(), "kind": kind, "shards": _shards(entries)}
        written.append(write_text(out, page_file(kind), _render(template, kind.title(), setup)))
        written += _write_shards(out, kind, entries, setup["shards"])
        advance(counter, entries.height)
        del entries
    written.append(write_text(out, PAGES_FILE, json.dumps([p.__dict__ for p in pages], indent=1)))
    written.append(write_text(out, "index.html", _index(env, tables, stories, names, pages)))
    return written


def _shards(entries: pl.DataFrame) -> int:
    sizes = entries["entry"].str.len_chars().sum() if entries.height else 0
    return _shard_count(entries.height, int(sizes))


def _write_shards(out: Path, kind: str, entries: pl.DataFrame, shards: int) -> list[Path]:
    """A kind's data files: each shard's entries in their order, joined one shard at a time
    (joining all at once held the text twice more)."""
    numbers = np.fromiter(
        (shard_of(key, shards) for key in entries["key"].to_list()), np.int64, entries.height
    )
    order = np.argsort(numbers, kind="stable")  # by shard, each one's in the entries' order
    counts = np.bincount(numbers, minlength=shards)
    ends = np.cumsum(counts)
    written = []
    for shard in range(shards):
        rows = order[ends[shard] - counts[shard] : ends[shard]]
        body = entries["entry"].gather(rows).str.join(",\n").item() if len(rows) else ""
        text = f'graphkit.receive("{kind}", {shard}, [\n{body}\n]);\n'
        written.append(write_text(out, data_name(kind, shard), text))
    return written


def _cut_table(cut: pl.DataFrame | Sequence[CutLink]) -> pl.DataFrame:
    """The links set aside as a table (a, b: article ids; story_a, story_b; reason; detail)."""
    if isinstance(cut, pl.DataFrame):
        return cut
    names = ("a", "b", "story_a", "story_b", "reason", "detail")
    rows = [tuple(getattr(link, name) for name in names) for link in cut]
    return pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")


def _story_data(corpus: Corpus, tables: CoverageTables, cut: pl.DataFrame) -> pl.DataFrame:
    """Each story's page (stories of two articles or more) as (key, entry): the entry is the
    JSON of [story id, its compact data], safe inside a script (graphkit.js draws it)."""
    entries = tables.entries.with_columns(pl.int_range(pl.len()).over("story").alias("i"))
    sizes = entries.group_by("story").agg(pl.len().alias("n"))
    paged = sizes.filter(pl.col("n") >= 2).select("story")
    at = entries.select(pl.col("article").alias("id"), "story", "i")
    timeline = entries.join(paged, on="story").group_by("story", maintain_order=True).agg(
        pl.struct(
            a="article", u="url", p="provider", n="provider_name", t="title",
            w=iso_utc_texts(pl.col("published")), s="time_status", l="lag_seconds", f="is_first",
        ).alias("entries")
    )  # fmt: skip
    links = _story_links(corpus, at)
    strays = _story_strays(corpus, cut, at)
    data = (
        tables.stories.join(paged, on="story")
        .join(timeline, on="story", how="left")
        .join(links, on="story", how="left")
        .join(strays, on="story", how="left")
        .sort("story")
    )
    compact = pl.struct(
        "label", "entries", *(pl.col(name).fill_null(pl.lit([], dtype=data.schema[name]))
                              for name in ("links", "cut"))
    ).struct.json_encode()  # fmt: skip
    entry = pl.concat_str(pl.lit('["'), pl.col("id"), pl.lit('",'), compact, pl.lit("]"))
    return data.select(pl.col("id").alias("key"), _script_safe(entry).alias("entry"))


_ENTRY = ("key", "entry")


def _moved_data(moves: Sequence[StoryMove]) -> pl.DataFrame:
    """An entry for each earlier build's story id: the story that continues it, and why, for
    the page to go to (graphkit.js, `follow`)."""
    entries = [
        json.dumps([move.old_id, {"moved": move.story_id, "note": move.describe()}])
        for move in moves
    ]
    keys = [move.old_id for move in moves]
    frame = pl.DataFrame({"key": keys, "entry": entries}, schema=dict.fromkeys(_ENTRY, pl.String))
    return frame.select("key", _script_safe(pl.col("entry")).alias("entry"))


def _story_links(corpus: Corpus, at: pl.DataFrame) -> pl.DataFrame:
    """Each story's related links between two of its articles, as pairs of their places in
    its timeline (each pair once, in the order of the articles' ids)."""
    ids = corpus.tables.articles["id"]
    links = corpus.tables.links
    source, target = ids.gather(links["source"]), ids.gather(links["target"])
    pairs = pl.DataFrame(
        {
            "x": pl.select(pl.min_horizontal(source, target)).to_series(),
            "y": pl.select(pl.max_horizontal(source, target)).to_series(),
        }
    ).unique()
    within = (
        pairs.join(at.rename({"id": "x", "i": "i_x"}), on="x")
        .join(at.rename({"id": "y", "story": "story_y", "i": "i_y"}), on="y")
        .filter(pl.col("story") == pl.col("story_y"))
        .sort("x", "y")
    )
    return within.group_by("story", maintain_order=True).agg(
        pl.concat_list(pl.col("i_x").cast(pl.UInt32), pl.col("i_y").cast(pl.UInt32)).alias("links")
    )


def _story_strays(corpus: Corpus, cut: pl.DataFrame, at: pl.DataFrame) -> pl.DataFrame:
    """Each story's links set aside, in the order of the cut links: its own article's place,
    the other article (id, title), the other story, the reason and the detail."""
    titles = corpus.tables.articles.select("id", pl.col("title").alias("ot"))
    numbered = cut.with_row_index("order")
    ends = [
        numbered.select("order", pl.col(mine).alias("id"), pl.col(other).alias("o"),
                        pl.col(other_story).alias("os"), "reason", "detail")
        for mine, other, other_story in (("a", "b", "story_b"), ("b", "a", "story_a"))
    ]  # fmt: skip
    strays = (
        pl.concat(ends)
        .join(at, on="id")
        .join(titles.rename({"id": "o"}), on="o", how="left")
        .sort("story", "order")
    )
    return strays.group_by("story", maintain_order=True).agg(
        pl.struct(
            pl.col("i"), "o", "ot", "os", pl.col("reason").alias("r"), pl.col("detail").alias("d")
        ).alias("cut")
    )


def _hub_data(
    stories: pl.DataFrame,
    tables: CoverageTables,
    names: Mapping[str, str],
    topic_labels: Mapping[str, str],
    kind: str,
) -> pl.DataFrame:
    """The outlet or topic pages' data (graphkit.js draws them): (key, entry) each."""
    if kind == "outlet":
        pages = outlet_pages(stories, head_to_head(tables), names)
    else:
        pages = topic_pages(stories, topic_labels, names)
    return pl.DataFrame(
        [(key, f"[{_script_json(key)},{_script_json(data)}]") for key, data in pages.items()],
        schema={"key": pl.String, "entry": pl.String},
        orient="row",
    )


def _script_safe(json: pl.Expr) -> pl.Expr:
    """`_script_json`'s escapes, column by column."""
    for character, escape in _SCRIPT_ESCAPES:
        json = json.str.replace_all(character, escape, literal=True)
    return json


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
    stories: pl.DataFrame, names: Mapping[str, str], topics: Mapping[str, str]
) -> list[Page]:
    paged = stories.filter(pl.col("articles") >= 2).select("id", "label")
    outlets = sorted(set(stories["outlets"].explode().drop_nulls().to_list()))
    used_topics = sorted(set(stories["topics"].explode().drop_nulls().to_list()))
    return [
        *(Page("story", key, label, page_name("story", key)) for key, label in paged.iter_rows()),
        *(Page("outlet", o, names.get(o, o), page_name("outlet", o)) for o in outlets),
        *(Page("topic", t, topics.get(t, t), page_name("topic", t)) for t in used_topics),
    ]


def _render(template: Any, title: str, setup: Mapping[str, Any]) -> str:
    return str(template.render(title=title, root=setup["root"], setup=setup))


def _index(
    env: Environment,
    coverage: CoverageTables,
    stories: pl.DataFrame,
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
    multi = int((stories["outlets"].list.len() > 1).sum())
    notes = [
        f"{stories.height} stories, {multi} of them covered by two outlets or more; "
        f"{sum(p.kind == 'outlet' for p in pages)} outlets, "
        f"{sum(p.kind == 'topic' for p in pages)} topics.",
    ]
    entries = [{"kind": p.kind, "key": p.key, "name": p.name, "page": p.page} for p in pages]
    biggest, latest = _story_lists(coverage, {p.key for p in pages if p.kind == "story"})
    page = env.get_template("index.html").render(
        leaders=leaders, entries=entries, notes=notes, overview=OVERVIEW,
        biggest=biggest, latest=latest,
    )  # fmt: skip
    return str(page)


def _story_lists(
    coverage: CoverageTables, paged: set[str], count: int = INDEX_STORIES
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The biggest stories (most articles, then most outlets, then earliest) and the latest
    (last first covered) that have a page, as rows for the index."""
    summary = coverage.summary().filter(pl.col("id").is_in(list(paged)))
    biggest = summary.sort(
        ["article_count", "outlet_count", "first_time", "id"],
        descending=[True, True, False, False], nulls_last=True,
    ).head(count)  # fmt: skip
    latest = summary.filter(pl.col("first_time").is_not_null())
    latest = latest.sort(["first_time", "id"], descending=[True, False]).head(count)
    return _story_rows(biggest), _story_rows(latest)


def _story_rows(stories: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "id": row["id"], "label": row["label"], "page": page_name("story", row["id"]),
            "first": iso_utc(row["first_time"]) if row["first_time"] else "no time",
            "by": ", ".join(row["first_providers"] or []) or "-",
            "articles": row["article_count"], "outlets": row["outlet_count"],
        }
        for row in stories.iter_rows(named=True)
    ]  # fmt: skip


def _moved_page(out: Path, name: str) -> list[Page]:
    """The page of the story that continues an earlier build's id (or unique prefix)."""
    pages = {page.key: page for page in read_pages(out) if page.kind == "story"}
    moves = [move for move in read_story_moves(out) if move.old_id.startswith(name.strip())]
    return [pages[m.story_id] for m in moves if m.story_id in pages][:1] if len(moves) == 1 else []


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
    if not found and kind == "story":
        found = _moved_page(out, name)
    if not found:
        raise LookupError(f"no {kind} page matches {name!r}")
    if len(found) > 1:
        some = ", ".join(f"{p.key} ({p.name})" for p in found[:5])
        raise LookupError(f"{name!r} matches {len(found)} {kind} pages: {some}")
    file, _, key = found[0].page.partition("#")
    return f"{(out / file).resolve().as_uri()}#{key}"
