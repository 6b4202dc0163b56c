"""The coverage as RDF triples: schema.org where it has the term, SKOS topics, graphkit's own.

Every node is an IRI minted by `Minter` (no blank nodes), so any triple store takes the data,
and the same input gives the same triples, in the same order, on every run.

>>> from graphkit.records import read_records
>>> from graphkit.resolve import resolve
>>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
>>> triples = coverage_triples(corpus, base="https://news.example/id/")
>>> post = "https://news.example/id/outlet/washingtonpost.com"
>>> sorted(str(t.object) for t in triples if t.subject.value == post)[:3]
['"Washington Post"', '"washingtonpost.com"', '<https://schema.org/NewsMediaOrganization>']
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Triple
from w3lib.url import safe_url_string

from ..analysis.coverage import StoryCoverage
from ..records import Image, iso_utc
from ..resolve import Article, Corpus, Label, Provider
from ..util import collector_paused
from .terms import DEFAULT_BASE, GK, RDF, SCHEMA, SKOS, VOID, XSD, Minter

TYPE = NamedNode(RDF + "type")
Term = NamedNode | Literal
Statement = tuple[str, NamedNode, Term]  # subject IRI, predicate, object
_XSD_STRING = NamedNode(XSD + "string")


def s(name: str) -> NamedNode:
    """A schema.org term."""
    return NamedNode(SCHEMA + name)


def gk(name: str) -> NamedNode:
    """A graphkit vocabulary term."""
    return NamedNode(GK + name)


def text(value: str) -> Literal:
    return Literal(value)


def typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + datatype))


def date_time(value: datetime) -> Literal:
    """An `xsd:dateTime` in UTC with `Z`.

    >>> from datetime import UTC
    >>> date_time(datetime(2021, 2, 17, 23, 21, tzinfo=UTC)).value
    '2021-02-17T23:21:00Z'
    """
    return typed(iso_utc(value), "dateTime")


def decimal(value: float) -> Literal | None:
    """An `xsd:decimal` for a finite number, None otherwise.

    >>> decimal(59.0).value, decimal(0.1).value, decimal(float("nan"))
    ('59', '0.1', None)
    """
    if not math.isfinite(value):
        return None
    number = Decimal(repr(value))
    lexical = format(
        number.to_integral_value() if number == number.to_integral_value() else number, "f"
    )
    return typed(lexical, "decimal")


def web_iri(url: str) -> NamedNode | None:
    """A URL as an IRI, percent-encoded where it must be; None when it cannot be one.

    >>> web_iri("https://example.com/a b").value, web_iri("not a url")
    ('https://example.com/a%20b', None)
    """
    for encode in (False, True):
        try:
            iri = NamedNode(safe_url_string(url) if encode else url)
        except ValueError:
            continue
        if iri.value.startswith(("http://", "https://")):
            return iri
    return None


def coverage_triples(
    corpus: Corpus, coverage: Sequence[StoryCoverage] = (), *, base: str = DEFAULT_BASE
) -> list[Triple]:
    """Every triple of the export, sorted by subject (types first) so files are stable.

    `coverage` (the stories' timelines, from `graphkit.analysis.first_coverage`) adds the
    stories, each article's story and lag, and each story's first coverage.
    """
    with collector_paused():
        return list(iter_triples(corpus, coverage, base=base))


def iter_triples(
    corpus: Corpus, coverage: Sequence[StoryCoverage] = (), *, base: str = DEFAULT_BASE
) -> Iterator[Triple]:
    """The triples of `coverage_triples` one subject at a time, for writing as a stream."""
    by_subject: dict[str, set[tuple[NamedNode, Term]]] = defaultdict(set)
    for subject, predicate, obj in _statements(corpus, coverage, Minter(base)):
        by_subject[subject].add((predicate, obj))  # a set: shared images, repeated links
    for subject in sorted(by_subject):
        node = NamedNode(subject)
        for predicate, obj in sorted(by_subject.pop(subject), key=_order):
            yield Triple(node, predicate, obj)


def _statements(
    corpus: Corpus, coverage: Sequence[StoryCoverage], mint: Minter
) -> Iterator[Statement]:
    yield from _dataset(mint)
    for provider in corpus.providers.values():
        yield from _outlet(mint, provider)
    for topic in corpus.topics.values():
        yield from _topic(mint, topic)
    for article in corpus.articles.values():
        yield from _article(mint, article, corpus)
    related = gk("relatedCoverage")
    for link in corpus.related:
        yield _triple(mint.article(link.source), related, mint.article(link.target))
    for story in coverage:
        yield from _story(mint, story)


def _order(pair: tuple[NamedNode, Term]) -> tuple[bool, str, str]:
    """Within a subject: its types first, then by predicate and object."""
    predicate, obj = pair
    return (predicate != TYPE, predicate.value, str(obj))


def _triple(subject: str, predicate: NamedNode, obj: str | Term) -> Statement:
    return (subject, predicate, NamedNode(obj) if isinstance(obj, str) else obj)


def _about(subject: str, pairs: Iterable[tuple[NamedNode, Term | None]]) -> list[Statement]:
    return [(subject, predicate, obj) for predicate, obj in pairs if obj is not None]


def _dataset(mint: Minter) -> list[Statement]:
    return _about(
        mint.dataset(),
        [(TYPE, NamedNode(VOID + "Dataset")), (NamedNode(VOID + "uriSpace"), text(mint.base))],
    )


def _outlet(mint: Minter, provider: Provider) -> list[Statement]:
    others = [name for name in dict.fromkeys(provider.names) if name != provider.name]
    return _about(
        mint.outlet(provider.domain),
        [
            (TYPE, s("NewsMediaOrganization")),
            (s("name"), text(provider.name)),
            (s("identifier"), text(provider.domain)),
            (s("url"), web_iri(f"https://{provider.domain}/")),
            *((s("alternateName"), text(name)) for name in others),
        ],
    )


def _topic(mint: Minter, topic: Label) -> list[Statement]:
    others = [name for name in dict.fromkeys(topic.variants) if name != topic.label]
    return _about(
        mint.topic(topic.key),
        [
            (TYPE, NamedNode(SKOS + "Concept")),
            (NamedNode(SKOS + "prefLabel"), text(topic.label)),
            *((NamedNode(SKOS + "altLabel"), text(name)) for name in others),
        ],
    )


def _article(mint: Minter, article: Article, corpus: Corpus) -> list[Statement]:
    iri = mint.article(article.id)
    pairs: list[tuple[NamedNode, Term | None]] = [
        (TYPE, s("NewsArticle")),
        (s("url"), web_iri(article.url) or web_iri(article.id)),
        (gk("canonicalUrl"), typed(article.id, "anyURI")),
        (s("headline"), text(article.title) if article.title else None),
        (s("description"), text(article.excerpt) if article.excerpt else None),
        (s("datePublished"), date_time(article.published) if article.published else None),
        (gk("timeStatus"), text(article.time_status.value)),
        (gk("hasRecord"), typed("true" if article.has_record else "false", "boolean")),
        (gk("heat"), decimal(article.heat) if article.heat is not None else None),
        (gk("quality"), decimal(article.quality) if article.quality is not None else None),
    ]
    if article.provider:
        pairs.append((s("publisher"), NamedNode(mint.outlet(article.provider))))
    pairs += [(s("about"), NamedNode(mint.topic(key))) for key in article.topics]
    pairs += [
        (s("articleSection"), text(corpus.categories[key].label)) for key in article.categories
    ]
    triples = _about(iri, pairs)
    for image in article.images:
        image_triples = _image(mint, image)
        if image_triples:
            triples.append(_triple(iri, s("image"), mint.image(image.url)))
            triples += image_triples
    return triples


def _image(mint: Minter, image: Image) -> list[Statement]:
    content = web_iri(image.url)
    if content is None:
        return []
    return _about(
        mint.image(image.url),
        [
            (TYPE, s("ImageObject")),
            (s("contentUrl"), content),
            (s("width"), typed(str(image.width), "integer") if image.width else None),
            (s("height"), typed(str(image.height), "integer") if image.height else None),
        ],
    )


def _story(mint: Minter, story: StoryCoverage) -> list[Statement]:
    iri = mint.story(story.id)
    first, last = story.first_time, story.last_time
    pairs: list[tuple[NamedNode, Term | None]] = [
        (TYPE, gk("Story")),
        (s("identifier"), text(story.id)),
        (s("name"), text(story.label)),
        (gk("firstPublished"), date_time(first) if first else None),
        (gk("lastPublished"), date_time(last) if last else None),
        # Sizes stated, not left to COUNT: grouping every article by story took a
        # first-coverage query 6 of its 14 s on 100,000 records.
        (gk("articleCount"), typed(str(len(story.entries)), "integer")),
        (gk("outletCount"), typed(str(len(story.outlets)), "integer")),
    ]
    pairs += [(s("about"), NamedNode(mint.topic(key))) for key in story.topics]
    pairs += [(gk("firstCoverage"), NamedNode(mint.article(e.article))) for e in story.first]
    triples = _about(iri, pairs)
    for entry in story.entries:
        article = mint.article(entry.article)
        triples.append(_triple(article, gk("story"), iri))
        lag = decimal(entry.lag_seconds) if entry.lag_seconds is not None else None
        if lag is not None:
            triples.append(_triple(article, gk("lagSeconds"), lag))
    return triples
