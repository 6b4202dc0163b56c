"""A rebuild's store as the previous build's store and a delta, not a full load.

Loading is the dearest part of a build that changed little: at 100,000 records Oxigraph
spends about 13 s of both cores loading 3 million triples, almost all of which the previous
build's store holds already. A rebuild therefore starts from a copy of that store which costs
no copy (`Store.backup`: RocksDB's checkpoint, hard links to its immutable files), removes the
statements that the previous `graph.nt` has and the new one has not, and adds the new ones.
The store's quads are then exactly a clean build's: the previous store holds exactly its
`graph.nt` (each build loads, or updates, from the file it writes), and the delta is taken
line by line, an N-Triples line being one statement in graphkit's canonical writing.

When the lines differ by more than `STORE_DELTA_SHARE` of the new ones, a full load of the
new `graph.nt` is cheaper than so many single changes, and the update says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyoxigraph as ox

from ..settings import STORE_DELTA_SHARE

_LINES = {"separator": "\x1f", "quote_char": None, "has_header": False}  # N-Triples escape \x1f


@dataclass(frozen=True)
class StoreUpdate:
    """How a build's store was made: `delta` on the previous store, or a `full` load."""

    how: str
    triples: int  # statements in the new store
    removed: int = 0
    added: int = 0
    reason: str = ""

    def describe(self) -> str:
        """One line for the build's summary.

        >>> StoreUpdate("delta", 1440, 1, 6).describe()
        'the previous store and a delta: 1 statement removed, 6 added, 1,440 in all'
        """
        if self.how == "delta":
            removed = f"{self.removed:,} statement{'' if self.removed == 1 else 's'}"
            return (
                f"the previous store and a delta: {removed} removed, "
                f"{self.added:,} added, {self.triples:,} in all"
            )
        return f"loaded anew, {self.triples:,} statements ({self.reason})"


@dataclass(frozen=True)
class LineDelta:
    """The lines of one N-Triples file that another lacks, each way."""

    removed: list[str]  # in the old file only
    added: list[str]  # in the new file only
    lines: int  # in the new file
    old_lines: int  # in the old file

    @property
    def share(self) -> float:
        """The share of the two files' lines that one has and the other not (1: all).

        >>> LineDelta(["a"], ["b", "c"], lines=10, old_lines=9).share
        0.15789473684210525
        """
        return (len(self.removed) + len(self.added)) / max(1, self.lines + self.old_lines)


def line_delta(old: Path, new: Path) -> LineDelta:
    """What changed between two N-Triples files, line by line (hashes first, so that only
    the few differing lines are held as text)."""
    old_hashes, new_hashes = _hashes(old), _hashes(new)
    gone = old_hashes.join(new_hashes, on="hash", how="anti")["row"]
    came = new_hashes.join(old_hashes, on="hash", how="anti")["row"]
    return LineDelta(
        _lines_at(old, gone), _lines_at(new, came), new_hashes.height, old_hashes.height
    )


def _hashes(path: Path) -> pl.DataFrame:
    lines = pl.scan_csv(path, **_LINES, schema={"line": pl.String})  # type: ignore[arg-type]
    return lines.select(
        pl.col("line").hash().alias("hash"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("row")
    ).collect()


def _lines_at(path: Path, rows: pl.Series) -> list[str]:
    if rows.is_empty():
        return []
    lines = pl.scan_csv(path, **_LINES, schema={"line": pl.String})  # type: ignore[arg-type]
    found = lines.with_row_index("row").filter(pl.col("row").is_in(rows.implode())).collect()
    return [line for line in found["line"].to_list() if line.strip()]


def apply_delta(previous_store: Path, target: Path, delta: LineDelta) -> None:
    """A store at `target` (which must not exist): `previous_store` checkpointed there, less
    `delta.removed`, plus `delta.added`."""
    ox.Store.read_only(str(previous_store)).backup(str(target))
    store = ox.Store(str(target))
    for quad in _quads(delta.removed):
        store.remove(quad)
    store.extend(_quads(delta.added))
    store.flush()
    del store  # closed, so the folder can move


def _quads(lines: list[str]) -> list[ox.Quad]:
    if not lines:
        return []
    text = ("\n".join(lines) + "\n").encode("utf-8")
    return [
        ox.Quad(t.subject, t.predicate, t.object)
        for t in ox.parse(text, ox.RdfFormat.N_TRIPLES, lenient=True)
    ]


def worth_a_delta(delta: LineDelta) -> bool:
    """Whether changing the previous store costs less than loading the new one whole."""
    return delta.share <= STORE_DELTA_SHARE
