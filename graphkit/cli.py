"""The `graphkit` command: a thin layer of argument parsing over the library."""

from __future__ import annotations

import json
import os
import sys
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from .errors import ExitStatus, GraphkitError
from .rdf.formats import ALL_FORMATS
from .rdf.store import ENGINES, OXIGRAPH
from .settings import (
    DEFAULT_OUT,
    DEFAULT_SOURCE,
    PUSH_BATCH_TRIPLES,
    PUSH_RETRIES,
    QUERY_WORKERS,
    SERVE_LIMITS,
    Limits,
)

# Each command imports the stages it runs when it runs (a query or --help does not pay for
# Polars, SciPy and igraph); the options' defaults come from the light settings module.
if TYPE_CHECKING:
    from .analysis import CutLink, StoryCoverage, StoryMove

Command = TypeVar("Command", bound=Callable[..., Any])


def _fail(message: str, status: int) -> NoReturn:
    """End the command the way every error ends it: `error: ...` on stderr, and its status."""
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


PASSWORD_VARIABLE = "GRAPHKIT_PASSWORD"  # noqa: S105 (the variable's name, not a password)

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


def base_option(help: str) -> Callable[[Command], Command]:
    """`--base IRI` (or GRAPHKIT_BASE): the base of graphkit's minted IRIs."""
    return click.option(
        "--base",
        envvar="GRAPHKIT_BASE",
        show_envvar=True,
        callback=lambda _ctx, _param, value: _base(value),
        help=help,
    )


def limit_options(defaults: Limits) -> Callable[[Command], Command]:
    """`--timeout SECONDS` and `--max-rows N` (0 lifts either)."""

    def decorate(command: Command) -> Command:
        command = click.option(
            "--max-rows",
            type=click.IntRange(min=0),
            default=defaults.max_rows,
            show_default=True,
            help="Row cap: rows (or triples) past it are not read; 0 lifts it.",
        )(command)
        return click.option(
            "--timeout",
            type=click.FloatRange(min=0),
            default=defaults.timeout,
            show_default=True,
            metavar="SECONDS",
            help="Time limit of a query: it is stopped there; 0 lifts it.",
        )(command)

    return decorate


user_option = click.option(
    "--user",
    metavar="NAME",
    envvar="GRAPHKIT_USER",
    show_envvar=True,
    help="Log in to the store as NAME; the password comes from GRAPHKIT_PASSWORD or a prompt.",
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
    "-v", "--verbose", is_flag=True,
    help="After the summary, each stage's seconds, records per second and peak memory.",
)  # fmt: skip
@base_option("Base under which the RDF export mints IRIs [default: https://graphkit.example/id/].")
@click.option(
    "--formats",
    metavar="LIST",
    default="",
    callback=lambda _ctx, _param, value: _formats(value),
    help="Exports to write as well, comma-separated: json (the networkx graph), graphml, gexf, "
    "ttl, jsonld, or all.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes that read the files, parse URLs and split stories; 0 is one per core.",
)
@click.option(
    "--dask",
    metavar="ADDRESS",
    help="Run the work that splits on the Dask cluster whose scheduler is at ADDRESS "
    "(tcp://host:8786) instead of local processes; the outputs are the same. Needs "
    "graphkit[dask] here and on the workers.",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Read every file again, even those unchanged since the last build into OUT.",
)
@click.option(
    "--wait",
    is_flag=True,
    help="If another build is writing OUT, wait for it instead of stopping (exit status 5).",
)
def build_command(
    sources: tuple[Path, ...],
    out: Path,
    strict: bool,
    quiet: bool,
    verbose: bool,
    base: str | None,
    formats: frozenset[str],
    jobs: int,
    dask: str | None,
    fresh: bool,
    wait: bool,
) -> None:
    """Build the coverage graph from record files or folders (default: seeds/).

    Writes the coverage tables, report.json, stats.json, graph.nt, the Oxigraph store and
    the pages; --formats adds the graph as node-link JSON, GraphML or GEXF, Turtle or JSON-LD.

    Exit status: 0 when every record and related entry was used, 1 when some input was
    rejected (outputs still written; see OUT/report.json), 2 on a usage error, 3 when
    --strict stopped at a problem, 5 when another build is writing OUT (see --wait), 6 when
    OUT could not be written (out of space). Only a whole build is ever published in OUT.
    """
    from .outputs.text import stage_table, summary_text
    from .pipeline import build
    from .records import StrictModeError
    from .util import os_reason

    try:
        result = build(
            sources or DEFAULT_SOURCE,
            out,
            strict=strict,
            progress=not quiet,
            base=base,
            formats=formats,
            jobs=jobs,
            reuse=not fresh,
            wait=wait,
            dask=dask,
        )
    except StrictModeError as error:
        _fail(f"{error} (--strict: stopped, nothing published)", error.exit_status)
    except GraphkitError as error:  # another build writes OUT; OUT among sources; no cluster
        _fail(str(error), error.exit_status)
    except OSError as error:  # out of space, no permission: nothing was published
        reason = os_reason(error)
        _fail(f"could not write {out}: {reason}; its last build stands", ExitStatus.NOT_WRITTEN)
    for problem in result.lost:
        click.echo(str(problem), err=True)
    if not quiet:
        warnings = len(result.problems) - len(result.lost)
        reused = result.read.files_reused
        skipped = result.read.skipped_folders
        doubts = result.grouping.doubts.stories if result.grouping else ()
        store = result.store_update.describe() if result.store_update else None
        split = result.split_memo.describe() if result.split_memo else None
        text = summary_text(
            result.summary, result.coverage_tables, warnings, result.written, out, reused, skipped,
            doubts, store, split,
        )  # fmt: skip
        click.echo(text)
    if verbose:
        click.echo(stage_table(result.timings.steps, result.read.record_count))
    sys.exit(ExitStatus.INPUT_LOST if result.lost else ExitStatus.OK)


@main.command("stats")
@sources_argument
@data_option()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def stats_command(sources: tuple[Path, ...], data: Path, as_json: bool) -> None:
    """Counts, time span and the busiest outlets and topics of a built graph or of SOURCES."""
    from .analysis import coverage_stats
    from .outputs import read_stats
    from .outputs.folder import BuildInfo, describe
    from .outputs.text import stats_text
    from .pipeline import build

    if sources:
        result = build(sources)
        stats = coverage_stats(result.corpus, result.coverage_tables)
    else:
        folder = _build_of(data)
        stats = read_stats(folder)
    if not sources:
        stats = {"build": describe(BuildInfo.read(folder)), **stats}
    click.echo(json.dumps(stats, indent=2, ensure_ascii=False) if as_json else stats_text(stats))


def _when(end: bool) -> Any:
    def parse(_context: click.Context, _param: click.Parameter, value: str | None) -> Any:
        from .analysis.coverage import parse_when

        if value is None:
            return None
        try:
            return parse_when(value, end=end)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not an ISO date or date-time") from None

    return parse


def story_filter_options(command: Command) -> Command:
    """`--topic`, `--category`, `--since`, `--until` (CoverageFilter's fields) and `--format
    table|csv|json`: what `first` and `stories` both take."""
    for option in reversed(
        [
            click.option("--topic", help="Only stories about this topic."),
            click.option("--category", help="Only stories in this category."),
            click.option(
                "--since", callback=_when(end=False), help="Only stories first out on or after."
            ),
            click.option(
                "--until", callback=_when(end=True), help="Only stories first out on or before."
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["table", "csv", "json"]),
                default="table",
                show_default=True,
            ),
        ]
    ):
        command = option(command)
    return command


def min_outlets_option(default: int, help: str) -> Callable[[Command], Command]:
    """`--min-outlets N`, which `first` and `stories` take with their own default."""
    return click.option(
        "--min-outlets", type=click.IntRange(min=1), default=default, show_default=True, help=help
    )


@main.command("first")
@sources_argument
@data_option()
@story_filter_options
@click.option("--story", "story_id", help="Show this story's coverage timeline (id or prefix).")
@min_outlets_option(2, "Count only stories that at least this many outlets covered.")
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
    from .analysis import CoverageFilter, StoryNotFoundError, head_to_head, leaderboard
    from .analysis.coverage import locate_story
    from .outputs.tables import (
        HEAD_TO_HEAD_COLUMNS,
        OUTLET_COLUMNS,
        STORY_COLUMNS,
        head_to_head_rows,
        outlet_rows,
        story_rows,
    )
    from .outputs.text import leaderboard_text, pairs_text, timeline_text

    coverage, strays, moves = _coverage(sources, data)
    if story_id is not None:
        try:
            story, moved = locate_story(coverage, story_id, moves)
        except StoryNotFoundError as error:
            _fail(f"--story: {error}", error.exit_status)
        if moved is not None:
            click.echo(moved.describe(), err=True)
        cut = [link for link in strays if story.id in (link.story_a, link.story_b)]
        _echo_rows(story_rows([story]), STORY_COLUMNS, fmt, lambda: timeline_text(story, cut))
        return
    where = CoverageFilter(topic=topic, category=category, since=since, until=until)
    if pairs:
        rows = head_to_head_rows(head_to_head(coverage, where))
        _echo_rows(rows, HEAD_TO_HEAD_COLUMNS, fmt, lambda: pairs_text(rows))
        return
    rows = outlet_rows(leaderboard(coverage, where, min_outlets=min_outlets))
    _echo_rows(rows, OUTLET_COLUMNS, fmt, lambda: leaderboard_text(rows))


@main.command("stories")
@sources_argument
@data_option()
@click.option("--search", help="Only stories with every one of these words in a headline.")
@click.option("--outlet", help="Only stories an outlet covered (its domain).")
@story_filter_options
@min_outlets_option(1, "Only stories that at least this many outlets covered.")
@click.option(
    "--sort",
    "order",
    type=click.Choice(["first", "size", "outlets"]),
    default="first",
    show_default=True,
    help="first: earliest first; size: most articles first; outlets: most outlets first.",
)
def stories_command(
    sources: tuple[Path, ...],
    data: Path,
    search: str | None,
    outlet: str | None,
    topic: str | None,
    category: str | None,
    since: Any,
    until: Any,
    min_outlets: int,
    order: str,
    fmt: str,
) -> None:
    """Find stories: each with when and by whom it was first covered, and its size.

    Reads a built output folder (--data), or builds from SOURCES without writing anything.
    The story ids it prints are what `graphkit first --story ID` and `graphkit view story ID`
    take. CSV and JSON rows are those of first_coverage.csv and first_coverage.json.
    """
    from .analysis import CoverageFilter
    from .analysis.coverage import StorySearch, find_stories
    from .outputs.tables import FIRST_COLUMNS, first_rows
    from .outputs.text import stories_text

    coverage, _, _ = _coverage(sources, data)
    where = CoverageFilter(topic=topic, category=category, since=since, until=until)
    found = find_stories(coverage, StorySearch(search, outlet, min_outlets, where), order)
    if not found and fmt != "table":  # the table says so itself
        click.echo(f"no story matches among {len(coverage):,}", err=True)
    rows = first_rows(found)
    _echo_rows(rows, FIRST_COLUMNS, fmt, lambda: stories_text(rows))


def _coverage(
    sources: tuple[Path, ...], data: Path
) -> tuple[list[StoryCoverage], list[CutLink], tuple[StoryMove, ...]]:
    """The story timelines, the related links set aside as strays, and the earlier builds'
    story ids with the stories that continue them (none when built from SOURCES)."""
    from .outputs import read_coverage, read_story_moves, read_stray_links
    from .pipeline import build

    if sources:
        result = build(sources)
        return result.coverage, result.grouping.cut if result.grouping else [], ()
    folder = _build_of(data)
    return read_coverage(folder), read_stray_links(folder), read_story_moves(folder)


def _echo_rows(
    rows: list[dict[str, Any]], columns: Sequence[str], fmt: str, table: Callable[[], str]
) -> None:
    from .outputs.tables import csv_text

    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(csv_text(rows, columns), nl=False)
    else:
        click.echo(table())


@main.command("view")
@click.argument("kind", required=False, type=click.Choice(["story", "outlet", "topic"]))
@click.argument("name", required=False)
@data_option("A built output folder holding the pages.")
@click.option("--print-path", is_flag=True, help="Print the page's address instead of opening it.")
def view_command(kind: str | None, name: str | None, data: Path, print_path: bool) -> None:
    """Open a page of the build in the default browser: the index, or KIND NAME.

    NAME is a story id, an outlet's domain, a topic, or a unique prefix of a name; KIND alone
    opens the overview. Prints the page's address (a file: URL) when no browser can be opened.
    """
    from .views.site import page_for

    _build_of(data)  # one line if there is no build; the pages open through OUT's links
    try:
        address = page_for(data, kind, name)
    except LookupError as problem:
        raise click.UsageError(str(problem)) from None
    if print_path or not webbrowser.open(address):
        click.echo(address)


@main.command("query")
@click.argument("query", required=False)
@data_option("A built output folder: its store/ (or graph.nt for rdflib) is queried.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(ALL_FORMATS),
    default="table",
    show_default=True,
    help="turtle, ntriples, jsonld and rdfxml are for CONSTRUCT and DESCRIBE.",
)
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
@base_option("Base for relative IRIs in the query [default: the base the data was built with].")
@limit_options(Limits())  # one user's
@click.option(
    "--endpoint",
    metavar="URL",
    help="Query this remote SPARQL endpoint instead of the built store.",
)
@click.option("--graph", metavar="IRI", help="With --endpoint: query only this named graph.")
@user_option
@click.option("--list", "list_only", is_flag=True, help="List the canned queries and exit.")
def query_command(
    query: str | None,
    data: Path,
    fmt: str,
    params: tuple[str, ...],
    engine: str,
    base: str | None,
    timeout: float,
    max_rows: int,
    endpoint: str | None,
    graph: str | None,
    user: str | None,
    list_only: bool,
) -> None:
    """Run SPARQL over a built output folder, without rebuilding.

    QUERY is a .rq file, the name of a canned query (see --list), or SPARQL text: SELECT,
    ASK, CONSTRUCT or DESCRIBE. Updates are refused. With --endpoint it runs on a remote
    triple store (see `graphkit push`) instead. A local query runs in a worker process
    that is ended at the time limit; rows past the row cap are not read, and a note on
    stderr says the result was cut. Exit status: 0 on success, 2 on a usage or query error
    (a syntax error is reported with its line and column), 4 when the query was stopped at
    its time limit.
    """
    from .rdf import QueryError, QueryTimeoutError, canned_listing, parse_assignments
    from .rdf.formats import render
    from .rdf.workers import render_query

    if list_only:
        click.echo(canned_listing())
        return
    if query is None:
        raise click.UsageError("give a QUERY: a .rq file, a canned query (see --list) or text")
    limits = _limits(timeout, max_rows)
    try:
        values = parse_assignments(params)
        if endpoint:
            from .rdf.remote import query_endpoint  # httpx: only for a remote store

            result, data_base = query_endpoint(
                endpoint,
                query,
                values,
                user=user,
                password=_password(user),
                graph=graph,
                base=base,
                limits=limits,
            )
            text, truncated = render(result, fmt, data_base), result.truncated
        else:  # written by the query's worker: only the text comes back
            rendered = render_query(
                _build_of(data), query, fmt, values, engine=engine, base=base, limits=limits
            )
            text, truncated = rendered.text, rendered.truncated
    except QueryTimeoutError as error:
        _fail(f"{error} (raise it with --timeout, or narrow the query)", error.exit_status)
    except QueryError as error:
        _fail(str(error), error.exit_status)
    click.echo(text, nl=False)
    if truncated:
        click.echo(f"note: result cut at {max_rows:,} rows (--max-rows; 0 lifts the cap)", err=True)


def _build_of(data: Path) -> Path:
    """The build published in `data`, pinned: a rebuild meanwhile does not mix two builds."""
    from .outputs.folder import NoBuildError, pin_build

    try:
        return pin_build(data)
    except NoBuildError as error:
        _fail(str(error), error.exit_status)


def _limits(timeout: float, max_rows: int) -> Limits:
    return Limits(timeout=timeout or None, max_rows=max_rows or None)


@main.command("serve")
@data_option("A built output folder: its store/ is served, and its pages when it has them.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "-p",
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the query page in a browser.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=QUERY_WORKERS,
    show_default=True,
    help="Queries answered at once (one process each, with the store open).",
)
@limit_options(SERVE_LIMITS)
def serve_command(
    data: Path,
    host: str,
    port: int,
    open_browser: bool,
    workers: int,
    timeout: float,
    max_rows: int,
) -> None:
    """Serve a build as a read-only SPARQL endpoint, with a query page for people.

    The SPARQL 1.1 Protocol endpoint is /sparql; / is a page to run queries and the canned
    ones (each also at /queries/NAME and /queries/NAME.json). Listens on this machine only
    unless --host says otherwise. Stop it with Ctrl-C.
    """
    from .rdf import QueryError
    from .server import serve

    def ready(url: str) -> None:
        click.echo(f"Serving {data} at {url} (SPARQL endpoint: {url}sparql); Ctrl-C stops")
        sys.stdout.flush()  # seen at once through a pipe, by a person or a script waiting for it

    try:
        serve(
            _build_of(data),  # returns after Ctrl-C, once the server and its workers have stopped
            host,
            port,
            limits=_limits(timeout, max_rows),
            workers=workers,
            open_browser=open_browser,
            on_ready=ready,
        )
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:
        raise click.UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None


@main.command("push")
@click.option("--endpoint", metavar="URL", required=True, help="The store's Graph Store endpoint.")
@data_option("A built output folder: its graph.nt is pushed.")
@click.option("--graph", metavar="IRI", help="Named graph to replace [default: the build's base].")
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="The store's SPARQL Update endpoint: push to a staging graph, then MOVE it in place, "
    "so a failure leaves the graph as it was.",
)
@user_option
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=PUSH_BATCH_TRIPLES,
    show_default=True,
    help="Triples per request.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    metavar="SECONDS",
    help="Time limit of each request.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=PUSH_RETRIES,
    show_default=True,
    help="Times a batch is sent again after a time-out, a dropped connection or HTTP 5xx.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def push_command(
    endpoint: str,
    data: Path,
    graph: str | None,
    update_endpoint: str | None,
    user: str | None,
    batch_size: int,
    timeout: float,
    retries: int,
    quiet: bool,
) -> None:
    """Load the build's graph into a triple store, replacing one named graph there.

    Uses the SPARQL 1.1 Graph Store HTTP Protocol (Virtuoso: /sparql-graph-crud-auth,
    Fuseki: /DATASET/data, GraphDB: /repositories/REPO/rdf-graphs/service), and with
    --update-endpoint (Virtuoso: /sparql-auth, Fuseki: /DATASET/update, GraphDB:
    /repositories/REPO/statements) replaces the graph in one step. The password comes from
    GRAPHKIT_PASSWORD, or is asked for. Exit status: 0 when pushed, 2 when the push failed
    (the message says what the remote graph holds).
    """
    from .rdf import QueryError
    from .rdf.push import push_graph

    try:
        report = push_graph(
            _build_of(data),
            endpoint,
            graph,
            user=user,
            password=_password(user),
            update_url=update_endpoint,
            batch_triples=batch_size,
            timeout=timeout,
            retries=retries,
            progress=not quiet,
        )
    except QueryError as error:
        _fail(str(error), error.exit_status)
    if not quiet:
        click.echo(report.describe())


def _password(user: str | None) -> str | None:
    """The password for `user`: GRAPHKIT_PASSWORD, else asked for (never an option)."""
    if user is None:
        return None
    return os.environ.get(PASSWORD_VARIABLE) or click.prompt(
        f"Password for {user}", hide_input=True, err=True
    )


def _formats(value: str) -> frozenset[str]:
    from .outputs.exports import parse_formats

    try:
        return parse_formats(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _base(value: str | None) -> str | None:
    from .rdf import resolve_base

    if value is None:
        return None
    try:
        return resolve_base(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
