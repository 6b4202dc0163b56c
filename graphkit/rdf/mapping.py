"""The coverage as RDF triples: schema.org where it has the term, SKOS topics, graphkit's own.

Every node is an IRI minted by `Minter` (no blank nodes), so any triple store takes the data,
and the same input gives the same triples, in the same order, on every run.

The mapping writes N-Triples text: a term is its N-Triples form (`<iri>`, `"text"`,
`"59"^^<...#decimal>`) from the start, so the millions of triples of a big build are lines
written as they are made, never Python objects; `coverage_triples` parses them into
pyoxigraph triples (in Rust) for the callers that want objects.

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
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from pyoxigraph import NamedNode, RdfFormat, Triple, parse
from w3lib.url import safe_url_string

from ..analysis.coverage import Entry, StoryCoverage
from ..records import Image, iso_utc
from ..resolve import Article, Corpus, Label, Provider
from ..util import Progress, collector_paused, quietly
from .terms import DEFAULT_BASE, GK, RDF, SCHEMA, SKOS, VOID, XSD, Minter

Term = str  # an N-Triples term: <iri>, "text", "text"^^<datatype>
Statement = tuple[str, Term, Term]  # subject IRI (bare), predicate, object
TYPE_IRI = RDF + "type"
TYPE = NamedNode(TYPE_IRI)
_TYPE = f"<{TYPE_IRI}>"
# N-Triples escapes, as Oxigraph writes them: short forms where they exist, \uXXXX for the
# other control characters, so that a line is the same whoever wrote it.
_ESCAPES = {code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]}
_ESCAPES.update(
    {ord("\\"): "\\\\", ord('"'): '\\"', 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}
)
_NEEDS_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\]')


def iri(value: str) -> Term:
    return f"<{value}>"


def s(name: str) -> Term:
    """A schema.org term."""
    return f"<{SCHEMA}{name}>"


def gk(name: str) -> Term:
    """A graphkit vocabulary term."""
    return f"<{GK}{name}>"


def text(value: str) -> Term:
    """A plain literal.

    >>> print(text('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    if _NEEDS_ESCAPE.search(value) is None:  # most text: str.translate is slow per character
        return f'"{value}"'
    return '"' + value.translate(_ESCAPES) + '"'


def typed(value: str, datatype: str) -> Term:
    return f"{text(value)}^^<{XSD}{datatype}>"


def date_time(value: datetime) -> Term:
    """An `xsd:dateTime` in UTC with `Z`.

    >>> from datetime import UTC
    >>> date_time(datetime(2021, 2, 17, 23, 21, tzinfo=UTC))
    '"2021-02-17T23:21:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    """
    return typed(iso_utc(value), "dateTime")


@lru_cache(maxsize=1 << 14)  # scores repeat: a few thousand values over a whole corpus
def decimal(value: float) -> Term | None:
    """An `xsd:decimal` for a finite number, None otherwise.

    >>> decimal(59.0), decimal(0.1), decimal(float("nan"))  # doctest: +NORMALIZE_WHITESPACE
    ('"59"^^<http://www.w3.org/2001/XMLSchema#decimal>',
     '"0.1"^^<http://www.w3.org/2001/XMLSchema#decimal>', None)
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
            node = NamedNode(safe_url_string(url) if encode else url)
        except ValueError:
            continue
        if node.value.startswith(("http://", "https://")):
            return node
    return None


def web_term(url: str) -> Term | None:
    """`web_iri` as an N-Triples term."""
    node = web_iri(url)
    return None if node is None else iri(node.value)


def coverage_triples(
    corpus: Corpus, coverage: Sequence[StoryCoverage] = (), *, base: str = DEFAULT_BASE
) -> list[Triple]:
    """Every triple of the export, sorted by subject (types first) so files are stable.

    `coverage` (the stories' timelines, from `graphkit.analysis.first_coverage`) adds the
    stories, each article's story and lag, and each story's first coverage.
    """
    with collector_paused():
        lines = "".join(ntriples_lines(corpus, coverage, base=base))
        return list(parse(lines, RdfFormat.N_TRIPLES))


def ntriples_lines(
    corpus: Corpus,
    coverage: Sequence[StoryCoverage] = (),
    *,
    base: str = DEFAULT_BASE,
    progress: Progress = quietly,
) -> Iterator[str]:
    """The export as N-Triples lines, one subject at a time, subjects in order; within a
    subject its types first, then by predicate and object; no line twice (shared images,
    links stated by several records).

    Subjects are minted as `BASE`, then `BASE{kind}/...` with the kinds in alphabetical
    order (article, image, outlet, story, topic): so each kind is written in turn, sorted,
    and only one subject's statements are held at a time, never the whole export.
    """
    mint = Minter(base)
    yield from _lines(_dataset(mint))
    targets: dict[str, list[str]] = defaultdict(list)
    for link in corpus.related:
        targets[link.source].append(link.target)
    member = {entry.article: (story, entry) for story in coverage for entry in story.entries}
    images: dict[str, list[Image]] = defaultdict(list)
    articles = sorted(
        ((mint.article(a.id), a) for a in corpus.articles.values()), key=lambda pair: pair[0]
    )
    for subject, article in progress(articles, total=len(articles), unit="article"):
        statements = _article(mint, article, corpus)
        statements += _links(mint, subject, targets.get(article.id, ()))
        if article.id in member:
            statements += _membership(mint, subject, *member[article.id])
        yield from _lines(statements)
        for image in article.images:
            images[mint.image(image.url)].append(image)
    for subject in sorted(images):
        yield from _lines([t for image in images.pop(subject) for t in _image(mint, image)])
    kinds: list[Iterable[list[Statement]]] = [
        (_outlet(mint, provider) for provider in corpus.providers.values()),
        (_story(mint, story) for story in coverage),
        (_topic(mint, topic) for topic in corpus.topics.values()),
    ]
    for entities in kinds:
        for statements in sorted(entities, key=lambda statements: statements[0][0]):
            yield from _lines(statements)


def _lines(statements: list[Statement]) -> Iterator[str]:
    """The N-Triples lines of one subject's statements, in order, each once."""
    if not statements:
        return
    node = iri(statements[0][0])
    for predicate, obj in sorted({(p, o) for _, p, o in statements}, key=_order):
        yield f"{node} {predicate} {obj} .\n"


def _order(pair: tuple[Term, Term]) -> tuple[bool, str, str]:
    """Within a subject: its types first, then by predicate and object."""
    predicate, obj = pair
    return (predicate != _TYPE, predicate, obj)


def _about(subject: str, pairs: Iterable[tuple[Term, Term | None]]) -> list[Statement]:
    return [(subject, predicate, obj) for predicate, obj in pairs if obj is not None]


def _dataset(mint: Minter) -> list[Statement]:
    return _about(
        mint.dataset(),
        [(_TYPE, iri(VOID + "Dataset")), (iri(VOID + "uriSpace"), text(mint.base))],
    )


def _outlet(mint: Minter, provider: Provider) -> list[Statement]:
    others = [name for name in dict.fromkeys(provider.names) if name != provider.name]
    return _about(
        mint.outlet(provider.domain),
        [
            (_TYPE, s("NewsMediaOrganization")),
            (s("name"), text(provider.name)),
            (s("identifier"), text(provider.domain)),
            (s("url"), web_term(f"https://{provider.domain}/")),
            *((s("alternateName"), text(name)) for name in others),
        ],
    )


def _topic(mint: Minter, topic: Label) -> list[Statement]:
    others = [name for name in dict.fromkeys(topic.variants) if name != topic.label]
    return _about(
        mint.topic(topic.key),
        [
            (_TYPE, iri(SKOS + "Concept")),
            (iri(SKOS + "prefLabel"), text(topic.label)),
            *((iri(SKOS + "altLabel"), text(name)) for name in others),
        ],
    )


def _article(mint: Minter, article: Article, corpus: Corpus) -> list[Statement]:
    subject = mint.article(article.id)
    pairs: list[tuple[Term, Term | None]] = [
        (_TYPE, s("NewsArticle")),
        (s("url"), web_term(article.url) or web_term(article.id)),
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
        pairs.append((s("publisher"), iri(mint.outlet(article.provider))))
    pairs += [(s("about"), iri(mint.topic(key))) for key in article.topics]
    pairs += [
        (s("articleSection"), text(corpus.categories[key].label)) for key in article.categories
    ]
    pairs += [(s("image"), iri(mint.image(i.url))) for i in article.images if web_term(i.url)]
    return _about(subject, pairs)


def _links(mint: Minter, subject: str, targets: Iterable[str]) -> list[Statement]:
    related = gk("relatedCoverage")
    return [(subject, related, iri(mint.article(target))) for target in targets]


def _image(mint: Minter, image: Image) -> list[Statement]:
    content = web_term(image.url)
    if content is None:
        return []
    return _about(
        mint.image(image.url),
        [
            (_TYPE, s("ImageObject")),
            (s("contentUrl"), content),
            (s("width"), typed(str(image.width), "integer") if image.width else None),
            (s("height"), typed(str(image.height), "integer") if image.height else None),
        ],
    )


def _story(mint: Minter, story: StoryCoverage) -> list[Statement]:
    subject = mint.story(story.id)
    first, last = story.first_time, story.last_time
    pairs: list[tuple[Term, Term | None]] = [
        (_TYPE, gk("Story")),
        (s("identifier"), text(story.id)),
        (s("name"), text(story.label)),
        (gk("firstPublished"), date_time(first) if first else None),
        (gk("lastPublished"), date_time(last) if last else None),
        # Sizes stated, not left to COUNT: grouping every article by story took a
        # first-coverage query 6 of its 14 s on 100,000 records.
        (gk("articleCount"), typed(str(len(story.entries)), "integer")),
        (gk("outletCount"), typed(str(len(story.outlets)), "integer")),
    ]
    pairs += [(s("about"), iri(mint.topic(key))) for key in story.topics]
    pairs += [(gk("firstCoverage"), iri(mint.article(e.article))) for e in story.first]
    return _about(subject, pairs)


def _membership(mint: Minter, subject: str, story: StoryCoverage, entry: Entry) -> list[Statement]:
    """An article's story and its lag behind the story's first coverage."""
    lag = decimal(entry.lag_seconds) if entry.lag_seconds is not None else None
    return _about(subject, [(gk("story"), iri(mint.story(story.id))), (gk("lagSeconds"), lag)])
