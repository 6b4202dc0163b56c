"""Type stub for graphkit.records: the names it exports, loaded on first use (see __init__.py)."""

from .cache import ReadCache
from .model import Image, Mention, Problem, ReadResult, Record, Severity
from .reader import StrictModeError, find_files, read_file, read_records
from .times import is_plausible, iso_utc, parse_time

__all__ = [
    "Image",
    "Mention",
    "Problem",
    "ReadCache",
    "ReadResult",
    "Record",
    "Severity",
    "StrictModeError",
    "find_files",
    "is_plausible",
    "iso_utc",
    "parse_time",
    "read_file",
    "read_records",
]
