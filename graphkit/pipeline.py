"""The whole pipeline as one call: read records, resolve, analyse, write outputs."""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from tqdm import tqdm

from .analysis import (
    Story,
    StoryCoverage,
    StoryGrouping,
    StoryIds,
    StoryParams,
    add_stories,
    coverage_graph,
    coverage_stats,
    graph_size,
    group_stories,
)
from .analysis.coverage import CoverageTables, coverage_tables
from .analysis.stories import DEFAULT_PARAMS, SplitMemo
from .cluster import cluster_executor
from .outputs import (
    STATS_FILE,
    build_report,
    build_summary,
    continue_story_ids,
    keep_only,
    write_coverage_tables,
    write_graph_files,
    write_json,
    write_story_ids,
)
from .outputs.exports import GRAPH_FORMATS
from .outputs.folder import (
    build_id,
    previous_build,
    refuse_output_among_sources,
    staged_build,
    write_build_info,
)
from .rdf import RdfWriter
from .rdf.delta import StoreUpdate
from .records import Problem, ReadCache, ReadResult, read_records
from .records.cache import TABLES_DIR
from .records.columns import RecordTables
from .resolve import Corpus, resolve
from .resolve.urls import KnownParts
from .settings import DEFAULT_SOURCE, REBUILD_READ_SHARE
from .util import Progress, Stopwatch, T, collector_paused, quietly
from .views.site import write_views

if TYPE_CHECKING:
    from distributed import Client

# tqdm's monitor thread (started by any bar, even a disabled one) would make worker pools
# start by forkserver, which imports graphkit again in each worker, instead of fork.
tqdm.monitor_interval = 0

READ_TABLES = f".graphkit/{TABLES_DIR}"  # in OUT: each source file's records when last read
READ_CACHE = ".graphkit/read-cache.jsonl"  # in OUT: their documents, kept by earlier builds
SPLIT_MEMO = ".graphkit/split-memo"  # in OUT: Leiden's parts of each linked component
URL_PARTS = ".graphkit/url-parts"  # in OUT: each distinct URL's parts, as resolving found them


@dataclass
class Build:
    """The result of a build: the records read, the resolved corpus, the stories and their
    first coverage, the files written; `graph`, the networkx graph of it all, when asked for."""

    sources: list[str]
    read: ReadResult
    corpus: Corpus
    grouping: StoryGrouping  # the stories, links cut and pieces joined while grouping
    coverage_tables: CoverageTables  # first coverage: one timeline per story, as tables
    written: list[Path] = field(default_factory=list)
    story_ids: StoryIds | None = None  # with an output folder: the ids earlier builds had
    store_update: StoreUpdate | None = None  # set when the store was the previous one's
    split_memo: SplitMemo | None = None  # with an output folder: components split, reused
    timings: Stopwatch = field(default_factory=Stopwatch)  # seconds and peak MiB per stage

    @property
    def stories(self) -> list[Story]:
        return self.grouping.stories

    @cached_property
    def coverage(self) -> list[StoryCoverage]:
        """Each story's timeline as objects (made on first use from `coverage_tables`)."""
        return self.coverage_tables.as_objects()

    @property
    def problems(self) -> list[Problem]:
        return [*self.read.problems, *self.corpus.problems]

    @property
    def lost(self) -> list[Problem]:
        """Problems that cost data: rejected files or records and dropped related entries."""
        return [p for p in self.problems if p.lost_data]

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The coverage graph (networkx), made on first use: builds need it only to export it."""
        return add_stories(coverage_graph(self.corpus), self.coverage_tables)

    @cached_property
    def summary(self) -> dict[str, Any]:
        size = graph_size(self.corpus, self.coverage_tables)
        return build_summary(self.read, self.corpus, size, self.grouping)

    @cached_property
    def report(self) -> dict[str, Any]:
        size = graph_size(self.corpus, self.coverage_tables)
        return build_report(self.sources, self.read, self.corpus, size, self.grouping)


def build(
    sources: str | Path | Sequence[str | Path] = DEFAULT_SOURCE,
    out: str | Path | None = None,
    *,
    strict: bool = False,
    progress: bool = False,
    now: datetime | None = None,
    base: str | None = None,
    formats: Collection[str] = (),
    jobs: int = 0,
    reuse: bool = True,
    wait: bool = False,
    keep_records: bool = False,
    story_params: StoryParams = DEFAULT_PARAMS,
    dask: str | Client | None = None,
) -> Build:
    """Build the coverage graph from record files; write the output files when `out` is given.

    `formats` adds heavy exports to the default files (see `graphkit.outputs.exports`).
    `jobs` processes read the files (0: one per core). With `out` and `reuse`, a file that has
    not changed since the last build into `out` is not read again (`OUT/{READ_CACHE}`): the
    result is the same as reading it. The files are published in `out` in one step when all
    are written (`graphkit.outputs.folder`); while another build writes `out`, this one waits
    (`wait`) or raises BuildBusyError at once. The records read are let go once resolved
    (`result.read.record_count` still counts them); `keep_records` keeps them in
    `result.read.tables`. `story_params` are the knobs of story grouping (see
    `graphkit.analysis.stories.StoryParams`; the defaults were chosen on real coverage).
    With `dask` (a Dask scheduler's address, or a `distributed.Client`), the work that
    splits (parsing files and URLs, Leiden in each linked component) runs on that cluster's
    workers instead of `jobs` local processes, with the same result (`graphkit.cluster`).

    >>> result = build("seeds/000_fe3165b138a4a152.txt")
    >>> result.summary["articles"], result.summary["outlets"], result.summary["topics"]
    (3, 3, 3)
    """
    paths = [sources] if isinstance(sources, str | Path) else list(sources)
    out_folder = None if out is None else Path(out)
    if out_folder is not None:
        refuse_output_among_sources(out_folder, paths)
    timed = Stopwatch()
    bar = _Bars(progress)
    with ExitStack() as context:
        executor = context.enter_context(_cluster(dask))  # before anything is staged
        context.enter_context(collector_paused())
        folder = context.enter_context(_staged(out_folder, wait))
        loading = context.enter_context(ExitStack())
        workers = Workers(jobs, executor)
        with timed("read"):
            read = _read(paths, out_folder, reuse, strict, progress, workers)
        with timed("resolve"):
            # held by resolve alone, which lets go of what it no longer needs as it goes
            resolving, known = bar("resolving"), _known_urls(out_folder, reuse)
            corpus = resolve(
                _records(read, keep_records), now=now, progress=resolving, known_urls=known,
                **workers.asked,
            )  # fmt: skip
            if out_folder is not None:
                known.save(out_folder / URL_PARTS)
        rdf = None
        if folder is not None:  # the store loads (Oxigraph's threads) while stories are found
            with timed("rdf"):
                previous = _store_to_update(out_folder, read)
                rdf = RdfWriter(corpus, folder, base, formats, bar("writing RDF"), previous)
                loading.enter_context(rdf).write_corpus()
        with timed("stories"):
            found, memo = bar("finding stories"), _split_memo(out_folder, reuse, story_params)
            grouping = group_stories(corpus, story_params, found, memo=memo, **workers.asked)
            coverage = coverage_tables(grouping, corpus)
            if memo is not None and out_folder is not None:  # pure answers: kept at once
                memo.save(out_folder / SPLIT_MEMO, story_params)
        result = Build([str(p) for p in paths], read, corpus, grouping, coverage, timings=timed)
        result.split_memo = memo
        if out_folder is not None and folder is not None and rdf is not None:
            written = _write_files(result, folder, formats, bar, rdf, loading)
            result.written = [out_folder / path.relative_to(folder.resolve()) for path in written]
    return result


def _known_urls(out: Path | None, reuse: bool) -> KnownParts:
    """The parts of the URLs of the last build into `out` (none with `reuse` off)."""
    return KnownParts.load(out / URL_PARTS) if out is not None and reuse else KnownParts()


def _split_memo(out: Path | None, reuse: bool, params: StoryParams) -> SplitMemo | None:
    """With an output folder, the components the last build split into it (none with `reuse`
    off): their parts are taken again where their inputs are the same."""
    if out is None:
        return None
    return SplitMemo.load(out / SPLIT_MEMO, params) if reuse else SplitMemo()


def _store_to_update(out: Path | None, read: ReadResult) -> Path | None:
    """The previous build, when this one read so few files again that its store is worth
    changing by a delta rather than loading anew (`graphkit.rdf.delta`)."""
    previous = None if out is None else previous_build(out)
    if previous is None or not (previous / "store").is_dir() or read.files_read == 0:
        return None
    read_again = read.files_read - read.files_reused
    return previous if read_again <= REBUILD_READ_SHARE * read.files_read else None


def _records(read: ReadResult, keep: bool) -> RecordTables:
    """The records read, as tables: kept in `read` with `keep`, else taken out of it."""
    tables = read.tables if keep else read.take_tables()
    assert tables is not None  # a build reads tables
    return tables


def _staged(out: Path | None, wait: bool) -> AbstractContextManager[Path | None]:
    return nullcontext() if out is None else staged_build(out, wait)


def _cluster(dask: str | Client | None) -> AbstractContextManager[Executor | None]:
    return nullcontext() if dask is None else cluster_executor(dask)


@dataclass(frozen=True)
class Workers:
    """Who does the work that splits: `jobs` local processes, or a cluster's `executor`."""

    jobs: int
    executor: Executor | None

    @property
    def asked(self) -> dict[str, Any]:
        """As the stages' keyword arguments."""
        return {"jobs": self.jobs, "executor": self.executor}


def _read(
    paths: list[str | Path],
    out: Path | None,
    reuse: bool,
    strict: bool,
    progress: bool,
    workers: Workers,
) -> ReadResult:
    """Read the records; with an output folder, through its read cache (refilled each time)."""
    bar = _progress_bar if progress else iter
    asked = {"strict": strict, "progress": bar, "tables": True, **workers.asked}
    if out is None:
        return read_records(paths, **asked)
    cache = ReadCache.load_tables(out / READ_TABLES) if reuse else ReadCache(documents=False)
    read = read_records(paths, cache=cache, **asked)
    assert read.tables is not None
    cache.save_tables(read.tables, out / READ_TABLES)  # rows of the files kept, for the next
    (out / READ_CACHE).unlink(missing_ok=True)  # the documents that builds before kept
    return read


def write_outputs(
    result: Build,
    out: Path,
    base: str | None = None,
    formats: Collection[str] = (),
    wait: bool = False,
) -> list[Path]:
    """Publish the output files of a build in `out` (see `graphkit.outputs.folder`): the
    default ones and the extra `formats`, RDF IRIs minted under `base`."""
    with staged_build(out, wait) as folder, ExitStack() as loading:
        rdf = RdfWriter(result.corpus, folder, base, formats)
        loading.enter_context(rdf).write_corpus()
        written = _write_files(result, folder, formats, _Bars(False), rdf, loading)
        return [out / path.relative_to(folder.resolve()) for path in written]


def _write_files(
    result: Build,
    folder: Path,
    formats: Collection[str],
    bar: _Bars,
    rdf: RdfWriter,
    loading: ExitStack,
) -> list[Path]:
    """Write a build's files into its (staging) folder, drop those of the previous build it
    did not write again, and record what it is. `rdf` has written what the corpus says and
    its store loads (Oxigraph's threads) behind the tables and pages, which are Python's:
    `loading` ends when the store is in place."""
    timed, written = result.timings, []
    if set(formats) & GRAPH_FORMATS:
        with timed("graph files"):
            written += write_graph_files(result.graph, folder, formats)
    with loading:
        with timed("rdf of stories"):
            # The staging folder still holds the previous build's tables (hard links): the ids
            # they had are carried on before this build's tables replace them.
            ids = continue_story_ids(folder, result.coverage_tables, build_id(folder))
            result.story_ids = ids
            rdf.write_coverage(result.coverage_tables, ids.moves)
        with timed("report and tables"):
            written += [write_json(folder, "report.json", result.report)]
            stats = coverage_stats(result.corpus, result.coverage_tables)
            written += [write_json(folder, STATS_FILE, stats)]
            written += write_coverage_tables(result.coverage_tables, folder)
            written += write_story_ids(ids, folder)
        with timed("views"):
            cut, views_bar = result.grouping.cut_ids(), bar("writing pages")
            written += write_views(
                result.corpus, result.coverage_tables, cut, folder, views_bar, ids.moves
            )
        with timed("store"):
            loading.close()
    result.store_update = rdf.loader.update
    written += rdf.paths
    keep_only(folder, written)
    write_build_info(folder, result.sources, result.read.record_count)
    return written


class _Bars:
    """A tqdm bar for each long stage after reading (which has its own), with counts and a
    rate, when `enabled` and stderr is a terminal; `quietly` otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, stage: str) -> Progress:
        if not self.enabled:
            return quietly

        def counted(items: Iterable[T], total: int | None = None, unit: str = "item") -> Any:
            return tqdm(
                items, desc=stage, total=total, unit=unit, file=sys.stderr, disable=None,
                leave=False, mininterval=0.5,
            )  # fmt: skip

        return counted


def _progress_bar(files: Iterable[Path]) -> Iterable[Path]:
    # tqdm hides itself when stderr is not a terminal, so logs and CI stay clean.
    bar: Iterable[Path] = tqdm(
        list(files), desc="reading", unit="file", file=sys.stderr, disable=None, leave=False
    )
    return bar
