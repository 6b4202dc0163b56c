"""The `graphkit` command: a thin layer of argument parsing over the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from .analysis import CoverageFilter, StoryCoverage, graph_stats, head_to_head, leaderboard
from .analysis.coverage import find_story, format_lag, parse_when
from .outputs import read_coverage, read_graph_json
from .outputs.tables import (
    HEAD_TO_HEAD_COLUMNS,
    OUTLET_COLUMNS,
    STORY_COLUMNS,
    csv_text,
    head_to_head_rows,
    outlet_rows,
    story_rows,
)
from .pipeline import DEFAULT_OUT, DEFAULT_SOURCE, Build, build
from .rdf import (
    ENGINES,
    FORMATS,
    OXIGRAPH,
    QueryError,
    canned_listing,
    format_result,
    parse_assignments,
    query_data,
    resolve_base,
)
from .records import StrictModeError, iso_utc

Command = TypeVar("Command", bound=Callable[..., Any])
EXIT_OK, EXIT_INPUT_LOST, EXIT_USAGE, EXIT_STRICT = 0, 1, 2, 3

sources_argument = click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))


def data_option(
    help: str = "A built output folder, read when no SOURCES are given.",
) -> Callable[[Command], Command]:
    """`--data OUT`: where `stats`, `first` and `query` read a previous build."""
    return click.option(
        "--data",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_OUT,
        show_default=True,
        help=help,
    )


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
@click.option(
    "--base",
    envvar="GRAPHKIT_BASE",
    show_envvar=True,
    callback=lambda _ctx, _param, value: _base(value),
    help="Base under which the RDF export mints IRIs [default: https://graphkit.example/id/].",
)
def build_command(
    sources: tuple[Path, ...], out: Path, strict: bool, quiet: bool, base: str | None
) -> None:
    """Build the coverage graph from record files or folders (default: seeds/).

    Exit status: 0 when every record and related entry was used, 1 when some input was
    rejected (outputs still written; see OUT/report.json), 2 on a usage error, 3 when
    --strict stopped at a problem (nothing written).
    """
    try:
        result = build(sources or DEFAULT_SOURCE, out, strict=strict, progress=not quiet, base=base)
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
@data_option()
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


def _when(end: bool) -> Any:
    def parse(_context: click.Context, _param: click.Parameter, value: str | None) -> Any:
        if value is None:
            return None
        try:
            return parse_when(value, end=end)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not an ISO date or date-time") from None

    return parse


@main.command("first")
@sources_argument
@data_option()
@click.option("--topic", help="Only stories about this topic.")
@click.option("--category", help="Only stories in this category.")
@click.option("--since", callback=_when(end=False), help="Only stories first out on or after.")
@click.option("--until", callback=_when(end=True), help="Only stories first out on or before.")
@click.option("--story", "story_id", help="Show this story's coverage timeline (id or prefix).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--min-outlets",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Count only stories that at least this many outlets covered.",
)
@click.option("--head-to-head", "pairs", is_flag=True, help="Show who was earlier, pair by pair.")
def first_command(
    sources: tuple[Path, ...],
    data: Path,
    topic: str | None,
    category: str | None,
    since: Any,
    until: Any,
    story_id: str | None,
    fmt: str,
    min_outlets: int,
    pairs: bool,
) -> None:
    """Which outlets cover stories first: the leaderboard, or one story's timeline.

    The leaderboard ranks outlets by times first (a tie among k outlets gives each 1/k),
    then share first, then median lag behind the first when not first.

    Reads a built output folder (--data), or builds from SOURCES without writing anything.
    Times are UTC; --since and --until take ISO dates (a date means the whole day) or
    date-times, and bound the time a story was first covered.
    """
    coverage = _coverage(sources, data)
    if story_id is not None:
        story = find_story(coverage, story_id)
        if story is None:
            raise click.BadParameter(f"no story {story_id!r} (ids look like s-1a2b3c4d5e6f)")
        _echo_rows(story_rows([story]), STORY_COLUMNS, fmt, lambda: _timeline_text(story))
        return
    where = CoverageFilter(topic=topic, category=category, since=since, until=until)
    if pairs:
        rows = head_to_head_rows(head_to_head(coverage, where))
        _echo_rows(rows, HEAD_TO_HEAD_COLUMNS, fmt, lambda: _pairs_text(rows))
        return
    rows = outlet_rows(leaderboard(coverage, where, min_outlets=min_outlets))
    _echo_rows(rows, OUTLET_COLUMNS, fmt, lambda: _leaderboard_text(rows))


def _coverage(sources: tuple[Path, ...], data: Path) -> list[StoryCoverage]:
    if sources:
        return build(sources).coverage
    if not (data / "stories.json").is_file() or not (data / "first_coverage.json").is_file():
        raise click.UsageError(f"no story tables in {data}: run `graphkit build` first")
    return read_coverage(data)


def _echo_rows(
    rows: list[dict[str, Any]], columns: Sequence[str], fmt: str, table: Callable[[], str]
) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(csv_text(rows, columns), nl=False)
    else:
        click.echo(table())


def _timeline_text(story: StoryCoverage) -> str:
    first = story.first_time
    firsts = ", ".join(_outlet(e.provider, e.provider_name) for e in story.first) or "nobody"
    lines = [
        f"story   {story.id}: {_safe(story.label)}",
        f"first   {iso_utc(first) if first else 'no usable time'} by {firsts}",
        f"        {len(story.entries)} articles, {len(story.outlets)} outlets, "
        f"{len(story.untimed)} without a usable time",
        "",
    ]
    rows = [
        [
            iso_utc(e.published) if e.published else f"({e.time_status} time)",
            format_lag(e.lag_seconds),
            _outlet(e.provider, e.provider_name),
            _safe(e.url),
        ]
        for e in story.entries
    ]
    return "\n".join(lines) + "\n" + _columns(["published (UTC)", "behind", "outlet", "url"], rows)


def _leaderboard_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no stories covered by enough outlets match"
    table = [
        [
            _outlet(r["provider_domain"], r["provider_name"]),
            str(r["stories"]),
            f"{r['times_first']:g}",
            str(r["tied_first"]),
            f"{r['share_first']:.0%}",
            format_lag(r["median_lag_seconds"]).replace("first", "-"),
            format_lag(r["mean_lag_seconds"]).replace("first", "-"),
        ]
        for r in rows
    ]
    header = ["outlet", "stories", "first", "tied", "share", "median lag", "mean lag"]
    return _columns(header, table)


def _pairs_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no two outlets covered a matching story"
    table = [
        [r["outlet_a"], r["outlet_b"], str(r["stories"]), str(r["a_earlier"]),
         str(r["b_earlier"]), str(r["ties"])]
        for r in rows
    ]  # fmt: skip
    return _columns(["outlet a", "outlet b", "stories", "a earlier", "b earlier", "ties"], table)


def _columns(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in [header, *rows]]  # fmt: skip
    return "\n".join(line.rstrip() for line in lines)


def _outlet(domain: str | None, name: str | None) -> str:
    if not domain:
        return "(unknown outlet)"
    return f"{_safe(name)} ({domain})" if name and name != domain else domain


def _safe(text: str | None) -> str:
    """Untrusted text made safe for a terminal: one line, no control characters."""
    flat = " ".join((text or "").split())
    return "".join(c if c.isprintable() else "\ufffd" for c in flat)


def _summary_text(result: Build, out: Path) -> str:
    s = result.summary
    relations = ", ".join(f"{name} {count}" for name, count in s["edges_by_relation"].items())
    warnings = len(result.problems) - len(result.lost)
    multi = sum(len(c.outlets) > 1 for c in result.coverage)
    lines = [
        f"read     {_n(s['files_read'], 'file')}: {_n(s['records'], 'record')}, "
        f"{s['records_rejected']} rejected, "
        f"{_n(s['related_entries_dropped'], 'related entry', 'related entries')} dropped",
        f"resolved {_n(s['articles'], 'article')} ({s['articles_with_record']} with a record), "
        f"{_n(s['outlets'], 'outlet')}, {_n(s['topics'], 'topic')}, "
        f"{_n(s['categories'], 'category', 'categories')}",
        f"graph    {_n(s['nodes'], 'node')}, {_n(s['edges'], 'edge')} ({relations})",
        f"times    {s['times_without_zone']} without zone (read as UTC), "
        f"{s['implausible_times']} implausible, {s['missing_times']} missing; "
        f"{_n(s['conflicts'], 'disagreement')}, {_n(warnings, 'warning')}",
        f"stories  {_n(len(result.coverage), 'story', 'stories')}, "
        f"{multi} covered by two outlets or more",
        f"wrote    {', '.join(p.name for p in result.written)} in {out}/",
    ]
    return "\n".join(lines)


def _n(count: int, one: str, many: str | None = None) -> str:
    """`1 file`, `2 files`."""
    return f"{count} {one if count == 1 else many or one + 's'}"


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


@main.command("query")
@click.argument("query", required=False)
@data_option("A built output folder: its store/ (or graph.nt for rdflib) is queried.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE (repeatable); typed as the query's header says, <...> is an IRI.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=OXIGRAPH,
    show_default=True,
    help="Oxigraph (fast, persisted store) or rdflib's in-memory engine (slow fallback).",
)
@click.option(
    "--base",
    envvar="GRAPHKIT_BASE",
    show_envvar=True,
    callback=lambda _ctx, _param, value: _base(value),
    help="Base for relative IRIs in the query [default: the base the data was built with].",
)
@click.option("--list", "list_only", is_flag=True, help="List the canned queries and exit.")
def query_command(
    query: str | None,
    data: Path,
    fmt: str,
    params: tuple[str, ...],
    engine: str,
    base: str | None,
    list_only: bool,
) -> None:
    """Run SPARQL over a built output folder, without rebuilding.

    QUERY is a .rq file, the name of a canned query (see --list), or SPARQL text: SELECT,
    ASK, CONSTRUCT or DESCRIBE. Updates are refused. Exit status: 0 on success, 2 on a
    usage or query error (a syntax error is reported with its line and column).
    """
    if list_only:
        click.echo(canned_listing())
        return
    if query is None:
        raise click.UsageError("give a QUERY: a .rq file, a canned query (see --list) or text")
    try:
        result, store = query_data(data, query, parse_assignments(params), engine=engine, base=base)
    except QueryError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(format_result(result, fmt, store.base), nl=False)


def _base(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return resolve_base(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
