"""Incremental builds: a rebuild reads only the files that changed, and writes what a clean
build of the same files writes."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from pyoxigraph import Store

import graphkit
from graphkit.analysis import StoryParams
from graphkit.analysis.stories.memo import decode_parts, encode_parts
from graphkit.pipeline import READ_CACHE, READ_TABLES, SPLIT_MEMO
from graphkit.records import ReadCache, read_file, read_records
from graphkit.records import cache as cache_module
from graphkit.records.cache import document_json
from graphkit.records.reader import StrictModeError, find_files, kept_in_cache
from graphkit.synthetic import generate_corpus

from .conftest import MIXED, SEEDS

NOW = datetime(2025, 6, 1, tzinfo=UTC)
AN_HOUR_AGO = time.time() - 3600


def corpus(tmp_path: Path) -> Path:
    """The seeds and the mixed fixtures (good and bad records), last modified an hour ago:
    files changed just before a build are not kept in its cache."""
    records = tmp_path / "records"
    shutil.copytree(SEEDS, records)
    shutil.copytree(MIXED, records / "mixed")
    for file in records.rglob("*"):
        os.utime(file, (AN_HOUR_AGO, AN_HOUR_AGO))
    return records


def not_kept(records: Path) -> int:
    """How many of the files below `records` the read cache does not keep: JSON ones, and
    those that read with a problem (read again, they say it again)."""
    return sum(
        not kept_in_cache(file) or bool(read_file(file)[1]) for file in find_files([records])[0]
    )


def contents(out: Path) -> dict[str, bytes]:
    """Every file a build wrote, and the store's quads (its files differ from load to load);
    the build's id (which story ids it moved say) as BUILD, and not the time it was made."""
    current = out / ".graphkit/current"  # the build's own folder: pages and assets too
    build = json.loads((current / "build.json").read_bytes())["id"].encode()
    found = {
        str(path.relative_to(current)): path.read_bytes().replace(build, b"BUILD")
        for path in sorted(current.rglob("*"))
        if path.is_file() and path.relative_to(current).parts[0] != "store"
    }
    assert {"index.html", "graph.nt"} <= found.keys() and any(n.startswith("views/") for n in found)
    # build.json: not the clock time, nor the names of the store's files (they vary by load)
    info = json.loads(found["build.json"])
    del info["built_at"]
    info["files"] = [name for name in info["files"] if not name.startswith("store/")]
    found["build.json"] = json.dumps(info).encode()
    store = Store.read_only(str(out / "store"))
    found["store"] = "\n".join(sorted(str(quad) for quad in store)).encode()
    return found


STREAMED = {"graph.nt"}  # written as it is made, so always written anew
SEED = "000_fe3165b138a4a152.txt"  # The Daily Dot, a day after The Washington Post


def change(records: Path) -> None:
    """Move the seed's own article two days earlier: it becomes its story's first coverage."""
    file = records / SEED
    text = file.read_text(encoding="utf-8")
    file.write_text(
        text.replace(
            "publishedDateTime: 2021-02-18T16:13:00Z", "publishedDateTime: 2021-02-16T16:13:00Z", 1
        ),
        encoding="utf-8",
    )


def add(records: Path) -> None:
    """A new record: the seed's article under another address."""
    text = (records / SEED).read_text(encoding="utf-8")
    new = text.replace("dailydot.com/debug/", "dailydot.com/debug/new-", 1)
    assert new != text
    (records / "added.txt").write_text(new, encoding="utf-8")


def remove(records: Path) -> None:
    (records / SEED).unlink()


def first_outlets(build: graphkit.Build) -> tuple[str, ...]:
    url = "https://dailydot.com/debug/biden-facial-recognition-pressure"
    story = next(s for s in build.coverage if url in {e.article for e in s.entries})
    return story.first_providers


@pytest.mark.slow
@pytest.mark.parametrize(("edit", "reused"), [(change, -1), (add, 0), (remove, -1)])
def test_a_rebuild_writes_what_a_clean_build_writes(tmp_path: Path, edit, reused: int) -> None:
    records = corpus(tmp_path)
    first = graphkit.build(records, tmp_path / "out", now=NOW)
    files = first.read.files_read
    assert first.read.files_reused == 0 and files > 30
    before = contents(tmp_path / "out")
    # the clean build goes into a copy of this one: the same earlier story ids to carry on
    shutil.copytree(tmp_path / "out", tmp_path / "clean", symlinks=True)
    (tmp_path / "out" / "my notes.txt").write_text("mine")
    edit(records)
    again = graphkit.build(records, tmp_path / "out", now=NOW)
    assert (tmp_path / "out" / "my notes.txt").read_text() == "mine"  # not graphkit's to remove
    (tmp_path / "out" / "my notes.txt").unlink()
    clean = graphkit.build(records, tmp_path / "clean", now=NOW, reuse=False)
    # only the changed file was read again, and the JSON ones, which the cache does not keep
    assert again.read.files_reused == files - not_kept(records) + reused and not_kept(records)
    assert clean.read.files_reused == 0
    # the rebuild's store is the previous one and a delta; the clean one is loaded whole
    assert again.store_update is not None and again.store_update.how == "delta"
    assert 0 < again.store_update.removed + again.store_update.added < 100
    assert clean.store_update is None
    assert contents(tmp_path / "out") == contents(tmp_path / "clean")
    assert contents(tmp_path / "out") != before  # the edit shows
    # Leiden's parts of the components the edit did not touch came from the first build
    assert again.split_memo is not None and clean.split_memo is not None
    assert again.split_memo.reused > 0 and clean.split_memo.reused == 0


def generated_with_one_more(tmp_path: Path) -> tuple[Path, Path]:
    """A generated corpus of 2,000 records, and a file for one more: a copy of its first
    record under another address, with another headline."""
    records = tmp_path / "records"
    generate_corpus(records, 2000, noise=0.05, seed=11)
    for file in records.rglob("*"):
        os.utime(file, (AN_HOUR_AGO, AN_HOUR_AGO))
    first = min(records.glob("*.txt"))
    text = first.read_text(encoding="utf-8")
    url = re.search(r'^webUrl: "([^"]+)"', text, re.MULTILINE)
    assert url is not None
    new = text.replace(url[1], url[1] + "-update").replace('title: "', 'title: "Update: ', 1)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "one-more.txt").write_text(new, encoding="utf-8")
    return records, extra


@pytest.mark.slow
def test_a_rebuild_splits_only_the_components_a_new_record_touches(tmp_path: Path) -> None:
    """Word weights on a grid (`similarity.on_grid`): one more record moves few articles'
    vectors, so Leiden runs again on few components; the stories are a clean build's."""
    records, extra = generated_with_one_more(tmp_path)
    graphkit.build(records, tmp_path / "out", now=NOW)
    shutil.copytree(tmp_path / "out", tmp_path / "clean", symlinks=True)
    again = graphkit.build([records, extra], tmp_path / "out", now=NOW)
    clean = graphkit.build([records, extra], tmp_path / "clean", now=NOW, reuse=False)
    assert clean.split_memo is not None and clean.split_memo.reused == 0
    memo = again.split_memo
    assert memo is not None and memo.split >= 1  # the new record's own component
    # 32 of 202 here: in a small corpus most of a headline's words are rare, and a rare
    # word's count crosses a step of the grid at each new article (in 100,000 records: a few)
    assert memo.split <= 0.2 * (memo.reused + memo.split)
    assert contents(tmp_path / "out") == contents(tmp_path / "clean")


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["cut short", "other parameters", "other parts"])
def test_a_damaged_or_foreign_split_memo_is_not_trusted(tmp_path: Path, damage: str) -> None:
    records = corpus(tmp_path)
    graphkit.build(records, tmp_path / "out", now=NOW)
    saved = tmp_path / "out" / SPLIT_MEMO
    if damage == "cut short":
        data = (saved / "parts.arrow").read_bytes()
        (saved / "parts.arrow").write_bytes(data[: len(data) // 2])
    elif damage == "other parameters":
        header = json.loads((saved / "header.json").read_text(encoding="utf-8"))
        header["params"] = repr(StoryParams(resolution=0.5))
        (saved / "header.json").write_text(json.dumps(header), encoding="utf-8")
    else:  # every component said to be one story: a memo that is not this build's answer
        table = pl.read_ipc(saved / "parts.arrow")
        sizes = [sum(map(len, decode_parts(parts))) for parts in table["parts"].to_list()]
        whole = [encode_parts([list(range(size))]) for size in sizes]
        table.with_columns(pl.Series("parts", whole)).write_ipc(saved / "parts.arrow")
    again = graphkit.build(records, tmp_path / "out", now=NOW)
    clean = graphkit.build(records, tmp_path / "clean", now=NOW, reuse=False)
    assert again.split_memo is not None
    if damage == "other parts":  # a memo is trusted as this build's: its keys say so
        assert again.split_memo.reused > 0
        assert len(again.stories) < len(clean.stories)
    else:
        assert again.split_memo.reused == 0
        assert [s.id for s in again.stories] == [s.id for s in clean.stories]


@pytest.mark.slow
def test_the_first_coverage_follows_a_changed_file(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    before = graphkit.build(records, tmp_path / "out", now=NOW)
    change(records)
    after = graphkit.build(records, tmp_path / "out", now=NOW)
    assert (first_outlets(before), first_outlets(after)) == (
        ("washingtonpost.com",),
        ("dailydot.com",),
    )


def same_tables(a: graphkit.Build, b: graphkit.Build) -> bool:
    assert a.read.tables is not None and b.read.tables is not None
    pairs = zip(sorted_tables(a.read.tables), sorted_tables(b.read.tables), strict=True)
    return all(x.equals(y) for x, y in pairs) and a.read.problems == b.read.problems


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["cut short", "not arrow", "gone"])
def test_damaged_saved_tables_are_read_around(tmp_path: Path, damage: str) -> None:
    records = corpus(tmp_path)
    graphkit.build(records, tmp_path / "out", now=NOW)
    saved = tmp_path / "out" / READ_TABLES / "mentions.arrow"
    data = saved.read_bytes()
    if damage == "gone":
        saved.unlink()
    else:
        saved.write_bytes(data[: len(data) // 2] if damage == "cut short" else b"{not arrow")
    again = graphkit.build(records, tmp_path / "out", now=NOW, keep_records=True)
    clean = graphkit.build(records, tmp_path / "clean", now=NOW, reuse=False, keep_records=True)
    assert again.read.files_reused == 0 and same_tables(again, clean)
    # and the rebuild saved whole tables again
    assert graphkit.build(records, tmp_path / "out", now=NOW).read.files_reused > 30


@pytest.mark.slow
def test_tables_from_other_reading_code_are_not_used(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    graphkit.build(records, tmp_path / "out", now=NOW)
    header = tmp_path / "out" / READ_TABLES / "header.json"
    found = json.loads(header.read_text(encoding="utf-8"))
    found["reader"] = "0" * 16
    header.write_text(json.dumps(found), encoding="utf-8")
    assert graphkit.build(records, tmp_path / "out", now=NOW).read.files_reused == 0


@pytest.mark.slow
def test_a_build_keeps_tables_not_documents(tmp_path: Path) -> None:
    """A build's read cache is the tables of its read: the documents cache that earlier
    builds kept (read-cache.jsonl) is not written, and one left by them is removed."""
    records = corpus(tmp_path)
    out = tmp_path / "out"
    (out / ".graphkit").mkdir(parents=True)
    ReadCache().save(out / READ_CACHE)  # as an earlier build left it
    first = graphkit.build(records, out, now=NOW)
    assert not (out / READ_CACHE).exists()
    files = pl.read_ipc(out / READ_TABLES / "files.arrow")
    assert files.height == first.read.files_read - not_kept(records) > 30


@pytest.mark.slow
def test_a_file_changed_just_before_the_build_is_read_again(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    (records / SEED).touch()  # modified now: its time may not tell
    graphkit.build(records, tmp_path / "out", now=NOW)
    again = graphkit.build(records, tmp_path / "out", now=NOW)
    assert again.read.files_read - again.read.files_reused == 1 + not_kept(records)


@pytest.mark.slow
def test_a_file_replaced_with_the_same_size_and_time_is_read_again(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    graphkit.build(records, tmp_path / "out", now=NOW)
    file = records / SEED
    text = file.read_text(encoding="utf-8")
    edited = text.replace("name: The Daily Dot", "name: The Daily Dog", 1)
    assert edited != text and len(edited) == len(text)
    (records / "new").write_text(edited, encoding="utf-8")
    os.utime(records / "new", (AN_HOUR_AGO, AN_HOUR_AGO))
    (records / "new").replace(file)  # same size, same time, another inode
    again = graphkit.build(records, tmp_path / "out", now=NOW)
    assert again.read.files_read - again.read.files_reused == 1 + not_kept(records)
    assert "The Daily Dog" in again.corpus.providers["dailydot.com"].names


def test_the_read_cache_gives_back_what_was_read_until_a_file_changes(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    first = ReadCache()
    read = read_records([records], cache=first)
    first.save(tmp_path / "cache.jsonl")
    loaded = ReadCache.load(tmp_path / "cache.jsonl")
    again = read_records([records], cache=loaded)
    assert (again.records, again.problems) == (read.records, read.problems)
    assert again.files_reused == again.files_read - not_kept(records) > 30
    change(records)  # same size, same inode: its modification time tells
    edited = read_records([records], cache=ReadCache.load(tmp_path / "cache.jsonl"))
    assert edited.files_reused == read.files_read - not_kept(records) - 1
    assert edited.records != read.records


def test_a_read_cache_from_elsewhere_or_damaged_is_empty(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    cache = ReadCache()
    read_records([records], cache=cache)
    path = tmp_path / "cache.jsonl"
    cache.save(path)
    header, *entries = path.read_text(encoding="utf-8").splitlines()
    assert len(ReadCache.load(path).entries) == len(entries) > 30
    foreign = json.dumps({**json.loads(header), "reader": "0" * 16})
    for lines in ([foreign, *entries], [header, *entries[:5], "{not json", *entries[5:]], []):
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        assert ReadCache.load(path).entries == {}
    assert ReadCache.load(tmp_path / "missing.jsonl").entries == {}


def test_a_file_changed_within_two_seconds_of_saving_is_not_kept(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    (records / SEED).touch()
    cache = ReadCache()
    read = read_records([records], cache=cache)
    cache.save(tmp_path / "cache.jsonl")
    loaded = ReadCache.load(tmp_path / "cache.jsonl")
    assert len(loaded.entries) == read.files_read - not_kept(records) - 1
    assert not any(key.endswith(SEED) for key in loaded.entries)


def test_the_cache_keeps_each_document_as_json_that_reads_back_to_it(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    cache = ReadCache()
    read = read_records([records], cache=cache)
    assert read.problems and any(r.related for r in read.records)
    for _, text, _ in cache.kept.values():
        assert "\t" not in text and "\n" not in text  # one line, after the tab
        assert document_json(json.loads(text)) == text
    cache.save(tmp_path / "cache.jsonl")
    again = read_records([records], cache=ReadCache.load(tmp_path / "cache.jsonl"))
    assert again.files_reused == len(cache.kept) > 30
    assert (again.records, again.problems) == (read.records, read.problems)


@pytest.mark.parametrize(
    "document",
    [
        {"webUrl": "https://a.example/", "quality": float("nan")},  # JSON has no NaN
        {"webUrl": "https://a.example/", "heat": 2**70},  # beyond 64 bits
        {"webUrl": "https://a.example/", "provider": {"name": float("inf")}},
        {"webUrl": "https://a.example/", "title": datetime(2021, 1, 1)},  # not a time field
        {"webUrl": "https://a.example/", "topics": [b"bytes"]},
        ["not", "a", "mapping"],
    ],
)
def test_a_document_json_cannot_carry_whole_is_not_kept(document: Any) -> None:
    assert document_json(document) is None


def test_yaml_times_are_kept_as_their_text_and_read_to_the_same_record(tmp_path: Path) -> None:
    plain = tmp_path / "plain.md"
    plain.write_text(
        "---\nwebUrl: https://a.example/1\npublishedDateTime: 2021-02-18 16:13:00+01:00\n"
        "related:\n- webUrl: https://b.example/2\n  publishedDateTime: 2021-02-19\n---\n",
        encoding="utf-8",
    )
    os.utime(plain, (AN_HOUR_AGO, AN_HOUR_AGO))
    cache = ReadCache()
    fresh = read_records([plain], cache=cache)
    [(_, text, _)] = cache.kept.values()
    assert '"publishedDateTime":"2021-02-18 16:13:00+01:00"' in text
    cache.save(tmp_path / "cache.jsonl")
    again = read_records([plain], cache=ReadCache.load(tmp_path / "cache.jsonl"))
    assert again.files_reused == 1 and again.records == fresh.records


def test_json_files_are_read_again_rather_than_kept(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    cache = ReadCache()
    read = read_records([records], cache=cache)
    json_files = [f for f in find_files([records])[0] if f.suffix in (".json", ".jsonl")]
    assert json_files and all(not kept_in_cache(file) for file in json_files)
    assert len(cache.kept) == read.files_read - not_kept(records)
    assert not any(key.endswith(str(json_files[0])) for key in cache.kept)
    cache.save(tmp_path / "cache.jsonl")
    again = read_records([records], cache=ReadCache.load(tmp_path / "cache.jsonl"))
    assert again.files_reused == read.files_read - not_kept(records)
    assert (again.records, again.problems) == (read.records, read.problems)


@pytest.mark.slow
def test_a_rebuild_rewrites_only_the_files_that_change(tmp_path: Path) -> None:
    records, out = corpus(tmp_path), tmp_path / "out"

    def inodes() -> dict[str, int]:
        return {
            str(path.relative_to(out)): path.stat().st_ino
            for path in out.rglob("*")
            if path.is_file() and path.relative_to(out).parts[0] not in ("store", ".graphkit")
        }

    graphkit.build(records, out, now=NOW)
    before = inodes()
    graphkit.build(records, out, now=NOW)
    assert {name for name, inode in inodes().items() if before[name] != inode} == STREAMED
    change(records)
    graphkit.build(records, out, now=NOW)
    rewritten = {name for name, inode in inodes().items() if before.get(name) != inode}
    assert {"report.json", "first_coverage.csv", "index.html"} <= rewritten
    assert not {"assets/vis-network.min.js", "views/story.html", "views/outlet.html"} & rewritten


def test_a_cache_entry_that_is_not_json_is_read_around(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    cache = ReadCache()
    read = read_records([records], cache=cache)
    cache.save(tmp_path / "cache.jsonl")
    loaded = ReadCache.load(tmp_path / "cache.jsonl")
    key = next(key for key in loaded.entries if key.endswith(SEED))
    stamp, text, _ = loaded.entries[key]
    cut = text[:-3]  # cut short, with a checksum that fits: it fails as JSON, not as damage
    loaded.entries[key] = (stamp, cut, cache_module._digest(cut))
    again = read_records([records], cache=loaded)
    assert again.files_reused == len(cache.kept) - 1  # that file read again
    assert (again.records, again.problems) == (read.records, read.problems)


def test_a_loaded_cache_saved_again_keeps_the_entries_it_used(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    first = ReadCache()
    read_records([records], cache=first)
    first.save(tmp_path / "one" / "two" / "cache.jsonl")  # folders made as needed
    loaded = ReadCache.load(tmp_path / "one" / "two" / "cache.jsonl")
    read_records([records / SEED], cache=loaded)  # uses one entry
    loaded.save(tmp_path / "again.jsonl")
    again = ReadCache.load(tmp_path / "again.jsonl")
    assert list(again.entries.values()) == [loaded.entries[key] for key in again.entries]
    assert len(again.entries) == 1


def test_a_cache_is_saved_by_a_rename_inside_its_own_folder(tmp_path: Path) -> None:
    # A temporary file elsewhere (another file system) could not be renamed into place.
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on another file system than the test's folder")
    records = corpus(tmp_path)
    cache = ReadCache()
    read_records([records], cache=cache)
    with tempfile.TemporaryDirectory(dir=shm) as folder:
        cache.save(Path(folder) / "cache.jsonl")
        assert [p.name for p in Path(folder).iterdir()] == ["cache.jsonl"]
        assert ReadCache.load(Path(folder) / "cache.jsonl").entries == {
            key: (stamp, json.loads(json.dumps(encoded)), digest)
            for key, (stamp, encoded, digest) in cache.kept.items()
        }


def test_a_save_that_fails_leaves_no_file_behind(tmp_path: Path) -> None:
    cache = ReadCache()
    # a stamp holding a set: json cannot write it
    cache.kept["x"] = (({1, 2}, 1, 1), "[[], []]", None)  # type: ignore[assignment]
    with pytest.raises(TypeError, match="not JSON serializable"):
        cache.save(tmp_path / "cache.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_the_reader_fingerprint_follows_every_python_file_of_the_reading_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("y = 2\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("n", encoding="utf-8")
    monkeypatch.setattr(cache_module.resources, "files", lambda _package: tmp_path)
    first = cache_module._reader_fingerprint()
    assert len(first) == 16 and int(first, 16) >= 0
    (tmp_path / "notes.txt").write_text("changed", encoding="utf-8")
    assert cache_module._reader_fingerprint() == first  # not code
    (tmp_path / "b.py").write_text("y = 3\n", encoding="utf-8")
    second = cache_module._reader_fingerprint()
    assert second != first
    (tmp_path / "b.py").rename(tmp_path / "c.py")  # the same code under another name
    assert cache_module._reader_fingerprint() not in (first, second)


def test_a_cache_being_saved_takes_each_entry_to_its_file_at_once(tmp_path: Path) -> None:
    # A million files' JSON would not fit in memory beside their records: while `saving`,
    # the entries go to the new file as the files are read, none stays in the cache.
    records = corpus(tmp_path)
    path = tmp_path / "out" / "cache.jsonl"
    written_meanwhile: list[int] = []

    def progress(files: Iterable[Path]) -> Iterator[Path]:
        for number, file in enumerate(files, start=1):
            yield file
            if number == 30:  # 30 files read: their entries are in the new file already
                (partial,) = path.parent.glob(".cache.jsonl.*")
                with partial.open("rb") as handle:  # all but what the writer still buffers
                    written_meanwhile.append(handle.read().count(b"\n"))

    cache = ReadCache()
    with cache.saving(path):
        read = read_records([records], cache=cache, progress=progress)
    assert cache.kept == {} and written_meanwhile and written_meanwhile[0] >= 1
    saved = ReadCache.load(path)
    assert len(saved.entries) == read.files_read - not_kept(records) > 30
    again = read_records([records], cache=saved)
    assert again.files_reused == again.files_read - not_kept(records)
    assert again.records == read.records


def test_a_cache_whose_reading_fails_leaves_the_old_one(tmp_path: Path) -> None:
    records = corpus(tmp_path)
    path = tmp_path / "cache.jsonl"
    ReadCache().save(path)
    before = path.read_bytes()
    cache = ReadCache()
    with pytest.raises(StrictModeError), cache.saving(path):
        read_records([records], cache=cache, strict=True)
    assert path.read_bytes() == before and [p.name for p in tmp_path.glob(".cache*")] == []


@pytest.mark.slow
def test_a_rebuild_whose_statements_all_change_loads_its_store_anew(tmp_path: Path) -> None:
    """Another base IRI: no file changed, but every statement did, so a delta would cost more
    than a load; the store is then loaded from the new graph.nt, and is a clean build's."""
    records = corpus(tmp_path)
    graphkit.build(records, tmp_path / "out", now=NOW)
    again = graphkit.build(records, tmp_path / "out", now=NOW, base="https://other.example/")
    clean = graphkit.build(records, tmp_path / "clean", now=NOW, base="https://other.example/")
    assert again.store_update is not None and again.store_update.how == "full"
    assert "100% of the statements changed" in again.store_update.describe()
    assert contents(tmp_path / "out")["store"] == contents(tmp_path / "clean")["store"]
    assert clean.read.files_reused == 0


def sorted_tables(tables: Any) -> list[pl.DataFrame]:
    """The tables with each row named by its record's file and line (and its mention's slot)
    instead of numbers, which depend on the order the files were read in; sorted."""
    where = tables.records.select("record", "source", "line")
    mentions = tables.mentions.join(where, on="record").drop("record")
    slots = mentions.select("mention", "source", "line", "slot")
    named = [
        tables.records.drop("record"),
        tables.labels.join(where, on="record").drop("record"),
        mentions.drop("mention"),
        tables.urls.join(slots, on="mention").drop("mention"),
        tables.images.join(slots, on="mention").drop("mention"),
    ]
    return [table.sort(pl.all()) for table in named]


@pytest.mark.slow
def test_unchanged_files_records_come_from_the_saved_tables_as_a_clean_read_gives_them(
    tmp_path: Path,
) -> None:
    """The records of every unchanged front-matter file are taken from the previous build's
    tables (read-tables/, Arrow), not decoded and checked again: the same tables as a read."""
    records = corpus(tmp_path)
    graphkit.build(records, tmp_path / "out", now=NOW)
    change(records)
    cache = ReadCache.load_tables(tmp_path / "out" / READ_TABLES)
    assert cache.tables is not None
    again = read_records([records], cache=cache, tables=True)
    kept = [f for f in find_files([records])[0] if kept_in_cache(f) and not read_file(f)[1]]
    assert len(cache.from_tables) == len(kept) - 1  # all but the changed one
    clean = read_records([records], tables=True)
    pairs = zip(sorted_tables(again.tables), sorted_tables(clean.tables), strict=True)
    assert all(a.equals(b) for a, b in pairs)
    assert again.problems == clean.problems


@pytest.mark.slow
def test_saved_tables_holding_what_reading_never_lets_through_are_not_used(
    tmp_path: Path,
) -> None:
    records = corpus(tmp_path)
    graphkit.build(records, tmp_path / "out", now=NOW)
    saved = tmp_path / "out" / ".graphkit" / "read-tables" / "mentions.arrow"
    mentions = pl.read_ipc(saved)
    mentions.with_columns(pl.lit("bell \x07 title").alias("title")).write_ipc(saved)
    assert ReadCache.load_tables(tmp_path / "out" / READ_TABLES).tables is None
    again = graphkit.build(records, tmp_path / "out", now=NOW, keep_records=True)
    assert again.read.tables is not None and again.read.files_reused == 0
    titles = again.read.tables.mentions["title"].drop_nulls()
    assert not titles.str.contains("\x07").any()
