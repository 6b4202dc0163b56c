"""An output folder that always holds one whole build: staged beside, published in one step.

Layout of OUT (a user's own files may sit beside all of this and are never touched):

    OUT/.graphkit/lock               locked by the one build writing OUT (gone when it ends)
    OUT/.graphkit/builds/<id>/       one whole build: its files and `build.json`
    OUT/.graphkit/current            a symbolic link to the published build
    OUT/report.json, OUT/views, ...  links through `.graphkit/current`, so that what a user
                                     opens is always the published build

A build writes a new `builds/<id>.partial/` (starting from hard links to the published
build's files, so unchanged files cost nothing), renames it to `builds/<id>/`, and publishes
it by renaming a new link over `current`: one atomic step. Killed before that step, it leaves
the previous build published and a `.partial` folder that the next build removes. The
previous build stays on disk, so a reader that resolved it (`published_build`) keeps
working, and so does any older one a running reader holds (`pin_build`).

>>> published_build(Path("no-such-folder"))
Traceback (most recent call last):
graphkit.outputs.folder.NoBuildError: no-such-folder holds no build: run `graphkit build` first
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..errors import ExitStatus, GraphkitError
from ..util import OUTPUT_MARK
from .files import write_json

MARK = OUTPUT_MARK
BUILDS = f"{MARK}/builds"
CURRENT = f"{MARK}/current"
LOCK = f"{MARK}/lock"
INFO = "build.json"
FORMAT = 1  # the layout of a build folder; readers refuse any other
FLAT_LEFTOVERS = frozenset(
    {"graph.graphml", "graph.gexf", "graph.ttl", "graph.jsonld", ".store.new", ".store.old"}
)  # what an older graphkit's flat build may hold besides the default files
KEEP = 2  # builds kept: the published one and the one before, which readers may still use


class NoBuildError(GraphkitError):
    """The folder holds no published build, or one this graphkit cannot read."""


class BuildBusyError(GraphkitError):
    """Another build is writing the folder."""

    exit_status = ExitStatus.BUSY


class OutputAmongSourcesError(GraphkitError):
    """The output folder is a source folder or inside one: its outputs would be read back."""


class OutputConflictError(GraphkitError):
    """A file of the user's stands where graphkit would put an output of the same name."""


@dataclass(frozen=True)
class BuildInfo:
    """What a published build is: recorded in its `build.json`, shown by `graphkit stats`."""

    id: str
    format: int
    graphkit: str
    built_at: str
    sources: list[str]
    records: int
    files: list[str]

    @classmethod
    def read(cls, folder: Path) -> BuildInfo:
        data = json.loads((folder / INFO).read_text(encoding="utf-8"))
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def refuse_output_among_sources(out: Path, sources: Iterable[str | Path]) -> None:
    """Raise OutputAmongSourcesError when `out` is one of the source folders or inside one."""
    target = out.resolve()
    for source in map(Path, sources):
        folder = source.resolve()
        if folder.is_dir() and (target == folder or folder in target.parents):
            raise OutputAmongSourcesError(
                f"the output folder {out} is inside the source folder {source}, so its outputs "
                "would be read as records: choose an output folder outside the sources"
            )


_PINS: list[Any] = []  # open build.json files whose shared locks keep builds in use on disk


def pin_build(out: Path) -> Path:
    """`published_build`, and keep that build on disk while this process lives: it holds a
    shared lock on its build.json, and a build removing old builds skips locked ones. For
    readers that run long (`graphkit serve`) across rebuilds."""
    folder = published_build(out)
    handle = open(folder / INFO, "rb")  # noqa: SIM115 - held open on purpose, for the lock
    fcntl.lockf(handle, fcntl.LOCK_SH)
    _PINS.append(handle)
    return folder


def _in_use(build: Path) -> bool:
    """Whether another process holds the build (an exclusive lock is refused)."""
    try:
        handle = open(build / INFO, "r+b")  # noqa: SIM115 - an exclusive lock needs write
    except OSError:
        return False
    with handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
    return False


def published_build(out: Path) -> Path:
    """The folder of the build published in `out`, resolved once so that a reader reads one
    build even if another is published meanwhile. Raises NoBuildError with a one-line reason.
    """
    link = out / CURRENT
    if not link.is_symlink():
        if (out / "report.json").is_file():
            raise NoBuildError(
                f"{out} holds a build from an older graphkit (no {CURRENT}): "
                "run `graphkit build` again"
            )
        raise NoBuildError(f"{out} holds no build: run `graphkit build` first")
    folder = link.resolve()
    try:
        info = json.loads((folder / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NoBuildError(
            f"{out}: the published build is unreadable: run `graphkit build`"
        ) from None
    if info.get("format") != FORMAT:
        raise NoBuildError(
            f"{out} was built by graphkit {info.get('graphkit', '?')} (build format "
            f"{info.get('format')}); this graphkit reads format {FORMAT}: run `graphkit build`"
        )
    return folder


@contextmanager
def staged_build(out: Path, wait: bool = False) -> Iterator[Path]:
    """Hold the folder's lock and yield a new build folder to write; publish it on success.

    On any error (or when killed) the previous build stays published. `wait` waits for
    another build writing `out` to finish; otherwise BuildBusyError is raised at once.
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / BUILDS).mkdir(parents=True, exist_ok=True)
    with _locked(out, wait):
        _remove_partial(out)
        build_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        staging = out / BUILDS / f"{build_id}.partial"
        _clone(_current(out), staging)
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        final = staging.with_name(build_id)
        staging.rename(final)
        _retire_flat_build(out, final)
        _publish(out, final)
        _remove_old(out, final)


def build_id(folder: Path) -> str:
    """The id of the build in `folder` (its staging folder while it is written)."""
    return folder.name.removesuffix(".partial")


def write_build_info(folder: Path, sources: list[str], records: int) -> Path:
    """Record what the build in `folder` is; its file list is every file in it but this one."""
    files = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    info = BuildInfo(
        id=build_id(folder), format=FORMAT, graphkit=version("graphkit"),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"), sources=sources,
        records=records, files=[f for f in files if f != INFO],
    )  # fmt: skip
    return write_json(folder, INFO, info.__dict__)


@contextmanager
def _locked(out: Path, wait: bool) -> Iterator[None]:
    with open(out / LOCK, "a+b") as handle:
        try:
            # A POSIX lock (lockf), not flock: it belongs to this process alone, so reading
            # processes forked from it, which may outlive it when it is killed, never hold it.
            fcntl.lockf(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise BuildBusyError(
                f"another build is writing {out}: wait for it, or use --wait"
            ) from None
        yield  # the lock goes when the file is closed, or when the process dies


def previous_build(out: Path) -> Path | None:
    """The build published in `out` before the one being written, if any (while the lock
    is held, it stays the published one)."""
    return _current(out)


def _current(out: Path) -> Path | None:
    link = out / CURRENT
    return link.resolve() if link.is_symlink() else None


def _clone(previous: Path | None, staging: Path) -> None:
    """Start the new build from hard links to the previous one's files (not its store, which
    is loaded anew): a file that does not change is then neither written nor copied."""
    staging.mkdir()
    if previous is None or not previous.is_dir():
        return
    for source in previous.rglob("*"):
        relative = source.relative_to(previous)
        if relative.parts[0] == "store" or relative.name == INFO:
            continue
        target = staging / relative
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)


def _publish(out: Path, build: Path) -> None:
    """Point `current` at `build` in one rename, then give each of its top-level names a link
    in OUT through `current` (and drop links to names it no longer has). A name taken by a
    file of the user's stops the build before anything changes."""
    names = sorted(path.name for path in build.iterdir() if path.name != INFO)
    for name in names:
        _check_free(out / name)
    temporary = out / f"{CURRENT}.{uuid.uuid4().hex[:8]}"
    temporary.symlink_to(Path("builds") / build.name)
    os.replace(temporary, out / CURRENT)
    for name in names:
        if not _is_our_link(out / name):
            temporary = out / f".{name}.{uuid.uuid4().hex[:8]}"
            temporary.symlink_to(f"{CURRENT}/{name}")
            os.replace(temporary, out / name)
    for path in out.iterdir():
        if _is_our_link(path) and path.name not in names:
            path.unlink()


def _is_our_link(path: Path) -> bool:
    return path.is_symlink() and os.readlink(path) == f"{CURRENT}/{path.name}"


def _check_free(path: Path) -> None:
    if _is_our_link(path) or not (path.exists() or path.is_symlink()):
        return
    raise OutputConflictError(
        f"{path} is not graphkit's but is in the way of the output of that name: "
        "move it away and build again"
    )


def _retire_flat_build(out: Path, build: Path) -> None:
    """Remove the outputs an older graphkit wrote straight into OUT (recognised by its
    `report.json`), where the links to the new build go: once, on the first staged build."""
    report = out / "report.json"
    if report.is_symlink() or not report.is_file():
        return
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not (isinstance(data, dict) and {"sources", "summary"} <= data.keys()):
        return
    names = {path.name for path in build.iterdir()} | FLAT_LEFTOVERS
    for name in sorted(names):
        path = out / name
        if path.is_symlink() or not path.exists():
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _remove_partial(out: Path) -> None:
    """Leftovers of builds that died before publishing (the lock says none is running)."""
    for path in (out / BUILDS).iterdir():
        if path.name.endswith(".partial"):
            shutil.rmtree(path, ignore_errors=True)
    for path in (out / MARK).glob("current.*"):
        path.unlink(missing_ok=True)


def _remove_old(out: Path, published: Path) -> None:
    builds = sorted(
        (p for p in (out / BUILDS).iterdir() if p.is_dir() and not p.name.endswith(".partial")),
        key=lambda p: (p == published, p.stat().st_mtime),
    )
    for old in builds[:-KEEP]:
        if not _in_use(old):
            shutil.rmtree(old, ignore_errors=True)


def describe(info: BuildInfo) -> dict[str, Any]:
    """The build as `graphkit stats` shows it."""
    return {
        "build": info.id, "built_at": info.built_at, "graphkit": info.graphkit,
        "sources": info.sources, "records": info.records, "files": len(info.files),
    }  # fmt: skip
