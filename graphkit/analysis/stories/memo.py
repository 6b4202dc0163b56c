"""Leiden's parts of each linked component, kept from one build to the next.

Splitting a component (`communities`) is a pure function of what it is given: its links (ends
numbered within it, in the order of its articles), their weights, and its articles' word
vectors, under the grouping's parameters and code. A component given the same as in the last
build gets the parts it got then, without Leiden running again; any other is split anew. So a
rebuild after a few changed records splits only the components whose inputs they changed, and
its parts are, by construction, those a clean build of the same files finds. (Word weights are
IDF on a grid, `similarity.on_grid`, so that one added record changes few articles' vectors;
when the corpus grows or shrinks past a step of the grid, every vector changes and every
component is split again.)

A component's key is a digest of those inputs; an article's vector enters it as a digest of its
words (as text, not as their numbers in this build's vocabulary) and weights. The memo a build
saves holds its own components only.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import igraph
import numpy as np
import polars as pl

from ...util import read_table_folder, replace_table_folder
from ..similarity import WordMatrix
from .model import StoryParams

_SCHEMA: dict[str, Any] = {"key": pl.Binary, "parts": pl.Binary}  # parts as `encode_parts`
_MIX = np.uint64(0x9E3779B97F4A7C15)  # the golden ratio's bits: spreads one term's weight


class SplitMemo:
    """The parts found for each component key: those of the last build (`load`) and those of
    this one (`keep`, then `save`). `reused` counts the components answered from the last
    build, `split` those split anew."""

    def __init__(self, known: dict[bytes, bytes] | None = None) -> None:
        self.known = known or {}  # key -> parts, `encode_parts` (most are never looked at)
        self.kept: dict[bytes, bytes] = {}
        self.rows = np.zeros(0, dtype=np.uint64)
        self.reused = self.split = 0

    @classmethod
    def load(cls, folder: Path, params: StoryParams) -> SplitMemo:
        """The memo saved in `folder` by a build with the same parameters and grouping code;
        an empty one otherwise (none, damaged, another version)."""
        found = read_table_folder(folder, ["parts"], _header(params))
        if found is None or dict(found[0].schema) != _SCHEMA:
            return cls()
        [table] = found
        return cls(dict(zip(table["key"].to_list(), table["parts"].to_list(), strict=True)))

    def save(self, folder: Path, params: StoryParams) -> None:
        """Keep this build's components' parts in `folder` for the next build (unless they
        are those it holds already)."""
        if not self.split and self.kept.keys() == self.known.keys():
            return
        table = pl.DataFrame(
            {"key": list(self.kept), "parts": list(self.kept.values())}, schema=_SCHEMA
        ).sort("key")  # the same file whatever order the workers ended in
        replace_table_folder(folder, {"parts": table}, _header(params))

    def of_words(self, matrix: WordMatrix) -> None:
        """Take each article's word vector into account (a digest per row of `matrix`)."""
        self.rows = row_digests(matrix)

    def key(self, nodes: list[int], a: list[int], b: list[int], weight: np.ndarray) -> bytes:
        """The digest of a component's inputs: its articles' vectors (`nodes`, rows of the
        matrix given to `of_words`), its links numbered within it, and their weights."""
        digest = hashlib.blake2b(digest_size=16)
        # the sizes first: the arrays' bytes alone could be cut into components two ways
        digest.update(np.array([len(nodes), len(a)], dtype="<i8").tobytes())
        digest.update(self.rows[np.asarray(nodes, dtype=np.int64)].tobytes())
        digest.update(np.asarray(a, dtype=np.int32).tobytes())
        digest.update(np.asarray(b, dtype=np.int32).tobytes())
        digest.update(np.ascontiguousarray(weight, dtype=np.float64).tobytes())
        return digest.digest()

    def look_up(self, key: bytes) -> list[list[int]] | None:
        """The parts the last build found for a component with this key (kept for the next)."""
        parts = self.known.get(key)
        if parts is None:
            return None
        self.kept[key] = parts
        self.reused += 1
        return decode_parts(parts)

    def keep(self, key: bytes, parts: list[list[int]]) -> None:
        """The parts Leiden found for a component this build."""
        self.kept[key] = encode_parts(parts)
        self.split += 1

    def describe(self) -> str | None:
        """What the memo spared, in a line (None when the last build left nothing to reuse)."""
        if not self.reused:
            return None
        total = self.reused + self.split
        return (
            f"{self.reused:,} of {total:,} linked components split as in the last build "
            f"(their inputs unchanged), {self.split:,} split again"
        )


def encode_parts(parts: list[list[int]]) -> bytes:
    """Parts as bytes: their vertices as 32-bit numbers, each part ended by -1.

    >>> decode_parts(encode_parts([[0, 2], [1], [3, 4, 5]]))
    [[0, 2], [1], [3, 4, 5]]
    """
    flat = [vertex for part in parts for vertex in (*part, -1)]
    return np.asarray(flat, dtype="<i4").tobytes()


def decode_parts(data: bytes) -> list[list[int]]:
    """The parts of `encode_parts` bytes."""
    flat = np.frombuffer(data, dtype="<i4")
    ends = np.flatnonzero(flat < 0)
    starts = np.concatenate(([0], ends[:-1] + 1))
    values = flat.tolist()
    return [values[start:end] for start, end in zip(starts.tolist(), ends.tolist(), strict=True)]


def row_digests(matrix: WordMatrix) -> np.ndarray:
    """A 64-bit digest of each row of `matrix`: its words (as text) and their weights."""
    term = np.array(
        [int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest()) for t in matrix.terms],
        dtype=np.uint64,
    )
    rows = matrix.rows
    weight = np.ascontiguousarray(rows.data, dtype=np.float64).view(np.uint64)
    with np.errstate(over="ignore"):
        mixed = _spread(term[rows.indices] ^ (weight * _MIX))
        digests = np.zeros(rows.shape[0], dtype=np.uint64)
        np.add.at(digests, np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr)), mixed)
    return digests


def _spread(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of a word's digest and weight moves the sum."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    spread: np.ndarray = x ^ (x >> np.uint64(31))
    return spread


def _header(params: StoryParams) -> dict[str, str]:
    """What a memo's parts depend on besides their key: the parameters, the splitting code,
    and igraph (whose Leiden it runs)."""
    code = resources.files(__package__).joinpath("communities.py").read_bytes()
    return {
        "params": repr(params),
        "communities": hashlib.sha256(code).hexdigest()[:16],
        "igraph": igraph.__version__,
    }
