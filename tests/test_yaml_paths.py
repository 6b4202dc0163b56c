"""Front matter loads to the same records through yaml-rs (the fast path) as through PyYAML.

`load_yaml` takes yaml-rs only where it cannot differ from PyYAML's safe loader; these tests
hold the two paths to the same records, values and errors on real, generated and hostile text.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
import yaml_rs
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit.records import frontmatter
from graphkit.records.fields import FieldError, to_record
from graphkit.records.frontmatter import LoadError, load_yaml, split_front_matter
from graphkit.records.times import parse_time
from graphkit.synthetic import generate_corpus

from .conftest import MIXED, SEEDS, examples


def outcome(load: Any, text: str) -> tuple[Any, ...]:
    """What reading `text` gives: the record (without the raw time text), or the error."""
    try:
        record, notes = to_record(load(text), "r.txt")
    except LoadError as error:
        return ("load error", error.reason, error.line)
    except FieldError as error:
        return ("field error", str(error))
    mentions = [record.article, *record.related]
    plain = [dataclasses.replace(m, published_raw=None) for m in mentions]
    return ("record", plain, dataclasses.replace(record, article=None, related=()), notes)


def both(text: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    return outcome(load_yaml, text), outcome(lambda t: frontmatter._load_with_pyyaml(t, 1), text)


def front_matters(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".txt", ".md", ".yaml", ".yml"):
            try:
                texts.append(split_front_matter(path.read_bytes().decode("utf-8"))[0])
            except (LoadError, UnicodeDecodeError):
                continue
    return texts


def test_real_and_fixture_records_read_alike() -> None:
    texts = front_matters(SEEDS) + front_matters(MIXED)
    assert len(texts) > 30
    for text in texts:
        fast, slow = both(text)
        assert fast == slow, text[:200]


def test_generated_records_read_alike_and_take_the_fast_path(tmp_path: Path) -> None:
    generate_corpus(tmp_path, records=300, seed=4)
    texts = front_matters(tmp_path)
    for text in texts:
        fast, slow = both(text)
        assert fast == slow
    fast_path = [text for text in texts if not frontmatter._only_pyyaml(text)]
    assert len(fast_path) >= 0.95 * len(texts)
    kept = [text for text in fast_path if _typed_alike(text)]  # yaml-rs's values were used
    assert len(kept) >= 0.95 * len(texts)


def _typed_alike(text: str) -> bool:
    try:
        frontmatter._typed_as_pyyaml(yaml_rs.loads(text, parse_datetime=False))
    except frontmatter._NotTheSame:
        return False
    return True


EDGES = [
    "title: 2021-02-18T16:13:00Z",  # a time where text is expected: rejected either way
    "webUrl: https://a.example/1\npublishedDateTime: '2021-02-18T16:13:00Z'",
    "webUrl: https://a.example/1\npublishedDateTime: 2021-02-18 16:13:00 +01:00",
    "webUrl: https://a.example/1\npublishedDateTime: '2021-02-18 16:13:00 +01:00'",
    "webUrl: https://a.example/1\npublishedDateTime: 2021-2-3",
    "webUrl: https://a.example/1\npublishedDateTime: 2021-02-18",
    "webUrl: https://a.example/1\npublishedDateTime: 2021-02-30T10:00:00Z",
    "webUrl: https://a.example/1\npublishedDateTime: '2021-02-30T10:00:00Z'",
    "webUrl: https://a.example/1\npublishedDateTime: 2021-02-18T16:13:00.1234567Z",
    "webUrl: https://a.example/1\ntitle: 012",
    "webUrl: https://a.example/1\ntitle: 0o17",
    "webUrl: https://a.example/1\ntitle: 1e3",
    "webUrl: https://a.example/1\ntitle: 1:30",
    "webUrl: https://a.example/1\ntitle: 1_000",
    "webUrl: https://a.example/1\ntitle: 'null'",
    "webUrl: https://a.example/1\ntitle: yes\ntopics: [NO, on, off, y]",
    "webUrl: https://a.example/1\nquality: 1.2.3",
    "webUrl: https://a.example/1\nquality: .inf",
    "webUrl: https://a.example/1\nheat: 0b101",
    "webUrl: https://a.example/1\ntitle: !!python/object:os.system x",
    "webUrl: https://a.example/1\ntitle: !foo x",
    "webUrl: https://a.example/1\ntitle: !!str 12",
    "webUrl: &u https://a.example/1\noriginalUrl: *u",
    "webUrl: https://a.example/1\nrelated: &r [{webUrl: https://b.example/2}]\ntags: *r",
    "<<: {webUrl: https://a.example/1}",
    "? [1]\n: x\nwebUrl: https://a.example/1",
    "webUrl: https://a.example/1\nwebUrl: https://a.example/2",
    "webUrl: https://a.example/1\n---\ntitle: two documents",
    "webUrl: https://a.example/1\ntitle: \x07bell",
    'webUrl: https://a.example/1\ntitle: "\\ud800"',
    'webUrl: https://a.example/1\ntitle: "\\N\\_\\L\\x85"',
    "webUrl: https://a.example/1\ntitle:\tTabbed",
    "webUrl: https://a.example/1\ntitle: [1, 2",
    "webUrl: https://a.example/1\ntitle: a: b",
    "webUrl: https://a.example/1\n1: x",
    "webUrl: https://a.example/1\ntrue: x",
    "webUrl: https://a.example/1\ntitle: |\n  two\n  lines\n",
    "webUrl: https://a.example/1\ntitle: >\n  folded\n  lines\n",
    "- webUrl: https://a.example/1",
    "",
    "webUrl: https://a.example/1\ntitle: Johnson & Johnson * stars ! wow",
]


@pytest.mark.parametrize("text", EDGES)
def test_edge_cases_read_alike(text: str) -> None:
    fast, slow = both(text)
    assert fast == slow


FRAGMENTS = [
    "title: ", "excerpt: ", "topics: ", "publishedDateTime: ", "quality: ", "- ", "  ", "\n",
    "'", '"', "[", "]", "{", "}", ",", ":", "#", "&a", "*a", "!", "!!str", "?", "|", ">", "-",
    "0", "012", "1e3", "1.5", "1:30", "0x1F", "true", "NO", "null", "~", "2021-02-18",
    "2021-02-18T16:13:00Z", "+01:00", " ", "\t", "é", "\x85", "\x07", "\\", "---", "...",
]  # fmt: skip


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_any_text_reads_alike(parts: list[str]) -> None:
    text = "webUrl: https://a.example/1\n" + "".join(parts)
    fast, slow = both(text)
    assert fast == slow


def python_engine(text: str) -> bool:
    """What `_only_pyyaml` answers with Python's own engine on the same pattern."""
    head = text.lstrip()[:1] in ("!", "&", "*", "?")
    return head or re.search(frontmatter.ONLY_PYYAML_PATTERN, text) is not None


def test_re2_finds_what_pythons_engine_finds(tmp_path: Path) -> None:
    generate_corpus(tmp_path, records=200, seed=5)
    texts = front_matters(SEEDS) + front_matters(MIXED) + front_matters(tmp_path) + EDGES
    texts += ["".join(FRAGMENTS[i::7]) for i in range(7)] + ["  &a x", "a: \u3000012"]
    texts += ["a: \u1680-01", "a:\xa00o7", "a: \x85 1e5", "a: \u2029+0o1", "a: 1\x1c"]
    found = [frontmatter._only_pyyaml(text) for text in texts]
    assert found == [python_engine(text) for text in texts]
    assert True in found and False in found
    assert frontmatter._only_pyyaml("title: \ud800")  # no UTF-8 for RE2: PyYAML decides


SPACES = [chr(code) for code in range(0x3001) if chr(code).isspace()]


@settings(max_examples=examples(600), deadline=None)
@given(st.lists(st.sampled_from([*FRAGMENTS, *SPACES, "\x7f", "\ufffe", "o", "e", "+"])))
def test_re2_finds_what_pythons_engine_finds_in_any_text(parts: list[str]) -> None:
    text = "".join(parts)
    assert frontmatter._only_pyyaml(text) == python_engine(text)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from([0, 3, 6]),
    st.integers(-14 * 60, 14 * 60).map(lambda m: m // 15 * 15),
    st.booleans(),
)
def test_iso_times_read_alike_plain_or_quoted(
    moment: datetime, digits: int, minutes: int, zulu: bool
) -> None:
    zone = UTC if zulu else timezone(timedelta(minutes=minutes))
    text = moment.replace(tzinfo=zone).isoformat(timespec="seconds")
    if digits:
        text = text[:19] + f".{moment.microsecond:06d}"[: digits + 1] + text[19:]
    if zulu:
        text = text.replace("+00:00", "Z")
    assert frontmatter.PLAIN_ISO_TIME.fullmatch(text), text
    plain = yaml.load(f"t: {text}", Loader=frontmatter.RecordLoader)["t"]
    assert parse_time(plain) == parse_time(text)


def split_outcome(split: Any, text: str) -> tuple[Any, ...]:
    try:
        return ("front matter", *split(text))
    except LoadError as error:
        return ("load error", error.reason, error.line)


LINE_TEXTS = ["---", "--- ", "---\t", " ---", "--", "----", "", "a", "title: x ---", "\ufeff---"]
LINE_ENDS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028"]
LINE_ENDS += ["\u2029", "\n\r", "\x00", "\t", ""]


@settings(max_examples=examples(1000), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LINE_TEXTS), st.sampled_from(LINE_ENDS)), max_size=8))
def test_front_matter_is_split_at_the_lines_splitlines_sees(lines: list[tuple[str, str]]) -> None:
    """The front matter found by two searches is the one a walk over `str.splitlines` finds,
    whatever line breaks, BOMs and dashes a file has (and so are the errors and their lines)."""
    text = "".join(line + end for line, end in lines)
    found = split_outcome(split_front_matter, text)
    assert found == split_outcome(frontmatter.split_by_lines, text)


def test_front_matter_is_split_alike_with_every_line_end_in_every_place() -> None:
    """Every opening line, line end and closing line of the lists above, in every place of a
    file whose front matter a later `---` line could close too."""
    for first, first_end, middle_end, closing, closing_end in itertools.product(
        LINE_TEXTS[:4], LINE_ENDS, LINE_ENDS, LINE_TEXTS, LINE_ENDS
    ):
        text = f"{first}{first_end}a{middle_end}{closing}{closing_end}b\n---\nbody"
        found = split_outcome(split_front_matter, text)
        assert found == split_outcome(frontmatter.split_by_lines, text), repr(text)


def test_real_and_generated_front_matter_split_as_by_lines(tmp_path: Path) -> None:
    generate_corpus(tmp_path, records=100, seed=6)
    files = [p for folder in (SEEDS, MIXED, tmp_path) for p in sorted(folder.rglob("*.*"))]
    texts = [p.read_bytes().decode("utf-8", "replace") for p in files if p.suffix != ".json"]
    assert sum(split_outcome(split_front_matter, t)[0] == "front matter" for t in texts) > 100
    for text in texts:
        assert split_outcome(split_front_matter, text) == split_outcome(
            frontmatter.split_by_lines, text
        )
