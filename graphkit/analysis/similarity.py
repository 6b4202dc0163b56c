"""How alike two articles' words are: TF-IDF vectors of headline and excerpt, and cosines.

Real headlines of one story often share no word, but a story's headlines as a group do:
"Plosser" or "taper" recur across a Fed story even where two given headlines differ. So
groups are compared by their *centroids* (the normalised sum of their articles' vectors), and
rare words weigh more than common ones (inverse document frequency over the corpus, its counts
rounded to a grid so that one more record seldom moves a weight: `on_grid`).

>>> vectors = tfidf_vectors({"a": "Fed's Plosser: taper may be too slow",
...                          "b": "Plosser sees high bar for taper change",
...                          "c": "Fed holds rates", "d": "Ukraine talks"})
>>> round(cosine(vectors["a"], vectors["b"]), 2), round(cosine(vectors["a"], vectors["c"]), 2)
(0.82, 0.58)
>>> cosine(vectors["a"], vectors["d"])
0.0
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl
from scipy import sparse

Vector = dict[str, float]  # term -> weight, L2-normalised (empty when no term counts)

_WORD = re.compile(r"[^\W_]+")
STOPWORDS = frozenset(
    {
        "a", "after", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have",
        "how", "in", "into", "is", "it", "its", "new", "of", "on", "or", "over", "says", "than",
        "that", "the", "their", "this", "to", "was", "what", "when", "who", "why", "will", "with",
    }
)  # fmt: skip


def terms(text: str | None) -> list[str]:
    """The words of a text that tell stories apart: case-folded, no stopwords, no plural `s`.

    >>> terms("Fed's Plosser Says Taxes and Tapers: the Basics")
    ['fed', 'plosser', 'taxe', 'taper', 'basic']
    """
    found = (_term(word) for word in _WORD.findall((text or "").casefold()))
    return [term for term in found if term]


@lru_cache(maxsize=1 << 18)  # a corpus's vocabulary repeats: stem each word once
def _term(word: str) -> str | None:
    if len(word) < 2 or word in STOPWORDS:
        return None
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]  # a crude stem, enough to match "Tapers" with "taper"
    return word


@dataclass(frozen=True)
class WordMatrix:
    """The TF-IDF vectors of many texts as one sparse matrix: row i is text i's vector (unit
    length, or empty), column j the weight of word `terms[j]`; `frequency[j]` is the number
    of texts with that word. Words found in one text only are left out: they say nothing
    about two texts being alike."""

    rows: sparse.csr_matrix
    terms: list[str]
    frequency: np.ndarray

    def vector(self, row: int) -> Vector:
        """Row `row` as a dict, for code that looks at a few vectors."""
        start, end = self.rows.indptr[row], self.rows.indptr[row + 1]
        columns, weights = self.rows.indices[start:end], self.rows.data[start:end]
        return {self.terms[j]: float(w) for j, w in zip(columns, weights, strict=True)}


def word_matrix(texts: pl.Series) -> WordMatrix:
    """TF-IDF vectors of `texts` (null is empty): log-scaled term counts times the term's IDF,
    log(N / df) with N (the texts) and df (the texts with the word) taken `on_grid`.

    Texts are cut into words by Polars where `terms` would cut them alike (tests/test_stories.py
    checks them against each other), by `terms` elsewhere; words are counted by their numbers.

    >>> matrix = word_matrix(pl.Series(["taper talk", "Fed taper", "rates"]))
    >>> matrix.vector(0), matrix.vector(2)
    ({'taper': 1.0}, {})
    """
    total = len(texts)
    vocabulary, row, term = _numbered_words(texts)
    # scipy sums each text's repeated words in C on 32-bit indices: a sort of the
    # (text, word) pairs as 64-bit keys held six such arrays at once (gigabytes at a million)
    counts = sparse.csr_matrix(
        (np.ones(len(row), dtype=np.float32), (row, term)),
        shape=(total, max(len(vocabulary), 1)),
    )
    del row, term
    counts.sum_duplicates()  # and sorts each row's words
    frequency = np.bincount(counts.indices, minlength=len(vocabulary))  # texts with each word
    kept = frequency > 1  # a word of one text says nothing about two texts being alike
    number = (np.cumsum(kept) - 1).astype(np.int32)  # the kept words renumbered, in order
    keep = kept[counts.indices]
    rows = np.repeat(np.arange(total, dtype=np.int32), np.diff(counts.indptr))[keep]
    columns = number[counts.indices[keep]]
    found = counts.data[keep].astype(np.float64)
    del counts, keep
    frequency = frequency[kept]
    weight = (1 + np.log(found)) * np.log(on_grid(total) / on_grid(frequency[columns]))
    norm = np.sqrt(np.bincount(rows, weights=weight * weight, minlength=total))
    keep = (norm[rows] >= 1e-12) & (weight != 0)
    rows, columns = rows[keep], columns[keep]
    starts = np.zeros(total + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=total), out=starts[1:])
    matrix = sparse.csr_matrix(
        (weight[keep] / norm[rows], columns, starts), shape=(total, int(kept.sum()))
    )
    return WordMatrix(matrix, vocabulary.filter(pl.Series(kept)).to_list(), frequency)


STEPS_PER_DOUBLING = 4  # counts in IDF are rounded down to powers of 2 ** (1 / 4)


def on_grid(count: np.ndarray | int) -> np.ndarray:
    """A count rounded down to the grid of IDF's counts (steps of about 19 %): a word's
    weight then changes only when its count or the corpus's size crosses a step, so a
    rebuild can tell which texts' vectors one added record changed (mostly its own story's).

    >>> on_grid(np.array([1, 2, 3, 4, 5, 100, 107, 108, 127])).round(2).tolist()
    [1.0, 2.0, 2.83, 4.0, 4.76, 90.51, 90.51, 107.63, 107.63]
    """
    steps = np.floor(STEPS_PER_DOUBLING * np.log2(np.maximum(count, 1)))  # none: as one
    grid: np.ndarray = np.exp2(steps / STEPS_PER_DOUBLING)
    return grid


TEXTS_AT_ONCE = 200_000  # texts cut into words at a time: a million texts' words are gigabytes


def _numbered_words(texts: pl.Series) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """The words of `texts` numbered: the vocabulary (sorted), and each word's (text, number
    in the vocabulary). Texts are cut a batch at a time, so their words are held as numbers,
    never all as texts at once."""
    numbers: dict[str, int] = {}
    rows, words = [], []
    for start in range(0, len(texts), TEXTS_AT_ONCE):
        found = term_rows(texts.slice(start, TEXTS_AT_ONCE))
        if found.is_empty():  # no words: a mapping from nothing gives no integer type
            continue
        for term in found["term"].unique().to_list():
            numbers.setdefault(term, len(numbers))
        words.append(found["term"].replace_strict(numbers, return_dtype=pl.Int32).to_numpy())
        rows.append(found["row"].to_numpy().astype(np.int32) + start)
    vocabulary = pl.Series(list(numbers), dtype=pl.String)
    order = vocabulary.arg_sort().to_numpy()  # first met to sorted: the same in any batches
    renumber = np.empty(len(order), dtype=np.int32)
    renumber[order] = np.arange(len(order))
    term = renumber[np.concatenate(words)] if words else np.zeros(0, dtype=np.int32)
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
    return vocabulary.gather(order), row, term


# Characters outside ASCII that `terms` reads as spaces between words (no word character,
# and as they are once case-folded): typography, mostly (…, –, ’, “, non-breaking spaces).
_SEPARATORS = "".join(
    f"\\x{{{code:x}}}"
    for code in [*range(0x80, 0x100), *range(0x2000, 0x2070)]
    if not re.match(r"[^\W_]", chr(code)) and chr(code).casefold() == chr(code)
)


def term_rows(texts: pl.Series) -> pl.DataFrame:
    """The words of each text (`terms`), one row each: (row, term), each text's in order."""
    frame = pl.DataFrame({"text": texts.fill_null("")}).with_row_index("row")
    frame = frame.with_columns(
        pl.when(pl.col("text").str.contains(r"[^\x00-\x7F]"))
        .then(pl.col("text").str.replace_all(f"[{_SEPARATORS}]", " "))
        .otherwise(pl.col("text"))
    )
    ascii_only = ~pl.col("text").str.contains(r"[^\x00-\x7F]")
    words = (
        frame.filter(ascii_only)
        .select("row", pl.col("text").str.to_lowercase().str.extract_all("[a-z0-9]+").alias("term"))
        .explode("term")
        .filter(pl.col("term").is_not_null())
    )
    word = pl.col("term")
    length = word.str.len_bytes()
    kept = words.filter((length >= 2) & ~word.is_in(list(STOPWORDS)))
    plural = (length > 3) & word.str.ends_with("s") & ~word.str.ends_with("ss")
    ascii_terms = kept.with_columns(
        pl.when(plural).then(word.str.slice(0, length - 1)).otherwise(word).alias("term")
    )
    others = frame.filter(~ascii_only)
    other_terms = pl.DataFrame(
        [(row, term) for row, text in others.iter_rows() for term in terms(text)],
        schema={"row": pl.UInt32, "term": pl.String},
        orient="row",
    )
    return pl.concat([ascii_terms, other_terms])


def tfidf_vectors(texts: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, Vector]:
    """One normalised vector per key (`word_matrix`, as dicts). `texts` maps keys to texts,
    or gives (key, text) pairs."""
    pairs = list(texts.items() if isinstance(texts, Mapping) else texts)
    matrix = word_matrix(pl.Series([text for _, text in pairs], dtype=pl.String))
    return {key: matrix.vector(row) for row, (key, _) in enumerate(pairs)}


def normalised(weights: Mapping[str, float]) -> Vector:
    """The vector scaled to length 1 (empty when it has no weight).

    >>> normalised({"a": 3.0, "b": 4.0})
    {'a': 0.6, 'b': 0.8}
    """
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if norm < 1e-12:
        return {}
    return {term: w / norm for term, w in weights.items() if w}


def summed(vectors: Iterable[Vector]) -> dict[str, float]:
    """The sum of some vectors (not normalised: a group's centroid before scaling)."""
    total: dict[str, float] = defaultdict(float)
    for vector in vectors:
        for term, weight in vector.items():
            total[term] += weight
    return total


def centroid(vectors: Iterable[Vector]) -> Vector:
    """The normalised sum of some vectors: what a group of articles is about."""
    return normalised(summed(vectors))


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two normalised vectors: 0 (no shared term) to 1.

    >>> cosine({"a": 1.0}, {"a": 0.6, "b": 0.8})
    0.6
    """
    if len(a) > len(b):
        a, b = b, a
    return sum((weight * b.get(term, 0.0) for term, weight in a.items()), 0.0)
