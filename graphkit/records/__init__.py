"""Stage 1 of the pipeline: read record files into validated records and problems."""

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
