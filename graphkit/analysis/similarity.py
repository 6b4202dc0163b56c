"""How alike two articles' words are: TF-IDF vectors of headline and excerpt, and cosines.

Real headlines of one story often share no word, but a story's headlines as a group do:
"Plosser" or "taper" recur across a Fed story even where two given headlines differ. So
groups are compared by their *centroids* (the normalised sum of their articles' vectors), and
rare words weigh more than common ones (inverse document frequency over the corpus).

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
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

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


def tfidf_vectors(texts: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, Vector]:
    """One normalised vector per key: log-scaled term counts times the term's IDF. `texts`
    maps keys to texts, or gives (key, text) pairs (so that no one holds all the texts).

    A term found in one text only says nothing about two texts being alike, so it is left out.
    """
    pairs = texts.items() if isinstance(texts, Mapping) else texts
    counts = {key: Counter(terms(text)) for key, text in pairs}
    frequency: Counter[str] = Counter(term for count in counts.values() for term in count)
    total = len(counts)
    vectors = {}
    for key in list(counts):  # each count goes as its vector comes: never both whole at once
        count = counts.pop(key)
        weights = {
            term: (1 + math.log(n)) * math.log(total / frequency[term])
            for term, n in count.items()
            if frequency[term] > 1
        }
        vectors[key] = normalised(weights)
    return vectors


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
