"""`report.json`: what was read, what was lost and why, and what disagreed."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import polars as pl

from ..analysis import CutLink, StoryGrouping, graph_stats
from ..analysis.graph import GraphSize
from ..records import Problem, ReadResult, Severity, iso_utc
from ..resolve import Corpus, TimeStatus
from .graphfiles import read_graph_json

STATS_FILE = "stats.json"  # what `graphkit stats` prints, counted when the build was made


def build_summary(
    read: ReadResult,
    corpus: Corpus,
    graph: GraphSize,
    grouping: StoryGrouping | None = None,
) -> dict[str, Any]:
    """The figures `graphkit build` prints and `report.json` keeps (`graph`: the size of the
    coverage graph, which no build makes unless a graph export is asked for)."""
    lost = Counter(p.severity for p in read.problems)
    t = corpus.tables
    times = dict(t.articles["time_status"].value_counts().iter_rows())
    return {
        "files_read": read.files_read,
        "files_rejected": len({p.path for p in read.problems if p.severity is Severity.REJECTED}),
        "records": read.record_count,
        "records_rejected": lost[Severity.REJECTED],
        "related_entries_dropped": lost[Severity.DROPPED],
        "articles": t.articles.height,
        "articles_with_record": int(t.articles["has_record"].sum()),
        "outlets": t.providers.height,
        "topics": t.topics.height,
        "categories": t.categories.height,
        "nodes": graph.nodes,
        "edges": graph.edges,
        "edges_by_relation": graph.edges_by_relation,
        "times_without_zone": times.get(TimeStatus.NO_ZONE.value, 0),
        "implausible_times": times.get(TimeStatus.IMPLAUSIBLE.value, 0),
        "missing_times": times.get(TimeStatus.MISSING.value, 0),
        "conflicts": t.conflicts.height,
        "stray_links": grouping.cut_table.height if grouping else 0,
        "related_links": grouping.links if grouping else 0,
        "pieces_joined": len(grouping.joined) if grouping else 0,
        "stories_held_by_one_link": grouping.doubts.held_by_one_link if grouping else 0,
        "doubtful_stories": len(grouping.doubts.stories) if grouping else 0,
    }


def build_report(
    sources: list[str],
    read: ReadResult,
    corpus: Corpus,
    graph: GraphSize,
    grouping: StoryGrouping | None = None,
) -> dict[str, Any]:
    """Everything a user needs to trust or question a build, as plain JSON values."""
    problems = [*read.problems, *corpus.problems]
    return {
        "built_at": iso_utc(corpus.built_at) if corpus.built_at else None,
        "sources": sources,
        "summary": build_summary(read, corpus, graph, grouping),
        "rejected": _problems(problems, Severity.REJECTED),
        "dropped": _problems(problems, Severity.DROPPED),
        "warnings": _problems(problems, Severity.WARNING),
        "conflicts": _conflicts(corpus),
        "stray_links": _stray_links(grouping) if grouping else [],
        "pieces_joined": [asdict(piece) for piece in grouping.joined] if grouping else [],
        "doubtful_stories": [asdict(d) for d in grouping.doubts.stories] if grouping else [],
    }


def _conflicts(corpus: Corpus) -> list[dict[str, Any]]:
    """The conflicts as `Conflict` fields (the article by its id)."""
    ids = corpus.tables.articles.select("article", pl.col("id").alias("id"))
    found = corpus.tables.conflicts.join(ids, on="article", maintain_order="left")
    return found.select(
        pl.col("id").alias("article"), "field", "kept", "other", "source"
    ).to_dicts()


def _stray_links(grouping: StoryGrouping) -> list[dict[str, Any]]:
    """The cut links as `CutLink` fields (articles by their ids)."""
    ids = grouping.article_ids
    return [
        {"a": ids[a], "b": ids[b], "story_a": sa, "story_b": sb, "reason": reason,
         "detail": detail}
        for a, b, sa, sb, reason, detail in grouping.cut_table.iter_rows()
    ]  # fmt: skip


def _problems(problems: list[Problem], severity: Severity) -> list[dict[str, Any]]:
    return [
        {"path": p.path, "line": p.line, "reason": p.reason}
        for p in problems
        if p.severity is severity
    ]


def read_stray_links(out: Path) -> list[CutLink]:
    """The related links a build set aside as strays, from its `report.json` (none if absent;
    an entry that is not one is left out)."""
    try:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    links = report.get("stray_links") if isinstance(report, dict) else None
    return [link for link in map(_cut_link, links) if link] if isinstance(links, list) else []


def _cut_link(data: Any) -> CutLink | None:
    names = [field.name for field in fields(CutLink)]
    if not isinstance(data, dict) or not all(isinstance(data.get(n), str) for n in names):
        return None
    return CutLink(**{name: data[name] for name in names})


def read_stats(out: Path) -> dict[str, Any]:
    """What `graphkit stats` prints of the build in `out`: its `stats.json`, or, from a build
    made before there was one, the figures of its `graph.json`."""
    path = out / STATS_FILE
    if not path.exists() and (out / "graph.json").exists():
        return graph_stats(read_graph_json(out / "graph.json"))
    stats: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return stats
