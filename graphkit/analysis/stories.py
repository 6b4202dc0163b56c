"""Story detection: group the articles that cover the same event.

The aggregator's related lists are the main evidence: they mostly point into the same story,
and real headlines of one story often share no word, so a link is never cut merely because two
headlines differ. But some entries point to another story, and plain connected components of
the links chain distinct stories into giant clusters. Stories are found in three steps:

1. **Communities.** Within each connected component of the related links, the Leiden
   algorithm (igraph) looks for groups under the constant Potts model: a part stays with the
   rest when the links between them weigh more than ``resolution`` times the component's own
   link weight per pair of articles (its density), times the pairs between them. Each part
   found is searched again the same way, against its own density, until none splits: so the
   bar adapts to sparse big stories and dense small ones alike. A link weighs ``link_floor``
   plus the TF-IDF cosine of its two articles' headlines and excerpts. A stray link that
   bridges two groups densely linked among themselves does not hold them together: it is
   *cut*.
2. **Splits and moves.** Linked articles that are each unlike the rest of their group
   (cosine below ``own_similarity``) but alike among themselves (``cohesion``) leave it
   together when their group's words differ from the rest (``split_similarity``): a small
   story that a big one's stray entries point into. A single article unlike its group moves
   to the story whose headlines match it strongly (``move_similarity``, and ``move_margin``
   better): typically an article that only one stray entry names.
3. **Joins.** A piece that no link joins to the rest of its story (each piece has its own
   false "first") joins a story ``join_ratio`` times its size or more whose headlines match it
   (``join_similarity``), with which it shares a word found mostly in the two of them
   (``join_specificity`` of the articles with that word: "Plosser", not "stocks"), and whose
   time span, widened by ``join_days``, holds its own. Without that shared word, a big corpus
   of similar small stories (daily market reports) would glue them together.

The result is the same in any record order: articles and links are sorted, each component gets
its own seeded random generator, and ties break on ids. A story's id derives from its earliest
article (by usable time, then canonical URL). Word weights are corpus-wide (IDF), so adding
records can change a decision at the margin of a threshold; :func:`group_stories` says which
links were cut and which pieces joined, and why.

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
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import igraph

from ..resolve import Article, Corpus
from ..util import Progress, quietly, seeded_igraph
from .similarity import Vector, centroid, cosine, summed, tfidf_vectors

Node = TypeVar("Node", str, int)  # what `_components` joins: article ids, or group numbers


@dataclass(frozen=True)
class StoryParams:
    """The knobs of story detection; defaults chosen on real labelled coverage (see README)."""

    resolution: float = 0.07  # parts linked below this share of their group's density split
    link_floor: float = 0.2  # what a related link weighs beyond its two articles' similarity
    own_similarity: float = 0.1  # an article less like the rest of its group may move ...
    move_similarity: float = 0.3  # ... to a story this like it
    join_similarity: float = 0.3  # a piece joins a story this like it ...
    move_margin: float = 0.1  # a move needs the new story to match this much better
    join_days: float = 0.5  # a piece joins a story whose span, widened by this, it overlaps
    join_ratio: float = 2.0  # ... and that has at least this many times its articles
    join_specificity: float = 0.3  # ... sharing a word whose articles are this much in the two
    cohesion: float = 0.5  # a linked set of unlike articles this alike among themselves ...
    split_similarity: float = 0.15  # ... and less like the rest of their group than this, leaves
    common_word_groups: int = 500  # a move is never decided by a word more groups than this hold
    seed: int = 1  # of Leiden's random generator
    # Sizes and depths: where a step applies at all.
    least_split: int = 3  # a component (or part) smaller than this is one story as it is
    max_depth: int = 8  # Leiden runs again inside its parts at most this many times
    stable_up_to: int = 20_000  # Leiden iterates until stable in a component this big or less,
    big_passes: int = 2  # ... and makes this many passes over a bigger one
    least_unlike_group: int = 5  # a group this big may lose a linked set of unlike articles ...
    least_unlike_piece: int = 2  # ... of at least this many articles ...
    unlike_share: float = 0.25  # ... that are at most this share of it
    least_moved_from: int = 3  # an article moves out of a group of at least this many ...
    least_move_target: int = 2  # ... into one of at least this many
    least_join_target: int = 2  # a piece joins a story of at least this many articles


DEFAULT_PARAMS = StoryParams()


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class CutLink:
    """A related link whose two articles ended in different stories, and why."""

    a: str  # article ids, a < b
    b: str
    story_a: str
    story_b: str
    reason: str  # "bridge" (links), "unlike" or "moved" (headline evidence)
    detail: str  # one line for people

    def other_story(self, story_id: str) -> str:
        """The story at the other end of the link from `story_id`'s."""
        return self.story_b if self.story_a == story_id else self.story_a

    def article_in(self, members: Container[str]) -> tuple[str, str]:
        """(the article among `members`, the other one)."""
        return (self.a, self.b) if self.a in members else (self.b, self.a)


@dataclass(frozen=True)
class JoinedPiece:
    """Articles that no kept link joined to a story, joined to it on headlines and time."""

    story: str
    articles: tuple[str, ...]
    similarity: float  # headline cosine of the piece and the story


@dataclass(frozen=True)
class StoryGrouping:
    stories: list[Story]
    cut: list[CutLink]
    joined: list[JoinedPiece]


def detect_stories(corpus: Corpus, params: StoryParams = DEFAULT_PARAMS) -> list[Story]:
    """Group every article of the corpus into stories (an unlinked article is a story alone).

    Stories come earliest first (those without any usable time last), then by id.
    """
    return group_stories(corpus, params).stories


def group_stories(
    corpus: Corpus, params: StoryParams = DEFAULT_PARAMS, progress: Progress = quietly
) -> StoryGrouping:
    """The stories, the related links set aside as strays, and the pieces joined back;
    `progress` counts the linked components as Leiden splits them."""
    vectors = tfidf_vectors(
        (a.id, f"{a.title or ''} {a.excerpt or ''}") for a in corpus.articles.values()
    )
    links = _link_counts(corpus)
    weights = {(a, b): params.link_floor + cosine(vectors[a], vectors[b]) for a, b in links}
    groups = _communities(corpus.articles, weights, params, progress)
    del weights  # a few hundred bytes a link, and nothing after needs them
    groups, unlike = _split_unlike(groups, links, vectors, params)
    groups, moved = _moves(groups, vectors, params)
    groups, pieces = _joins(corpus, groups, vectors, params)
    stories = make_stories(corpus, {a: min(group) for group in groups for a in group})
    index = story_index(stories)
    joined = [
        JoinedPiece(index[piece[0]], piece, round(similarity, 3)) for piece, similarity in pieces
    ]
    cut = _cut_links(links, index, unlike, moved, vectors, stories)
    return StoryGrouping(stories, cut, joined)


def _link_counts(corpus: Corpus) -> Counter[tuple[str, str]]:
    """How often each pair of articles is linked (either way), self-links left out."""
    return Counter(
        _pair(link.source, link.target) for link in corpus.related if link.source != link.target
    )


def _communities(
    articles: Iterable[str],
    weights: Mapping[tuple[str, str], float],
    params: StoryParams,
    progress: Progress = quietly,
) -> list[set[str]]:
    """Step 1: Leiden communities (constant Potts model) within each connected component.

    Articles are numbered in sorted order and links kept as numbered pairs, so igraph works on
    integer ids and the recursion handles lists of ints, not strings and dicts of them."""
    ids = sorted(articles)
    number = {article: i for i, article in enumerate(ids)}
    pairs = sorted(weights)  # (a, b) with a < b: the same order numbered
    links = _Links(
        [number[a] for a, _ in pairs], [number[b] for _, b in pairs], [weights[p] for p in pairs]
    )
    graph = igraph.Graph(n=len(ids), edges=list(zip(links.a, links.b, strict=True)))
    # igraph numbers components by their smallest vertex: the order of their smallest article
    components = graph.connected_components()
    inside: list[list[int]] = [[] for _ in components]
    membership = components.membership  # a copy at each use
    for edge, a in enumerate(links.a):
        inside[membership[a]].append(edge)
    groups = []
    for nodes, edges in progress(
        zip(components, inside, strict=True), total=len(components), unit="component"
    ):
        if len(nodes) < params.least_split:
            groups.append(nodes)
        else:
            groups.extend(_leiden(nodes, edges, links, params))
    return [{ids[i] for i in group} for group in groups]


@dataclass(frozen=True)
class _Links:
    """The related links as columns: numbered ends (a < b) and weights."""

    a: list[int]
    b: list[int]
    weight: list[float]


def _leiden(
    nodes: list[int], edges: list[int], links: _Links, params: StoryParams, depth: int = 0
) -> list[list[int]]:
    """Leiden (CPM) on the links `edges` among the sorted `nodes`, then again inside each part
    found, against that part's own density."""
    position = {node: i for i, node in enumerate(nodes)}
    ends_a, ends_b = links.a, links.b
    graph = igraph.Graph(
        n=len(nodes), edges=[(position[ends_a[e]], position[ends_b[e]]) for e in edges]
    )
    weight = [links.weight[e] for e in edges]
    density = sum(weight) / (len(nodes) * (len(nodes) - 1) / 2)
    # Iterating until no article moves is superlinear in a huge component (the 383,000
    # articles of a 300,000-record corpus's biggest: 14.3 s, two passes 1.6 s for nearly the
    # same parts); its parts are searched again below either way.
    passes = -1 if len(nodes) <= params.stable_up_to else params.big_passes
    with seeded_igraph(params.seed):
        partition = graph.community_leiden(
            objective_function="CPM", weights=weight, resolution=params.resolution * density,
            n_iterations=passes,
        )  # fmt: skip
    parts = [sorted(nodes[i] for i in community) for community in partition]
    if len(parts) == 1 or depth >= params.max_depth:
        return parts
    part_of = dict.fromkeys(nodes, 0)
    for i, part in enumerate(parts):
        for node in part:
            part_of[node] = i
    inside: list[list[int]] = [[] for _ in parts]
    for e in edges:
        where = part_of[ends_a[e]]
        if where == part_of[ends_b[e]]:
            inside[where].append(e)
    groups = []
    for part, sub in zip(parts, inside, strict=True):
        if len(part) < params.least_split or not sub:
            groups.append(part)
        else:
            groups.extend(_leiden(part, sub, links, params, depth + 1))
    return groups


def _split_unlike(
    groups: list[set[str]],
    links: Mapping[tuple[str, str], int],
    vectors: Mapping[str, Vector],
    params: StoryParams,
) -> tuple[list[set[str]], set[str]]:
    """Step 2a: linked articles, each unlike the rest of its group but alike among themselves,
    leave the group together: a small story that a big one's stray entries point into.

    Returns the new groups and the articles that left.
    """
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(links):
        neighbours[a].append(b)
        neighbours[b].append(a)
    out: list[set[str]] = []
    left: set[str] = set()
    for group in groups:
        rest = set(group)
        for piece in _unlike_pieces(group, neighbours, vectors, params):
            others = rest - piece
            apart = cosine(
                centroid(vectors[a] for a in piece), centroid(vectors[a] for a in others)
            )
            if apart < params.split_similarity:
                out.append(piece)
                left |= piece
                rest = others
        out.append(rest)
    return out, left


def _unlike_pieces(
    group: set[str],
    neighbours: Mapping[str, list[str]],
    vectors: Mapping[str, Vector],
    params: StoryParams,
) -> list[set[str]]:
    """Cohesive linked sets of a few articles unlike the rest, a small share of the group."""
    if len(group) < params.least_unlike_group:
        return []
    total = summed(vectors[a] for a in group)
    norm = sum(w * w for w in total.values())
    unlike = sorted(
        a for a in group if _unlike_rest(vectors[a], total, norm, params.own_similarity) is not None
    )
    inside = set(unlike)
    pairs = [(a, b) for a in unlike for b in neighbours[a] if b in inside and a < b]
    found: dict[str, set[str]] = defaultdict(set)
    for article, key in _components(unlike, pairs).items():
        found[key].add(article)
    pieces = []
    for key in sorted(found):
        piece = found[key]
        if len(piece) < params.least_unlike_piece or len(piece) > params.unlike_share * len(group):
            continue
        alike = min(cosine(vectors[a], centroid(vectors[x] for x in piece - {a})) for a in piece)
        if alike >= params.cohesion:
            pieces.append(piece)
    return pieces


def _moves(
    groups: list[set[str]], vectors: Mapping[str, Vector], params: StoryParams
) -> tuple[list[set[str]], dict[str, tuple[float, float]]]:
    """Step 2: articles unlike their group move to a story whose words match them strongly.

    Returns the new groups and, per moved article, its similarity to its old group and new one.
    """
    centroids = [centroid(vectors[a] for a in group) for group in groups]
    holding = _term_index(centroids, groups, least_size=params.least_move_target)
    moves: list[tuple[str, int, int]] = []
    similarities: dict[str, tuple[float, float]] = {}
    for i, group in enumerate(groups):
        if len(group) < params.least_moved_from:
            continue
        total = summed(vectors[a] for a in group)
        norm = sum(w * w for w in total.values())
        for article in sorted(group):
            own = _unlike_rest(vectors[article], total, norm, params.own_similarity)
            if own is None:
                continue
            best, j = _best_match(
                vectors[article], centroids, holding, i, params.common_word_groups
            )
            if best >= params.move_similarity and best >= own + params.move_margin:
                moves.append((article, i, j))
                similarities[article] = (round(own, 3), round(best, 3))
    moved = [set(group) for group in groups]
    for article, i, j in moves:
        moved[i].discard(article)
        moved[j].add(article)
    return [group for group in moved if group], similarities


def _best_match(
    vector: Vector,
    centroids: list[Vector],
    holding: Mapping[str, list[int]],
    own: int,
    common: int,
) -> tuple[float, int]:
    """The group (not `own`) whose centroid is most like `vector`, and the cosine.

    Cosines are summed term by term over the groups holding each term: the exact cosine for
    every group sharing a word, without a full product per group; words held by more than
    `common` groups are left out of the sum.
    """
    scores: dict[int, float] = defaultdict(float)
    for term, weight in vector.items():
        groups = holding[term]  # the article's own group holds each of its words
        if len(groups) > common:
            continue  # a word of hundreds of stories says nothing about which one
        for j in groups:
            scores[j] += weight * centroids[j][term]
    scores.pop(own, None)
    best = max(scores.items(), key=lambda item: (item[1], -item[0]), default=(0, 0.0))
    return best[1], best[0]


def _unlike_rest(
    vector: Vector, total: Mapping[str, float], norm: float, floor: float
) -> float | None:
    """The cosine of an article with the rest of its group when below `floor`, else None.

    With unit vectors, |total - v|^2 = |total|^2 - 2 v.total + 1, so no copy is needed.
    """
    if not vector:
        return None
    dot = sum(w * total[term] for term, w in vector.items())  # the group holds its words
    rest = norm - 2 * dot + 1
    similarity = (dot - 1) / rest**0.5 if rest > 1e-9 else 0.0
    return similarity if similarity < floor else None


def _joins(
    corpus: Corpus, groups: list[set[str]], vectors: Mapping[str, Vector], params: StoryParams
) -> tuple[list[set[str]], list[tuple[tuple[str, ...], float]]]:
    """Step 3: pieces join a much bigger story that matches their words and their time, and
    shares a word with them that few other articles have."""
    ordered = sorted(groups, key=lambda g: (-len(g), min(g)))  # biggest first
    frequency = Counter(term for vector in vectors.values() for term in vector)
    # Only a group big enough to take a piece needs its centroid, span and word counts held
    # (for all groups they were three copies of every vector); a piece's are made in its turn.
    least_target = max(params.least_join_target, params.join_ratio)
    takers = sum(1 for group in ordered if len(group) >= least_target)  # the first, by size
    centroids = [_centroid(ordered[j], vectors) for j in range(takers)]
    spans = [_span(corpus, ordered[j]) for j in range(takers)]
    # term -> (articles with it, group) for every group big enough to take a piece, most first
    holders: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for j in range(takers):
        for term, count in _term_counts(ordered[j], vectors).items():
            holders[term].append((count, j))
    for listed in holders.values():
        listed.sort(key=lambda pair: (-pair[0], pair[1]))
    pad = timedelta(days=params.join_days)
    target = list(range(len(ordered)))
    joins: dict[int, float] = {}
    for i in range(len(ordered) - 1, 0, -1):
        need = params.join_ratio * len(ordered[i])
        candidates = set()
        for term, mine in _term_counts(ordered[i], vectors).items():
            # a shared word found mostly in the two groups: the story must hold enough of it
            least = params.join_specificity * frequency[term] - mine
            for count, j in holders[term]:
                if count < least:
                    break
                if j != i and len(ordered[j]) >= need:
                    candidates.add(j)
        if not candidates:
            continue
        mean, span = _centroid(ordered[i], vectors), _span(corpus, ordered[i])
        scored = sorted(
            ((cosine(mean, centroids[j]), -j) for j in candidates if _within(span, spans[j], pad)),
            reverse=True,
        )
        if scored and scored[0][0] >= params.join_similarity:
            joins[i], target[i] = scored[0][0], -scored[0][1]
    # a story that took pieces may itself join a bigger one: each chain ends in one story
    story_of = _components(range(len(ordered)), ((i, j) for i, j in enumerate(target) if i != j))
    parts: dict[int, list[int]] = defaultdict(list)
    for i in range(len(ordered)):
        parts[story_of[i]].append(i)
    merged = [
        ordered[found[0]] if len(found) == 1 else set().union(*(ordered[i] for i in found))
        for found in parts.values()
    ]  # a group that neither took nor joined is kept as it is, not copied
    pieces = [(tuple(sorted(ordered[i])), similarity) for i, similarity in sorted(joins.items())]
    return merged, pieces


def _centroid(group: Iterable[str], vectors: Mapping[str, Vector]) -> Vector:
    return centroid(vectors[a] for a in group)


def _term_counts(group: Iterable[str], vectors: Mapping[str, Vector]) -> Counter[str]:
    return Counter(term for a in group for term in vectors[a])


def _term_index(
    centroids: list[Vector], groups: list[set[str]], least_size: int
) -> dict[str, list[int]]:
    """Term to the groups (of at least `least_size` articles) whose centroid holds it."""
    holding: dict[str, list[int]] = defaultdict(list)
    for i, vector in enumerate(centroids):
        if len(groups[i]) >= least_size:
            for term in vector:
                holding[term].append(i)
    return holding


def _span(corpus: Corpus, group: Iterable[str]) -> tuple[datetime, datetime] | None:
    times = [t for a in group if (t := corpus.articles[a].usable_time) is not None]
    return (min(times), max(times)) if times else None


def _within(
    a: tuple[datetime, datetime] | None, b: tuple[datetime, datetime] | None, pad: timedelta
) -> bool:
    """Whether time span `a` lies within `b` widened by `pad` each way (unknown spans do)."""
    if a is None or b is None:
        return True
    return a[0] >= b[0] - pad and a[1] <= b[1] + pad


def _cut_links(
    links: Mapping[tuple[str, str], int],
    index: Mapping[str, str],
    unlike: set[str],
    moved: Mapping[str, tuple[float, float]],
    vectors: Mapping[str, Vector],
    stories: list[Story],
) -> list[CutLink]:
    """Every related link between two stories, with the evidence that set it aside."""
    between: Counter[tuple[str, str]] = Counter()
    inside: Counter[str] = Counter()
    for a, b in links:
        if index[a] == index[b]:
            inside[index[a]] += 1
        else:
            between[_pair(index[a], index[b])] += 1
    members = {story.id: story.articles for story in stories}
    centroids: dict[str, Vector] = {}

    def about(story: str) -> Vector:
        if story not in centroids:
            centroids[story] = centroid(vectors[a] for a in members[story])
        return centroids[story]

    cut = []
    for a, b in sorted(links):
        sa, sb = index[a], index[b]
        if sa == sb:
            continue
        if (a in unlike) != (b in unlike):
            reason = "unlike"
            detail = (
                f"{a if a in unlike else b} belongs to a group of articles alike among themselves "
                f"and unlike the story it was linked into (headline similarity "
                f"{cosine(about(sa), about(sb)):.2f} between the two stories)"
            )
        elif a in moved or b in moved:
            article = a if a in moved else b
            own, best = moved[article]
            reason = "moved"
            detail = (
                f"{article} is unlike the articles it is linked with (headline similarity "
                f"{own:.2f}) and matches story {index[article]} ({best:.2f})"
            )
        else:
            reason = "bridge"
            similarity = cosine(about(sa), about(sb))
            detail = (
                f"{plural_links(between[_pair(sa, sb)])} between the two stories against "
                f"{inside[sa]} and {inside[sb]} inside them; headline similarity {similarity:.2f}"
            )
        cut.append(CutLink(a, b, sa, sb, reason, detail))
    return cut


def plural_links(count: int) -> str:
    """A count of links in words.

    >>> plural_links(1), plural_links(3)
    ('1 link', '3 links')
    """
    return f"{count} link" if count == 1 else f"{count} links"


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


def _components(nodes: Iterable[Node], pairs: Iterable[tuple[Node, Node]]) -> dict[Node, Node]:
    """Union-find: each node's component, named by its smallest member (order-independent)."""
    parent = {node: node for node in nodes}

    def root(node: Node) -> Node:
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
