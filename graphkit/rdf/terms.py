"""Namespaces and the IRIs graphkit mints: the same input gives the same IRIs on every run.

Minted IRIs live under a base that is a setting (`--base`, or the `GRAPHKIT_BASE` variable);
the graphkit vocabulary has its own fixed namespace, so queries work whatever the base.

>>> mint = Minter("https://news.example/id/")
>>> mint.outlet("bbc.co.uk")
'https://news.example/id/outlet/bbc.co.uk'
>>> mint.article("https://bbc.co.uk/news/1")
'https://news.example/id/article/204f8b3492c14f3d'
>>> mint.topic("climate change"), mint.topic("c++")
('https://news.example/id/topic/climate_change', 'https://news.example/id/topic/_372946aa26080e14')
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from ..errors import GraphkitError

DEFAULT_BASE = "https://graphkit.example/id/"
BASE_VARIABLE = "GRAPHKIT_BASE"

SCHEMA = "https://schema.org/"
GK = "https://graphkit.example/vocab#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"

PREFIXES = {
    "schema": SCHEMA,
    "gk": GK,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "void": VOID,
}

MINTED_KINDS = ("article", "outlet", "topic", "story", "image")
_FAITHFUL_SLUG = re.compile(r"[a-z0-9][a-z0-9.-]*(_[a-z0-9.-]+)*")


class BaseIriError(GraphkitError, ValueError):
    """A base for minted IRIs that is not an absolute http(s) IRI ending in `/` or `#`."""


def resolve_base(base: str | None = None) -> str:
    """The base for minted IRIs: the one given, else `$GRAPHKIT_BASE`, else the default.

    >>> resolve_base("https://news.example/id/")
    'https://news.example/id/'
    >>> resolve_base("news")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    graphkit.rdf.terms.BaseIriError: base IRI must start with http:// or https:// and end ...
    """
    chosen = base or os.environ.get(BASE_VARIABLE) or DEFAULT_BASE
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+[/#]", chosen):
        raise BaseIriError(
            f"base IRI must start with http:// or https:// and end with / or #: {chosen!r}"
        )
    return chosen


def short_hash(text: str, length: int = 16) -> str:
    """The first `length` hex digits of the SHA-1 of `text` (an identifier, not a secret).

    >>> short_hash("https://example.com/a")
    'c4ed1c218d14a0f1'
    """
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    return digest[:length]


def topic_slug(key: str) -> str:
    """A readable path segment for a topic key; a hash when the key has other characters.

    Keys of lower-case ASCII words give `words_joined_by_underscores`; any other key gives
    `_` and a hash, which no readable slug starts with, so two keys never share a slug.

    >>> topic_slug("electric vehicles"), topic_slug("covid-19"), topic_slug("énergie")
    ('electric_vehicles', 'covid-19', '_2b3dbc36c93cc3ec')
    """
    slug = key.replace(" ", "_")
    if "_" not in key and _FAITHFUL_SLUG.fullmatch(slug):
        return slug
    return "_" + short_hash(key)


@dataclass(frozen=True)
class Minter:
    """Mints the IRIs of one export, all under `base`."""

    base: str = DEFAULT_BASE
    # An article's IRI is asked for by its own triples, each link to it and its story's first
    # coverage: hashed once per export, not each time.
    _articles: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def article(self, canonical_url: str) -> str:
        found = self._articles.get(canonical_url)
        if found is None:
            found = f"{self.base}article/{short_hash(canonical_url)}"
            self._articles[canonical_url] = found
        return found

    def outlet(self, domain: str) -> str:
        return f"{self.base}outlet/{quote(domain, safe=':.-_~')}"

    def topic(self, key: str) -> str:
        return f"{self.base}topic/{topic_slug(key)}"

    def story(self, story_id: str) -> str:
        return f"{self.base}story/{quote(story_id, safe='.-_~')}"

    def image(self, url: str) -> str:
        return f"{self.base}image/{short_hash(url)}"

    def dataset(self) -> str:
        return self.base

    def namespaces(self) -> dict[str, str]:
        """A prefix for each kind of minted IRI, for Turtle and queries.

        >>> Minter("https://x.example/id/").namespaces()["outlet"]
        'https://x.example/id/outlet/'
        """
        return {kind: f"{self.base}{kind}/" for kind in MINTED_KINDS}
