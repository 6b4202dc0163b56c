"""`graphkit push`: load a build's graph into a triple store's named graph, in batches.

The SPARQL 1.1 Graph Store HTTP Protocol: the first batch is a PUT, which replaces a named
graph, the rest are POSTs, which add to it. Pushing again therefore replaces the graph
rather than adding a copy. A batch that fails for a passing reason (a time-out, a dropped
connection, HTTP 5xx) is sent again after a pause; adding the same triples twice is
harmless, since a graph is a set.

With the store's SPARQL Update endpoint as well (`update_url`), the batches go to a staging
graph first, and one `MOVE` puts it in place of the target: until then the target is as it
was, whatever fails. Without it, the batches go to the target itself, and when one fails
for good `PushError` says exactly what the target holds.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx
from tqdm import tqdm

from ..settings import PUSH_BATCH_TRIPLES, PUSH_RETRIES
from .remote import RemoteError, check_response, client
from .store import NT_FILE, StoreMissingError, open_store

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
    update_url: str | None = None,
    batch_triples: int = PUSH_BATCH_TRIPLES,
    timeout: float = 120,
    retries: int = PUSH_RETRIES,
    progress: bool = True,
) -> PushReport:
    """Replace the named graph `graph` (default: the build's base IRI) at the Graph Store
    endpoint `url` with the build's `graph.nt` (through a staging graph with `update_url`)."""
    source = data / NT_FILE
    if not source.is_file():
        raise StoreMissingError(f"{source} not found: run `graphkit build` first")
    graph = graph or open_store(data).base
    if not graph:
        raise PushError("the build names no base IRI: give --graph")
    started = time.monotonic()
    with client(user, password, timeout) as http:
        if update_url is None:
            try:
                sent, batches = _upload(http, url, graph, source, batch_triples, retries, progress)
            except _BatchFailed as failed:
                raise PushError(failed.describe(graph)) from None
        else:
            staging = f"urn:graphkit:staging:{uuid.uuid4()}"
            try:
                sent, batches = _upload(
                    http, url, staging, source, batch_triples, retries, progress
                )
            except _BatchFailed as failed:
                _drop_quietly(http, update_url, staging)
                raise PushError(f"{failed.error}. <{graph}> is as it was.") from None
            _move(http, update_url, staging, graph)
    return PushReport(url, graph, sent, batches, time.monotonic() - started)


def _upload(
    http: httpx.Client,
    url: str,
    graph: str,
    source: Path,
    batch_triples: int,
    retries: int,
    progress: bool,
) -> tuple[int, int]:
    """Replace `graph` with the triples of `source`, batch by batch: (triples, batches)."""
    total = _count_lines(source)
    sent = batches = 0
    bar = tqdm(total=total, unit=" triples", disable=None if progress else True, leave=False)
    with source.open("rb") as lines, bar:
        for index, (count, body) in enumerate(_batches(lines, batch_triples)):
            method = "PUT" if index == 0 else "POST"
            try:
                _send(http, method, url, graph, body, retries)
            except RemoteError as error:
                raise _BatchFailed(error, index, sent, total) from None
            sent, batches = sent + count, batches + 1
            bar.update(count)
        if batches == 0:  # an empty graph still replaces what was there
            _send(http, "PUT", url, graph, b"", retries)
    return sent, batches


def _drop_quietly(http: httpx.Client, url: str, graph: str) -> None:
    """Drop a staging graph left by a failed push; a failure here changes nothing to report."""
    with contextlib.suppress(httpx.HTTPError):
        http.post(url, data={"update": f"DROP SILENT GRAPH <{graph}>"})


def _move(http: httpx.Client, url: str, staging: str, graph: str) -> None:
    """Put the staging graph in place of `graph`: one MOVE, sent once.

    Never again after a time-out: the store may have finished the first, and a MOVE of a
    graph that is gone empties the target (Virtuoso does so).
    """
    try:
        response = http.post(
            url, data={"update": f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>"}
        )
    except httpx.TimeoutException:
        raise PushError(
            f"{url} did not finish the MOVE in time and may still be running it: <{graph}> is "
            f"as it was or the new graph, and <{staging}> holds the new one until it is done"
        ) from None
    except httpx.HTTPError as error:
        raise PushError(f"cannot reach {url}: {error}. <{graph}> is as it was; the new graph "
                        f"is whole in <{staging}>") from None  # fmt: skip
    try:
        check_response(response, "the MOVE")
    except RemoteError as error:
        raise PushError(
            f"{error}. <{graph}> is as it was; the new graph is whole in <{staging}>"
        ) from None


class _BatchFailed(Exception):
    """Batch `index` failed for good after `sent` of `total` triples went."""

    def __init__(self, error: RemoteError, index: int, sent: int, total: int) -> None:
        super().__init__(str(error))
        self.error, self.index, self.sent, self.total = error, index, sent, total

    def describe(self, graph: str) -> str:
        """What the graph the batches went to holds now."""
        if self.index == 0:
            return f"{self.error}. Nothing was pushed: <{graph}> is as it was."
        return (
            f"{self.error}. The push stopped at batch {self.index + 1}: <{graph}> now holds "
            f"the first {self.sent:,} of {self.total:,} triples (its old contents were "
            "replaced). Push again to replace it whole."
        )


def _send(http: httpx.Client, method: str, url: str, graph: str, body: bytes, retries: int) -> None:
    """One batch, sent again after a pause while the failure may pass."""
    for attempt in range(retries + 1):
        try:
            response = http.request(
                method,
                url,
                params={"graph": graph},
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
