"""Reading records: formats, front matter, and every kind of bad input."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit import build
from graphkit.records import (
    Problem,
    ReadCache,
    Severity,
    StrictModeError,
    read_file,
    read_records,
    reader,
)
from graphkit.records.frontmatter import LoadError
from graphkit.records.model import Image, Mention, Record, display_path
from graphkit.records.reader import read_columns
from graphkit.synthetic import generate_corpus
from graphkit.util import process_context

from .conftest import MIXED, SEED_RECORD, SEEDS, WriteRecord, article, examples


def test_seed_record_reads_every_field() -> None:
    result = read_records([SEED_RECORD])
    assert result.problems == []
    (record,) = result.records
    own = record.article
    assert (
        own.title == "Civil rights groups want Biden to halt government use of facial recognition"
    )
    assert own.published == datetime(2021, 2, 18, 16, 13, tzinfo=UTC)
    assert own.provider_domain == "dailydot.com"
    assert own.quality == 59 and own.heat == 79
    assert own.images[0].width == 2000
    assert record.topics == ("Natural Language Processing", "AI", "Computer Vision")
    assert record.categories == ("news",)
    assert [m.provider_name for m in record.related] == ["Washington Post", "nationthailand"]


def test_seed_record_never_keeps_the_secured_blob() -> None:
    secured = SEED_RECORD.read_text().split('secured: "')[1].split('"')[0]
    (record,) = read_records([SEED_RECORD]).records
    assert secured not in repr(record)


def test_dashes_inside_values_and_a_body_do_not_break_the_front_matter(
    write_record: WriteRecord,
) -> None:
    text = (
        "---\n"
        'title: "Before --- after"\n'
        "webUrl: https://example.com/a---b\n"
        "---\n"
        "Body with a line of its own:\n---\nmore body\n"
    )
    (record,), problems = read_file(write_record("a.md", text))
    assert problems == []
    assert record.article.title == "Before --- after"
    assert record.article.urls == ("https://example.com/a---b",)


def test_folders_are_read_recursively_skipping_hidden_and_other_files(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    write_record("top.txt", article("https://example.com/1"))
    write_record("deep/er/nested.yml", article("https://example.com/2"))
    write_record(".hidden/skip.txt", article("https://example.com/3"))
    write_record("notes.csv", "not a record")
    result = read_records([tmp_path / "records"])
    assert result.files_read == 2
    assert sorted(r.article.urls[0] for r in result.records) == [
        "https://example.com/1",
        "https://example.com/2",
    ]


def test_json_object_list_and_lines(write_record: WriteRecord, tmp_path: Path) -> None:
    write_record("one.json", json.dumps(article("https://example.com/j1")))
    write_record(
        "many.json",
        json.dumps([article("https://example.com/j2"), article("https://example.com/j3")]),
    )
    lines = [
        json.dumps(article("https://example.com/l1")),
        "{oops",
        json.dumps(article("https://example.com/l3")),
    ]
    write_record("lines.jsonl", "\n".join(lines) + "\n")
    result = read_records([tmp_path / "records"])
    urls = sorted(r.article.urls[0].rsplit("/", 1)[1] for r in result.records)
    assert urls == ["j1", "j2", "j3", "l1", "l3"]
    (problem,) = result.problems
    assert problem.path.endswith("lines.jsonl") and problem.line == 2
    assert problem.reason.startswith("malformed JSON")


def test_yaml_booleans_do_not_eat_topics(write_record: WriteRecord) -> None:
    text = (
        "---\nwebUrl: https://example.com/n\n"
        "topics:\n  - NO\n  - Off\n  - yes\npublished: true\n---\n"
    )
    (record,), _ = read_file(write_record("n.txt", text))
    assert record.topics == ("NO", "Off", "yes")


def test_missing_optional_fields_are_not_errors(write_record: WriteRecord) -> None:
    (record,), problems = read_file(write_record("min.txt", {"webUrl": "https://example.com/min"}))
    assert problems == []
    assert record.article.title is None and record.article.published is None
    assert record.topics == () and record.related == ()


def test_a_number_where_text_is_expected_is_read_as_text(write_record: WriteRecord) -> None:
    (record,), _ = read_file(
        write_record("n.txt", {"webUrl": "https://example.com/x", "title": 2024})
    )
    assert record.article.title == "2024"


BAD_FILES = {
    "bad_not_utf8.txt": "not UTF-8 text",
    "bad_malformed.yaml": "malformed YAML",
    "bad_no_front_matter.md": "no front matter",
    "bad_topics_string.txt": "topics: expected a list",
    "bad_provider_list.txt": "provider: expected a mapping",
    "bad_no_url.txt": "no URL at all",
    "bad_alias_bomb.yaml": "YAML aliases are not allowed",
}


@pytest.mark.parametrize(("name", "reason"), sorted(BAD_FILES.items()))
def test_each_bad_file_is_rejected_with_path_and_one_line_reason(name: str, reason: str) -> None:
    records, problems = read_file(MIXED / name)
    assert records == []
    (problem,) = problems
    assert problem.severity is Severity.REJECTED
    assert problem.path.endswith(name)
    assert reason in problem.reason
    assert "\n" not in str(problem)


def test_line_numbers_point_at_the_problem() -> None:
    lines = {p.path.rsplit("/", 1)[1]: p.line for p in read_records([MIXED]).problems}
    assert lines["bad_not_utf8.txt"] == 2  # the byte is on the title line
    assert lines["bad_topics_string.txt"] == 4  # the `topics:` line
    assert lines["bad_malformed.yaml"] is not None


def test_bad_files_never_cost_the_good_records_around_them() -> None:
    result = read_records([MIXED])
    good = sorted(r.article.urls[0] for r in result.records)
    assert good == [
        "https://www.bloomberg.com/news/articles/2023-10-18/chip-stocks-fall",
        "https://www.reuters.com/technology/us-tightens-ai-chip-export-rules-2023-10-17/",
        "https://www.theverge.com/2023/10/17/nvidia-export-rules",
    ]
    rejected_files = {
        p.path.rsplit("/", 1)[1] for p in result.problems if p.severity is Severity.REJECTED
    }
    assert rejected_files == {*BAD_FILES, "records.jsonl"}


def test_a_bad_related_entry_is_dropped_not_the_record() -> None:
    (record,), problems = read_file(MIXED / "good_reuters.md")
    assert [m.urls[0] for m in record.related] == [
        "https://apnews.com/article/china-chips-export-controls-0a1b2c3d"
    ]
    assert [p.severity for p in problems] == [Severity.DROPPED, Severity.DROPPED]
    assert "related entry 2" in problems[0].reason and "no URL" in problems[1].reason


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"publishedDateTime": "yesterday"}, "publishedDateTime: not an ISO 8601"),
        ({"publishedDateTime": "9999-12-31T23:59:59-14:00"}, "publishedDateTime: out of range"),
        ({"publishedDateTime": "2021-02-18T25:00:00Z"}, "publishedDateTime: not an ISO 8601"),
        ({"publishedDateTime": " "}, "publishedDateTime: empty date-time"),
        ({"publishedDateTime": 20210218}, "publishedDateTime: expected a date-time, got int"),
        (
            {"publishedDateTime": "x" * 50},
            f"publishedDateTime: not an ISO 8601 date-time: {'x' * 40!r}",
        ),
        ({"quality": "high"}, "quality: expected a number, got text 'high'"),
        ({"quality": [1]}, "quality: expected a number, got a list [1]"),
        ({"images": {"url": "x"}}, "images: expected a list, got a mapping {'url': 'x'}"),
        ({"related": "https://e.com/r"}, "related: expected a list, got text 'https://e.com/r'"),
        ({"title": ["a", "list"]}, "title: expected text, got a list"),
        ({"title": True}, "title: expected text, got a boolean"),
        ({"excerpt": {"a": 1}}, "excerpt: expected text, got a mapping"),
        ({"provider": 5}, "provider: expected a mapping with name and domain, got int"),
        ({"topics": [{"nested": 1}]}, "topics: expected a list of text, found a mapping in it"),
        ({"topics": [1.5, [2]]}, "topics: expected a list of text, found a list in it"),
        ({"webUrl": "javascript:alert(1)"}, "is not an http(s) URL"),
    ],
)
def test_wrong_types_reject_the_record(
    write_record: WriteRecord, fields: dict[str, object], reason: str
) -> None:
    records, (problem,) = read_file(
        write_record("w.txt", {**article("https://example.com/w"), **fields})
    )
    assert records == []
    # the whole reason, the kind of value included; times and URLs quote the value after it
    if reason.endswith(("ISO 8601", "out of range", "URL")):
        assert reason in problem.reason
    else:
        assert problem.reason == reason


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "deep.txt",
            "---\nwebUrl: https://e.com/a\ntopics: " + "[" * 100_000 + "]" * 100_000 + "\n---\n",
        ),
        ("deep.json", '{"webUrl": "https://e.com/b", "t": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("deep.jsonl", '{"webUrl": "https://e.com/c", "t": ' + "{" * 5_000 + "}" * 5_000 + "}\n"),
    ],
)
def test_absurd_nesting_is_rejected_not_a_crash(
    write_record: WriteRecord, name: str, text: str
) -> None:
    # 100,000 levels overflow libyaml's C stack and kill the process unless refused first.
    records, (problem,) = read_file(write_record(name, text))
    assert records == [] and "nested deeper than 64 levels" in problem.reason


def test_an_impossible_yaml_timestamp_is_rejected(write_record: WriteRecord) -> None:
    text = "---\nwebUrl: https://e.com/a\npublishedDateTime: 2021-02-30T10:00:00Z\n---\n"
    records, (problem,) = read_file(write_record("feb30.txt", text))
    assert records == [] and problem.reason == "unreadable value: day is out of range for month"


def test_a_top_level_list_is_not_a_record(write_record: WriteRecord) -> None:
    records, (problem,) = read_file(write_record("l.txt", "---\n- a\n- b\n---\n"))
    assert records == [] and "must be a mapping" in problem.reason


def test_unclosed_front_matter_is_rejected(write_record: WriteRecord) -> None:
    records, (problem,) = read_file(
        write_record("u.txt", "---\ntitle: x\nwebUrl: https://e.com/x\n")
    )
    assert records == [] and "not closed" in problem.reason


def test_a_yaml_file_may_be_one_document_without_dashes(write_record: WriteRecord) -> None:
    text = 'webUrl: https://e.com/y\ntitle: "Fed: rates on hold"\n'
    (record,), problems = read_file(write_record("y.yaml", text))
    assert problems == [] and record.article.title == "Fed: rates on hold"
    (same,), _ = read_file(write_record("y2.yml", "---\n" + text + "---\nbody\n"))
    assert same.article == record.article
    records, (problem,) = read_file(write_record("y.txt", text))  # front matter files need ---
    assert records == [] and "no front matter" in problem.reason


@pytest.mark.parametrize("name", ["colon.txt", "colon.yaml"])
def test_an_unquoted_colon_gets_a_hint_to_quote_the_value(
    write_record: WriteRecord, name: str
) -> None:
    body = "webUrl: https://e.com/c\ntitle: Fed: rates on hold\n"
    text = body if name.endswith(".yaml") else f"---\n{body}---\n"
    records, (problem,) = read_file(write_record(name, text))
    assert records == [] and problem.line == (2 if name.endswith(".yaml") else 3)
    assert problem.reason.startswith("malformed YAML: mapping values are not allowed")
    assert "needs quotes" in problem.reason and "\n" not in problem.reason


def test_hostile_strings_stay_data_and_reasons_stay_one_line(write_record: WriteRecord) -> None:
    hostile = '<script>alert("x")</script>\n\u202e\x1b[31m'
    (record,), _ = read_file(write_record("h.txt", article("https://example.com/h", title=hostile)))
    # Kept as data, less the escape character no output can carry.
    assert record.article.title == '<script>alert("x")</script>\n\u202e[31m'
    _, (problem,) = read_file(
        write_record("h2.txt", {**article("https://example.com/h"), "quality": hostile})
    )
    assert "\n" not in problem.reason and len(problem.reason) < 120


def test_strict_mode_stops_at_the_first_problem() -> None:
    with pytest.raises(StrictModeError) as caught:
        read_records([MIXED], strict=True)
    assert caught.value.problem.path.endswith("bad_alias_bomb.yaml")
    assert str(caught.value) == str(caught.value.problem)
    assert str(caught.value).endswith(
        "bad_alias_bomb.yaml: rejected: YAML aliases are not allowed in records (possible alias"
        " bomb)"
    )


def test_a_load_error_reads_as_its_reason() -> None:
    error = LoadError("nested deeper than 64 levels", 3)
    assert (str(error), error.reason, error.line) == ("nested deeper than 64 levels",) * 2 + (3,)


def test_a_problem_reads_as_path_line_severity_and_reason() -> None:
    assert str(Problem("a/b.txt", "no URL", Severity.REJECTED, 3)) == "a/b.txt:3: rejected: no URL"
    assert str(Problem("a/b.txt", "odd", Severity.WARNING)) == "a/b.txt: warning: odd"
    assert str(Problem("c.md", "entry 2", Severity.DROPPED, 1)) == "c.md:1: dropped: entry 2"


def test_missing_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = read_records([tmp_path / "nope", SEED_RECORD])
    assert len(result.records) == 1
    assert result.problems == [Problem(str(tmp_path / "nope"), "no such file or folder")]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = [
    "title",
    "webUrl",
    "publishedDateTime",
    "provider",
    "topics",
    "related",
    "images",
    "quality",
    "heat",
    "category",
    "categories",
    "excerpt",
    "updatedDateTime",
    "secured",
]


@pytest.mark.slow  # a whole build per example
@settings(max_examples=examples(100), deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8))
def test_any_json_shape_builds_or_is_rejected_never_an_exception(fields: dict[str, object]) -> None:
    """The whole build, every output written, on records of any shape."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in" / "r.json"
        path.parent.mkdir()
        record = {"webUrl": "https://e.com/a", **fields}
        path.write_text(json.dumps(record), encoding="utf-8")
        result = build(path.parent, Path(folder) / "out")
        rejected = [p for p in result.problems if p.severity is Severity.REJECTED]
        assert result.read.record_count + len(rejected) == 1


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=300))
def test_any_front_matter_text_gives_records_or_problems_never_an_exception(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.txt"
        path.write_text(
            f"---\nwebUrl: https://e.com/a\n{text}\n---\n", encoding="utf-8", errors="surrogatepass"
        )
        records, problems = read_file(path)
        assert records or problems


def many_files(folder: Path, records: int = 600) -> Path:
    """The mixed fixture (good and bad files) plus generated records: enough to parallelise."""
    shutil.copytree(MIXED, folder / "mixed")
    generate_corpus(folder / "generated", records, seed=4)
    return folder


@pytest.mark.processes
def test_an_executor_reads_the_same_records_and_problems_in_the_same_order(
    tmp_path: Path,
) -> None:
    folder = many_files(tmp_path)
    alone = read_records([folder])
    assert len(alone.records) > 600 and alone.rejected  # good and bad files both
    with ProcessPoolExecutor(2, mp_context=process_context()) as processes:
        assert read_records([folder], executor=processes) == alone
    assert read_records([folder], jobs=2) == alone  # graphkit's own pool


def test_a_thread_executor_reads_in_batches_the_same_records_and_problems(
    tmp_path: Path,
) -> None:
    # Executors get the files in batches of READ_CHUNK (records/reader.py): several here.
    folder = many_files(tmp_path, records=3 * reader.READ_CHUNK)
    alone = read_records([folder])
    with ThreadPoolExecutor(3) as threads:
        assert read_records([folder], executor=threads) == alone


def test_tables_joined_as_batches_arrive_are_those_of_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every BATCHES_PER_CHUNK tasks' tables become one piece of memory as they arrive (two
    # here, so that five tasks make two joined pieces and one left as it came).
    folder = many_files(tmp_path, records=4 * reader.READ_CHUNK)
    alone = read_records([folder], tables=True).tables
    monkeypatch.setattr(reader, "BATCHES_PER_CHUNK", 2)
    with ThreadPoolExecutor(3) as threads:
        joined = read_records([folder], executor=threads, tables=True).tables
    assert alone is not None and joined is not None
    assert joined.mentions.n_chunks() < alone.mentions.n_chunks()
    for table in ("records", "labels", "mentions", "urls", "images"):
        assert getattr(joined, table).equals(getattr(alone, table)), table


@pytest.mark.processes
def test_strict_mode_stops_at_the_same_problem_with_an_executor(tmp_path: Path) -> None:
    folder = many_files(tmp_path)
    with pytest.raises(StrictModeError) as alone:
        read_records([folder], strict=True)
    with pytest.raises(StrictModeError) as pooled:
        read_records([folder], strict=True, jobs=2)
    assert str(pooled.value) == str(alone.value)


def test_a_file_that_cannot_be_read_is_one_problem_not_an_error(tmp_path: Path) -> None:
    # Listed, then gone before it was read (or unreadable): its own problem, nothing more.
    records, problems = read_file(tmp_path / "gone.txt")
    assert records == [] and len(problems) == 1
    assert problems[0].reason == "cannot read the file: No such file or directory"


def test_a_task_reads_files_under_the_names_it_is_given(tmp_path: Path) -> None:
    # The reading process names each file once (for its cache) and hands the names on: a
    # worker need not name it again, nor can it name it otherwise (another working folder).
    files = [SEED_RECORD, tmp_path / "gone.md"]
    columns, results = read_columns(files, ["a/given.md", None])
    assert columns.records["source"] == ["a/given.md"]
    [(_, found), (_, (gone,))] = [result for result, _ in results]
    assert found == [] and gone.path == display_path(files[1])
    listed, _, _ = reader.find_files([SEEDS])
    named = read_records([SEEDS], tables=True, cache=ReadCache(documents=False))
    assert named.tables is not None
    assert named.tables.records["source"].unique(maintain_order=True).to_list() == [
        display_path(file) for file in listed
    ]


def test_a_named_pipe_in_place_of_a_file_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    # A record file swapped for a named pipe (nobody writing) between listing and reading.
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    records, (problem,) = read_file(pipe)
    assert records == [] and problem.reason == "cannot read the file: not a regular file"


# ---------------------------------------------------------------- warnings, rejections, limits


@pytest.mark.parametrize(
    ("fields", "warning"),
    [
        ({"ampWebUrl": "not a url"}, "ignored ampWebUrl 'not a url' is not an http(s) URL"),
        ({"originalUrl": 42}, "ignored originalUrl 42 is not an http(s) URL"),
        ({"updatedDateTime": "soon"}, "ignored updatedDateTime: not an ISO 8601"),
    ],
)
def test_a_bad_extra_field_is_a_warning_and_the_record_is_kept(
    write_record: WriteRecord, fields: dict[str, object], warning: str
) -> None:
    (record,), (problem,) = read_file(
        write_record("x.txt", {**article("https://example.com/x"), **fields})
    )
    assert record.article.urls == ("https://example.com/x",)
    assert problem.severity is Severity.WARNING and problem.reason.startswith(warning)


def test_a_bad_url_field_rejects_the_record_when_no_other_url_is_good(
    write_record: WriteRecord,
) -> None:
    records, (problem,) = read_file(
        write_record("x.txt", {"title": "t", "webUrl": "ftp://e.com/x", "ampWebUrl": "no"})
    )
    assert records == [] and problem.severity is Severity.REJECTED
    assert problem.reason == (
        "webUrl 'ftp://e.com/x' is not an http(s) URL; ampWebUrl 'no' is not an http(s) URL"
    )


def test_a_bad_jsonl_line_rejects_that_line_only(write_record: WriteRecord) -> None:
    lines = [
        json.dumps(article("https://e.com/1")),
        "{not json",
        json.dumps({**article("https://e.com/3"), "quality": "high"}),
        json.dumps(article("https://e.com/4")),
    ]
    records, problems = read_file(write_record("r.jsonl", "\n".join(lines) + "\n"))
    assert [r.article.urls[0] for r in records] == ["https://e.com/1", "https://e.com/4"]
    assert [(p.line, p.severity) for p in problems] == [
        (2, Severity.REJECTED),
        (3, Severity.REJECTED),
    ]


@pytest.mark.parametrize("suffix", [".txt", ".json", ".jsonl"])
def test_nesting_is_allowed_to_64_levels_and_refused_at_65(
    write_record: WriteRecord, suffix: str
) -> None:
    def nested(levels: int) -> str:  # the record mapping itself is one level
        value = "[" * (levels - 1) + "1" + "]" * (levels - 1)
        if suffix == ".txt":
            return f"---\n{{webUrl: 'https://e.com/{levels}', heat: 1, t: {value}}}\n---\n"
        return f'{{"webUrl": "https://e.com/{levels}", "t": {value}}}\n'

    records, problems = read_file(write_record(f"ok{suffix}", nested(64)))
    assert len(records) == 1 and problems == []
    records, (problem,) = read_file(write_record(f"deep{suffix}", nested(65)))
    assert records == [] and problem.reason == "nested deeper than 64 levels"
    if suffix == ".jsonl":  # a line of JSON Lines is named by its number
        records, (problem,) = read_file(write_record("two.jsonl", nested(2) + nested(65)))
        assert (len(records), problem.line) == (1, 2)


def test_a_file_is_read_up_to_64_mib_and_refused_beyond(write_record: WriteRecord) -> None:
    head = "---\nwebUrl: https://e.com/big\n---\n"
    limit = 64 * 2**20
    path = write_record("big.md", head + "x" * (limit - len(head)))  # the body is ignored
    assert path.stat().st_size == limit
    (record,), problems = read_file(path)
    assert problems == [] and record.article.urls == ("https://e.com/big",)
    with path.open("a", encoding="utf-8") as grow:
        grow.write("x")
    records, (problem,) = read_file(path)
    assert records == [] and problem.reason == "file larger than 64 MiB"


def test_text_is_kept_up_to_10000_characters_and_cut_beyond(write_record: WriteRecord) -> None:
    fields = {"title": "t" * 10_000, "excerpt": "e" * 10_001, "topics": ["x" * 10_001]}
    (record,), problems = read_file(
        write_record("long.txt", {**article("https://e.com/long"), **fields})
    )
    assert problems == []
    assert record.article.title == "t" * 10_000
    assert record.article.excerpt == "e" * 10_000 and record.topics == ("x" * 10_000,)


@pytest.mark.parametrize(
    "items",
    [
        [{"outlet_a": "a.com", "ties": 1}, {"outlet_a": "b.com", "ties": 0}],
        ["webUrl", "https://e.com/a"],
        [[1], [2]],
    ],
)
def test_a_json_list_none_of_whose_items_is_a_record_is_one_problem(
    write_record: WriteRecord, items: list[object]
) -> None:
    records, (problem,) = read_file(write_record("other.json", json.dumps(items)))
    assert records == []
    assert problem.reason.startswith("not records: none of its 2 items has a URL field")


def test_an_output_folder_among_the_sources_is_skipped_and_named(tmp_path: Path) -> None:
    shutil.copy(SEED_RECORD, tmp_path / "a.txt")
    for name in ("old-build", "z-build"):  # two, so that the walk goes on after the first
        (tmp_path / name / ".graphkit" / "builds").mkdir(parents=True)
        shutil.copy(SEED_RECORD, tmp_path / name / "copy.txt")
    shutil.copy(SEED_RECORD, tmp_path / "zz.txt")
    shutil.copy(SEED_RECORD, tmp_path / ".hidden.txt")  # hidden files are not read either
    result = read_records([tmp_path])
    assert sorted(result.skipped_folders) == [str(tmp_path / n) for n in ("old-build", "z-build")]
    assert result.files_read == 2


def test_malformed_json_is_named_by_its_line_and_column(write_record: WriteRecord) -> None:
    records, (problem,) = read_file(
        write_record("bad.json", '[\n  {"webUrl": "https://e.com"},\n  oops\n]')
    )
    assert records == [] and (problem.line, problem.reason) == (
        3,
        "malformed JSON: Expecting value (column 3)",
    )


def test_records_of_json_lines_carry_their_line(write_record: WriteRecord) -> None:
    lines = [json.dumps(article(f"https://e.com/{n}")) for n in range(3)]
    records, _ = read_file(write_record("r.jsonl", "\n".join(["", *lines]) + "\n"))
    assert [record.line for record in records] == [2, 3, 4]


def test_graphkits_own_pool_is_used_only_when_it_pays() -> None:
    def batches(files: int, jsonl: int = 0) -> list[list[Path]]:
        names = [Path(f"{i}.md") for i in range(files)] + [Path(f"{i}.jsonl") for i in range(jsonl)]
        return reader.read_batches(names)

    with ThreadPoolExecutor(1) as given:
        assert isinstance(reader._own_pool(given, 4, batches(10_000)), contextlib.nullcontext)
    assert isinstance(reader._own_pool(None, 1, batches(10_000)), contextlib.nullcontext)
    few = batches(reader.PARALLEL_FROM - reader.READ_CHUNK)
    assert isinstance(reader._own_pool(None, 4, few), contextlib.nullcontext)
    pool = reader._own_pool(None, 4, batches(reader.PARALLEL_FROM))
    assert isinstance(pool, ProcessPoolExecutor)
    assert pool._max_workers == min(4, len(batches(reader.PARALLEL_FROM)))
    pool.shutdown()
    # JSON Lines files hold thousands of records each: a handful of them is worth a pool,
    # and one worker each at most
    handful = -(-reader.PARALLEL_FROM // reader.JSON_COUNTS_AS)  # as many as PARALLEL_FROM files
    lines = reader._own_pool(None, 4, batches(0, jsonl=handful))
    assert isinstance(lines, ProcessPoolExecutor) and lines._max_workers == min(4, handful)
    lines.shutdown()
    every_core = reader._own_pool(None, 0, batches(100_000))  # 0: one per core
    assert isinstance(every_core, ProcessPoolExecutor)
    assert every_core._max_workers == (os.cpu_count() or 1)
    every_core.shutdown()


def test_a_json_lines_file_is_a_read_task_alone() -> None:
    more = reader.READ_CHUNK + 6
    names = [
        Path("a.md"),
        Path("b.jsonl"),
        *(Path(f"{i}.txt") for i in range(more)),
        Path("c.json"),
    ]
    assert reader.read_batches(names) == [
        [names[0]], [names[1]], names[2 : 2 + reader.READ_CHUNK], names[2 + reader.READ_CHUNK : -1],
        [names[-1]],
    ]  # fmt: skip


def test_a_record_with_every_field_reads_to_exactly_these_values(write_record: WriteRecord) -> None:
    fields = {
        "title": " Dam opens ",
        "excerpt": "Water flows again",
        "publishedDateTime": "2023-05-01T12:00:00+02:00",
        "webUrl": "https://www.e.com/dam",
        "ampWebUrl": "https://www.e.com/dam/amp",
        "type": "article",
        "quality": 71,
        "heat": "12.5",
        "provider": {"name": "E News", "domain": "e.com"},
        "topics": ["Water", None, " "],
        "category": "news",
        "categories": ["local"],
        "tags": ["dam", "river"],
        "locale": "en-gb",
        "updatedDateTime": "2023-05-02T08:00:00Z",
        "images": [
            {"url": "https://img.e.com/1.jpg", "width": 800, "height": "600"},
            {"url": "no"},
        ],
        "related": [{"webUrl": "https://f.com/x", "title": 7, "provider": {"domain": "f.com"}}],
    }
    (record,), problems = read_file(write_record("full.txt", fields))
    assert problems == []
    assert record == Record(
        source=record.source,
        article=Mention(
            urls=("https://www.e.com/dam", "https://www.e.com/dam/amp"),
            title="Dam opens",
            excerpt="Water flows again",
            published=datetime(2023, 5, 1, 10, tzinfo=UTC),
            published_raw="2023-05-01T12:00:00+02:00",
            time_has_zone=True,
            provider_name="E News",
            provider_domain="e.com",
            quality=71.0,
            heat=12.5,
            type="article",
            images=(Image("https://img.e.com/1.jpg", 800, 600),),
            own_record=True,
        ),
        related=(Mention(urls=("https://f.com/x",), title="7", provider_domain="f.com"),),
        topics=("Water",),
        categories=("local", "news"),  # the list, then the single `category`
        tags=("dam", "river"),
        locale="en-gb",
        updated=datetime(2023, 5, 2, 8, tzinfo=UTC),
        line=None,
    )
    assert record.source.endswith("full.txt")


@pytest.mark.parametrize(
    ("provider", "reason"),
    [
        ({"name": ["a"]}, "provider.name: expected text, got a list"),
        ({"domain": {"x": 1}}, "provider.domain: expected text, got a mapping"),
    ],
)
def test_a_bad_provider_field_is_named_with_its_path(
    write_record: WriteRecord, provider: dict[str, object], reason: str
) -> None:
    records, (problem,) = read_file(
        write_record("p.txt", {**article("https://e.com/p"), "provider": provider})
    )
    assert records == [] and problem.reason == reason


def test_a_dropped_related_entry_is_located_at_the_related_field(write_record: WriteRecord) -> None:
    text = "---\nwebUrl: https://e.com/a\ntitle: t\nrelated:\n  - 5\n  - webUrl: https://f.com/b\n---\n"
    (record,), (problem,) = read_file(write_record("r.md", text))
    assert [m.urls for m in record.related] == [("https://f.com/b",)]
    assert (problem.line, problem.severity) == (4, Severity.DROPPED)
    assert problem.reason == "related entry 1 dropped: expected a mapping, got int"


def test_prefetching_stops_with_its_reader_and_never_hangs(tmp_path: Path) -> None:
    # The hint thread opens files before their reader: a named pipe put where a record was
    # (which a plain open would wait on forever), a file gone, and files never taken.
    files = [tmp_path / f"{i}.txt" for i in range(10)]
    for file in files:
        file.write_text("---\ntitle: x\n---\n", encoding="utf-8")
    files[1].unlink()
    os.mkfifo(files[1])
    files[2].unlink()
    with reader.Prefetch(files, ahead=2) as ahead:
        ahead.taken()  # three files may be asked for: seven are left when the reader stops
    assert not ahead.thread.is_alive()  # ended with its reader
    with reader.Prefetch(files, ahead=100) as ahead:
        ahead.thread.join(timeout=5)
        assert not ahead.thread.is_alive()  # every file asked for, the pipe included


def test_a_read_with_its_files_asked_for_ahead_is_the_same(tmp_path: Path) -> None:
    corpus = generate_corpus(tmp_path / "records", 800, seed=5).path
    ahead = read_records([corpus], jobs=2)
    with ThreadPoolExecutor(2) as threads:  # another executor: no prefetching
        without = read_records([corpus], executor=threads)
    assert ahead.records == without.records and ahead.problems == without.problems


def test_the_readmes_example_record_reads_the_same_as_yaml_and_as_json(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your records", 1)[1]
    yaml_text = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    json_text = section.split("```json\n", 1)[1].split("```", 1)[0]
    (tmp_path / "example.md").write_text(yaml_text, encoding="utf-8")
    (tmp_path / "example.json").write_text(json_text, encoding="utf-8")
    (from_yaml,), problems = read_file(tmp_path / "example.md")
    (from_json,), more = read_file(tmp_path / "example.json")
    assert problems == more == []
    assert from_yaml.article == from_json.article
    assert from_yaml.related == from_json.related and len(from_yaml.related) == 1
    assert from_yaml.article.title == "Fed: rates on hold as inflation cools"
