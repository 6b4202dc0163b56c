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
from concurrent.futures import Executor
from datetime import UTC, datetime

import polars as pl

from ..records import Problem, Record, Severity, iso_utc
from ..records.columns import CATEGORY, TOPIC, RecordTables
from ..records.frontmatter import one_line
from ..records.times import EARLIEST_PLAUSIBLE, FUTURE_TOLERANCE
from ..util import Progress, advance, quietly, ticks
from .entities import Corpus, CorpusTables, TimeStatus, label_key
from .urls import AmpRules, KnownParts, domain_key, parts_table

MERGED_FIELDS = ("title", "published", "provider")  # a disagreement on these is a Conflict
FIRST_GIVEN = ("excerpt", "quality", "heat", "type")  # the first given value, silently
TEXTS = ("title", "excerpt")  # kept where they are: which mention gave each is what moves


def resolve(
    records: Iterable[Record] | RecordTables,
    now: datetime | None = None,
    jobs: int = 1,
    progress: Progress = quietly,
    release: bool = False,
    executor: Executor | None = None,
    known_urls: KnownParts | None = None,
) -> Corpus:
    """Merge all records into a corpus with one node per article, outlet, topic and category.

    A record's own account of its article wins over what related lists say about it; where
    they disagree, the article keeps a `Conflict` so nothing is silently dropped. `jobs`
    processes (0: one per core), or an `executor`'s workers, parse the URLs that Polars
    cannot read in one pass when there are many. The result is the same in any order of the
    records. `records` may be Record objects or their tables; with `release`, a list of
    records is emptied once its tables are made. `progress` counts the steps of the
    resolution (each a few group-bys over all the records at once). `known_urls` gives the
    parts of the URLs the last build worked out, and is given this build's (`KnownParts`).

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
    known = known_urls or KnownParts()
    resolution = _Resolution(tables, now or datetime.now(UTC), (jobs, executor), steps, known)
    # What the resolution needs of the tables it holds; what it does not can go, unless the
    # caller holds it too (a build hands its tables over).
    del tables, records
    return resolution.corpus()


class _Resolution:
    """One resolution: the tables it works on, the warnings it meets in their order.

    Texts that many rows repeat (URLs, canonical URLs, sources) are numbered once and go
    through the group-bys as numbers; titles and excerpts never go through them at all, only
    which mention gave an article its own: a million records' texts are gigabytes, and each
    join or sort would copy them.
    """

    STEPS = 8  # counted by `step`, for a progress bar

    def __init__(
        self,
        tables: RecordTables,
        now: datetime,
        workers: tuple[int, Executor | None],
        steps: Iterator[int],
        known: KnownParts,
    ) -> None:
        self.now, self.steps = now, steps
        self.warnings: list[Problem] = []
        self.records = _reading_order(tables.records)
        self.sources = self.records["source"].unique(maintain_order=True)
        self.texts = tables.mentions.select("title", "excerpt")  # by mention number
        self.mentions = _merge_order(tables.mentions, self.records, self.sources)
        self.urls_seen, url = _numbered(tables.urls["url"])
        urls = tables.urls.select("mention", "pos", url.alias("url")).join(
            self.mentions.select("mention", "seq", "order", "slot"), on="mention"
        )
        self.step()
        self.parts = parts_table(self.urls_seen, *workers, known.table)  # by URL number
        known.table, known.found = None, self.parts
        self.step()
        self.rules = _amp_rules(urls, self.parts, self.urls_seen)
        canonical = _canonical(self.parts, self.rules)
        self.keys, canonical_key = _numbered(canonical)
        self.urls = urls.with_columns(
            pl.lit(canonical_key).gather(pl.col("url")).alias("canonical")
        )
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
        mentions = self.mentions
        del self.mentions
        links = self._links(mentions, articles)
        self.step()
        sources = self._sources(mentions)
        articles = self._times(articles, sources)
        topics, article_topics = self._labels(mentions, TOPIC)
        categories, article_categories = self._labels(mentions, CATEGORY)
        self.step()
        tables = CorpusTables(
            articles=articles,
            aliases=self._aliases(mentions),
            sources=sources,
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
        """Each mention's article (`key`: the number of its article's key, in the order the
        articles are first mentioned) and outlet key. An article's key is the canonical form
        of its mention's first URL that has one, or that first URL as it is when none has
        (validation let only http(s) URLs through, so only an unusable port gets there)."""
        by_mention = (
            self.urls.sort("seq", "pos")
            .group_by("seq", maintain_order=True)
            .agg(
                pl.col("canonical").drop_nulls().first().alias("canonical"),
                pl.col("url").first().alias("url0"),
            )
        )
        keyed = mentions.join(by_mention, on="seq").sort("seq")
        # the key's text: its canonical URL, or (past the canonical ones) its first URL
        fallback = pl.col("url0").cast(pl.Int64) + self.keys.len()
        keyed = keyed.with_columns(
            pl.coalesce(pl.col("canonical").cast(pl.Int64), fallback).alias("key_text")
        )
        first_met = keyed["key_text"].unique(maintain_order=True)
        keyed = keyed.join(
            first_met.to_frame().with_row_index("key"), on="key_text", maintain_order="left"
        )
        self.key_texts = first_met
        return keyed.join(self._outlets(keyed), on="seq", how="left", maintain_order="left")

    def _key_strings(self, key_texts: pl.Series) -> pl.Series:
        """The texts of key numbers (`key_text`): canonical URLs, or first URLs past them."""
        canonical = key_texts < self.keys.len()
        found = self.keys.gather(key_texts.filter(canonical))
        others = self.urls_seen.gather(key_texts.filter(~canonical) - self.keys.len())
        out = pl.Series([None] * key_texts.len(), dtype=pl.String)
        out = out.scatter(canonical.arg_true(), found) if found.len() else out
        return out.scatter((~canonical).arg_true(), others) if others.len() else out

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
        found = mentions.select(
            "seq",
            "provider_domain",
            pl.lit(self.parts["host"]).gather(pl.col("url0")).alias("host"),
        ).join(by_domain, on="provider_domain", how="left", maintain_order="left")
        distinct = found["host"].drop_nulls().unique().to_list()
        outlet_of = {host: _known_domain(host, known) for host in distinct}
        by_host = pl.DataFrame(
            {"host": list(outlet_of), "by_host": list(outlet_of.values())},
            schema={"host": pl.String, "by_host": pl.String},
        )
        return found.join(by_host, on="host", how="left", maintain_order="left").select(
            "seq", pl.coalesce("declared", "by_host").alias("provider")
        )

    def _articles(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """One row per article, numbered in merge order, and the conflicts of its mentions."""
        own = pl.col("slot") == 0
        given = [name for name in (*MERGED_FIELDS, *FIRST_GIVEN) if name not in TEXTS]
        texts_from = (
            pl.col("mention").filter(pl.col(f"has_{name}")).first().alias(f"{name}_from")
            for name in TEXTS
        )
        articles = self.mentions.group_by("key", maintain_order=True).agg(
            *(pl.col(name).drop_nulls().first() for name in given),
            pl.col("has_zone").filter(pl.col("published").is_not_null()).first(),
            *texts_from,
            pl.col("has_title").sum().alias("titles"),
            own.any().alias("has_record"),
            pl.coalesce(pl.col("url0").filter(own).first(), pl.col("url0").first()).alias("url"),
            pl.col("seq").filter(own).alias("own_seqs"),
        )
        articles = (
            articles.sort("key")
            .rename({"key": "article"})
            .with_columns(
                self._key_strings(self.key_texts).alias("id"),
                self.urls_seen.gather(articles["url"]).alias("url"),
                self.texts["title"].gather(articles["title_from"]).alias("title"),
                self.texts["excerpt"].gather(articles["excerpt_from"]).alias("excerpt"),
            )
        )
        self._warn_second_records(articles)
        conflicts = self._conflicts(articles)
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
            self._warn(self.sources[source], f"second record of an article already read: {url}")

    def _conflicts(self, articles: pl.DataFrame) -> pl.DataFrame:
        """Every mention that gives a title, time or outlet other than the one its article
        kept, by article, then in merge order. (Titles are looked at only where an article
        has several.)"""
        kept = articles.select(
            pl.col("article").alias("key"), pl.col("title_from").alias("kept_title_from"),
            "titles", pl.col("published").alias("kept_published"),
            pl.col("provider").alias("kept_provider"),
        )  # fmt: skip
        # the columns looked at, not a copy of every column of every mention (2 GB at a million)
        looked_at = ("key", "seq", "source", "mention", "has_title", "published", "provider")
        found = self.mentions.select(looked_at).join(kept, on="key", maintain_order="left")
        titled = found.filter(pl.col("has_title") & (pl.col("titles") > 1))
        title, kept_title = (
            self.texts["title"].gather(titled[column]) for column in ("mention", "kept_title_from")
        )
        differ = {
            "title": titled.with_columns(title.alias("value"), kept_title.alias("kept")),
            **{
                field: found.select(
                    "key",
                    "seq",
                    "source",
                    pl.col(field).alias("value"),
                    pl.col(f"kept_{field}").alias("kept"),
                )
                for field in ("published", "provider")
            },
        }
        rows: list[tuple[tuple[int, int, int], tuple[int, str, str, str, str]]] = []
        for position, name in enumerate(MERGED_FIELDS):
            value = pl.col("value")
            for article, seq, other, current, source in (
                differ[name]
                .filter(value.is_not_null() & (value != pl.col("kept")))
                .select("key", "seq", "value", "kept", "source")
                .iter_rows()
            ):
                where = (article, seq, position)
                shown = (_show(current), _show(other), self.sources[source])
                rows.append((where, (article, name, *shown)))
        rows.sort(key=lambda row: row[0])
        return pl.DataFrame([row for _, row in rows], schema=CONFLICTS_SCHEMA, orient="row")

    def _links(self, mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
        """Each related entry links its record's article to the entry's (a pair once, with
        the files that give it); an entry that is the record's own article is a warning."""
        own = mentions.filter(pl.col("slot") == 0).select("order", pl.col("key").alias("own"))
        # the four columns needed, not every column of three million related entries
        entries = mentions.filter(pl.col("slot") > 0).select("order", "seq", "key", "source")
        related = entries.join(own, on="order").sort("seq")
        urls = articles["url"]
        for target, source in (
            related.filter(pl.col("key") == pl.col("own")).select("key", "source").iter_rows()
        ):
            self._warn(
                self.sources[source], f"related entry is the record's own article {urls[target]}"
            )
        linked = related.filter(pl.col("key") != pl.col("own"))
        return (
            linked.with_columns(self.sources.gather(linked["source"]).alias("source"))
            .group_by("own", "key", maintain_order=True)
            .agg(pl.col("source").unique(maintain_order=True).alias("files"))
            .select(pl.col("own").alias("source"), pl.col("key").alias("target"), "files")
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
        """Each article's files, in the order they mention it."""
        found = (
            mentions.select(pl.col("key").alias("article"), "source")
            .unique(maintain_order=True)
            .sort("article", maintain_order=True)
        )
        return found.with_columns(pl.lit(self.sources).gather(pl.col("source")).alias("source"))

    def _aliases(self, mentions: pl.DataFrame) -> pl.DataFrame:
        """Every URL an article was mentioned under, in merge order."""
        found = (
            self.urls.join(mentions.select("seq", pl.col("key").alias("article")), on="seq")
            .sort("seq", "pos")
            .select("article", "url")
            .unique(maintain_order=True)
            .sort("article", maintain_order=True)
        )
        return found.with_columns(pl.lit(self.urls_seen).gather(pl.col("url")).alias("url"))

    def _images(self, mentions: pl.DataFrame) -> pl.DataFrame:
        """Each article's images: those of its first mention that gives any."""
        given = self.images.join(
            mentions.select("mention", pl.col("key").alias("article"), "seq"), on="mention"
        )
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
        own = mentions.filter(pl.col("slot") == 0).select(
            "record", "order", pl.col("key").alias("article")
        )
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


def _numbered(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Texts numbered: the distinct ones, in the order first met, and each one's number."""
    distinct = values.unique(maintain_order=True).rename("value")
    numbers = (
        values.rename("value")
        .to_frame()
        .join(
            distinct.to_frame().with_row_index("number"),
            on="value",
            how="left",
            maintain_order="left",
        )
        .get_column("number")
    )
    return distinct, numbers


def _reading_order(records: pl.DataFrame) -> pl.DataFrame:
    """Each record's place in reading order (source, line, URLs): the same result whatever
    order the files were read in."""
    return (
        records.with_columns(pl.col("line").fill_null(0).alias("line0"))
        .sort("source", "line0", "url_key")
        .with_row_index("order")
        .select("record", "order", "source")
    )


def _merge_order(mentions: pl.DataFrame, records: pl.DataFrame, sources: pl.Series) -> pl.DataFrame:
    """The mentions in merge order (`seq`): own articles first, then related entries; their
    texts left out (whether each gives a title and an excerpt kept), their sources numbered."""
    numbered = records.join(
        sources.rename("source").to_frame().with_row_index("source_number"), on="source"
    ).select("record", "order", pl.col("source_number").alias("source"))
    return (
        mentions.with_columns(
            pl.col("title").is_not_null().alias("has_title"),
            pl.col("excerpt").is_not_null().alias("has_excerpt"),
        )
        .drop("title", "excerpt")
        .join(numbered, on="record")
        .sort(pl.col("slot") > 0, "order", "slot")
        .with_row_index("seq")
    )


def _amp_rules(urls: pl.DataFrame, parts: pl.DataFrame, seen: pl.Series) -> AmpRules:
    """The AMP rules that each mention's (web URL, AMP-looking URL) pairs show, in reading
    order (`AmpRules.learn`: a later pair of one AMP host wins). URLs are numbers (their
    texts `seen`, their parts `parts`, by number)."""
    looks_amp = seen.str.to_lowercase().str.contains("amp", literal=True)
    flagged = urls.with_columns(pl.lit(looks_amp).gather(pl.col("url")).alias("amp"))
    several = flagged.group_by("seq").agg(pl.len().alias("n")).filter(pl.col("n") > 1)
    flagged = flagged.join(several.select("seq"), on="seq")
    if flagged.is_empty():
        return AmpRules()
    web = flagged.filter(~pl.col("amp")).select("seq", "order", "slot", "pos", "url")
    amp = flagged.filter(pl.col("amp")).select(
        "seq", pl.col("pos").alias("amp_pos"), pl.col("url").alias("url_amp")
    )
    pairs = web.join(amp, on="seq").with_columns(
        pl.lit(parts["host"]).gather(pl.col("url")).alias("host"),
        pl.lit(parts["path"]).gather(pl.col("url")).alias("path"),
        pl.lit(parts["host"]).gather(pl.col("url_amp")).alias("amp_host"),
        pl.lit(parts["path"]).gather(pl.col("url_amp")).alias("amp_path"),
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


def _canonical(parts: pl.DataFrame, rules: AmpRules) -> pl.Series:
    """Each URL's canonical form under the rules (`AmpRules.apply`, column by column), in
    the order of `parts` (null for a URL that is not an http(s) one)."""
    hosts = pl.DataFrame(
        {"host": list(rules.hosts), "web_host": list(rules.hosts.values())},
        schema={"host": pl.String, "web_host": pl.String},
    )
    found = parts.join(hosts, on="host", how="left", maintain_order="left").with_columns(
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
    return found.select(canonical.alias("canonical")).to_series()


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
