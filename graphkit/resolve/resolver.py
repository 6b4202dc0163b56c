"""Resolve mentions in records into one entity each, keeping every alias and disagreement.

Resolving is a few group-bys over the records' tables (`RecordTables`): each distinct URL is
parsed once, each mention keyed by its canonical URL, and the mentions of one key merged into
its article by one rule, stated here:

- mentions are taken in *merge order*: every record's own article first, then the related
  entries, each in reading order (a record's source, its line, its URLs);
- an article's title, time and outlet are those of its first mention that gives one; any
  later mention that gives another value is a `Conflict` (kept, other, where);
- its excerpt, quality, heat, type and images are the first given, without conflicts;
- its address (`url`) is its own record's first URL, or its first mention's when it has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import polars as pl

from ..records import Problem, Record, Severity, iso_utc
from ..records.columns import CATEGORY, TOPIC, RecordTables
from ..records.frontmatter import one_line
from ..records.times import EARLIEST_PLAUSIBLE, FUTURE_TOLERANCE
from ..util import Progress, advance, quietly, ticks
from .entities import Corpus, CorpusTables, TimeStatus, label_key
from .urls import AmpRules, domain_key, parts_table

MERGED_FIELDS = ("title", "published", "provider")  # a disagreement on these is a Conflict
FIRST_GIVEN = ("excerpt", "quality", "heat", "type")  # the first given value, silently


def resolve(
    records: Iterable[Record] | RecordTables,
    now: datetime | None = None,
    jobs: int = 1,
    progress: Progress = quietly,
    release: bool = False,
) -> Corpus:
    """Merge all records into a corpus with one node per article, outlet, topic and category.

    A record's own account of its article wins over what related lists say about it; where
    they disagree, the article keeps a `Conflict` so nothing is silently dropped. `jobs`
    processes parse the URLs that Polars cannot read in one pass (0: one per core) when
    there are many. The result is the same in any order of the records. `records` may be
    Record objects or their tables; with `release`, a list of records is emptied once its
    tables are made. `progress` counts the steps of the resolution (each a few group-bys
    over all the records at once).

    >>> from graphkit.records import read_records
    >>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
    >>> len(corpus.articles), sorted(corpus.providers)[0]
    (3, 'dailydot.com')
    """
    if isinstance(records, RecordTables):
        tables = records
    else:
        tables = RecordTables.from_records(records)
        if release and isinstance(records, list):
            records.clear()
    steps = ticks(progress, _Resolution.STEPS, "step")
    return _Resolution(tables, now or datetime.now(UTC), jobs, steps).corpus()


class _Resolution:
    """One resolution: the tables it works on, the warnings it meets in their order."""

    STEPS = 8  # counted by `step`, for a progress bar

    def __init__(
        self, tables: RecordTables, now: datetime, jobs: int, steps: Iterator[int]
    ) -> None:
        self.now, self.steps = now, steps
        self.warnings: list[Problem] = []
        self.records = _reading_order(tables.records)
        self.mentions = _merge_order(tables.mentions, self.records)
        urls = tables.urls.join(
            self.mentions.select("mention", "seq", "order", "slot"), on="mention"
        )
        self.step()
        self.parts = parts_table(urls["url"], jobs)
        self.step()
        self.rules = _amp_rules(urls, self.parts)
        self.urls = urls.join(_canonical(self.parts, self.rules), on="url", how="left")
        self.step()
        self.mentions = self._keyed(self.mentions)
        self.step()
        self.images = tables.images
        self.labels = tables.labels

    def step(self) -> None:
        advance(self.steps, 1)

    def corpus(self) -> Corpus:
        articles, conflicts = self._articles()
        self.step()
        number = articles.select("id", "article").rename({"id": "key"})
        mentions = self.mentions.join(number, on="key")
        links = self._links(mentions, articles)
        self.step()
        articles = self._times(articles, self._sources(mentions))
        topics, article_topics = self._labels(mentions, TOPIC)
        categories, article_categories = self._labels(mentions, CATEGORY)
        self.step()
        tables = CorpusTables(
            articles=articles,
            aliases=_aliases(self.urls, mentions),
            sources=self._sources(mentions),
            images=self._images(mentions),
            article_topics=article_topics,
            article_categories=article_categories,
            providers=_providers(mentions),
            topics=topics,
            categories=categories,
            links=links,
            conflicts=conflicts,
        )
        self.step()
        return Corpus(
            tables, self.warnings, records=self.records.height, built_at=self.now,
            amp_rules=self.rules,
        )  # fmt: skip

    def _keyed(self, mentions: pl.DataFrame) -> pl.DataFrame:
        """Each mention's article key (the canonical form of its first URL that has one; its
        first URL as it is when none has: validation let only http(s) URLs through, so only
        an unusable port gets there) and outlet key."""
        by_mention = (
            self.urls.sort("seq", "pos")
            .group_by("seq", maintain_order=True)
            .agg(
                pl.col("canonical").drop_nulls().first().alias("key"),
                pl.col("url").first().alias("url0"),
            )
        )
        keyed = mentions.join(by_mention, on="seq").with_columns(
            pl.col("key").fill_null(pl.col("url0"))
        )
        return keyed.join(self._outlets(keyed), on="seq", how="left").sort("seq")

    def _outlets(self, mentions: pl.DataFrame) -> pl.DataFrame:
        """Each mention's outlet key: its declared domain as a host, or else its first URL's
        host, shortened to a declared outlet's domain when one fits (edition.cnn.com is
        cnn.com)."""
        declared = mentions["provider_domain"].drop_nulls().unique().to_list()
        domains = {domain: domain_key(domain) for domain in declared}
        known = {key for key in domains.values() if key}
        by_domain = pl.DataFrame(
            {"provider_domain": list(domains), "declared": list(domains.values())},
            schema={"provider_domain": pl.String, "declared": pl.String},
        )
        hosts = self.parts.select(pl.col("url").alias("url0"), "host")
        found = (
            mentions.select("seq", "provider_domain", "url0")
            .join(by_domain, on="provider_domain", how="left")
            .join(hosts, on="url0", how="left")
        )
        distinct = found["host"].drop_nulls().unique().to_list()
        outlet_of = {host: _known_domain(host, known) for host in distinct}
        by_host = pl.DataFrame(
            {"host": list(outlet_of), "by_host": list(outlet_of.values())},
            schema={"host": pl.String, "by_host": pl.String},
        )
        return found.join(by_host, on="host", how="left").select(
            "seq", pl.coalesce("declared", "by_host").alias("provider")
        )

    def _articles(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """One row per article, numbered in merge order, and the conflicts of its mentions."""
        own = pl.col("slot") == 0
        first_given = [pl.col(name).drop_nulls().first() for name in (*MERGED_FIELDS, *FIRST_GIVEN)]
        articles = self.mentions.group_by("key", maintain_order=True).agg(
            *first_given,
            pl.col("has_zone").filter(pl.col("published").is_not_null()).first(),
            own.any().alias("has_record"),
            pl.coalesce(pl.col("url0").filter(own).first(), pl.col("url0").first()).alias("url"),
            pl.col("seq").filter(own).alias("own_seqs"),
        )
        articles = articles.with_row_index("article").rename({"key": "id"})
        self._warn_second_records(articles)
        conflicts = _conflicts(self.mentions, articles)
        columns = [
            "article", "id", "url", "title", "excerpt", "published", "has_zone", "provider",
            "quality", "heat", "type", "has_record",
        ]  # fmt: skip
        return articles.select(columns), conflicts

    def _warn_second_records(self, articles: pl.DataFrame) -> None:
        """A warning for each record of an article that had one already (in merge order)."""
        again = articles.filter(pl.col("own_seqs").list.len() > 1)
        if again.is_empty():
            return
        later = again.select("url", pl.col("own_seqs").list.slice(1)).explode("own_seqs")
        sources = self.mentions.select(pl.col("seq").alias("own_seqs"), "source")
        for url, source in (
            later.join(sources, on="own_seqs").sort("own_seqs").select("url", "source").iter_rows()
        ):
            self._warn(source, f"second record of an article already read: {url}")

    def _links(self, mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
        """Each related entry links its record's article to the entry's (a pair once, with
        the files that give it); an entry that is the record's own article is a warning."""
        own = mentions.filter(pl.col("slot") == 0).select("order", pl.col("article").alias("own"))
        related = mentions.filter(pl.col("slot") > 0).join(own, on="order").sort("seq")
        urls = articles["url"]
        for target, source in (
            related.filter(pl.col("article") == pl.col("own"))
            .select("article", "source")
            .iter_rows()
        ):
            self._warn(source, f"related entry is the record's own article {urls[target]}")
        return (
            related.filter(pl.col("article") != pl.col("own"))
            .group_by("own", "article", maintain_order=True)
            .agg(pl.col("source").unique(maintain_order=True).alias("files"))
            .select(pl.col("own").alias("source"), pl.col("article").alias("target"), "files")
        )

    def _times(self, articles: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
        """Each article's time status; a warning for each implausible time."""
        published = pl.col("published")
        latest = self.now + FUTURE_TOLERANCE
        plausible = (published >= EARLIEST_PLAUSIBLE) & (published <= latest)
        status = (
            pl.when(published.is_null()).then(pl.lit(TimeStatus.MISSING.value))
            .when(~plausible).then(pl.lit(TimeStatus.IMPLAUSIBLE.value))
            .when(~pl.col("has_zone")).then(pl.lit(TimeStatus.NO_ZONE.value))
            .otherwise(pl.lit(TimeStatus.OK.value))
        )  # fmt: skip
        articles = articles.with_columns(status.alias("time_status")).drop("has_zone")
        implausible = articles.filter(pl.col("time_status") == TimeStatus.IMPLAUSIBLE.value)
        if not implausible.is_empty():
            first_source = sources.group_by("article", maintain_order=True).agg(
                pl.col("source").first()
            )
            for url, when, source in (
                implausible.join(first_source, on="article")
                .sort("article")
                .select("url", "published", "source")
                .iter_rows()
            ):
                self._warn(
                    source,
                    f"implausible publish time {iso_utc(when)} for {url} (kept, ignored by "
                    "analyses)",
                )
        order = [
            "article", "id", "url", "title", "excerpt", "published", "time_status",
            "provider", "quality", "heat", "type", "has_record",
        ]  # fmt: skip
        return articles.select(order)

    def _sources(self, mentions: pl.DataFrame) -> pl.DataFrame:
        return (
            mentions.select("article", "source")
            .unique(maintain_order=True)
            .sort("article", maintain_order=True)
        )

    def _images(self, mentions: pl.DataFrame) -> pl.DataFrame:
        """Each article's images: those of its first mention that gives any."""
        given = self.images.join(mentions.select("mention", "article", "seq"), on="mention")
        first = given.group_by("article").agg(pl.col("seq").min().alias("first"))
        return (
            given.join(first, on="article")
            .filter(pl.col("seq") == pl.col("first"))
            .sort("article", "seq", maintain_order=True)
            .select("article", "url", "width", "height")
        )

    def _labels(self, mentions: pl.DataFrame, kind: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The topics (or categories): one per key, labelled by its first spelling, and each
        article's keys, from the records about it, in reading order."""
        own = mentions.filter(pl.col("slot") == 0).select("record", "order", "article")
        given = (
            self.labels.filter(pl.col("kind") == kind)
            .with_row_index("at")
            .join(own, on="record")
            .sort("order", "at")
        )
        texts = given["text"].unique(maintain_order=True).to_list()
        keys = pl.DataFrame(
            {"text": texts, "key": [label_key(text) for text in texts]},
            schema={"text": pl.String, "key": pl.String},
        )
        given = given.join(keys, on="text", how="left").sort("order", "at")
        labels = given.group_by("key", maintain_order=True).agg(
            pl.col("text").first().alias("label"),
            pl.col("text").unique(maintain_order=True).alias("variants"),
        )
        by_article = (
            given.select("article", "key")
            .unique(maintain_order=True)
            .sort("article", maintain_order=True)
        )
        return labels, by_article

    def _warn(self, source: str, reason: str) -> None:
        self.warnings.append(Problem(source, one_line(reason, 200), Severity.WARNING))


def _reading_order(records: pl.DataFrame) -> pl.DataFrame:
    """Each record's place in reading order (source, line, URLs): the same result whatever
    order the files were read in."""
    return (
        records.with_columns(pl.col("line").fill_null(0).alias("line0"))
        .sort("source", "line0", "url_key")
        .with_row_index("order")
        .select("record", "order", "source")
    )


def _merge_order(mentions: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """The mentions in merge order (`seq`): own articles first, then related entries."""
    return (
        mentions.join(records, on="record")
        .sort(pl.col("slot") > 0, "order", "slot")
        .with_row_index("seq")
    )


def _amp_rules(urls: pl.DataFrame, parts: pl.DataFrame) -> AmpRules:
    """The AMP rules that each mention's (web URL, AMP-looking URL) pairs show, in reading
    order (`AmpRules.learn`: a later pair of one AMP host wins)."""
    flagged = urls.with_columns(pl.col("url").str.to_lowercase().str.contains("amp").alias("amp"))
    several = flagged.group_by("seq").agg(pl.len().alias("n")).filter(pl.col("n") > 1)
    flagged = flagged.join(several.select("seq"), on="seq")
    if flagged.is_empty():
        return AmpRules()
    web = flagged.filter(~pl.col("amp")).select("seq", "order", "slot", "pos", "url")
    amp = flagged.filter(pl.col("amp")).select("seq", pl.col("pos").alias("amp_pos"), "url")
    pairs = web.join(amp, on="seq", suffix="_amp").sort("order", "slot", "pos", "amp_pos")
    named = parts.select("url", "host", "path")
    pairs = pairs.join(named, on="url").join(
        named.rename({"url": "url_amp", "host": "amp_host", "path": "amp_path"}), on="url_amp"
    )
    pairs = pairs.filter(pl.col("host").is_not_null() & pl.col("amp_host").is_not_null()).sort(
        "order", "slot", "pos", "amp_pos"
    )
    path, amp_path = pl.col("path"), pl.col("amp_path")
    leading = amp_path == pl.when(path == "").then(pl.lit("amp")).otherwise("amp/" + path)
    trailing = amp_path == pl.when(path == "").then(pl.lit("amp")).otherwise(path + "/amp")
    hosts = (
        pairs.filter(pl.col("amp_host") == "amp." + pl.col("host"))
        .group_by("amp_host", maintain_order=True)
        .agg(pl.col("host").last())
    )
    return AmpRules(
        leading=set(pairs.filter(leading)["host"]),
        trailing=set(pairs.filter(~leading & trailing)["host"]),
        hosts=dict(hosts.iter_rows()),
    )


def _canonical(parts: pl.DataFrame, rules: AmpRules) -> pl.DataFrame:
    """Each URL's canonical form under the rules (`AmpRules.apply`, column by column)."""
    hosts = pl.DataFrame(
        {"host": list(rules.hosts), "web_host": list(rules.hosts.values())},
        schema={"host": pl.String, "web_host": pl.String},
    )
    found = parts.join(hosts, on="host", how="left").with_columns(
        pl.coalesce("web_host", "host").alias("host")
    )
    path, host = pl.col("path"), pl.col("host")
    is_amp_head = (path == "amp") | path.str.starts_with("amp/")
    path = (
        pl.when(host.is_in(list(rules.leading)) & is_amp_head)
        .then(path.str.slice(4))
        .otherwise(path)
    )
    is_amp_tail = (path == "amp") | path.str.ends_with("/amp")
    path = (
        pl.when(host.is_in(list(rules.trailing)) & is_amp_tail)
        .then(path.str.slice(0, pl.max_horizontal(path.str.len_chars() - 4, 0)))
        .otherwise(path)
    )
    query = pl.when(pl.col("query") != "").then("?" + pl.col("query")).otherwise(pl.lit(""))
    canonical = pl.concat_str(pl.lit("https://"), host, pl.col("port"), pl.lit("/"), path, query)
    return found.select("url", canonical.alias("canonical"))


def _known_domain(host: str, declared: set[str]) -> str:
    """Map a URL host to a declared outlet domain (edition.cnn.com -> cnn.com) if one fits."""
    parts = host.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in declared:
            return candidate
    return host


CONFLICTS_SCHEMA = {
    "article": pl.UInt32, "field": pl.String, "kept": pl.String, "other": pl.String,
    "source": pl.String,
}  # fmt: skip


def _conflicts(mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Every mention that gives a title, time or outlet other than the one its article kept,
    by article, then in merge order."""
    kept = [pl.col(name).alias(f"kept_{name}") for name in MERGED_FIELDS]
    found = mentions.join(articles.select(pl.col("id").alias("key"), "article", *kept), on="key")
    rows: list[tuple[tuple[int, int, int], tuple[int, str, str, str, str]]] = []
    for position, name in enumerate(MERGED_FIELDS):
        value, held = pl.col(name), pl.col(f"kept_{name}")
        differ = found.filter(value.is_not_null() & (value != held))
        for article, seq, other, current, source in differ.select(
            "article", "seq", name, f"kept_{name}", "source"
        ).iter_rows():
            where = (article, seq, position)
            rows.append((where, (article, name, _show(current), _show(other), source)))
    rows.sort(key=lambda row: row[0])
    return pl.DataFrame([row for _, row in rows], schema=CONFLICTS_SCHEMA, orient="row")


def _aliases(urls: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Every URL an article was mentioned under, in merge order."""
    keyed = urls.join(mentions.select("seq", "article"), on="seq")
    return (
        keyed.sort("seq", "pos")
        .select("article", "url")
        .unique(maintain_order=True)
        .sort("article", maintain_order=True)
    )


def _providers(mentions: pl.DataFrame) -> pl.DataFrame:
    """One row per outlet, in the order first met: its names, each counted over the mentions
    that give it, and the most used (the first seen on a tie)."""
    given = mentions.filter(pl.col("provider").is_not_null())
    order = given.select(pl.col("provider").alias("domain")).unique(maintain_order=True)
    named = given.filter(pl.col("provider_name").is_not_null())
    counts = named.group_by("provider", "provider_name", maintain_order=True).agg(
        pl.len().alias("count")
    )
    names = counts.group_by("provider", maintain_order=True).agg(
        pl.col("provider_name").alias("names"),
        pl.col("count").alias("counts"),
        pl.col("provider_name").get(pl.col("count").arg_max()).alias("name"),
    )
    table = order.join(names.rename({"provider": "domain"}), on="domain", how="left")
    return table.select(
        "domain",
        pl.coalesce("name", "domain").alias("name"),
        pl.col("names").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("counts").fill_null(pl.lit([], dtype=pl.List(pl.UInt32))),
    )


def _show(value: object) -> str:
    return iso_utc(value) if isinstance(value, datetime) else one_line(str(value), 120)
