"""The defaults that calls and commands share, in one light module.

Every stage may import it and it imports no stage: the command line shows these defaults in
its help before it imports the stage a command needs (a query then does not pay for Polars).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SOURCE = "seeds"  # what `graphkit build` reads when given no sources
DEFAULT_OUT = "output"  # where it writes

QUERY_WORKERS = 2  # queries answered at once by default: one per core of a small machine

# A rebuild changes the previous build's store by a delta (graphkit.rdf.delta) when at most
# this share of the files was read again (beyond it, the store loads as it is written, which
# overlaps the load with the rest of the build) ...
REBUILD_READ_SHARE = 0.5
# ... and the N-Triples lines differ by at most this share; otherwise the new graph.nt is
# loaded whole, which is then the cheaper way.
STORE_DELTA_SHARE = 0.1

CLUSTER_TIMEOUT = 30.0  # seconds to reach a Dask scheduler (graphkit build --dask)

PUSH_BATCH_TRIPLES = 20_000  # Virtuoso takes a few MB per request comfortably
PUSH_RETRIES = 3  # times a batch is sent again after a time-out or an HTTP 5xx


@dataclass(frozen=True)
class Limits:
    """A query's time limit in seconds and its row cap; None lifts either. The defaults are
    one user's at the command line; an endpoint shared by clients has tighter ones."""

    timeout: float | None = 60.0
    max_rows: int | None = 100_000

    def describe(self) -> str:
        time = f"{self.timeout:g} s" if self.timeout else "no time limit"
        rows = f"{self.max_rows:,} rows" if self.max_rows else "no row cap"
        return f"{time}, {rows}"


SERVE_LIMITS = Limits(timeout=30, max_rows=10_000)  # shared by clients: tighter than the CLI
