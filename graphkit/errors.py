"""graphkit's own errors: one root, and the exit status `graphkit` ends with on each kind.

Every error graphkit raises to its callers is a `GraphkitError`, so a notebook or a script can
catch them all in one clause, and the command line ends with the error's `exit_status`
instead of keeping a table of its own.

>>> from graphkit.rdf import QueryError
>>> issubclass(QueryError, GraphkitError), int(QueryError.exit_status)
(True, 2)
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitStatus(IntEnum):
    """How a `graphkit` command ends (docs/records.md lists them for each command)."""

    OK = 0
    INPUT_LOST = 1  # the build was published, but some records or related entries were lost
    USAGE = 2  # a wrong argument, query or output folder
    STRICT = 3  # --strict stopped at a problem; nothing was published
    STOPPED = 4  # a query was stopped at its time limit
    BUSY = 5  # another build is writing the output folder
    NOT_WRITTEN = 6  # the output folder could not be written (out of space); its build stands


class GraphkitError(Exception):
    """The root of graphkit's errors; `exit_status` is how the command line ends on one."""

    exit_status: ClassVar[ExitStatus] = ExitStatus.USAGE
