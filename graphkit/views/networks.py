"""The graphs drawn on the overview, outlet and topic pages, as pyvis networks with positions
computed beforehand. (Story pages, one per story, are drawn in the browser by graphkit.js from
each story's compact data: a time axis, outlet lanes, the first marked.)

Every node carries ``tip`` (lines of plain text for its tooltip), and ``href`` (the original
article, http or https only) or ``page`` (its own page, a relative path we made). Positions are
fixed (a spiral around the outlet on outlet pages, a seeded force-directed layout by igraph
elsewhere), so no page waits for physics to settle, whatever its size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import igraph
import networkx as nx
import polars as pl

from ..analysis import HeadToHead, StoryCoverage
from ..analysis.coverage import CoverageTables
from ..util import seeded_igraph
from .names import page_name

STYLE = {  # kind -> how its nodes look; the legend lists these
    "first": {"shape": "star", "color": "#d62728", "label": "first article of a story"},
    "article": {"shape": "dot", "color": "#1f77b4", "label": "article"},
    "story": {"shape": "square", "color": "#ff7f0e", "label": "story"},
    "outlet": {"shape": "triangle", "color": "#2ca02c", "label": "outlet"},
    "topic": {"shape": "diamond", "color": "#9467bd", "label": "topic"},
    "other": {"shape": "dot", "color": "#bbbbbb", "label": "article of another story"},
}
NODE_GAP = 140  # about the pixels between neighbours in the other layouts
ASPECT = 1.8  # width / height of the other layouts, about that of the page's drawing area
LAYOUT_ROUNDS = 100  # of the force-directed layout: settled for the few hundred nodes shown


@dataclass
class View:
    """What one page shows: a title, notes, the nodes and edges, and which kinds appear."""

    title: str
    notes: list[str] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return sorted({node["kind"] for node in self.nodes}, key=list(STYLE).index)


def web_link(url: str | None) -> str | None:
    """The URL when it is an http(s) address, else None: records never choose a script URL.

    >>> web_link("https://example.com/a"), web_link("javascript:alert(1)"), web_link(None)
    ('https://example.com/a', None, None)
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def node(kind: str, node_id: str, label: str, tip: Sequence[str], **extra: Any) -> dict[str, Any]:
    """A node in the page's own format (pyvis passes the extra fields through)."""
    style = STYLE[kind]
    return {
        "id": node_id, "label": label, "kind": kind, "shape": style["shape"],
        "color": style["color"], "tip": [line for line in tip if line], **extra,
    }  # fmt: skip


def to_pyvis(view: View) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run the nodes and edges through a pyvis Network: its data model and defaults."""
    from pyvis.network import Network  # imports IPython: only when pages are written

    network = Network(directed=True)  # an undirected one checks each new edge against all
    for item in view.nodes:
        fields = {key: value for key, value in item.items() if key not in ("id", "label")}
        network.add_node(item["id"], label=item["label"], **fields)
    for edge in view.edges:
        fields = {key: value for key, value in edge.items() if key not in ("from", "to")}
        network.add_edge(edge["from"], edge["to"], **fields)
    nodes, edges = network.nodes, network.edges  # get_network_data also dumps unused options
    for edge in edges:  # no arrows: no edge drawn has a direction to show
        edge.pop("arrows", None)
    return nodes, edges


def briefs(coverage: CoverageTables | Sequence[StoryCoverage] | pl.DataFrame) -> pl.DataFrame:
    """One row per story, what the overview, outlet and topic pages show of it: story, id,
    label, topics, articles (a count), outlets and firsts (outlet keys, in the order of their
    first article)."""
    if isinstance(coverage, pl.DataFrame):
        return coverage
    tables = CoverageTables.of(coverage)
    provider = pl.col("provider")
    per_story = tables.entries.group_by("story", maintain_order=True).agg(
        pl.len().alias("articles"),
        provider.drop_nulls().unique(maintain_order=True).alias("outlets"),
        provider.filter(pl.col("is_first") & provider.is_not_null())
        .unique(maintain_order=True)
        .alias("firsts"),
    )
    return tables.stories.join(per_story, on="story", how="left", maintain_order="left")


def outlet_pages(
    stories: pl.DataFrame,
    pairs: Sequence[HeadToHead],
    names: Mapping[str, str],
    cap: int = 150,
) -> dict[str, dict[str, Any]]:
    """Each outlet page's data (graphkit.js draws it): the outlet's stories (first or not;
    `stories` as `briefs`) and whom it beats and who beats it; at most `cap` stories (those it
    led first, then the most covered) and `cap` opponents (most met)."""
    covered = (
        stories.select("id", "label", "articles", "outlets", "firsts")
        .with_columns(pl.col("outlets").alias("outlet"), pl.col("outlets").list.len().alias("n"))
        .explode("outlet")
        .drop_nulls("outlet")
        .with_columns(pl.col("firsts").list.contains(pl.col("outlet")).alias("led"))
    )
    ranked = covered.sort(
        ["outlet", "led", "n", "id"], descending=[False, True, True, False]
    ).with_columns(pl.int_range(pl.len()).over("outlet").alias("rank"))
    totals = covered.group_by("outlet").agg(pl.len().alias("total"), pl.col("led").sum())
    shown = (
        ranked.filter(pl.col("rank") < cap)
        .group_by("outlet", maintain_order=True)
        .agg(pl.struct(i="id", l="label", f="led", o="n", a="articles").alias("stories"))
    )
    met: dict[str, list[HeadToHead]] = {}
    for pair in sorted(pairs, key=lambda p: (-p.stories, p.a, p.b)):
        met.setdefault(pair.a, []).append(pair)
        met.setdefault(pair.b, []).append(pair)
    pages = {}
    for outlet, total, first, shown_stories in (
        totals.join(shown, on="outlet").sort("outlet").iter_rows()
    ):
        mine = met.get(outlet, [])
        pages[outlet] = {
            "outlet": outlet, "name": names.get(outlet, outlet), "first": first, "total": total,
            "stories": shown_stories, "opponents": len(mine),
            "pairs": [_opponent(outlet, pair, names) for pair in mine[:cap]],
        }  # fmt: skip
    return pages


def _opponent(outlet: str, pair: HeadToHead, names: Mapping[str, str]) -> dict[str, Any]:
    """The other outlet of a head-to-head pair as `outlet` meets it: wins and losses."""
    other = pair.b if pair.a == outlet else pair.a
    mine_first = pair.a == outlet
    return {
        "k": other, "n": names.get(other, other), "p": page_name("outlet", other),
        "w": pair.a_earlier if mine_first else pair.b_earlier,
        "x": pair.b_earlier if mine_first else pair.a_earlier,
        "t": pair.ties, "s": pair.stories,
    }  # fmt: skip


def topic_pages(
    stories: pl.DataFrame, labels: Mapping[str, str], names: Mapping[str, str], cap: int = 200
) -> dict[str, dict[str, Any]]:
    """Each topic page's data (graphkit.js draws it): its stories (as `briefs`; the `cap`
    covered by the most outlets) and the outlets that covered them."""
    about = (
        stories.select("id", "label", "articles", "outlets", "topics")
        .with_columns(pl.col("topics").alias("topic"), pl.col("outlets").list.len().alias("n"))
        .explode("topic")
        .drop_nulls("topic")
        .sort(["topic", "n", "id"], descending=[False, True, False])
        .with_columns(pl.int_range(pl.len()).over("topic").alias("rank"))
    )
    totals = about.group_by("topic").agg(pl.len().alias("total"))
    shown = about.filter(pl.col("rank") < cap)
    counted = (
        shown.select("topic", pl.col("outlets").alias("outlet"))
        .explode("outlet")
        .drop_nulls("outlet")
        .group_by("topic", "outlet")
        .agg(pl.len().alias("count"))
        .sort("topic", "outlet")
    )
    outlets: dict[str, list[dict[str, Any]]] = {}
    for topic, outlet, count in counted.iter_rows():
        outlets.setdefault(topic, []).append(
            {"k": outlet, "n": names.get(outlet, outlet), "p": page_name("outlet", outlet),
             "c": count}
        )  # fmt: skip
    listed = shown.group_by("topic", maintain_order=True).agg(
        pl.struct(i="id", l="label", a="articles", o="outlets").alias("stories")
    )
    return {
        topic: {"label": labels.get(topic, topic), "total": total, "stories": found,
                "outlets": outlets.get(topic, [])}
        for topic, total, found in totals.join(listed, on="topic").sort("topic").iter_rows()
    }  # fmt: skip


def overview_view(
    coverage: CoverageTables | Sequence[StoryCoverage] | pl.DataFrame,
    names: Mapping[str, str],
    topic_labels: Mapping[str, str],
    stories_cap: int = 150,
    outlets_cap: int = 60,
    topics_cap: int = 30,
) -> View:
    """The biggest stories, outlets and topics, linked by coverage: readable at any size."""
    view = View("Coverage overview")
    found = briefs(coverage)
    stories = _most_covered(found, stories_cap)
    outlet_count = _counts(found["outlets"])
    topic_count = _counts(found["topics"])
    outlets = set(_biggest(outlet_count, outlets_cap))
    topics = set(_biggest(topic_count, topics_cap))
    graph = nx.Graph()
    for story in stories:
        sid = f"story:{story['id']}"
        view.nodes.append(_story_node(story, size=8 + min(25, len(story["outlets"]))))
        for outlet in (o for o in story["outlets"] if o in outlets):
            view.edges.append({"from": f"outlet:{outlet}", "to": sid, "color": "#cccccc"})
            graph.add_edge(f"outlet:{outlet}", sid)
        for topic in (t for t in story["topics"] if t in topics):
            view.edges.append({"from": sid, "to": f"topic:{topic}", "color": "#c5b0d5"})
            graph.add_edge(sid, f"topic:{topic}")
    for outlet in sorted(outlets):
        name = names.get(outlet, outlet)
        view.nodes.append(
            node("outlet", f"outlet:{outlet}", name, [name, f"{outlet_count[outlet]} stories"],
                 page=page_name("outlet", outlet), size=8 + min(30, outlet_count[outlet]))
        )  # fmt: skip
    for topic in sorted(topics):
        label = topic_labels.get(topic, topic)
        view.nodes.append(
            node("topic", f"topic:{topic}", label, [label, f"{topic_count[topic]} stories"],
                 page=page_name("topic", topic), size=8 + min(30, topic_count[topic]))
        )  # fmt: skip
    _place(view, graph)
    view.notes = [
        f"{found.height} stories, {len(outlet_count)} outlets, {len(topic_count)} topics in all.",
        f"Shown: the {len(stories)} stories covered by the most outlets, the {len(outlets)} "
        f"busiest outlets and the {len(topics)} biggest topics. Everything else is reachable "
        "through the search box of the index page and the CSV files.",
    ]
    return view


def _most_covered(stories: pl.DataFrame, cap: int) -> list[dict[str, Any]]:
    """The `cap` stories (`briefs`) covered by the most outlets (ties by id)."""
    ranked = stories.sort([pl.col("outlets").list.len(), "id"], descending=[True, False])
    return ranked.head(cap).to_dicts()


def _counts(lists: pl.Series) -> Counter[str]:
    """How many of the lists hold each value."""
    return Counter(dict(lists.explode().drop_nulls().value_counts().iter_rows()))


def _story_node(story: dict[str, Any], size: int) -> dict[str, Any]:
    """A story on the overview or a topic page: its headline, outlets, and a link to its page."""
    return node(
        "story", f"story:{story['id']}", _short(story["label"]),
        [story["label"], f"{len(story['outlets'])} outlets"],
        page=page_name("story", story["id"]), size=size,
    )  # fmt: skip


def _biggest(counts: Counter[str], cap: int) -> list[str]:
    return [key for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:cap]]


def _place(view: View, graph: nx.Graph) -> None:
    """Fixed positions (computed here, not in the page): a seeded force-directed layout of each
    connected piece, sized by its node count, the pieces packed in rows (biggest first) and the
    whole stretched to about the shape of the page's drawing area. Laid out as one graph, the
    pieces drift apart, and fitting them into the page shrinks everything into its corners."""
    for item in view.nodes:
        graph.add_node(item["id"])
    if graph.number_of_nodes() == 0:
        return
    pieces = sorted(nx.connected_components(graph), key=lambda p: (-len(p), min(p)))
    boxes: list[tuple[dict[Any, tuple[float, float]], float, float]] = []  # positions, w, h
    for piece in pieces:
        half = NODE_GAP * len(piece) ** 0.5 / 2
        found = (
            _force_directed(_ordered_subgraph(graph, piece), half)
            if len(piece) > 1
            else dict.fromkeys(piece, (0.0, 0.0))
        )
        left = min(float(x) for x, _ in found.values())
        top = min(float(y) for _, y in found.values())
        moved = {key: (float(x) - left, float(y) - top) for key, (x, y) in found.items()}
        width = max(x for x, _ in moved.values()) + NODE_GAP
        boxes.append((moved, width, max(y for _, y in moved.values()) + NODE_GAP))
    row_width = max([(sum(w * h for _, w, h in boxes) * ASPECT) ** 0.5, *(w for _, w, _ in boxes)])
    x = y = row_height = 0.0
    where: dict[Any, tuple[float, float]] = {}
    for moved, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        where.update({key: (x + px, y + py) for key, (px, py) in moved.items()})
        x, row_height = x + width, max(row_height, height)
    total_width = max(px for px, _ in where.values()) + NODE_GAP
    total_height = max(py for _, py in where.values()) + NODE_GAP
    stretch = min(1.5, max(1.0, (ASPECT * total_height / total_width) ** 0.5))
    for item in view.nodes:
        px, py = where[item["id"]]
        item.update(x=round(px * stretch, 1), y=round(py / stretch, 1), physics=False)


def _force_directed(graph: nx.Graph, scale: float) -> dict[Any, tuple[float, float]]:
    """A seeded Fruchterman-Reingold layout by igraph (in C: a twentieth of networkx's time,
    which was most of the pages' time), centred and scaled to fit within ±`scale`."""
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    shape = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in graph.edges()])
    with seeded_igraph(1):
        coords = shape.layout_fruchterman_reingold(niter=LAYOUT_ROUNDS).coords
    mean_x = sum(x for x, _ in coords) / len(coords)
    mean_y = sum(y for _, y in coords) / len(coords)
    reach = max(max(abs(x - mean_x), abs(y - mean_y)) for x, y in coords) or 1.0
    return {
        node: ((x - mean_x) * scale / reach, (y - mean_y) * scale / reach)
        for node, (x, y) in zip(nodes, coords, strict=True)
    }


def _ordered_subgraph(graph: nx.Graph, piece: set[str]) -> nx.Graph:
    """The piece as a graph whose nodes and edges come in `graph`'s order: a subgraph view
    iterates its node set, whose order changes with Python's string hashing, and so would the
    seeded layout."""
    sub = nx.Graph()
    sub.add_nodes_from(n for n in graph if n in piece)
    sub.add_edges_from((u, v) for u, v in graph.edges(list(sub)) if v in piece)
    return sub


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
