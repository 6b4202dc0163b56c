"""Records as columns: what reading hands on to resolving, with no Python object per value.

A batch of records becomes five flat tables of plain values (Polars): the records, their
labels (topics and categories), their mentions (the record's own article and each related
entry), and the mentions' URLs and images. Nested values are tables of their own, joined by
row numbers: Polars turns lists of plain values into columns at C speed, but lists of lists
or of mappings (a mention's URLs, its images) one Python object at a time, 20 to 100 times
slower. Reading workers fill the plain lists (`RecordColumns`: texts, numbers, and times as
integer microseconds, which pickle at C speed) from the files they read, and the reader makes
them tables: Polars itself never runs in a worker, whose process may have been forked from
one where Polars' threads already run (a fork keeps none of them, and Polars refuses to work
there).

>>> from graphkit.records import read_records
>>> tables = RecordTables.from_records(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
>>> len(tables), tables.mentions.height, tables.urls.height
(1, 3, 7)
>>> tables.mentions.select("slot", "provider_domain").rows()
[(0, 'dailydot.com'), (1, 'washingtonpost.com'), (2, 'nationthailand.com')]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from .model import Mention, Record

TOPIC, CATEGORY = 0, 1  # a label's kind

RECORDS_SCHEMA = {
    "record": pl.UInt32,  # the record's number in its batch (renumbered when batches join)
    "source": pl.String,
    "line": pl.Int64,  # where a record starts in a JSON Lines file; null for a file's one
    "url_key": pl.String,  # the own article's URLs joined by NUL: the last key of the order
}
LABELS_SCHEMA = {"record": pl.UInt32, "kind": pl.UInt8, "text": pl.String}
MENTIONS_SCHEMA = {
    "mention": pl.UInt32,
    "record": pl.UInt32,
    "slot": pl.UInt32,  # 0: the record's own article; n: its n-th related entry
    "title": pl.String,
    "excerpt": pl.String,
    "published": pl.Datetime("us", "UTC"),
    "has_zone": pl.Boolean,
    "provider_name": pl.String,
    "provider_domain": pl.String,
    "quality": pl.Float64,
    "heat": pl.Float64,
    "type": pl.String,
}
URLS_SCHEMA = {"mention": pl.UInt32, "pos": pl.UInt32, "url": pl.String}
IMAGES_SCHEMA = {
    "mention": pl.UInt32,
    "url": pl.String,
    "width": pl.Int64,
    "height": pl.Int64,
}


@dataclass(frozen=True)
class RecordTables:
    """A batch of records as flat tables; rows refer to each other by `record` and `mention`
    numbers, which run from 0 in each batch."""

    records: pl.DataFrame
    labels: pl.DataFrame
    mentions: pl.DataFrame
    urls: pl.DataFrame
    images: pl.DataFrame

    def __len__(self) -> int:
        return self.records.height

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> RecordTables:
        """The tables of some records (each keeps its `source` and `line`)."""
        return RecordColumns.of(records).tables()

    @classmethod
    def empty(cls) -> RecordTables:
        return cls.from_records(())

    def of_sources(self, sources: Collection[str]) -> RecordTables:
        """The records whose `source` is one of `sources`, with all that belongs to them,
        numbered from 0 again (in the order they had here).

        >>> from graphkit.records import read_records
        >>> tables = read_records(["seeds/"], tables=True).tables
        >>> one = tables.of_sources(["seeds/000_fe3165b138a4a152.txt"])
        >>> len(one), one.mentions.height, one.mentions["record"].unique().to_list()
        (1, 3, [0])
        """
        records = self.records.filter(pl.col("source").is_in(list(sources)))
        numbers = records.select(pl.col("record").alias("old")).with_row_index("new")
        mentions = _renumbered(self.mentions, "record", numbers)
        renumbered = mentions.select(pl.col("mention").alias("old")).with_row_index("new")
        return RecordTables(
            _renumbered(records, "record", numbers),
            _renumbered(self.labels, "record", numbers),
            _renumbered(mentions, "mention", renumbered),
            _renumbered(self.urls, "mention", renumbered),
            _renumbered(self.images, "mention", renumbered),
        )

    @classmethod
    def concat(cls, batches: Sequence[RecordTables], rechunk: bool = False) -> RecordTables:
        """One batch of many, records and mentions numbered on from one batch to the next;
        with `rechunk`, each column in one piece of memory rather than one per batch."""
        batches = [batch for batch in batches if len(batch)]
        if len(batches) <= 1:
            return batches[0] if batches else cls.empty()
        records, mentions = [], []
        labels, urls, images = [], [], []
        record_base = mention_base = 0
        for batch in batches:
            shift_record = pl.col("record") + record_base
            shift_mention = pl.col("mention") + mention_base
            records.append(batch.records.with_columns(shift_record))
            labels.append(batch.labels.with_columns(shift_record))
            mentions.append(batch.mentions.with_columns(shift_record, shift_mention))
            urls.append(batch.urls.with_columns(shift_mention))
            images.append(batch.images.with_columns(shift_mention))
            record_base += batch.records.height
            mention_base += batch.mentions.height
        return cls(
            *(
                pl.concat(parts, rechunk=rechunk)
                for parts in (records, labels, mentions, urls, images)
            )
        )


def _renumbered(table: pl.DataFrame, column: str, numbers: pl.DataFrame) -> pl.DataFrame:
    """The rows of `table` whose `column` is one of `numbers`' "old", with its "new" there
    instead (in the rows' order); the schema stays."""
    found = table.join(numbers.rename({"old": column}), on=column, maintain_order="left")
    return found.with_columns(pl.col("new").cast(table.schema[column]).alias(column)).drop("new")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# A mention's values: its URLs, then these columns of MENTIONS_SCHEMA (the time as integer
# microseconds since the epoch), then its images as (url, width, height).
_MENTION_VALUES = (
    "title", "excerpt", "published", "has_zone", "provider_name", "provider_domain",
    "quality", "heat", "type",
)  # fmt: skip
MentionValues = tuple[Any, ...]


def _values(mention: Mention) -> MentionValues:
    """A mention's values as `RecordColumns.add_values` takes them."""
    published = mention.published
    return (
        mention.urls, mention.title, mention.excerpt,
        None if published is None else (published - _EPOCH) // _MICROSECOND,
        mention.time_has_zone, mention.provider_name, mention.provider_domain, mention.quality,
        mention.heat, mention.type, [(i.url, i.width, i.height) for i in mention.images],
    )  # fmt: skip


class RecordColumns:
    """Plain lists, one per column of `RecordTables`, filled record by record."""

    @classmethod
    def of(cls, records: Iterable[Record]) -> RecordColumns:
        columns = cls()
        for record in records:
            columns.add(record)
        return columns

    def __init__(self) -> None:
        self.records: dict[str, list[object]] = {name: [] for name in RECORDS_SCHEMA}
        self.labels: dict[str, list[object]] = {name: [] for name in LABELS_SCHEMA}
        self.mentions: dict[str, list[object]] = {name: [] for name in MENTIONS_SCHEMA}
        self.urls: dict[str, list[object]] = {name: [] for name in URLS_SCHEMA}
        self.images: dict[str, list[object]] = {name: [] for name in IMAGES_SCHEMA}

    def __len__(self) -> int:
        return len(self.records["record"])

    def add(self, record: Record) -> None:
        """Add a record (as `fields.to_record` made it)."""
        labels = [
            *((TOPIC, text) for text in record.topics),
            *((CATEGORY, text) for text in record.categories),
        ]
        mentions = [_values(mention) for mention in (record.article, *record.related)]
        self.add_values(record.source, record.line, mentions, labels)

    def add_values(
        self,
        source: str,
        line: int | None,
        mentions: Sequence[MentionValues],
        labels: Iterable[tuple[int, str]],
    ) -> None:
        """Add a record given by its values: its own article's mention first, then its
        related entries'; its labels as (kind, text)."""
        records, number = self.records, len(self.records["record"])
        records["record"].append(number)
        records["source"].append(source)
        records["line"].append(line)
        records["url_key"].append("\x00".join(mentions[0][0]))
        for kind, text in labels:
            self.labels["record"].append(number)
            self.labels["kind"].append(kind)
            self.labels["text"].append(text)
        m, urls, images = self.mentions, self.urls, self.images
        row = len(m["mention"])
        for slot, (found, *values, given) in enumerate(mentions):
            m["mention"].append(row)
            m["record"].append(number)
            m["slot"].append(slot)
            for name, value in zip(_MENTION_VALUES, values, strict=True):
                m[name].append(value)
            for pos, url in enumerate(found):
                urls["mention"].append(row)
                urls["pos"].append(pos)
                urls["url"].append(url)
            for url, width, height in given:
                images["mention"].append(row)
                images["url"].append(url)
                images["width"].append(width)
                images["height"].append(height)
            row += 1

    def tables(self) -> RecordTables:
        """The lists as tables (Polars: in the reading process, never in a worker)."""
        mentions = {**MENTIONS_SCHEMA, "published": pl.Int64}
        return RecordTables(
            pl.DataFrame(self.records, schema=RECORDS_SCHEMA),
            pl.DataFrame(self.labels, schema=LABELS_SCHEMA),
            pl.DataFrame(self.mentions, schema=mentions).cast(MENTIONS_SCHEMA),  # type: ignore[arg-type]
            pl.DataFrame(self.urls, schema=URLS_SCHEMA),
            pl.DataFrame(self.images, schema=IMAGES_SCHEMA),
        )
