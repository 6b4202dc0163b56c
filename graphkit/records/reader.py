"""Find record files under the given paths and read each into records and problems."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from itertools import islice, zip_longest
from pathlib import Path
from typing import Any

from ..errors import ExitStatus, GraphkitError
from ..util import is_output_folder, worker_count, worker_pool
from .cache import Entry, FileResult, Keeps, ReadCache, cache_entry, document_json, stamp_of
from .columns import RecordColumns, RecordTables
from .fast import add_fast
from .fields import URL_FIELDS, FieldError, Locate, to_record
from .frontmatter import LoadError, load_json_documents, load_yaml, split_front_matter
from .model import Problem, ReadResult, Record, display_path

FRONT_MATTER_SUFFIXES = frozenset({".md", ".txt", ".yaml", ".yml"})
WHOLE_YAML_SUFFIXES = frozenset({".yaml", ".yml"})  # may also be one YAML document, no `---`
JSON_SUFFIXES = frozenset({".json", ".jsonl"})
SUFFIXES = FRONT_MATTER_SUFFIXES | JSON_SUFFIXES
MAX_FILE_BYTES = 64 * 1024 * 1024
READ_CHUNK = 256  # files a worker process reads per round trip (and makes tables of at once)
# Tasks whose tables are joined into one piece of memory as they arrive: a column in a few
# hundred pieces rather than one per task costs resolving a third more memory at a million.
BATCHES_PER_CHUNK = 64
PARALLEL_FROM = 500  # fewer files read faster in one process than starting others
JSON_COUNTS_AS = 64  # files, in that count: a JSON (Lines) file may hold thousands of records
# Files the kernel is asked to read before their reader gets to them: on this project's VM,
# 20,000 cold files read 2.7 times faster with 4,096 asked for ahead than with none.
PREFETCH_FILES = 4096


class StrictModeError(GraphkitError):
    """Raised in strict mode at the first problem that would lose data."""

    exit_status = ExitStatus.STRICT

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem], list[str]]:
    """Record files named directly or found below folders (recursively, in sorted order),
    the problems met, and the graphkit output folders skipped below them (never records).
    Hidden files and folders are skipped too."""
    files: list[Path] = []
    problems: list[Problem] = []
    skipped: list[str] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(_files_below(path, skipped))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return list(dict.fromkeys(files)), problems, skipped


def _files_below(folder: Path, skipped: list[str]) -> Iterator[Path]:
    """The record files below `folder` in the order of their paths (`sorted` of them): each
    folder's entries by name, a subfolder's files where its name falls. The listing's file
    types say what is a file, so no file is looked at before it is read (on a cold disk, a
    million files' inodes read one by one took the first 40 s of reading them)."""
    if is_output_folder(folder):
        skipped.append(str(folder))
        return
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):  # as os.walk: a linked folder is not entered
            yield from _files_below(folder / entry.name, skipped)
        elif _suffix(entry.name) in SUFFIXES and entry.is_file():
            yield folder / entry.name


def _suffix(name: str) -> str:
    """`Path(name).suffix.lower()`, without making a Path."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


# Takes one loaded document of a file (its source, its line in a JSON Lines file, and for
# front matter a way to find a key's line): keeps its record somewhere, returns its problems.
Take = Callable[[Any, str, "int | None", "Locate | None"], list[Problem]]


def read_file(path: Path) -> tuple[list[Record], list[Problem]]:
    """Read one file: its usable records, and a problem for everything it loses."""
    records: list[Record] = []
    return records, _read_into(path, _as_records(records))


def read_file_into(columns: RecordColumns, path: Path) -> list[Problem]:
    """Read one file into `columns` (`fast.add_fast` where it can, `fields.to_record` where it
    cannot: the same columns either way); return a problem for everything it loses."""
    return _read_into(path, _as_columns(columns))


def _read_into(path: Path, take: Take, name: str | None = None) -> list[Problem]:
    source = display_path(path) if name is None else name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return [Problem(source, f"not a record file (expected one of {sorted(SUFFIXES)})")]
    try:
        text = _read_text(path)
        if suffix in JSON_SUFFIXES:
            return _from_json(text, source, suffix == ".jsonl", take)
        yaml_text, first_line = _yaml_of(text, suffix)
        document = load_yaml(yaml_text, first_line)
        return take(document, source, None, key_locator(yaml_text, first_line))
    except LoadError as error:
        return [Problem(source, error.reason, line=error.line)]


def _yaml_of(text: str, suffix: str) -> tuple[str, int]:
    """The YAML of a record file and the file line it starts after: its front matter, or, for
    a `.yaml` or `.yml` file without one, the whole file."""
    try:
        return split_front_matter(text)
    except LoadError:
        if suffix in WHOLE_YAML_SUFFIXES:
            return text, 0
        raise


def _as_records(records: list[Record]) -> Take:
    """Documents checked by `to_record`, their records kept in `records`."""

    def take(document: Any, source: str, line: int | None, locate: Locate | None) -> list[Problem]:
        try:
            record, notes = to_record(document, source, line, locate)
        except FieldError as error:
            return [Problem(source, str(error), line=error.line)]
        records.append(record)
        return notes

    return take


def _as_columns(columns: RecordColumns) -> Take:
    """Documents written into `columns`: by the fast path, else through `to_record`."""
    found: list[Record] = []
    checked = _as_records(found)

    def take(document: Any, source: str, line: int | None, locate: Locate | None) -> list[Problem]:
        if add_fast(columns, document, source, line):
            return []
        problems = checked(document, source, line, locate)
        for record in found:
            columns.add(record)
        found.clear()
        return problems

    return take


def read_records(
    paths: Iterable[str | Path],
    strict: bool = False,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = iter,
    executor: Executor | None = None,
    jobs: int = 1,
    cache: ReadCache | None = None,
    tables: bool = False,
) -> ReadResult:
    """Read every record under `paths`, keeping good records whatever else goes wrong.

    Files are independent, so an `executor` may read them in parallel: a process pool uses
    every core, and a distributed engine's executor (Dask's `Client.get_executor()`) many
    machines. Without one, `jobs` > 1 (or 0: every core) reads with a process pool of its
    own when there are enough files to repay starting it. The result is the same, in the same
    order, whatever reads them. With a `cache`, only the files that changed since it was
    filled are read; it learns the others. With `tables`, the records come as columns
    (`result.tables`, made where the files are read) instead of objects (`result.records`).

    >>> result = read_records(["seeds/000_fe3165b138a4a152.txt"])
    >>> len(result.records), result.rejected
    (1, [])
    >>> len(read_records(["seeds/"], tables=True).tables)
    39
    """
    files, problems, skipped = find_files(paths)
    result = ReadResult(problems=problems, skipped_folders=skipped)
    _stop_if_strict(strict, problems)
    known = [_known(cache, file, tables) for file in files]
    missing = [file for file, found in zip(files, known, strict=True) if found is None]
    batches = read_batches(missing)
    # the names the cache gave each file (display_path's: an lstat each), not found again
    named = iter([cache.source(file) if cache else None for file in missing])
    names = [list(islice(named, len(batch))) for batch in batches]
    batch_tables: list[RecordTables] = []
    reused = RecordColumns()  # the records of the documents taken from the cache
    take = _as_columns(reused) if tables else _as_records(result.records)
    with _own_pool(executor, jobs, batches) as pool:
        reader = _read_all_tables if tables else _read_all
        keeps = None if cache is None else cache.keeps
        fresh = reader(batches, names, pool or executor, keeps, batch_tables)
        # Asked for once the pool's workers are forked; not when the caller's executor reads
        # them (its workers may be on other machines).
        here = pool is not None or executor is None
        with Prefetch(missing if here else []) as ahead:
            for file, cached in zip(progress(files), known, strict=True):
                if cached is None:
                    (records, found), entry = next(fresh)
                    ahead.taken()
                    result.records += records
                    if cache and entry is not None:
                        cache.put(file, entry)
                elif cached is _IN_TABLES:  # its rows come from the saved tables below
                    found = []
                    result.files_reused += 1
                else:
                    found = take(cached[0], display_path(file), None, None)
                    result.files_reused += 1
                result.files_read += 1
                result.problems += found
                _stop_if_strict(strict, found)
    if tables:
        taken = cache.taken_tables() if cache else RecordTables.empty()
        result.tables = RecordTables.concat([*batch_tables, reused.tables(), taken])
    return result


_IN_TABLES = ("in tables",)  # a file whose records the cache's saved tables hold


def _known(cache: ReadCache | None, file: Path, tables: bool) -> tuple[Any] | None:
    """What the cache knows of `file`: `_IN_TABLES` when its rows are in the saved tables
    (read as tables), its document, or None when it must be read."""
    if cache is None or not kept_in_cache(file):
        return None
    if tables and cache.in_tables(file):
        return _IN_TABLES
    cache.remember(file, display_path(file))
    return cache.get(file)


class Prefetch:
    """Asks the kernel to read files before their readers open them (POSIX_FADV_WILLNEED), at
    most `PREFETCH_FILES` ahead of those `taken`: readers that parse between reads leave the
    disk idle, and a cold disk serves many requests at once faster than one after another.
    Only a hint: a file that cannot be opened is left to its reader to report.
    """

    def __init__(self, files: list[Path], ahead: int = PREFETCH_FILES) -> None:
        self.permits = threading.Semaphore(ahead)
        self.stopped = False
        advise = getattr(os, "posix_fadvise", None)  # Linux and most Unixes; not macOS
        self.thread = threading.Thread(
            target=self._run, args=(files,), name="graphkit-prefetch", daemon=True
        )
        self.enabled = advise is not None and bool(files)

    def __enter__(self) -> Prefetch:
        if self.enabled:
            self.thread.start()
        return self

    def taken(self) -> None:
        """One more file has been read: the next may be asked for."""
        self.permits.release()

    def __exit__(self, *_: object) -> None:
        self.stopped = True
        self.permits.release()  # wakes the thread, which then ends
        if self.thread.is_alive():  # gone before later stages fork their workers
            self.thread.join(timeout=1.0)

    def _run(self, files: list[Path]) -> None:
        for file in files:
            self.permits.acquire()
            if self.stopped:
                return
            try:  # O_NONBLOCK: a file swapped for a named pipe meanwhile must not hang here
                handle = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                continue
            try:
                os.posix_fadvise(handle, 0, 0, os.POSIX_FADV_WILLNEED)
            except OSError:
                pass
            finally:
                os.close(handle)


def _own_pool(
    executor: Executor | None, jobs: int, batches: list[list[Path]]
) -> AbstractContextManager[Any]:
    """A process pool for `jobs` (0: every core) when none was given and it pays: for
    `PARALLEL_FROM` files or more, a JSON file (a task alone) counted as `JSON_COUNTS_AS`."""
    workers = worker_count(jobs)
    files = sum(JSON_COUNTS_AS if _is_json(batch[0]) else len(batch) for batch in batches)
    if executor is not None or workers == 1 or files < PARALLEL_FROM:
        return nullcontext()
    return worker_pool(min(workers, len(batches)))


def _read_all(
    batches: list[list[Path]],
    names: list[list[str | None]],
    executor: Executor | None,
    for_cache: Keeps | None,
    tables: list[RecordTables],
) -> Iterator[tuple[FileResult, Entry | None]]:
    """Each file's records and problems, batch after batch, and for a cache the JSON of its
    document, made where the file was read (by a worker: the main process has enough to
    do)."""
    del tables  # records come as objects
    read = partial(read_files, for_cache=for_cache)
    if executor is None:
        return (found for batch in map(read, batches, names) for found in batch)
    # One task per batch of files: a task per file costs a process pool a round trip and a
    # distributed scheduler about a millisecond, as much as reading the file.
    return (found for batch in executor.map(read, batches, names) for found in batch)


def _read_all_tables(
    batches: list[list[Path]],
    names: list[list[str | None]],
    executor: Executor | None,
    for_cache: Keeps | None,
    tables: list[RecordTables],
) -> Iterator[tuple[FileResult, Entry | None]]:
    """As `_read_all`, but each batch's records come as columns, made tables here and
    appended to `tables` as the batch arrives: each file's result then holds no records, only
    its problems (and for a cache, its document's JSON)."""
    read = partial(read_columns, for_cache=for_cache)
    done = map(read, batches, names) if executor is None else executor.map(read, batches, names)
    unjoined = 0
    for columns, results in done:
        tables.append(columns.tables())
        unjoined += 1
        if unjoined == BATCHES_PER_CHUNK:
            tables[-unjoined:] = [RecordTables.concat(tables[-unjoined:], rechunk=True)]
            unjoined = 0
        yield from results


def read_files(
    files: list[Path], names: Sequence[str | None] = (), for_cache: Keeps | None = None
) -> list[tuple[FileResult, Entry | None]]:
    """Read some files (one task of a parallel read): each one's records and problems, and
    for a cache its entry where the cache keeps it (else None). `names`: the name each
    file's records carry, where the caller knows it already (else `display_path`'s)."""
    results = []
    for file, name in zip_longest(files, names[: len(files)]):
        records: list[Record] = []
        problems, text = _read_for_cache(file, _as_records(records), for_cache, name)
        results.append(((records, problems), text))
    return results


def read_columns(
    files: list[Path], names: Sequence[str | None] = (), for_cache: Keeps | None = None
) -> tuple[RecordColumns, list[tuple[FileResult, Entry | None]]]:
    """Read some files (one task of a parallel read): their records as columns, each file's
    problems, and for a cache its entry where the cache keeps it; `names` as `read_files`."""
    columns = RecordColumns()
    take = _as_columns(columns)
    results: list[tuple[FileResult, Entry | None]] = []
    for file, name in zip_longest(files, names[: len(files)]):
        problems, text = _read_for_cache(file, take, for_cache, name)
        results.append((([], problems), text))
    return columns, results


def _read_for_cache(
    file: Path, take: Take, for_cache: Keeps | None, name: str | None = None
) -> tuple[list[Problem], Entry | None]:
    """Read a file through `take`; for a cache, also its entry when the cache keeps the file
    (front matter that read without a problem): its stamp, and for a cache of documents the
    document (`document_json`; the entry of a cache of tables has none). The stamp is taken
    before reading, so that a change while the file is read shows next time."""
    if for_cache is None or not kept_in_cache(file):
        return _read_into(file, take, name), None
    stamp = stamp_of(file)
    seen: list[Any] = []

    def keep(document: Any, source: str, line: int | None, locate: Locate | None) -> list[Problem]:
        seen.append(document)
        return take(document, source, line, locate)

    problems = _read_into(file, keep, name)
    if len(seen) != 1 or problems:
        return problems, None
    text = document_json(seen[0]) if for_cache == "documents" else ""
    return problems, cache_entry(stamp, text)


def read_batches(files: list[Path]) -> list[list[Path]]:
    """`files` in order, in tasks of `READ_CHUNK` front-matter files; a JSON file is a task
    alone, since it may hold thousands of records (a JSON Lines file of 10,000 in a batch of
    64 would keep one worker busy, and its results in memory, for most of the read).

    >>> [len(b) for b in read_batches([Path(f"{i}.md") for i in range(300)] + [Path("a.jsonl")])]
    [256, 44, 1]
    """
    batches: list[list[Path]] = []
    batch: list[Path] = []
    for file in files:
        if _is_json(file):
            batches += [batch, [file]] if batch else [[file]]
            batch = []
            continue
        batch.append(file)
        if len(batch) == READ_CHUNK:
            batches.append(batch)
            batch = []
    return [*batches, batch] if batch else batches


def _is_json(file: Path) -> bool:
    return file.suffix.lower() in JSON_SUFFIXES


def kept_in_cache(file: Path) -> bool:
    """Whether the read cache keeps what `file` read to: front matter, not JSON.

    Parsing YAML is most of reading a front-matter file, and the cache skips it. A JSON file
    reads nearly as fast as its cache entry decodes (10,000 records: 1.7 s against 1.0 s),
    and it is read again by the workers, in parallel, where the cache is decoded by the main
    process alone; keeping it cost a first build a fifth more work in the workers (the
    entry's JSON) and 2.3 GB of cache for a million records."""
    return file.suffix.lower() not in JSON_SUFFIXES


def _stop_if_strict(strict: bool, problems: list[Problem]) -> None:
    lost = [p for p in problems if p.lost_data]
    if strict and lost:
        raise StrictModeError(lost[0])


def _read_text(path: Path) -> str:
    try:
        data = _read_bytes(path)
    except OSError as error:  # gone since it was listed, no permission: this file only
        raise LoadError(f"cannot read the file: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise LoadError(f"not UTF-8 text (byte 0x{data[error.start]:02x})", line) from None


def _read_bytes(path: Path) -> bytes:
    """A file's bytes, at most `MAX_FILE_BYTES`: an open, an fstat and reads of its size,
    half of what a Python file object costs a small file."""
    too_large = LoadError(f"file larger than {MAX_FILE_BYTES // 2**20} MiB")
    # O_NONBLOCK: a file swapped for a named pipe since it was listed must not hang here
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        found = os.fstat(handle)
        if not stat.S_ISREG(found.st_mode):
            raise LoadError("cannot read the file: not a regular file")
        if found.st_size > MAX_FILE_BYTES:
            raise too_large
        parts, size = [], 0
        while part := os.read(handle, max(found.st_size + 1 - size, 1 << 16)):
            parts.append(part)
            size += len(part)
            if size > MAX_FILE_BYTES:  # it grew since
                raise too_large
    finally:
        os.close(handle)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _from_json(text: str, source: str, jsonl: bool, take: Take) -> list[Problem]:
    documents = list(load_json_documents(text, jsonl))
    if len(documents) > 1 and not any(_looks_like_record(d) for d, _ in documents):
        # One line for a file that is not records at all (another tool's JSON), not one per item.
        fields = ", ".join(URL_FIELDS)
        reason = f"not records: none of its {len(documents)} items has a URL field ({fields})"
        return [Problem(source, reason)]
    problems: list[Problem] = []
    for document, line in documents:
        if isinstance(document, LoadError):
            problems.append(Problem(source, document.reason, line=line))
        else:
            problems.extend(take(document, source, line, None))
    return problems


def _looks_like_record(document: object) -> bool:
    return isinstance(document, dict) and any(name in document for name in URL_FIELDS)


def key_locator(yaml_text: str, first_line: int) -> Callable[[str], int | None]:
    """Find the file line of a top-level key in front matter, to point errors at it (the
    lines are split only when an error asks: most records have none)."""

    def locate(key: str) -> int | None:
        prefix = f"{key}:"
        for number, line in enumerate(yaml_text.splitlines(), start=first_line + 1):
            if line.startswith(prefix):
                return number
        return None

    return locate
