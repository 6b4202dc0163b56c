"""The `graphkit` command: a thin layer of argument parsing over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .analysis import graph_stats
from .outputs import read_graph_json
from .pipeline import DEFAULT_OUT, DEFAULT_SOURCE, Build, build
from .records import StrictModeError

EXIT_OK, EXIT_INPUT_LOST, EXIT_USAGE, EXIT_STRICT = 0, 1, 2, 3

sources_argument = click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphkit")
def main() -> None:
    """graphkit: who covered a news story, when, and who was first."""


@main.command("build")
@sources_argument
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the output files.",
)
@click.option("--strict", is_flag=True, help="Stop at the first file or entry that is rejected.")
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, no summary.")
def build_command(sources: tuple[Path, ...], out: Path, strict: bool, quiet: bool) -> None:
    """Build the coverage graph from record files or folders (default: seeds/).

    Exit status: 0 when every record and related entry was used, 1 when some input was
    rejected (outputs still written; see OUT/report.json), 2 on a usage error, 3 when
    --strict stopped at a problem (nothing written).
    """
    try:
        result = build(sources or DEFAULT_SOURCE, out, strict=strict, progress=not quiet)
    except StrictModeError as error:
        click.echo(f"error: {error} (--strict: stopped, nothing written)", err=True)
        sys.exit(EXIT_STRICT)
    for problem in result.lost:
        click.echo(str(problem), err=True)
    if not quiet:
        click.echo(_summary_text(result, out))
    sys.exit(EXIT_INPUT_LOST if result.lost else EXIT_OK)


@main.command("stats")
@sources_argument
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="A built output folder, read when no SOURCES are given.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def stats_command(sources: tuple[Path, ...], data: Path, as_json: bool) -> None:
    """Counts, time span and the busiest outlets and topics of a built graph or of SOURCES."""
    if sources:
        graph = build(sources).graph
    else:
        graph_file = data / "graph.json"
        if not graph_file.is_file():
            raise click.UsageError(f"{graph_file} not found: run `graphkit build` first")
        graph = read_graph_json(graph_file)
    stats = graph_stats(graph)
    click.echo(json.dumps(stats, indent=2, ensure_ascii=False) if as_json else _stats_text(stats))


def _summary_text(result: Build, out: Path) -> str:
    s = result.summary
    relations = ", ".join(f"{name} {count}" for name, count in s["edges_by_relation"].items())
    warnings = len(result.problems) - len(result.lost)
    lines = [
        f"read     {s['files_read']} files: {s['records']} records, "
        f"{s['records_rejected']} rejected, {s['related_entries_dropped']} related entries dropped",
        f"resolved {s['articles']} articles ({s['articles_with_record']} with a record), "
        f"{s['outlets']} outlets, {s['topics']} topics, {s['categories']} categories",
        f"graph    {s['nodes']} nodes, {s['edges']} edges ({relations})",
        f"times    {s['times_without_zone']} without zone (read as UTC), "
        f"{s['implausible_times']} implausible, {s['missing_times']} missing; "
        f"{s['conflicts']} disagreements, {warnings} warnings",
        f"wrote    {', '.join(p.name for p in result.written)} in {out}/",
    ]
    return "\n".join(lines)


def _stats_text(stats: dict[str, Any]) -> str:
    lines = [
        f"articles {stats['articles']}, outlets {stats['outlets']}, topics {stats['topics']}, "
        f"categories {stats['categories']}",
        "edges    " + ", ".join(f"{k} {v}" for k, v in stats["edges"].items()),
        f"span     {stats['first_published_utc']} .. {stats['last_published_utc']}",
        "top outlets:",
        *(f"  {row['articles']:>5}  {row['label']}" for row in stats["top_outlets"]),
        "top topics:",
        *(f"  {row['articles']:>5}  {row['label']}" for row in stats["top_topics"]),
    ]
    return "\n".join(lines)
