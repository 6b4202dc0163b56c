"""Story detection: group the articles that cover the same event.

Related lists are the main evidence, but some entries point to merely related stories, so
plain connected components chain distinct stories into giant clusters. Here every related
link is scored: the token Jaccard similarity of the two titles times a Gaussian decay on the
gap between the two publication times (scale: days, so that a story that runs for days holds).
A link is *attachable* when the titles share some words (`attach_similarity`) or the two
articles came out within `near_days`, and they are at most `attach_max_gap_days` apart.

Stories are the connected components of the links kept by four rules:

1. **strong**: the score reaches `strong_link` (similar titles, close in time);
2. **corroborated**: attachable, and the two articles are both linked to a third one;
3. **listed**: the best-scoring attachable entry of each record's related list;
4. **followed**: an article without a record of its own keeps its attachable link (titles
   sharing a word or so: `follow_similarity`) to the earliest article it is linked with.

A stray cross-story link is rarely strong, corroborated or a record's best entry, so it does
not chain stories; late or retitled coverage still joins its story through rules 3 and 4.

Each rule looks only at a link and its two articles' own links, never at corpus-wide figures
or cluster sizes, so: the result is the same in any record order; records unrelated to a story
change nothing in it; and adding a later article that relates to one story's articles only
adds that article to the story (rule 4 ranks articles without a usable time first, so a new
dated article never displaces an existing choice). A story's id derives from its earliest
article (by usable time, then canonical URL).

>>> from graphkit.records import read_records
>>> from graphkit.resolve import resolve
>>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
>>> [story] = detect_stories(corpus)
>>> story.id, story.label
('s-be87dfd58115', 'Civil rights groups ask Biden administration to oppose facial recognition')
>>> story.providers
('washingtonpost.com', 'nationthailand.com', 'dailydot.com')
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ..resolve import Article, Corpus

DAY_SECONDS = 86400.0
_WORD = re.compile(r"[^\W_]+")
STOPWORDS = frozenset(
    {
        "a", "after", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have",
        "how", "in", "into", "is", "it", "its", "new", "of", "on", "or", "over", "says", "than",
        "that", "the", "their", "this", "to", "was", "what", "when", "who", "why", "will", "with",
    }
)  # fmt: skip


@dataclass(frozen=True)
class StoryParams:
    """The knobs of story detection; the defaults were chosen on the grouping benchmark."""

    time_scale_days: float = 6.0  # Gaussian scale of the time proximity factor
    strong_link: float = 0.25  # score (similarity x proximity) that keeps a link outright
    attach_similarity: float = 0.2  # title similarity that makes a link attachable
    near_days: float = 1.0  # ... or a gap this short, whatever the titles
    attach_max_gap_days: float = 10.0  # links further apart are never attachable
    record_best: int = 1  # attachable related entries each record keeps, best first
    follow_similarity: float = 0.05  # least title similarity for rule 4 (about one word)
    unknown_similarity: float = 0.5  # stands in for the similarity when a title is missing


DEFAULT_PARAMS = StoryParams()


@dataclass(frozen=True)
class Story:
    """The articles on one event, earliest first (articles without a usable time last)."""

    id: str
    label: str  # the first headline
    articles: tuple[str, ...]  # article ids (canonical URLs)
    topics: tuple[str, ...]  # topic keys, most used first
    categories: tuple[str, ...]  # category keys, most used first
    providers: tuple[str, ...]  # outlet keys, in the order of their first article
    start: datetime | None  # earliest usable publication time
    end: datetime | None  # latest usable publication time


@dataclass(frozen=True)
class ScoredLink:
    """A related link between two articles (both directions once) and its evidence."""

    a: str
    b: str
    similarity: float | None  # title token Jaccard; None when a title has no words
    gap_days: float | None  # None when either time is not usable
    score: float


def title_tokens(title: str | None) -> frozenset[str]:
    """The words of a title that tell stories apart: case-folded, without stopwords.

    >>> sorted(title_tokens("Biden Faces Pressure: the Facial-Recognition ban"))
    ['ban', 'biden', 'faces', 'facial', 'pressure', 'recognition']
    """
    return frozenset(w for w in _WORD.findall((title or "").casefold()) if w not in STOPWORDS)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float | None:
    """Shared words over all words; None when either side has none.

    >>> jaccard(frozenset("abc"), frozenset("bcd"))
    0.5
    """
    if not a or not b:
        return None
    return len(a & b) / len(a | b)


def proximity(gap_days: float | None, scale_days: float) -> float:
    """Gaussian decay on a time gap: 1 for no gap (or an unknown one), 0.61 at one scale.

    >>> proximity(0, 6.0), round(proximity(6.0, 6.0), 2), proximity(None, 6.0)
    (1.0, 0.61, 1.0)
    """
    if gap_days is None:
        return 1.0
    return math.exp(-(gap_days**2) / (2 * scale_days**2))


def score_links(corpus: Corpus, params: StoryParams = DEFAULT_PARAMS) -> list[ScoredLink]:
    """Every related link once per article pair, with its similarity, gap and score."""
    tokens: dict[str, frozenset[str]] = {}
    scored = []
    for a, b in sorted({_pair(link.source, link.target) for link in corpus.related}):
        first, second = corpus.articles[a], corpus.articles[b]
        for article in (first, second):
            if article.id not in tokens:
                tokens[article.id] = title_tokens(article.title)
        similarity = jaccard(tokens[a], tokens[b])
        gap = _gap_days(first, second)
        known = params.unknown_similarity if similarity is None else similarity
        score = known * proximity(gap, params.time_scale_days)
        scored.append(ScoredLink(a, b, similarity, gap, score))
    return scored


def detect_stories(corpus: Corpus, params: StoryParams = DEFAULT_PARAMS) -> list[Story]:
    """Group every article of the corpus into stories (an unlinked article is a story alone).

    Stories come earliest first (those without any usable time last), then by id.
    """
    return make_stories(corpus, _components(corpus.articles, kept_links(corpus, params)))


def kept_links(corpus: Corpus, params: StoryParams = DEFAULT_PARAMS) -> list[tuple[str, str]]:
    """The article pairs whose link holds a story together (rules 1-4 above)."""
    links = score_links(corpus, params)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in links:
        neighbours[link.a].add(link.b)
        neighbours[link.b].add(link.a)
    kept = [
        (link.a, link.b)
        for link in links
        if link.score >= params.strong_link
        or (_attachable(link, params) and not neighbours[link.a].isdisjoint(neighbours[link.b]))
    ]
    kept.extend(_listed(corpus, links, params))
    kept.extend(_followed(corpus, links, params))
    return kept


def linked_components(corpus: Corpus) -> list[Story]:
    """The baseline: every related link joins its articles (plain connected components)."""
    pairs = [(link.source, link.target) for link in corpus.related]
    return make_stories(corpus, _components(corpus.articles, pairs))


def make_stories(corpus: Corpus, groups: Mapping[str, str]) -> list[Story]:
    """Stories from a mapping of article id to any group key, earliest first."""
    members: dict[str, list[Article]] = defaultdict(list)
    for article_id, group in groups.items():
        members[group].append(corpus.articles[article_id])
    stories = [_story(articles) for articles in members.values()]
    return sorted(stories, key=lambda s: (s.start is None, s.start or _EPOCH, s.id))


def story_index(stories: Iterable[Story]) -> dict[str, str]:
    """Article id to story id.

    >>> story_index([Story("s-1", "x", ("a", "b"), (), (), (), None, None)])
    {'a': 's-1', 'b': 's-1'}
    """
    return {article: story.id for story in stories for article in story.articles}


def story_id(article_id: str) -> str:
    """A story's id from its earliest article's canonical URL: the same in every run.

    >>> story_id("https://example.com/a")
    's-c4ed1c218d14'
    """
    digest = hashlib.sha1(article_id.encode("utf-8"), usedforsecurity=False).hexdigest()
    return "s-" + digest[:12]


def timeline_key(article: Article) -> tuple[bool, datetime, str]:
    """Sort key: articles with a usable time first, earliest first, then by canonical URL."""
    time = article.usable_time
    return (time is None, time or _EPOCH, article.id)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _story(articles: list[Article]) -> Story:
    ordered = sorted(articles, key=timeline_key)
    times = [a.usable_time for a in ordered if a.usable_time is not None]
    titled = next((a.title for a in ordered if a.title), None)
    return Story(
        id=story_id(ordered[0].id),
        label=titled or ordered[0].url,
        articles=tuple(a.id for a in ordered),
        topics=_most_used(t for a in ordered for t in a.topics),
        categories=_most_used(c for a in ordered for c in a.categories),
        providers=tuple(dict.fromkeys(a.provider for a in ordered if a.provider)),
        start=min(times) if times else None,
        end=max(times) if times else None,
    )


def _most_used(keys: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(keys)
    return tuple(sorted(counts, key=lambda key: (-counts[key], key)))


def _listed(
    corpus: Corpus, links: list[ScoredLink], params: StoryParams
) -> Iterator[tuple[str, str]]:
    """Rule 3: each record's best-scoring attachable related entries."""
    by_pair = {(link.a, link.b): link for link in links}
    entries: dict[str, set[str]] = defaultdict(set)
    for related in corpus.related:
        entries[related.source].add(related.target)
    for source, targets in entries.items():
        scored = [by_pair[_pair(source, target)] for target in targets]
        attachable = [link for link in scored if _attachable(link, params)]
        best = sorted(attachable, key=lambda link: (-link.score, link.a, link.b))
        yield from ((link.a, link.b) for link in best[: params.record_best])


def _followed(
    corpus: Corpus, links: list[ScoredLink], params: StoryParams
) -> Iterator[tuple[str, str]]:
    """Rule 4: an article without its own record follows the earliest article it is linked to.

    Articles without a usable time rank first: a new dated article never displaces a choice.
    """
    candidates: dict[str, list[str]] = defaultdict(list)
    for link in links:
        similar = link.similarity is None or link.similarity >= params.follow_similarity
        if similar and _attachable(link, params):
            candidates[link.a].append(link.b)
            candidates[link.b].append(link.a)
    for article_id, linked in candidates.items():
        if not corpus.articles[article_id].has_record:
            earliest = min(linked, key=lambda other: _undated_first(corpus.articles[other]))
            yield article_id, earliest


def _undated_first(article: Article) -> tuple[bool, datetime, str]:
    time = article.usable_time
    return (time is not None, time or _EPOCH, article.id)


def _attachable(link: ScoredLink, params: StoryParams) -> bool:
    if link.gap_days is not None and link.gap_days > params.attach_max_gap_days:
        return False
    similar = link.similarity is None or link.similarity >= params.attach_similarity
    near = link.gap_days is None or link.gap_days <= params.near_days
    return similar or near


def _components(nodes: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Union-find: each node's component, named by its smallest member (order-independent)."""
    parent = {node: node for node in nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {node: root(node) for node in parent}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _gap_days(a: Article, b: Article) -> float | None:
    if a.usable_time is None or b.usable_time is None:
        return None
    return abs((a.usable_time - b.usable_time).total_seconds()) / DAY_SECONDS
