"""Story and first-coverage tables as CSV and JSON, and reading them back.

- `stories.csv`: one row per article: its story, outlet, usable time, lag behind the first.
- `first_coverage.csv`: one row per story: who was first, when, with which article(s).
- `outlets.csv`: the outlet leaderboard; `head_to_head.csv`: who was earlier, pair by pair.
- `story_ids.csv`: each story id of an earlier build into the same folder that no story has
  now, and the story that continues it (`graphkit.analysis.lineage`).

Each also as `.json` (lists as lists, numbers as numbers, missing values as null). Times are
ISO 8601 UTC with `Z`; in CSV, a list cell is a JSON array (even for one value, `[]` for none),
so `json.loads(cell)` splits it back whatever the values contain (URLs hold `;` and `,`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import polars as pl

from ..analysis import (
    Entry,
    HeadToHead,
    OutletLead,
    StoryCoverage,
    head_to_head,
    leaderboard,
)
from ..analysis.coverage import CoverageTables
from ..analysis.lineage import StoryIds, StoryMove, continue_ids, moves_frame
from ..records import iso_utc
from ..records.times import iso_utc_texts
from .files import write_json, write_stream, write_text

STORY_COLUMNS = (
    "story_id",
    "article_url",
    "provider_domain",
    "published_utc",
    "lag_seconds",
    "is_first",
    "time_status",
    "provider_name",
)
FIRST_COLUMNS = (
    "story_id",
    "label",
    "first_published_utc",
    "first_provider_domains",
    "first_article_urls",
    "article_count",
    "outlet_count",
)
OUTLET_COLUMNS = (
    "provider_domain",
    "provider_name",
    "stories",
    "times_first",
    "tied_first",
    "share_first",
    "median_lag_seconds",
    "mean_lag_seconds",
)
STORY_ID_COLUMNS = (
    "old_story_id",
    "story_id",
    "how",
    "since_build",
    "shared_articles",
    "old_articles",
    "also_story_ids",
)
HEAD_TO_HEAD_COLUMNS = ("outlet_a", "outlet_b", "stories", "a_earlier", "b_earlier", "ties")
TABLES = ("stories", "first_coverage", "outlets", "head_to_head")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def story_rows(coverage: CoverageTables | Iterable[StoryCoverage]) -> list[dict[str, Any]]:
    """One row per article, stories in order, each story's articles earliest first.

    JSON rows also carry the canonical URL and the title.
    """
    tables = CoverageTables.of(coverage)
    ids = tables.stories["id"]
    return [
        {
            "story_id": ids[story],
            "article_url": url,
            "provider_domain": provider,
            "published_utc": _time(published),
            "lag_seconds": _number(lag),
            "is_first": is_first,
            "time_status": time_status,
            "provider_name": provider_name,
            "canonical_url": article,
            "title": title,
        }
        for (story, article, url, provider, provider_name, title, published, time_status, lag,
             is_first) in tables.entries.iter_rows()
    ]  # fmt: skip


def first_rows(coverage: CoverageTables | Iterable[StoryCoverage]) -> list[dict[str, Any]]:
    """One row per story: its first article(s); JSON rows also give topics, span, untimed."""
    summary = CoverageTables.of(coverage).summary()
    return [
        {
            "story_id": row["id"],
            "label": row["label"],
            "first_published_utc": _time(row["first_time"]),
            "first_provider_domains": row["first_providers"] or [],
            "first_article_urls": row["first_urls"] or [],
            "article_count": row["article_count"] or 0,
            "outlet_count": row["outlet_count"] or 0,
            "last_published_utc": _time(row["last_time"]),
            "untimed_count": row["untimed_count"] or 0,
            "topics": row["topics"],
            "categories": row["categories"],
        }
        for row in summary.iter_rows(named=True)
    ]


def outlet_rows(leaders: Iterable[OutletLead]) -> list[dict[str, Any]]:
    """The leaderboard, one row per outlet."""
    return [
        {
            "provider_domain": lead.provider,
            "provider_name": lead.name,
            "stories": lead.stories,
            "times_first": _number(lead.first),
            "tied_first": lead.tied_first,
            "share_first": round(lead.share_first, 4),
            "median_lag_seconds": _number(lead.median_lag_seconds),
            "mean_lag_seconds": _number(lead.mean_lag_seconds),
        }
        for lead in leaders
    ]


def head_to_head_rows(pairs: Iterable[HeadToHead]) -> list[dict[str, Any]]:
    """One row per pair of outlets that covered a story together."""
    return [
        {
            "outlet_a": pair.a,
            "outlet_b": pair.b,
            "stories": pair.stories,
            "a_earlier": pair.a_earlier,
            "b_earlier": pair.b_earlier,
            "ties": pair.ties,
        }
        for pair in pairs
    ]


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header; lists as JSON arrays, None empty, booleans `true`/`false`.

    A list cell is compact JSON (`[]` when empty): `json.loads(cell)` gives the list back, even
    when values hold `;`, `,` or quotes. It always starts with `[`, so a spreadsheet never runs
    it; its values are kept as they are. A text cell that a spreadsheet would run as a formula
    gets a leading `'`. Rows end in CRLF (RFC 4180), so that a `\\r` inside a cell is quoted.

    >>> rows = [{"a": ["x;1", "y,2"], "b": [], "c": None, "d": True, "e": "=1+1"}]
    >>> print(*(text := csv_text(rows, "abcde")).splitlines(), sep="\\n")
    a,b,c,d,e
    "[""x;1"",""y,2""]",[],,true,'=1+1
    >>> [row] = csv.DictReader(io.StringIO(text))
    >>> json.loads(row["a"]), json.loads(row["b"])
    (['x;1', 'y,2'], [])
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def write_coverage_tables(
    coverage: CoverageTables | Sequence[StoryCoverage], out: Path
) -> list[Path]:
    """Write the story, first-coverage, outlet and head-to-head tables as CSV and JSON.

    The two big ones (a row per article, a row per story) are written column by column, as
    `csv_text` and `write_json` write the small ones row by row (tests/test_tables.py holds
    the two ways to the same bytes)."""
    coverage = CoverageTables.of(coverage)
    written = []
    for name, (frame, columns) in {
        "stories": (story_frame(coverage), STORY_COLUMNS),
        "first_coverage": (first_frame(coverage), FIRST_COLUMNS),
    }.items():
        written.append(write_stream(out, f"{name}.csv", partial(_write_csv, frame, columns)))
        written.append(write_stream(out, f"{name}.json", partial(_write_json, frame)))
    for name, (rows, columns) in {
        "outlets": (outlet_rows(leaderboard(coverage)), OUTLET_COLUMNS),
        "head_to_head": (head_to_head_rows(head_to_head(coverage)), HEAD_TO_HEAD_COLUMNS),
    }.items():
        written.append(write_text(out, f"{name}.csv", csv_text(rows, columns)))
        written.append(write_json(out, f"{name}.json", rows))
    return written


def story_frame(coverage: CoverageTables) -> pl.DataFrame:
    """`story_rows` as a table (times as text, lags as `_number` gives them)."""
    ids = coverage.stories.select("story", pl.col("id").alias("story_id"))
    entries = coverage.entries.join(ids, on="story", maintain_order="left")
    return entries.select(
        "story_id", pl.col("url").alias("article_url"), pl.col("provider").alias("provider_domain"),
        iso_utc_texts(pl.col("published")).alias("published_utc"),
        number_texts(entries["lag_seconds"]).alias("lag_seconds"), "is_first", "time_status",
        "provider_name", pl.col("article").alias("canonical_url"), "title",
    )  # fmt: skip


def first_frame(coverage: CoverageTables) -> pl.DataFrame:
    """`first_rows` as a table."""
    empty = pl.lit([], dtype=pl.List(pl.String))
    return coverage.summary().select(
        pl.col("id").alias("story_id"), "label",
        iso_utc_texts(pl.col("first_time")).alias("first_published_utc"),
        pl.col("first_providers").fill_null(empty).alias("first_provider_domains"),
        pl.col("first_urls").fill_null(empty).alias("first_article_urls"),
        pl.col("article_count").fill_null(0), pl.col("outlet_count").fill_null(0),
        iso_utc_texts(pl.col("last_time")).alias("last_published_utc"),
        pl.col("untimed_count").fill_null(0), "topics", "categories",
    )  # fmt: skip


_NUMBERS = ("lag_seconds",)  # columns of numbers already written as text (`number_texts`)


def number_texts(values: pl.Series) -> pl.Series:
    """`_number` of each value, as the text JSON and CSV write it (null stays null): whole
    numbers by Polars, others (fractions of a second: rare) by `_number` itself."""
    whole = values.is_finite() & (values == values.floor()) & (values.abs() < 2.0**53)
    found = (
        pl.select(pl.when(whole).then(values.cast(pl.Int64).cast(pl.String)))
        .to_series()
        .alias(values.name)
    )
    others = (~whole & values.is_not_null()).fill_null(False).arg_true()
    if len(others):
        texts = [str(_number(value)) for value in values.gather(others).to_list()]
        found = found.scatter(others, texts)
    return found


def _cell_texts(frame: pl.DataFrame) -> pl.DataFrame:
    """Each column as `_cell` writes its values: lists as compact JSON, booleans as
    true/false, text a spreadsheet would run with a leading `'`."""
    cells = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if name in _NUMBERS or dtype.is_numeric():
            cells.append(column.cast(pl.String))
        elif dtype == pl.Boolean:
            cells.append(pl.when(column).then(pl.lit("true")).otherwise(pl.lit("false")))
        elif isinstance(dtype, pl.List):
            cells.append(_json_list(column, ",", "", ""))
        else:
            formula = pl.any_horizontal(*(column.str.starts_with(c) for c in _FORMULA_START))
            cells.append(pl.when(formula).then("'" + column).otherwise(column))
    return frame.select(cell.alias(name) for cell, name in zip(cells, frame.columns, strict=True))


def _json_text(column: pl.Expr) -> pl.Expr:
    """A text column as JSON strings (`null` for none), escaped as orjson and json escape."""
    wrapped = pl.struct(column.alias("v")).struct.json_encode()
    return wrapped.str.slice(5, wrapped.str.len_chars() - 6)  # {"v": ... }


def _json_list(column: pl.Expr, separator: str, opening: str, closing: str) -> pl.Expr:
    """A list column as JSON arrays: its items' JSON joined by `separator`, between
    `[` + `opening` and `closing` + `]` ([] for an empty list)."""
    items = column.list.eval(_json_text(pl.element())).list.join(separator)
    return (
        pl.when(column.list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.concat_str(pl.lit("[" + opening), items, pl.lit(closing + "]")))
    )


def _write_csv(frame: pl.DataFrame, columns: Sequence[str], stream: BinaryIO) -> None:
    """`csv_text` of the table's `columns`, column by column."""
    _cell_texts(frame.select(columns)).write_csv(stream, line_terminator="\r\n")


def _write_json(frame: pl.DataFrame, stream: BinaryIO) -> None:
    """`write_json` of the table's rows (a list of objects, indented by two spaces)."""
    if frame.is_empty():
        stream.write(b"[]\n")
        return
    fields = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if name in _NUMBERS:
            value = column.fill_null("null")
        elif dtype.is_numeric():
            value = column.cast(pl.String).fill_null("null")
        elif dtype == pl.Boolean:
            value = pl.when(column).then(pl.lit("true")).otherwise(pl.lit("false"))
        elif isinstance(dtype, pl.List):
            value = _json_list(column, ",\n      ", "\n      ", "\n    ")
        else:
            value = _json_text(column)
        fields.append(pl.concat_str(pl.lit(f'    "{name}": '), value))
    body = pl.concat_str(pl.lit("  {\n"), pl.concat_str(fields, separator=",\n"), pl.lit("\n  }"))
    objects = frame.select(body.alias("object")).with_columns(
        pl.when(pl.int_range(pl.len()) < pl.len() - 1)
        .then(pl.col("object") + ",")
        .otherwise(pl.col("object"))
    )
    stream.write(b"[\n")
    objects.write_csv(stream, include_header=False, quote_style="never", line_terminator="\n")
    stream.write(b"]\n")


def continue_story_ids(earlier: Path, coverage: CoverageTables, build: str) -> StoryIds:
    """The story ids of `coverage` and the moves of those the build in `earlier` (a folder
    holding its `stories.csv` and `story_ids.json`, if any) had; see `continue_ids`."""
    members = pl.DataFrame(schema={"story_id": pl.String, "article_url": pl.String})
    if (earlier / "stories.csv").is_file():
        members = pl.read_csv(
            earlier / "stories.csv", columns=list(members.columns), schema_overrides=members.schema
        )
    now = story_frame(coverage).select("story_id", "article_url")
    return continue_ids(members, read_story_moves(earlier), now, build)


def write_story_ids(ids: StoryIds, out: Path) -> list[Path]:
    """Write `story_ids.csv` and `story_ids.json`: a row per earlier id no story has now."""
    frame = moves_frame(ids.moves)
    return [
        write_stream(out, "story_ids.csv", partial(_write_csv, frame, STORY_ID_COLUMNS)),
        write_stream(out, "story_ids.json", partial(_write_json, frame)),
    ]


def read_story_moves(out: Path) -> tuple[StoryMove, ...]:
    """The moves in a build's `story_ids.json` (none if it has none)."""
    try:
        rows = orjson.loads((out / "story_ids.json").read_bytes())
    except (OSError, ValueError):
        return ()
    return tuple(
        StoryMove(
            row["old_story_id"], row["story_id"], row["how"], row["since_build"],
            row["shared_articles"], row["old_articles"], tuple(row["also_story_ids"]),
        )
        for row in rows
    )  # fmt: skip


def read_coverage(out: Path) -> list[StoryCoverage]:
    """Story timelines from a built output folder (`stories.json` and `first_coverage.json`)."""
    stories = orjson.loads((out / "first_coverage.json").read_bytes())
    articles = orjson.loads((out / "stories.json").read_bytes())
    entries: dict[str, list[Entry]] = {}
    for row in articles:
        entries.setdefault(row["story_id"], []).append(_row_entry(row))
    return [
        StoryCoverage(
            id=row["story_id"],
            label=row["label"],
            topics=tuple(row.get("topics", ())),
            categories=tuple(row.get("categories", ())),
            entries=tuple(entries.get(row["story_id"], ())),
        )
        for row in stories
    ]


def _entry_row(story_id: str, entry: Entry) -> dict[str, Any]:
    return {
        "story_id": story_id,
        "article_url": entry.url,
        "provider_domain": entry.provider,
        "published_utc": _time(entry.published),
        "lag_seconds": _number(entry.lag_seconds),
        "is_first": entry.is_first,
        "time_status": entry.time_status,
        "provider_name": entry.provider_name,
        "canonical_url": entry.article,
        "title": entry.title,
    }


def _row_entry(row: Mapping[str, Any]) -> Entry:
    published = row.get("published_utc")
    return Entry(
        article=row.get("canonical_url") or row["article_url"],
        url=row["article_url"],
        provider=row.get("provider_domain"),
        provider_name=row.get("provider_name"),
        title=row.get("title"),
        published=datetime.fromisoformat(published) if published else None,
        time_status=row.get("time_status", "ok" if published else "missing"),
        lag_seconds=row.get("lag_seconds"),
        is_first=bool(row.get("is_first")),
    )


def _time(value: datetime | None) -> str | None:
    return iso_utc(value) if value else None


def _number(value: float | None) -> float | int | None:
    """Whole numbers as integers (5640, not 5640.0); others rounded to milliseconds."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 3)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        # Always starts with "[": never a formula, and never given the "'" prefix.
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return str(value)
