"""Small helpers that any stage of the pipeline may use."""

from __future__ import annotations

import ctypes
import gc
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import orjson

if TYPE_CHECKING:
    import polars as pl

T = TypeVar("T")

_UMASK_LOCK = threading.Lock()
OUTPUT_MARK = ".graphkit"  # an output folder's own folder (graphkit.outputs.folder)


def is_output_folder(folder: Path) -> bool:
    """A folder graphkit publishes builds in: the reading stage never reads records below it."""
    return (folder / OUTPUT_MARK / "builds").is_dir()


def replace_table_folder(folder: Path, frames: dict[str, pl.DataFrame], header: Any) -> None:
    """`folder` holding `frames` as Arrow files and `header` as header.json, whole: written
    beside it, then swapped in (what a build keeps for the next one: a reader that finds
    another header ignores the folder)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        os.chmod(fresh, new_mode(directory=True))  # mkdtemp makes 0700; the folder is shared
        for name, frame in frames.items():
            frame.write_ipc(fresh / f"{name}.arrow", compression="lz4")
        (fresh / "header.json").write_text(json.dumps(header), encoding="utf-8")
        old = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        fresh.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def read_table_folder(folder: Path, names: Iterable[str], header: Any) -> list[pl.DataFrame] | None:
    """The Arrow files `names` of a folder that `replace_table_folder` wrote with `header`;
    None when it is missing, damaged or has another header."""
    import polars as pl  # here: commands that never read tables (a query) do not load it

    try:
        if json.loads((folder / "header.json").read_text(encoding="utf-8")) != header:
            return None
        return [pl.read_ipc(folder / f"{name}.arrow") for name in names]
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a stage makes millions of acyclic objects.

    Its repeated passes over them took a quarter of a build and 60% of the RDF mapping on
    10k records; graphkit's data has no reference cycles to collect.

    >>> with collector_paused():
    ...     import gc; gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def process_context() -> BaseContext:
    """How to start worker processes safely from here: fork while this process has one thread
    (fast, nothing to import again), forkserver once threads could hold locks a fork copies.

    Forkserver starts workers by importing the main script again, so it needs one that is a
    file: a script read from standard input (`python - < script.py`) forks whatever runs.
    """
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    importable = main_file is None or os.path.isfile(main_file)
    method = "fork" if threading.active_count() == 1 or not importable else "forkserver"
    return multiprocessing.get_context(method)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes started the safe way from here (`process_context`), each
    ending with this process (`end_with_parent`): what every stage that fans out uses."""
    return ProcessPoolExecutor(
        workers, mp_context=process_context(), initializer=end_with_parent,
        initargs=(os.getpid(),),
    )  # fmt: skip


def os_reason(error: OSError) -> str:
    """What went wrong, as the system says it: Python's errors carry it in `strerror`; those
    raised by Rust libraries (Polars, Oxigraph) carry only "<reason> (os error N)".

    >>> os_reason(OSError("File too large (os error 27)"))
    'File too large'
    >>> os_reason(FileNotFoundError(2, "No such file or directory"))
    'No such file or directory'
    """
    if error.strerror:
        return error.strerror
    found = re.fullmatch(r"(.*) \(os error (\d+)\)", str(error), re.DOTALL)
    return os.strerror(int(found.group(2))) if found else str(error)


def worker_count(jobs: int) -> int:
    """The processes `jobs` asks for: 0 means one per core."""
    return jobs or os.cpu_count() or 1


_PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal this process gets when its parent ends


def end_with_parent(main_pid: int) -> None:
    """Start-up of a worker process: end it when the process that started it ends, however
    that ends (`kill -9`, the OOM killer), so that no worker outlives its build or server.

    Linux sends the worker SIGKILL when its parent dies (a fork server's workers, when the
    fork server does, which ends with the main process). A parent that died before this
    call is caught by looking for `main_pid`. Elsewhere the workers end as before: when the
    pool sees that its parent has gone.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    try:
        os.kill(main_pid, 0)  # still there? (signal 0 only checks)
    except ProcessLookupError:
        os._exit(1)
    if os.getppid() != parent:  # the parent died between the two looks
        os._exit(1)


class Stopwatch:
    """Seconds and peak memory (MiB, this process or a child) at the end of named steps.

    >>> watch = Stopwatch()
    >>> with watch("nap"):
    ...     pass
    >>> list(watch.steps), watch.steps["nap"][0] < 1
    (['nap'], True)
    """

    def __init__(self) -> None:
        self.steps: dict[str, tuple[float, float]] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = (time.perf_counter() - started, peak_mib())


def peak_mib() -> float:
    """The peak resident memory of this process or of its largest child so far, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux counts in KiB


def current_umask() -> int:
    """The process umask, read without changing it where Linux shows it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:  # elsewhere only setting it reads it: set it, then put it straight back
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def new_mode(directory: bool = False) -> int:
    """The mode a new file (`open(path, "w")`) or folder (`os.mkdir`) gets under the umask."""
    return (0o777 if directory else 0o666) & ~current_umask()


@contextmanager
def seeded_igraph(seed: int) -> Iterator[random.Random]:
    """igraph draws its random numbers from one generator for the whole process: give a call
    its own, seeded (the same answer on every run), then Python's own again. The generator is
    given, to be seeded again (`seed(seed)`) where many calls each need a fresh one."""
    import igraph  # only the stages that use igraph pay for importing it

    generator = random.Random(seed)  # noqa: S311 - not for secrets
    igraph.set_random_number_generator(generator)
    try:
        yield generator
    finally:
        igraph.set_random_number_generator(random)


class Progress(Protocol):
    """Counts the items of a long step as they go by: a bar with a rate on a terminal, nothing
    elsewhere. Stages take one (`quietly` by default); the pipeline passes tqdm bars."""

    def __call__(
        self, items: Iterable[T], total: int | None = None, unit: str = "item"
    ) -> Iterable[T]: ...


def quietly(items: Iterable[T], total: int | None = None, unit: str = "item") -> Iterable[T]:
    """The `Progress` that shows nothing."""
    del total, unit  # the signature of Progress, unused
    return items


def ticks(progress: Progress, total: int, unit: str) -> Iterator[int]:
    """A `Progress` to move by many items at a time (`advance`), for a step that works on
    thousands of items at once.

    >>> counter = ticks(quietly, 10, "article")
    >>> advance(counter, 4); next(counter)
    4
    """
    return iter(progress(range(total), total=total, unit=unit))


def advance(counter: Iterator[int], count: int) -> None:
    """Count `count` more items done (at C speed: a bar counts them one by one)."""
    deque(islice(counter, count), maxlen=0)


def json_text(value: Any, *, indent: bool = False) -> str:
    """`value` as JSON text, UTF-8 characters as they are: indented by two spaces as
    `json.dumps(indent=2)` writes it, else compact (no spaces after `,` and `:`).

    orjson writes it (Rust): a 93 MB stories.json took json's indenting encoder 4.3 s and
    orjson 0.25 s, the same bytes. A value orjson refuses (an integer beyond 64 bits, a lone
    surrogate) is left to json.

    >>> json_text({"a": [1, "é"]}), json_text({"a": 1}, indent=True)
    ('{"a":[1,"é"]}', '{\\n  "a": 1\\n}')
    """
    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    try:
        return orjson.dumps(value, option=option).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is one
        separators = None if indent else (",", ":")
        return json.dumps(
            value, ensure_ascii=False, indent=2 if indent else None, separators=separators
        )
