"""What each file read to last time, so that a rebuild parses only the files that changed.

A build keeps a cache of tables (`ReadCache.load_tables`, `save_tables`): each unchanged
file's records as the record tables of the read that made them (Arrow), so that its rows are
neither parsed nor checked again. A cache of documents (`ReadCache.load`, `saving`) keeps
what each file's front matter parsed to instead, for records read as objects (parsing YAML
is most of reading a file; checking its fields is redone, which gives the same record from
the same document). What follows holds for both.

A file is taken from the cache when its size, modification time (to the nanosecond) and inode
are those it had when it was read, and the reading code is the same (a fingerprint of this
package's source). As in git's index, a file modified in the two seconds before its entry was
written is not kept: a later change in the same clock tick would not show in its time. A file
is kept only when it read without a problem and its document is plain JSON that gives the
document back (`document_json`): a file with a problem is read again and says it again.

The cache is text, never pickle: an output folder may come from someone else, and loading it
must not run code. Each line is a JSON array (the file's key and stamp), a tab, and the JSON
of the document; that part is made by the worker that read the file and decoded only when the
file is taken from the cache, so filling and saving the cache costs the build's main process
almost nothing. An entry whose checksum fails, or that does not decode, is dropped and its file
read again.

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
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, Literal

import orjson
import polars as pl

from ..util import new_mode, read_table_folder, replace_table_folder
from .columns import (
    IMAGES_SCHEMA,
    LABELS_SCHEMA,
    MENTIONS_SCHEMA,
    RECORDS_SCHEMA,
    URLS_SCHEMA,
    RecordTables,
)
from .fields import IMAGE_FIELDS, MAX_TEXT, MENTION_FIELDS, PROVIDER_FIELDS, RECORD_FIELDS
from .frontmatter import TIME_KEYS
from .model import Problem, Record

FORMAT = 3
RACY_NS = 2_000_000_000  # files changed this close to the save are read again next time
FileResult = tuple[list[Record], list[Problem]]
Stamp = tuple[int, int, int]  # size, mtime_ns, inode
# What a file read to, as its reader hands it to the cache: the file's stamp (taken before
# reading it), its document's JSON in UTF-8 and that JSON's checksum, all made where it was
# read: the process writing the cache only writes them (a million entries are 2.8 GB).
Entry = tuple[Stamp, bytes, str]
# What readers make for a cache: each file's document as JSON (a cache of documents, for
# records read as objects), or only its stamp (a cache of tables, whose rows hold the rest).
Keeps = Literal["documents", "stamps"]
Kept = tuple[Stamp, str | bytes]  # a stamp and the document's JSON, as text or UTF-8
TABLES_DIR = "read-tables"  # beside the cache file: its files' records as Arrow tables
_TABLES = {
    "records": RECORDS_SCHEMA, "labels": LABELS_SCHEMA, "mentions": MENTIONS_SCHEMA,
    "urls": URLS_SCHEMA, "images": IMAGES_SCHEMA,
}  # fmt: skip
_FILES_SCHEMA = {
    "key": pl.String, "source": pl.String, "size": pl.Int64, "mtime_ns": pl.Int64,
    "inode": pl.Int64,
}  # fmt: skip
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # what reading never lets through


class ReadCache:
    """Each file's parsed front matter from an earlier read, valid while its stamp holds;
    or, without `documents` (`load_tables`), each file's records as the tables of that read."""

    def __init__(self, documents: bool = True) -> None:
        self.documents = documents
        # path -> stamp, document as JSON, its checksum (checked when the document is decoded)
        self.entries: dict[str, tuple[Stamp, str, str]] = {}
        self.kept: dict[str, tuple[Stamp, str, str | None]] = {}  # used or read: saved
        self._sink: BinaryIO | None = None  # while `saving`: where kept entries go at once
        self._folder: str | None = None  # while `saving`: the working folder, asked once
        self.stamps: dict[str, Stamp] = {}  # every entry kept this run
        self.sources: dict[str, str] = {}  # key -> the source its records carry
        self.tables: RecordTables | None = None  # the records of `table_files`, saved
        self.table_files: dict[str, tuple[Stamp, str]] = {}  # key -> stamp, source
        self.from_tables: list[str] = []  # the sources taken from `tables` this run

    @property
    def keeps(self) -> Keeps:
        """What the readers make for this cache."""
        return "documents" if self.documents else "stamps"

    @classmethod
    def load_tables(cls, folder: Path) -> ReadCache:
        """A cache of tables only: the record tables saved in `folder` (`save_tables`) and
        the stamps of their files; empty when they are missing, foreign or damaged. What a
        build keeps: a rebuild takes an unchanged file's rows from the tables, and nothing
        else of it is needed (a cache of documents for 100,000 files is 269 MB of JSON,
        loaded and written again by every rebuild)."""
        cache = cls(documents=False)
        cache._load_tables(folder)
        return cache

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
                    key, size, mtime_ns, inode, digest = orjson.loads(head)
                    if not tab:
                        raise ValueError("no document")
                    stamp = (int(size), int(mtime_ns), int(inode))
                    cache.entries[str(key)] = (stamp, encoded, str(digest))
        except (OSError, ValueError, TypeError):
            cache.entries.clear()
        if cache.entries:
            cache._load_tables(path.parent / TABLES_DIR)
        return cache

    def _load_tables(self, folder: Path) -> None:
        """The saved tables, when they are this reader's, whole, and hold only what reading
        lets through (an output folder may come from someone else); else none."""
        found = read_table_folder(folder, ["files", *_TABLES], _header())
        if found is None:
            return
        files, *frames = found
        expected = [_FILES_SCHEMA, *_TABLES.values()]
        if any(dict(f.schema) != s for f, s in zip([files, *frames], expected, strict=True)):
            return
        tables = RecordTables(*frames)
        if not _plain_text(tables):
            return
        self.tables = tables
        self.table_files = {
            key: ((size, mtime_ns, inode), source)
            for key, source, size, mtime_ns, inode in files.iter_rows()
        }

    def remember(self, file: Path, source: str) -> None:
        """The name `file`'s records carry (`source`): what its rows are found by in the
        saved tables."""
        self.sources[self._key(file)] = source

    def source(self, file: Path) -> str | None:
        """The name `file`'s records carry, where `remember` or `in_tables` was told it."""
        return self.sources.get(self._key(file))

    def in_tables(self, file: Path) -> bool:
        """Whether the saved tables hold `file`'s records as the file is now (its stamp, and
        its cache entry's): its rows are then taken from there (`taken_tables`), and its
        document is neither decoded nor checked again. The name its records carry is the
        saved one: the key fixes the file as named and the working folder, the stamp the file
        (naming each of a million files again cost an lstat each)."""
        key = self._key(file)
        saved, found = self.table_files.get(key), self.entries.get(key)
        if saved is None or (found is None and self.documents):
            return False
        stamp = stamp_of(file)
        if stamp is None or saved[0] != stamp or (found is not None and found[0] != stamp):
            return False
        if found is None:
            self.stamps[key] = stamp
        else:
            self._keep(key, found[:2], found[2])  # its checksum as it was: checked when decoded
        self.sources[key] = saved[1]
        self.from_tables.append(saved[1])
        return True

    def taken_tables(self) -> RecordTables:
        """The rows of the files `in_tables` found, from the saved tables (which it lets go)."""
        tables, self.tables = self.tables, None
        if not self.from_tables or tables is None:
            return RecordTables.empty()
        return tables.of_sources(self.from_tables)

    def save_tables(self, tables: RecordTables, folder: Path) -> None:
        """Keep the rows of the files kept in the cache this run (not those changed too
        recently to trust their stamp) as Arrow files in `folder`, replacing what it held."""
        fresh_from = time.time_ns() - RACY_NS
        files = [
            (key, self.sources[key], *stamp)
            for key, stamp in self.stamps.items()
            if key in self.sources and stamp[1] < fresh_from
        ]
        listed = pl.DataFrame(files, schema=_FILES_SCHEMA, orient="row")
        sources = listed["source"]
        if tables.records["source"].is_in(sources.implode()).all():
            kept = tables  # every file kept, the usual case: no copy of a million rows
        else:
            kept = tables.of_sources(sources.to_list())
        frames = dict(zip(_TABLES, (kept.records, kept.labels, kept.mentions, kept.urls,
                                    kept.images), strict=True))  # fmt: skip
        replace_table_folder(folder, {"files": listed, **frames}, _header())

    def get(self, file: Path) -> tuple[Any] | None:
        """The file's document from the cache (in a tuple), or None when it changed or was
        never read."""
        if not self.entries:  # a fresh build: nothing to look up, no file to look at
            return None
        key = self._key(file)
        found = self.entries.get(key)
        stamp = stamp_of(file)
        if found is None or stamp is None or found[0] != stamp:
            return None
        if found[2] != _digest(found[1]):  # damaged: its file is read again
            return None
        try:
            document = orjson.loads(found[1])
        except orjson.JSONDecodeError:
            return None
        self._keep(key, found[:2], found[2])
        return (document,)

    def put(self, file: Path, entry: Entry) -> None:
        """Remember what `file` parsed to (`cache_entry`: its stamp before it was read, its
        `document_json` and checksum)."""
        stamp, text, digest = entry
        self._keep(self._key(file), (stamp, text), digest)

    def _keep(self, key: str, entry: Kept, digest: str | None = None) -> None:
        self.stamps[key] = entry[0]
        if not self.documents:  # the tables saved will hold what it read to
            return
        if self._sink is None:  # kept until saved, as text
            stamp, document = entry
            text = document.decode("utf-8") if isinstance(document, bytes) else document
            self.kept[key] = (stamp, text, digest)
        else:
            _write_entry(self._sink, key, entry, time.time_ns() - RACY_NS, digest)

    def _key(self, file: Path) -> str:
        """The file as named, and the working folder: together they fix the name its records
        carry (`display_path`), which a key by the file alone would not."""
        return f"{self._folder or os.getcwd()}\n{file}"

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
            with os.fdopen(handle, "wb") as out:
                out.write(json.dumps(_header()).encode("utf-8") + b"\n")
                fresh_from = time.time_ns() - RACY_NS
                for key, (stamp, text, digest) in self.kept.items():
                    _write_entry(out, key, (stamp, text), fresh_from, digest)
                self._sink, self._folder = out, os.getcwd()
                yield
                self._sink = None
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        finally:
            self._sink = self._folder = None


def _plain_text(tables: RecordTables) -> bool:
    """Whether every text holds only what reading lets through (no control characters, at
    most MAX_TEXT characters): saved tables are not read again, so they are checked here."""
    for frame in (tables.records, tables.labels, tables.mentions, tables.urls, tables.images):
        # (url_key is the own article's URLs joined by NUL: an order, never shown or minted)
        texts = [n for n, kind in frame.schema.items() if kind == pl.String and n != "url_key"]
        if not texts or frame.is_empty():
            continue
        bad = frame.select(
            pl.any_horizontal(
                pl.col(name).str.contains(_CONTROL) | (pl.col(name).str.len_chars() > MAX_TEXT)
                for name in texts
            ).any()
        ).item()
        if bad:
            return False
    return True


def _write_entry(
    out: BinaryIO, key: str, entry: Kept, fresh_from: int, digest: str | None = None
) -> None:
    """One line of the cache file, unless the file changed too recently to trust its stamp:
    modified after `fresh_from` (two seconds before now), a change in the same clock tick
    after it was read would not show in its time."""
    stamp, document = entry
    if stamp[1] < fresh_from:
        encoded = document if isinstance(document, bytes) else document.encode("utf-8")
        head = orjson.dumps([key, *stamp, digest or _digest(encoded)])
        out.write(b"".join((head, b"\t", encoded, b"\n")))


def _digest(text: str | bytes) -> str:
    """A checksum of an entry (of its UTF-8): an entry damaged on disk is not taken for a
    document."""
    encoded = text if isinstance(text, bytes) else text.encode("utf-8")
    return hashlib.blake2b(encoded, digest_size=8).hexdigest()


def cache_entry(stamp: Stamp | None, text: str | None) -> Entry | None:
    """What a reader hands the cache for a file stamped `stamp` before it read to `text` (its
    `document_json`), or None when the cache cannot keep it (no stamp, no JSON): the checksum
    is made here, by the reader, not by the process writing the cache.

    >>> cache_entry((3, 1, 2), '{"title":"Hi"}')
    ((3, 1, 2), b'{"title":"Hi"}', '8768a35c4b701ad7')
    """
    if stamp is None or text is None:
        return None
    encoded = text.encode("utf-8")
    return stamp, encoded, _digest(encoded)


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


def document_json(document: Any) -> str | None:
    """A parsed document as the cache keeps it (only the fields records are read from): JSON
    that gives the same back, or None for one that JSON cannot carry whole (a number beyond
    64 bits, NaN, a key that is not text, a YAML type JSON has no form for).

    A record's times may be YAML times (PyYAML makes `datetime`s of plain ones): they are
    kept as their text (`str`), which the reader reads to the same time.

    >>> from datetime import datetime
    >>> document_json({"title": "Hi", "publishedDateTime": datetime(2021, 2, 18, 16, 13)})
    '{"title":"Hi","publishedDateTime":"2021-02-18 16:13:00"}'
    >>> document_json({"quality": float("nan")}) is None
    True
    >>> document_json({"webUrl": "https://a.example/", "secured": "c2VjcmV0"})
    '{"webUrl":"https://a.example/"}'

    """
    if not isinstance(document, dict):
        return None
    plain = _fields(document, RECORD_FIELDS)
    related = plain.get("related")
    if isinstance(related, list):
        plain["related"] = [
            _fields(e, MENTION_FIELDS) if isinstance(e, dict) else e for e in related
        ]
    try:
        text = orjson.dumps(plain)
        if orjson.loads(text) != plain:
            return None
    except (TypeError, orjson.JSONEncodeError):
        return None
    return text.decode("utf-8")


def _image_fields(image: Any) -> Any:
    return (
        {k: v for k, v in image.items() if k in IMAGE_FIELDS} if isinstance(image, dict) else image
    )


def _fields(given: dict[Any, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The fields a record is read from (no other: `secured` never reaches a file of the
    output folder), times as text, an outlet's and images' fields likewise."""
    kept = {name: given[name] for name in names if name in given}
    for name in TIME_KEYS:
        if isinstance(kept.get(name), date):
            kept[name] = str(kept[name])
    if isinstance(kept.get("provider"), dict):
        kept["provider"] = {k: v for k, v in kept["provider"].items() if k in PROVIDER_FIELDS}
    if isinstance(kept.get("images"), list):
        kept["images"] = [
            {k: v for k, v in image.items() if k in IMAGE_FIELDS}
            if isinstance(image, dict)
            else image
            for image in kept["images"]
        ]
    return kept
