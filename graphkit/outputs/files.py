"""Write files into the output folder, and only there."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import GraphkitError
from ..util import json_text, new_mode


class UnsafePathError(GraphkitError, ValueError):
    """A name that would put a file outside the output folder."""


def inside(out: Path, name: str) -> Path:
    """The path of `name` within `out`; refuses names that climb out of it.

    >>> inside(Path("out"), "views/story.html").relative_to(Path("out").resolve())
    PosixPath('views/story.html')
    >>> inside(Path("out"), "../etc/passwd")
    Traceback (most recent call last):
    graphkit.outputs.files.UnsafePathError: '../etc/passwd' is outside the output folder out
    """
    root = out.resolve()
    target = (root / name).resolve()
    if root != target and root not in target.parents:
        raise UnsafePathError(f"{name!r} is outside the output folder {out}")
    return target


def write_text(out: Path, name: str, text: str) -> Path:
    """Write UTF-8 text atomically, so a reader never sees half a file. A file that already
    holds exactly this text is left alone: a rebuild rewrote thousands of unchanged pages,
    and replacing a file costs more than reading it."""
    data = text.encode("utf-8")
    target = inside(out, name)
    if _holds(target, data):
        return target
    return _write_atomically(target, lambda stream: stream.write(data))


def _holds(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def write_stream(out: Path, name: str, write: Callable[[BinaryIO], object]) -> Path:
    """Write a file atomically from `write(stream)`: big outputs never sit whole in memory. A
    file that already held the same bytes is left alone, as `write_text` leaves it."""
    return _write_atomically(inside(out, name), write, keep_same=True)


def _write_atomically(
    target: Path, write: Callable[[BinaryIO], object], keep_same: bool = False
) -> Path:
    with atomic_stream(target, keep_same) as stream:
        write(stream)
    return target


@contextmanager
def atomic_stream(target: Path, keep_same: bool = False) -> Iterator[BinaryIO]:
    """A stream to write `target` with: the file appears whole when the block ends, or not
    at all if it fails; with `keep_same`, a file that holds the same bytes already stays as
    it is. The stream is open for reading too (a loader may read back what is written)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        os.fchmod(handle, new_mode())  # mkstemp makes 0600 files; outputs are for sharing
        with os.fdopen(handle, "wb") as stream:
            yield stream
        if keep_same and _same_bytes(Path(temporary), target):
            Path(temporary).unlink()
        else:
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _same_bytes(one: Path, other: Path, chunk: int = 1 << 20) -> bool:
    try:
        if one.stat().st_size != other.stat().st_size:
            return False
        with one.open("rb") as a, other.open("rb") as b:
            while block := a.read(chunk):
                if block != b.read(chunk):
                    return False
        return True
    except OSError:
        return False


def keep_only(folder: Path, written: Iterable[Path]) -> None:
    """Remove every file of a build's own folder that the build did not write (those its
    start, hard links to the previous build, brought and it no longer makes), and the folders
    this leaves empty. A written folder (the store) is kept whole."""
    kept = {path.resolve() for path in written}
    for path in sorted(folder.resolve().rglob("*"), reverse=True):  # contents before folders
        if path in kept or kept.intersection(path.parents):
            continue
        if path.is_file() or path.is_symlink():
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def write_json(out: Path, name: str, data: Any, indent: int | None = 2) -> Path:
    """Write JSON as UTF-8, indented by two spaces (`indent=None`: one line, as json.dumps
    writes it)."""
    if indent is None:
        return write_text(out, name, json.dumps(data, ensure_ascii=False) + "\n")
    return write_text(out, name, json_text(data, indent=True) + "\n")


def share_tree(root: Path) -> None:
    """Give `root` and everything in it the modes of new files and folders (see `new_mode`)."""
    file_mode, dir_mode = new_mode(), new_mode(directory=True)
    for folder, _, names in os.walk(root, topdown=False):  # contents first, then their folder
        for name in names:
            os.chmod(os.path.join(folder, name), file_mode)
        os.chmod(folder, dir_mode)
