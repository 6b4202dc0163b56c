"""The fast path of checking records gives the columns `to_record` gives, on real, generated,
hostile and fuzzed records; and generated records take it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit.records import Problem
from graphkit.records.columns import RecordColumns
from graphkit.records.fast import add_fast
from graphkit.records.fields import FieldError, to_record
from graphkit.records.frontmatter import LoadError, load_yaml, split_front_matter
from graphkit.records.reader import find_files
from graphkit.synthetic import generate_corpus

from .conftest import ROOT, SEEDS, examples
from .test_hostile_input import hostile_record


def slow_way(columns: RecordColumns, problems: list[Problem], document: Any, line: int) -> None:
    """One document the slow way: `to_record`, then its record into columns."""
    try:
        record, notes = to_record(document, "f.json", line)
    except FieldError as error:
        problems.append(Problem("f.json", str(error), line=error.line))
        return
    columns.add(record)
    problems += notes


def checked(documents: list[Any]) -> tuple[RecordColumns, list[Problem]]:
    columns: RecordColumns = RecordColumns()
    problems: list[Problem] = []
    for line, document in enumerate(documents, start=1):
        slow_way(columns, problems, document, line)
    return columns, problems


def fast(documents: list[Any]) -> tuple[RecordColumns, list[Problem], int]:
    """The documents the fast way where it goes, the slow way elsewhere; and how many went
    the fast way."""
    columns: RecordColumns = RecordColumns()
    problems: list[Problem] = []
    taken = 0
    for line, document in enumerate(documents, start=1):
        if add_fast(columns, document, "f.json", line):
            taken += 1
        else:
            slow_way(columns, problems, document, line)
    return columns, problems, taken


def assert_same(documents: list[Any]) -> int:
    slow, slow_problems = checked(documents)
    quick, quick_problems, taken = fast(documents)
    a, b = slow.tables(), quick.tables()
    for name in ("records", "labels", "mentions", "urls", "images"):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert [str(p) for p in slow_problems] == [str(p) for p in quick_problems]
    return taken


def front_matter_documents(folder: Path) -> list[Any]:
    """The loaded front matter of the files below `folder` that load."""
    documents = []
    for file in find_files([folder])[0]:
        if file.suffix in (".md", ".txt", ".yaml", ".yml"):
            try:
                text, first = split_front_matter(file.read_text(encoding="utf-8"))
                documents.append(load_yaml(text, first))
            except (LoadError, UnicodeDecodeError):
                continue
    return documents


def test_seed_records_take_the_fast_path_to_the_same_columns() -> None:
    documents = front_matter_documents(SEEDS)
    assert assert_same(documents) == len(documents) > 30  # every front-matter seed


def test_generated_records_all_take_the_fast_path(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "files", 300, seed=4)
    generate_corpus(tmp_path / "lines", 300, seed=4, jsonl=True)
    documents = front_matter_documents(tmp_path / "files")
    assert assert_same(documents) == len(documents) == 300
    lines = [
        json.loads(line)
        for file in sorted((tmp_path / "lines").glob("*.jsonl"))
        for line in file.read_text(encoding="utf-8").splitlines()
    ]
    assert assert_same(lines) == len(lines) == 300


def test_broken_and_hostile_records_go_the_slow_way_with_its_problems() -> None:
    mixed = front_matter_documents(ROOT / "tests" / "fixtures" / "mixed")
    lines = (ROOT / "tests" / "fixtures" / "mixed" / "records.jsonl").read_text(encoding="utf-8")
    documents = [
        *mixed,
        hostile_record(),
        *(
            json.loads(line)
            for line in lines.splitlines()
            if line.strip().startswith("{") and _loads(line)
        ),
    ]
    assert assert_same(documents) < len(documents)


def _loads(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


# Field values of many types: what a record's fields hold, and what they must not.
values = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["https://a.example/x", "http://b.example/y?amp=1", "ftp://c", " ", "\x00",
                     "2021-02-18T16:13:00Z", "2021-02-30", "1e999", "12"]),
    st.datetimes(timezones=st.just(UTC)), st.dates(), st.just(datetime(2021, 1, 1)),
    st.just(date(1, 1, 1)),
)  # fmt: skip
nested = st.recursive(values, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["url", "width", "height", "name", "domain", "webUrl", "title"]), inner,
    max_size=3))  # fmt: skip
FIELDS = [
    "title", "excerpt", "publishedDateTime", "webUrl", "originalUrl", "ampWebUrl",
    "cdnAmpWebUrl", "type", "quality", "heat", "provider", "images", "topics", "categories",
    "category", "tags", "locale", "updatedDateTime",
]  # fmt: skip
mentions = st.fixed_dictionaries(
    {"webUrl": st.sampled_from(["https://a.example/1", "https://b.example/2?amp"]) | values},
    optional={name: nested for name in FIELDS if name != "webUrl"},
)
records = st.builds(
    lambda own, related: {**own, "related": related} if related is not None else own,
    mentions, st.none() | st.lists(mentions | nested, max_size=3),
)  # fmt: skip


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(records, min_size=1, max_size=4))
def test_fuzzed_records_give_the_same_columns_either_way(documents: list[Any]) -> None:
    assert_same(documents)


def time_text(moment: datetime, minutes: int | None, separator: str, padding: str) -> str:
    zone = None if minutes is None else timezone(timedelta(minutes=minutes))
    return padding + moment.replace(tzinfo=zone).isoformat(sep=separator) + padding


time_texts = st.builds(
    time_text,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    st.none() | st.integers(-14 * 60, 14 * 60),
    st.sampled_from(["T", " "]),
    st.sampled_from(["", " "]),
)
EDGE_TIMES = [
    "0001-01-01T00:00:00+01:00", "0001-01-01T23:00:00-01:00", "0002-01-01T00:00:00+14:00",
    "9998-12-31T23:59:00-14:00", "9999-12-31T23:59:00-14:00", "9999-12-31T10:00:00",
    "2021-02-18T16:13:00.123456Z", "2021-02-18", " 2021-02-18T16:13Z ", "2021-02-18T25:00",
]  # fmt: skip


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(time_texts, min_size=1, max_size=5))
def test_publication_time_texts_give_the_same_columns_either_way(texts: list[str]) -> None:
    """The fast path reads an ISO time text itself; to the microsecond, with its zone or
    without, near the ends of the years a time can hold, as `parse_time` does."""
    for batch in (texts, EDGE_TIMES):
        documents = [
            {"webUrl": f"https://a.example/{number}", "publishedDateTime": text}
            for number, text in enumerate(batch)
        ]
        assert_same(documents)


@pytest.mark.parametrize(
    "width", [float("inf"), float("nan"), 1e300, -(2.0**64)], ids=["inf", "nan", "huge", "low"]
)
def test_an_image_size_no_table_can_hold_is_a_clear_error(width: float) -> None:
    document = {"webUrl": "https://a.example/1", "images": [{"url": "https://a.example/i.jpg",
                                                             "width": width}]}  # fmt: skip
    assert not add_fast(RecordColumns(), document, "f.json", 1)
    with pytest.raises(FieldError, match="images: width: expected a size"):
        to_record(document, "f.json", 1)
