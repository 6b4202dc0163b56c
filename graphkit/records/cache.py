"""What each file read to last time, so that a rebuild parses only the files that changed.

A file is taken from the cache when its size, modification time (to the nanosecond) and inode
are those it had when it was read, and the reading code is the same (a fingerprint of this
package's source). As in git's index, a file modified in the two seconds before its entry was
written is not kept: a later change in the same clock tick would not show in its time.

The cache is text, never pickle: an output folder may come from someone else, and loading it
must not run code. Each line is a JSON array (the file's key and stamp), a tab, and the JSON
of what the file read to; that part is made by the worker that read the file and decoded only
when the file is taken from the cache, so filling and saving the cache costs the build's main
process almost nothing. Every entry is checked as it is decoded; an entry that does not decode
is dropped and its file read again.

>>> cache = ReadCache()
>>> cache.get(Path("seeds/000_fe3165b138a4a152.txt")) is None
True
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import orjson

from ..util import json_text, new_mode
from .model import Image, Mention, Problem, Record, Severity

FORMAT = 2
RACY_NS = 2_000_000_000  # files changed this close to the save are read again next time
FileResult = tuple[list[Record], list[Problem]]
Stamp = tuple[int, int, int]  # size, mtime_ns, inode


class ReadCache:
    """Each file's records and problems from an earlier read, valid while its stamp holds."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[Stamp, str]] = {}  # path -> stamp, result as JSON
        self.kept: dict[str, tuple[Stamp, str]] = {}  # what this run used or read: saved
        self._sink: TextIO | None = None  # while `saving`: where kept entries go at once

    @classmethod
    def load(cls, path: Path) -> ReadCache:
        """The cache saved at `path`; an empty one when it is missing, foreign or damaged."""
        cache = cls()
        try:
            with path.open(encoding="utf-8") as lines:
                if json.loads(next(lines, "null")) != _header():
                    return cache
                for line in lines:
                    head, tab, encoded = line.rstrip("\n").partition("\t")
                    key, size, mtime_ns, inode = orjson.loads(head)
                    if not tab:
                        raise ValueError("no result")
                    cache.entries[str(key)] = ((int(size), int(mtime_ns), int(inode)), encoded)
        except (OSError, ValueError, TypeError):
            cache.entries.clear()
        return cache

    def get(self, file: Path) -> FileResult | None:
        """The file's result from the cache, or None when it changed or was never read."""
        key = _key(file)
        found = self.entries.get(key)
        stamp = stamp_of(file)
        if found is None or stamp is None or found[0] != stamp:
            return None
        try:
            result = decode_result(orjson.loads(found[1]))
        except (ValueError, TypeError, KeyError, IndexError):
            return None
        self._keep(key, found)
        return result

    def put(self, file: Path, stamp: Stamp | None, result: FileResult | str) -> None:
        """Remember what `file` read to (or its `result_json`), as it was at `stamp` (taken
        before reading it)."""
        if stamp is not None:
            text = result if isinstance(result, str) else result_json(result)
            self._keep(_key(file), (stamp, text))

    def _keep(self, key: str, entry: tuple[Stamp, str]) -> None:
        if self._sink is None:
            self.kept[key] = entry
        else:
            _write_entry(self._sink, key, entry, time.time_ns() - RACY_NS)

    def save(self, path: Path) -> None:
        """Write the entries this run used or read (files gone since are dropped), atomically."""
        with self.saving(path):
            pass

    @contextmanager
    def saving(self, path: Path) -> Iterator[None]:
        """Within the block, write each entry to a new cache file as soon as it is used or
        read (a million files' JSON is never all in memory): it replaces `path` when the block
        ends, and is dropped if the block fails. Entries kept before it are written first."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            os.fchmod(handle, new_mode())  # mkstemp makes 0600 files; the folder's are shared
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps(_header()) + "\n")
                fresh_from = time.time_ns() - RACY_NS
                for key, entry in self.kept.items():
                    _write_entry(out, key, entry, fresh_from)
                self._sink = out
                yield
                self._sink = None
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        finally:
            self._sink = None


def _write_entry(out: TextIO, key: str, entry: tuple[Stamp, str], fresh_from: int) -> None:
    """One line of the cache file, unless the file changed too recently to trust its stamp:
    modified after `fresh_from` (two seconds before now), a change in the same clock tick
    after it was read would not show in its time."""
    stamp, encoded = entry
    if stamp[1] < fresh_from:
        head = json.dumps([key, *stamp], ensure_ascii=False)
        out.write(f"{head}\t{encoded}\n")


def _key(file: Path) -> str:
    """The file as named, and the working folder: together they fix the name its records carry
    (`display_path`), which a key by the file alone would not."""
    return f"{os.getcwd()}\n{file}"


def stamp_of(file: Path) -> Stamp | None:
    try:
        info = file.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def _header() -> dict[str, Any]:
    return {"graphkit_read_cache": FORMAT, "reader": _reader_fingerprint()}


def _reader_fingerprint() -> str:
    """A hash of the reading code: a change in how files are read empties the cache."""
    digest = hashlib.sha256()
    for source in sorted(resources.files(__package__).iterdir(), key=lambda p: p.name):
        if source.name.endswith(".py"):
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


# ------------------------------------------------------------------ encoding, checked


def result_json(result: FileResult) -> str:
    """What a file read to, as the cache keeps it: JSON on one line (no tab: JSON escapes it)."""
    return json_text(encode_result(result))


def encode_result(result: FileResult) -> list[Any]:
    records, problems = result
    return [
        [_record(r) for r in records],
        [[p.path, p.reason, p.severity.value, p.line] for p in problems],
    ]


def decode_result(data: Any) -> FileResult:
    """The inverse of `encode_result`; raises ValueError or TypeError on anything else."""
    records, problems = data
    return (
        [_to_record(r) for r in records],
        [
            Problem(_str(path), _str(reason), Severity(severity), _int_or_none(line))
            for path, reason, severity, line in problems
        ],
    )


def _record(r: Record) -> list[Any]:
    return [
        r.source, _mention(r.article), [_mention(m) for m in r.related], list(r.topics),
        list(r.categories), list(r.tags), r.locale, _time(r.updated), r.line,
    ]  # fmt: skip


def _to_record(data: Any) -> Record:
    source, article, related, topics, categories, tags, locale, updated, line = data
    return Record(
        _str(source), _to_mention(article), tuple(map(_to_mention, related)),
        _strings(topics), _strings(categories), _strings(tags), _str_or_none(locale),
        _to_time(updated), _int_or_none(line),
    )  # fmt: skip


def _mention(m: Mention) -> list[Any]:
    return [
        list(m.urls), m.title, m.excerpt, _time(m.published), m.published_raw, m.time_has_zone,
        m.provider_name, m.provider_domain, m.quality, m.heat, m.type,
        [[i.url, i.width, i.height] for i in m.images], m.own_record,
    ]  # fmt: skip


def _to_mention(data: Any) -> Mention:
    (urls, title, excerpt, published, raw, has_zone, name, domain, quality, heat, kind, images,
     own) = data  # fmt: skip
    return Mention(
        _strings(urls), _str_or_none(title), _str_or_none(excerpt), _to_time(published),
        _str_or_none(raw), _bool(has_zone), _str_or_none(name), _str_or_none(domain),
        _float_or_none(quality), _float_or_none(heat), _str_or_none(kind),
        tuple(Image(_str(u), _int_or_none(w), _int_or_none(h)) for u, w, h in images), _bool(own),
    )  # fmt: skip


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _to_time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(_str(value))


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError  # the entry is read again; no one sees a message
    return value


def _str_or_none(value: Any) -> str | None:
    return None if value is None else _str(value)


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(map(_str, values))


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError  # the entry is read again; no one sees a message
    return value


def _int_or_none(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError  # the entry is read again; no one sees a message
    return value


def _float_or_none(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError  # the entry is read again; no one sees a message
    return value
