"""Publication times: every form the feeds use, read as timezone-aware UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the one column rule here; the value rules serve light commands too
    import polars as pl


EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)


class TimeFormatError(ValueError):
    """A value that is not a date-time in any form we read."""


@dataclass(frozen=True)
class ParsedTime:
    value: datetime
    has_zone: bool


def parse_time(raw: object) -> ParsedTime:
    """Read a YAML timestamp, a date, or an ISO 8601 string as UTC.

    A value without a zone is taken as UTC and said to have none, so it can be counted.

    >>> parse_time("2021-02-18T17:13:00+01:00").value.isoformat()
    '2021-02-18T16:13:00+00:00'
    """
    if isinstance(raw, datetime):
        return _as_utc(raw)
    if isinstance(raw, date):
        return ParsedTime(datetime(raw.year, raw.month, raw.day, tzinfo=UTC), has_zone=False)
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise TimeFormatError("empty date-time")
        # fromisoformat (3.11) reads Z, offsets, fractions and "T" or space separators.
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise TimeFormatError(f"not an ISO 8601 date-time: {text[:40]!r}") from None
        return _as_utc(value)
    raise TimeFormatError(f"expected a date-time, got {type(raw).__name__}")


def _as_utc(value: datetime) -> ParsedTime:
    if value.tzinfo is None or value.utcoffset() is None:
        return ParsedTime(value.replace(tzinfo=UTC), has_zone=False)
    try:
        return ParsedTime(value.astimezone(UTC), has_zone=True)
    except OverflowError:  # 9999-12-31T23:59-14:00 has no UTC time a datetime can hold
        raise TimeFormatError(f"out of range in UTC: {value.isoformat()}") from None


def is_plausible(value: datetime, now: datetime | None = None) -> bool:
    """Whether a publication time can be believed: from 1990 to a day after `now`."""
    latest = (now or datetime.now(UTC)) + FUTURE_TOLERANCE
    return EARLIEST_PLAUSIBLE <= value <= latest


def iso_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, seconds kept, fractions only when present."""
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def iso_utc_texts(times: pl.Expr) -> pl.Expr:
    """`iso_utc` of each time of a column of UTC times (null stays null).

    >>> import polars as pl
    >>> moments = [datetime(2021, 2, 17, 23, 21, tzinfo=UTC), datetime(99, 1, 1, 0, 0, 0, 5)]
    >>> pl.select(iso_utc_texts(pl.lit(pl.Series(moments)))).to_series().to_list()
    ['2021-02-17T23:21:00Z', '0099-01-01T00:00:00.000005Z']
    """
    import polars as pl

    return (
        pl.when(times.dt.microsecond() == 0)
        .then(times.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        .otherwise(times.dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"))
    )
