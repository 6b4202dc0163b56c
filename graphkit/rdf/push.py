"""`graphkit push`: load a build's graph into a triple store's named graph, in batches.

The SPARQL 1.1 Graph Store HTTP Protocol: the first batch is a PUT, which replaces the named
graph, the rest are POSTs, which add to it. Pushing again therefore replaces the graph
rather than adding a copy. A batch that fails for a passing reason (a time-out, a dropped
connection, HTTP 5xx) is sent again after a pause; adding the same triples twice is
harmless, since a graph is a set. When a batch fails for good, `PushError` says exactly
what the remote graph holds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx
from tqdm import tqdm

from .remote import RemoteError, check_response, client
from .store import NT_FILE, StoreMissingError, open_store

BATCH_TRIPLES = 20_000  # Virtuoso takes a few MB per request comfortably
RETRIES = 3
N_TRIPLES = "application/n-triples"


class PushError(RemoteError):
    """A push that stopped: the message says what the remote graph holds now."""


@dataclass(frozen=True)
class PushReport:
    """What a push did."""

    url: str
    graph: str
    triples: int
    batches: int
    seconds: float

    def describe(self) -> str:
        return (
            f"pushed {self.triples:,} triples in {self.batches} "
            f"batch{'es' if self.batches != 1 else ''} to graph <{self.graph}> at {self.url} "
            f"in {self.seconds:.1f} s"
        )


def push_graph(
    data: Path,
    url: str,
    graph: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    batch_triples: int = BATCH_TRIPLES,
    timeout: float = 120,
    retries: int = RETRIES,
    progress: bool = True,
) -> PushReport:
    """Replace the named graph `graph` (default: the build's base IRI) at the Graph Store
    endpoint `url` with the build's `graph.nt`."""
    source = data / NT_FILE
    if not source.is_file():
        raise StoreMissingError(f"{source} not found: run `graphkit build` first")
    graph = graph or open_store(data).base
    if not graph:
        raise PushError("the build names no base IRI: give --graph")
    total = _count_lines(source)
    started, sent, batches = time.monotonic(), 0, 0
    bar = tqdm(total=total, unit=" triples", disable=None if progress else True, leave=False)
    with client(user, password, timeout) as http, source.open("rb") as lines:
        for index, (count, body) in enumerate(_batches(lines, batch_triples)):
            method = "PUT" if index == 0 else "POST"
            try:
                _send(http, method, url, graph, body, retries)
            except RemoteError as error:
                bar.close()
                raise PushError(_stopped(error, graph, index, sent, total)) from None
            sent, batches = sent + count, batches + 1
            bar.update(count)
        if batches == 0:  # an empty graph still replaces what was there
            _send(http, "PUT", url, graph, b"", retries)
    bar.close()
    return PushReport(url, graph, sent, batches, time.monotonic() - started)


def _stopped(error: RemoteError, graph: str, index: int, sent: int, total: int) -> str:
    if index == 0:
        return f"{error}. Nothing was pushed: <{graph}> is as it was."
    return (
        f"{error}. The push stopped at batch {index + 1}: <{graph}> now holds the first "
        f"{sent:,} of {total:,} triples (its old contents were replaced). "
        "Push again to replace it whole."
    )


def _send(http: httpx.Client, method: str, url: str, graph: str, body: bytes, retries: int) -> None:
    """One batch, sent again after a pause while the failure may pass."""
    for attempt in range(retries + 1):
        try:
            response = http.request(
                method,
                url,
                params=_graph_params(url, graph),
                content=body,
                headers={"Content-Type": N_TRIPLES},
            )
        except httpx.HTTPError as error:
            if attempt == retries:
                raise RemoteError(f"cannot reach {url}: {error or type(error).__name__}") from None
        else:
            if response.status_code < 500 or attempt == retries:
                check_response(response, f"the {method} of a batch")
                return
        time.sleep(2**attempt)


def _graph_params(url: str, graph: str) -> dict[str, str]:
    """The graph's URL parameter: `graph` in the standard, `graph-uri` in Virtuoso's."""
    return {"graph-uri" if "sparql-graph-crud" in url else "graph": graph}


def _batches(lines: BinaryIO, size: int) -> Iterator[tuple[int, bytes]]:
    """The N-Triples file in pieces of at most `size` triples (one triple a line)."""
    batch: list[bytes] = []
    for line in lines:
        if line.strip():
            batch.append(line)
        if len(batch) == size:
            yield len(batch), b"".join(batch)
            batch = []
    if batch:
        yield len(batch), b"".join(batch)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as lines:
        for block in iter(lambda: lines.read(1 << 20), b""):
            count += block.count(b"\n")
    return count
