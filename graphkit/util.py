"""Small helpers that any stage of the pipeline may use."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a stage makes millions of acyclic objects.

    Its repeated passes over them took a quarter of a build and 60% of the RDF mapping on
    10k records; graphkit's data has no reference cycles to collect.

    >>> with collector_paused():
    ...     import gc; gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
