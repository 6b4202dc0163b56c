"""Resolve mentions in records into one entity each, keeping every alias and disagreement."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from ..records import Mention, Problem, Record, Severity, is_plausible, iso_utc
from ..records.frontmatter import one_line
from ..util import Progress, quietly
from .entities import Article, Conflict, Corpus, Label, Provider, RelatedLink, TimeStatus, label_key
from .urls import AmpRules, UrlIndex, domain_key


def resolve(
    records: Iterable[Record],
    now: datetime | None = None,
    jobs: int = 1,
    progress: Progress = quietly,
    release: bool = False,
) -> Corpus:
    """Merge all records into a corpus with one node per article, outlet, topic and category.

    A record's own account of its article wins over what related lists say about it; where
    they disagree, the article keeps a `Conflict` so nothing is silently dropped. `jobs`
    processes parse the distinct URLs (0: one per core) when there are many. With `release`,
    `records` must be a list that nothing else needs: it is emptied as the records are merged,
    so that each record's memory goes as its article takes what it said.

    >>> from graphkit.records import read_records
    >>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
    >>> len(corpus.articles), sorted(corpus.providers)[0]
    (3, 'dailydot.com')
    """
    # A fixed order makes the result independent of the order records arrive in.
    if release and isinstance(records, list):
        ordered = records
        ordered.sort(key=_reading_order)
    else:
        ordered, release = sorted(records, key=_reading_order), True  # our own copy
    resolver = _Resolver(ordered, now or datetime.now(UTC), jobs)
    return resolver.run(progress, release)


def _reading_order(record: Record) -> tuple[str, int, tuple[str, ...]]:
    return (record.source, record.line or 0, record.article.urls)


class _Resolver:
    def __init__(self, records: list[Record], now: datetime, jobs: int) -> None:
        self.records = records
        self.urls = UrlIndex()
        self.urls.parse_all(
            (url for r in records for m in (r.article, *r.related) for url in m.urls), jobs
        )
        self.rules = AmpRules.from_pairs(_web_amp_pairs(records), self.urls)
        self.corpus = Corpus(records=len(records), built_at=now, amp_rules=self.rules)
        self.domains: dict[str, str | None] = {}
        self.declared_domains: set[str] = set()
        self.links: dict[tuple[str, str], list[str]] = {}

    def run(self, progress: Progress, release: bool) -> Corpus:
        declared = {
            mention.provider_domain
            for record in self.records
            for mention in (record.article, *record.related)
            if mention.provider_domain
        }
        self.domains = {domain: domain_key(domain) for domain in declared}  # once per domain
        self.declared_domains = {key for key in self.domains.values() if key}
        # Own records first, so that they win over related-list mentions in any file order.
        own = [self._merge(r.article, r) for r in self.records]
        records = _drain(self.records) if release else iter(self.records)
        pairs = zip(records, own, strict=True)
        for record, article in progress(pairs, total=len(own), unit="record"):
            self._attach_labels(record, article)
            for mention in record.related:
                target = self._merge(mention, record)
                if target.id == article.id:
                    self._warn(
                        record.source, f"related entry is the record's own article {target.url}"
                    )
                else:
                    self.links.setdefault((article.id, target.id), []).append(record.source)
        self.corpus.related = [
            RelatedLink(source, target, tuple(dict.fromkeys(files)))
            for (source, target), files in self.links.items()
        ]
        self._flag_times()
        return self.corpus

    def _merge(self, mention: Mention, record: Record) -> Article:
        canonical = self.urls.canonical
        key = next(filter(None, (canonical(u, self.rules) for u in mention.urls)), None)
        if key is None:  # validated as http(s) already; only an unusable port gets here
            key = mention.urls[0]
        article = self.corpus.articles.get(key)
        if article is None:
            article = self.corpus.articles[key] = Article(id=key, url=mention.urls[0])
        elif mention.own_record and article.has_record:
            self._warn(record.source, f"second record of an article already read: {article.url}")
        for url in mention.urls:
            if url not in article.aliases:
                article.aliases.append(url)
        if record.source not in article.sources:
            article.sources.append(record.source)
        provider = self._provider(mention)
        self._set(article, "title", mention.title, record.source)
        if article.published is None and mention.published and not mention.time_has_zone:
            article.time_status = TimeStatus.NO_ZONE
        self._set(article, "published", mention.published, record.source)
        self._set(article, "provider", provider, record.source)
        for name in ("excerpt", "quality", "heat", "type"):
            if getattr(article, name) is None:
                setattr(article, name, getattr(mention, name))
        if not article.images:
            article.images = list(mention.images)
        if mention.own_record and not article.has_record:
            article.has_record, article.url = True, mention.urls[0]
        return article

    def _set(self, article: Article, name: str, value: object, source: str) -> None:
        current = getattr(article, name)
        if value is None or value == current:
            return
        if current is None:
            setattr(article, name, value)
            return
        kept, other = (_show(current), _show(value))
        article.conflicts.append(Conflict(article.id, name, kept, other, source))

    def _provider(self, mention: Mention) -> str | None:
        key = self.domains[mention.provider_domain] if mention.provider_domain else None
        if key is None:
            parts = self.urls.parts(mention.urls[0])
            key = self._known_domain(parts.host if parts else None)
        if key is None:
            return None
        provider = self.corpus.providers.setdefault(key, Provider(domain=key))
        name = mention.provider_name
        if name:
            if name not in provider.name_counts:
                provider.names.append(name)
            provider.name_counts[name] = provider.name_counts.get(name, 0) + 1
        return key

    def _known_domain(self, host: str | None) -> str | None:
        """Map a URL host to a declared outlet domain (edition.cnn.com -> cnn.com) if one fits."""
        if not host:
            return None
        parts = host.split(".")
        for start in range(len(parts) - 1):
            candidate = ".".join(parts[start:])
            if candidate in self.declared_domains:
                return candidate
        return host

    def _attach_labels(self, record: Record, article: Article) -> None:
        for texts, table, keys in (
            (record.topics, self.corpus.topics, article.topics),
            (record.categories, self.corpus.categories, article.categories),
        ):
            for text in texts:
                key = label_key(text)
                label = table.setdefault(key, Label(key=key, label=text))
                if text not in label.variants:
                    label.variants.append(text)
                if key not in keys:
                    keys.append(key)

    def _flag_times(self) -> None:
        now = self.corpus.built_at
        for article in self.corpus.articles.values():
            if article.published is None:
                article.time_status = TimeStatus.MISSING
            elif not is_plausible(article.published, now):
                article.time_status = TimeStatus.IMPLAUSIBLE
                self._warn(
                    article.sources[0],
                    f"implausible publish time {iso_utc(article.published)} for {article.url}"
                    " (kept, ignored by analyses)",
                )
            elif article.time_status is not TimeStatus.NO_ZONE:
                article.time_status = TimeStatus.OK

    def _warn(self, source: str, reason: str) -> None:
        self.corpus.problems.append(Problem(source, one_line(reason, 200), Severity.WARNING))


def _drain(records: list[Record]) -> Iterator[Record]:
    """The records in order, each dropped from the list as it is given: once its related
    mentions are merged, nothing else holds it (at a million records, gigabytes)."""
    records.reverse()  # popping from the end is O(1)
    while records:
        yield records.pop()


def _web_amp_pairs(records: list[Record]) -> Iterable[tuple[str, str]]:
    """Each (web URL, AMP-looking URL) pair that one mention gives for its article."""
    for record in records:
        for mention in (record.article, *record.related):
            if len(mention.urls) < 2:
                continue
            is_amp = ["amp" in url.lower() for url in mention.urls]  # once per URL, not per pair
            amp = [url for url, flagged in zip(mention.urls, is_amp, strict=True) if flagged]
            for web, flagged in zip(mention.urls, is_amp, strict=True):
                if not flagged:
                    yield from ((web, other) for other in amp)


def _show(value: object) -> str:
    return iso_utc(value) if isinstance(value, datetime) else one_line(str(value), 120)
