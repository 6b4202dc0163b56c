"""The coverage as RDF triples: schema.org where it has the term, SKOS topics, graphkit's own.

Every node is an IRI minted by `Minter` (no blank nodes), so any triple store takes the data,
and the same input gives the same triples, in the same order, on every run.

The mapping writes N-Triples text: a term is its N-Triples form from the start, made column
by column (Polars) from the build's tables by the rules of `ntriples`, so the millions of
triples of a big build are lines written in bulk, never Python objects; `coverage_triples`
parses them into pyoxigraph triples (in Rust) for the callers that want objects.

>>> from graphkit.records import read_records
>>> from graphkit.resolve import resolve
>>> corpus = resolve(read_records(["seeds/000_fe3165b138a4a152.txt"]).records)
>>> triples = coverage_triples(corpus, base="https://news.example/id/")
>>> post = "https://news.example/id/outlet/washingtonpost.com"
>>> sorted(str(t.object) for t in triples if t.subject.value == post)[:3]
['"Washington Post"', '"washingtonpost.com"', '<https://schema.org/NewsMediaOrganization>']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from urllib.parse import quote

import polars as pl
from pyoxigraph import RdfFormat, Triple, parse

from ..analysis.coverage import CoverageTables, StoryCoverage
from ..analysis.lineage import StoryMove, moves_frame
from ..resolve import Corpus
from ..util import Progress, advance, collector_paused, quietly, ticks
from .ntriples import (
    TYPE_TERM,
    Term,
    date_time_terms,
    decimal_terms,
    gk,
    integer_terms,
    iri,
    iri_terms,
    s,
    text,
    text_terms,
    typed_terms,
    web_term,
    web_terms,
)
from .terms import DEFAULT_BASE, SKOS, VOID, Minter, short_hash


def coverage_triples(
    corpus: Corpus,
    coverage: CoverageTables | Sequence[StoryCoverage] = (),
    *,
    base: str = DEFAULT_BASE,
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
    coverage: CoverageTables | Sequence[StoryCoverage] = (),
    *,
    base: str = DEFAULT_BASE,
    progress: Progress = quietly,
) -> Iterator[str]:
    """The export as N-Triples lines (those of `ntriples_runs`, each with its line end)."""
    for run in ntriples_runs(corpus, coverage, base=base, progress=progress):
        for line in run:
            yield line + "\n"


ARTICLES_PER_RUN = 20_000  # articles mapped at once: some 300,000 lines


def ntriples_runs(
    corpus: Corpus,
    coverage: CoverageTables | Sequence[StoryCoverage] = (),
    *,
    base: str = DEFAULT_BASE,
    progress: Progress = quietly,
) -> Iterator[pl.Series]:
    """The export as runs of N-Triples lines (without line ends): `Mapping.corpus_runs`, then
    `Mapping.coverage_runs`."""
    mapping = Mapping(corpus, base)
    yield from mapping.corpus_runs(progress)
    yield from mapping.coverage_runs(CoverageTables.of(coverage))


class Mapping:
    """The statements of one build, in two parts: what the resolved corpus says
    (`corpus_runs`), which needs no stories and can be written and loaded while stories are
    found, and what the stories add (`coverage_runs`).

    Each part comes as runs of N-Triples lines (without line ends), a kind of subject at a
    time, subjects in order: subjects are minted as `BASE`, then `BASE{kind}/...`, and the
    kinds come in alphabetical order (article, image, outlet, story, topic), so each part is
    sorted by subject; within a subject, its types first, then by predicate and object; no
    line twice (shared images, links stated by several records). An article's story and lag
    come in the second part. The articles go in runs of `ARTICLES_PER_RUN`: never the whole
    export at once.
    """

    def __init__(self, corpus: Corpus, base: str = DEFAULT_BASE) -> None:
        self.columns = _Columns(corpus, Minter(base))
        self.articles: pl.DataFrame | None = None

    def corpus_runs(self, progress: Progress = quietly) -> Iterator[pl.Series]:
        """The dataset, articles, images, outlets and topics; `progress` counts the
        articles."""
        columns = self.columns
        yield _lines(_long(columns.dataset()), DATASET)
        self.articles = articles = columns.positions()
        lists = columns.article_lists(articles)
        at = lists["position"]
        counter = ticks(progress, articles.height, "article")
        for start in range(0, articles.height, ARTICLES_PER_RUN):
            run = articles.slice(start, ARTICLES_PER_RUN)
            bounds = pl.Series([start, start + ARTICLES_PER_RUN], dtype=at.dtype)
            first, last = at.search_sorted(bounds).to_list()
            many = columns.list_objects(lists.slice(first, last - first))
            yield _article_lines(columns.article_objects(run), many)
            advance(counter, run.height)
        yield _lines(columns.images(), IMAGE)
        yield _lines(_long(columns.outlets()), OUTLET)
        yield _lines(_long(columns.topics()), TOPIC)

    def coverage_runs(
        self, coverage: CoverageTables, moves: Sequence[StoryMove] = ()
    ) -> Iterator[pl.Series]:
        """Each article's story and lag, the stories, and the earlier builds' story ids with
        the stories that continue them (after `corpus_runs`)."""
        if self.articles is None:
            self.articles = self.columns.positions()
        membership = self.columns.membership(coverage).join(
            self.articles.select("article", "position", "subject"), on="article"
        )
        long = _wide_to_long(membership, ["story", "lag"], ("position", "subject"))
        yield _lines(long, ARTICLE, by="position")
        yield _lines(self.columns.stories(coverage), STORY)
        if moves:
            yield _lines(self.columns.former_stories(moves), FORMER_STORY)


# The predicates of each kind of subject, by the name of the column of their objects.
DATASET = {"type": TYPE_TERM, "uri_space": iri(VOID + "uriSpace")}
ARTICLE = {
    "type": TYPE_TERM, "url": s("url"), "canonical": gk("canonicalUrl"), "headline": s("headline"),
    "description": s("description"), "date_published": s("datePublished"),
    "time_status": gk("timeStatus"), "has_record": gk("hasRecord"), "heat": gk("heat"),
    "quality": gk("quality"), "publisher": s("publisher"), "about": s("about"),
    "section": s("articleSection"), "image": s("image"), "related": gk("relatedCoverage"),
    "story": gk("story"), "lag": gk("lagSeconds"),
}  # fmt: skip
IMAGE = {"type": TYPE_TERM, "content": s("contentUrl"), "width": s("width"), "height": s("height")}
OUTLET = {
    "type": TYPE_TERM, "name": s("name"), "identifier": s("identifier"), "url": s("url"),
    "alternate": s("alternateName"),
}  # fmt: skip
STORY = {
    "type": TYPE_TERM, "identifier": s("identifier"), "name": s("name"),
    "first_published": gk("firstPublished"), "last_published": gk("lastPublished"),
    "article_count": gk("articleCount"), "outlet_count": gk("outletCount"), "about": s("about"),
    "first_coverage": gk("firstCoverage"),
}  # fmt: skip
FORMER_STORY = {"type": TYPE_TERM, "identifier": s("identifier"), "continued_as": gk("continuedAs")}
TOPIC = {"type": TYPE_TERM, "label": iri(SKOS + "prefLabel"), "alternate": iri(SKOS + "altLabel")}


def _lines(long: pl.DataFrame, predicates: dict[str, str], by: str | None = None) -> pl.Series:
    """N-Triples lines of statements given as (subject, column, o): each once, subjects in
    order, each subject's statements in the order `_order` says (types first, then by
    predicate and object). `by` names a column that orders the subjects as their IRIs do and
    holds no statement twice (none: the IRIs themselves are sorted, the statements made
    unique)."""
    order = sorted(
        predicates, key=lambda column: (predicates[column] != TYPE_TERM, predicates[column])
    )
    rank = {column: position for position, column in enumerate(order)}
    found = long.filter(pl.col("o").is_not_null())
    if by is None:
        found = found.unique()
    key = pl.col(by) if by else pl.col("subject").str.strip_chars("<>")
    found = found.with_columns(
        pl.col("column").replace_strict(rank, return_dtype=pl.UInt8).alias("rank")
    ).sort(key, "rank", "o")
    predicate = pl.col("column").replace_strict(predicates, return_dtype=pl.String)
    line = pl.concat_str(pl.col("subject"), pl.lit(" "), predicate, pl.lit(" "), "o", pl.lit(" ."))
    return found.select(line.alias("line")).to_series()


def _long(rows: list[tuple[str, str, Term | None]]) -> pl.DataFrame:
    """Statements made one by one, as (subject, column, o)."""
    schema = {"subject": pl.String, "column": pl.String, "o": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _wide_to_long(
    wide: pl.DataFrame, columns: Iterable[str], index: Sequence[str] = ("subject",)
) -> pl.DataFrame:
    """Objects of one value each, a column per predicate (null: no statement), as
    (subject, column, o)."""
    return wide.unpivot(
        index=list(index), on=list(columns), variable_name="column", value_name="o"
    ).filter(pl.col("o").is_not_null())


def _article_lines(run: pl.DataFrame, lists: pl.DataFrame) -> pl.Series:
    """The lines of some articles: their objects of one value, and of many (`lists`, each
    once), in the order of the articles' positions (that of their IRIs)."""
    one = _wide_to_long(run, [c for c in ARTICLE if c in run.columns], ("position", "subject"))
    many = lists.join(run.select("position", "subject"), on="position").select(
        "position", "subject", "column", "o"
    )
    return _lines(pl.concat([one, many]), ARTICLE, by="position")


class _Columns:
    """The statements of one build, kind by kind, made from its tables."""

    def __init__(self, corpus: Corpus, mint: Minter) -> None:
        self.corpus, self.mint = corpus, mint
        self.article_iris = _minted(corpus.tables.articles["id"], f"{mint.base}article/")
        self._image_terms: pl.Series | None = None

    def dataset(self) -> list[tuple[str, str, Term | None]]:
        subject = iri(self.mint.dataset())
        return [
            (subject, "type", iri(VOID + "Dataset")),
            (subject, "uri_space", text(self.mint.base)),
        ]

    def positions(self) -> pl.DataFrame:
        """Each article's place in the order of their IRIs (`position`) and subject."""
        numbers = self.corpus.tables.articles["article"]
        found = pl.DataFrame({"article": numbers, "subject": self.article_iris})
        return found.sort("subject").with_row_index("position")

    def article_objects(self, run: pl.DataFrame) -> pl.DataFrame:
        """Some articles' (`positions` rows) objects of one value each, a column per
        predicate: made a run of articles at a time, they are never all held at once."""
        a = self.corpus.tables.articles.gather(run["article"])
        base = self.mint.base
        return pl.DataFrame(
            {
                "position": run["position"],
                "subject": run["subject"],
                "type": pl.Series([s("NewsArticle")] * a.height, dtype=pl.String),
                "url": web_terms(a["url"]).fill_null(web_terms(a["id"])),
                "canonical": typed_terms(a["id"], "anyURI"),
                "headline": text_terms(a["title"].replace("", None)),
                "description": text_terms(a["excerpt"].replace("", None)),
                "date_published": date_time_terms(a["published"]),
                "time_status": text_terms(a["time_status"]),
                "has_record": typed_terms(
                    a["has_record"].cast(pl.String).str.to_lowercase(), "boolean"
                ),
                "heat": decimal_terms(a["heat"]),
                "quality": decimal_terms(a["quality"]),
                "publisher": iri_terms(base + "outlet/", _quoted(a["provider"], ":.-_~")),
            }
        )

    def membership(self, coverage: CoverageTables) -> pl.DataFrame:
        """Each article's story and lag behind its story's first coverage."""
        entries = coverage.entries
        numbers = self.corpus.tables.articles.select(pl.col("id"), "article")
        stories = coverage.stories.select("story", pl.col("id").alias("story_id"))
        found = (
            entries.select(pl.col("article").alias("id"), "story", "lag_seconds")
            .join(numbers, on="id")
            .join(stories, on="story")
        )
        return pl.DataFrame(
            {
                "article": found["article"],
                "story": iri_terms(self.mint.base + "story/", _quoted(found["story_id"], ".-_~")),
                "lag": decimal_terms(found["lag_seconds"]),
            },
            schema={"article": pl.UInt32, "story": pl.String, "lag": pl.String},
        )

    def article_lists(self, articles: pl.DataFrame) -> pl.DataFrame:
        """The articles' statements of many values (topics, sections, images, related
        articles) as numbers: (position, column, what), by position; `list_objects` makes
        their objects."""
        t = self.corpus.tables
        topics = t.article_topics.join(
            t.topics.select("key").with_row_index("what"), on="key", maintain_order="left"
        ).select("article", pl.lit("about").alias("column"), "what")
        sections = t.article_categories.join(
            t.categories.select("key").with_row_index("what"), on="key", maintain_order="left"
        ).select("article", pl.lit("section").alias("column"), "what")
        images = t.images.with_row_index("what").filter(self.image_objects().is_not_null())
        images = images.unique(["article", "url"], keep="first", maintain_order=True).select(
            "article", pl.lit("image").alias("column"), "what"
        )
        related = t.links.select(
            pl.col("source").alias("article"), pl.lit("related").alias("column"),
            pl.col("target").alias("what"),
        )  # fmt: skip
        return (
            pl.concat([topics, sections, images, related], how="vertical_relaxed")
            .join(articles.select("article", "position"), on="article")
            .select("position", "column", pl.col("what").cast(pl.UInt32))
            .sort("position")
        )

    def list_objects(self, lists: pl.DataFrame) -> pl.DataFrame:
        """`article_lists` rows with their objects (`o`)."""
        t = self.corpus.tables
        objects = {
            "about": self.topic_iris,
            "section": text_terms(t.categories["label"]),
            "image": self.image_iris,
            "related": self.article_iris,
        }
        parts = []
        for (column,), rows in lists.partition_by(
            "column", as_dict=True, maintain_order=True
        ).items():
            found = objects[str(column)].gather(rows["what"])
            parts.append(rows.select("position", "column").with_columns(found.alias("o")))
        schema = {"position": pl.UInt32, "column": pl.String, "o": pl.String}
        return pl.concat(parts) if parts else pl.DataFrame(schema=schema)

    @cached_property
    def topic_iris(self) -> pl.Series:
        """Each topic's IRI, in the order of the topics table."""
        keys = self.corpus.tables.topics["key"].to_list()
        return pl.Series([iri(self.mint.topic(key)) for key in keys], dtype=pl.String)

    @cached_property
    def image_iris(self) -> pl.Series:
        """Each image row's IRI as `Minter.image` mints it (null for an image whose URL is
        no IRI)."""
        urls = self.corpus.tables.images["url"]
        valid = self.image_objects().is_not_null()
        minted = _minted(urls.filter(valid), f"{self.mint.base}image/")
        found = pl.Series([None] * urls.len(), dtype=pl.String)
        return found.scatter(valid.arg_true(), minted)

    def image_objects(self) -> pl.Series:
        """`web_term` of each image row's URL (its `contentUrl`)."""
        if self._image_terms is None:
            self._image_terms = web_terms(self.corpus.tables.images["url"])
        return self._image_terms

    def _topic_iris(self, keys: pl.Series) -> pl.Series:
        slugs = {key: iri(self.mint.topic(key)) for key in keys.unique().to_list()}
        return keys.replace_strict(slugs, return_dtype=pl.String) if slugs else keys

    def images(self) -> pl.DataFrame:
        """Each image's statements (an image of many articles once) as (subject, column, o)."""
        t = self.corpus.tables
        found = pl.DataFrame(
            {
                "subject": self.image_iris,
                "type": pl.Series([s("ImageObject")] * t.images.height, dtype=pl.String),
                "content": self.image_objects(),
                "width": integer_terms(t.images["width"]),
                "height": integer_terms(t.images["height"]),
            }
        ).filter(pl.col("subject").is_not_null())
        return _wide_to_long(found, ["type", "content", "width", "height"])

    def outlets(self) -> list[tuple[str, str, Term | None]]:
        rows: list[tuple[str, str, Term | None]] = []
        for domain, name, names, _ in self.corpus.tables.providers.iter_rows():
            subject = iri(self.mint.outlet(domain))
            others = [other for other in dict.fromkeys(names) if other != name]
            rows += [
                (subject, "type", s("NewsMediaOrganization")), (subject, "name", text(name)),
                (subject, "identifier", text(domain)),
                (subject, "url", web_term(f"https://{domain}/")),
                *((subject, "alternate", text(other)) for other in others),
            ]  # fmt: skip
        return rows

    def topics(self) -> list[tuple[str, str, Term | None]]:
        rows: list[tuple[str, str, Term | None]] = []
        for key, label, variants in self.corpus.tables.topics.iter_rows():
            subject = iri(self.mint.topic(key))
            others = [name for name in dict.fromkeys(variants) if name != label]
            rows += [
                (subject, "type", iri(SKOS + "Concept")), (subject, "label", text(label)),
                *((subject, "alternate", text(other)) for other in others),
            ]  # fmt: skip
        return rows

    def stories(self, coverage: CoverageTables) -> pl.DataFrame:
        """Each story's statements as (subject, column, o)."""
        summary = coverage.summary()
        subjects = iri_terms(self.mint.base + "story/", _quoted(summary["id"], ".-_~"))
        wide = pl.DataFrame(
            {
                "story": summary["story"],
                "subject": subjects,
                "type": pl.Series([gk("Story")] * summary.height, dtype=pl.String),
                "identifier": text_terms(summary["id"]),
                "name": text_terms(summary["label"]),
                "first_published": date_time_terms(summary["first_time"]),
                "last_published": date_time_terms(summary["last_time"]),
                # Sizes stated, not left to COUNT: grouping every article by story took a
                # first-coverage query 6 of its 14 s on 100,000 records.
                "article_count": typed_terms(summary["article_count"].cast(pl.String), "integer"),
                "outlet_count": typed_terms(summary["outlet_count"].cast(pl.String), "integer"),
            }
        )
        topics = summary.select("story", "topics").explode("topics").drop_nulls("topics")
        about = topics.select(
            "story", pl.lit("about").alias("column"),
            pl.Series(self._topic_iris(topics["topics"])).alias("o"),
        )  # fmt: skip
        ids = self.corpus.tables.articles.select("id", pl.col("article").alias("number"))
        firsts = coverage.entries.filter("is_first").join(
            ids.rename({"id": "article"}), on="article"
        )
        first = pl.DataFrame(
            {
                "story": firsts["story"],
                "column": pl.Series(["first_coverage"] * firsts.height, dtype=pl.String),
                "o": self.article_iris.gather(firsts["number"]),
            }
        )
        many = pl.concat([about, first]).join(wide.select("story", "subject"), on="story")
        one = _wide_to_long(wide.drop("story"), [c for c in STORY if c in wide.columns])
        return pl.concat([one, many.select("subject", "column", "o")])

    def former_stories(self, moves: Sequence[StoryMove]) -> pl.DataFrame:
        """Each earlier build's story id that no story has now: its story today, if any."""
        frame = moves_frame(moves)
        story = self.mint.base + "story/"
        wide = pl.DataFrame(
            {
                "subject": iri_terms(story, _quoted(frame["old_story_id"], ".-_~")),
                "type": pl.Series([gk("FormerStory")] * frame.height, dtype=pl.String),
                "identifier": text_terms(frame["old_story_id"]),
                "continued_as": iri_terms(story, _quoted(frame["story_id"], ".-_~")),
            }
        )
        return _wide_to_long(wide, list(FORMER_STORY))


def _minted(keys: pl.Series, prefix: str) -> pl.Series:
    """The IRIs `Minter` mints by hashing (articles, images) as N-Triples terms."""
    return pl.Series([f"<{prefix}{short_hash(key)}>" for key in keys.to_list()], dtype=pl.String)


def _quoted(values: pl.Series, safe: str) -> pl.Series:
    """`urllib.parse.quote(value, safe)` of each value (each distinct value once)."""
    distinct = {v: quote(v, safe=safe) for v in values.drop_nulls().unique().to_list()}
    return values.replace_strict(distinct, default=None, return_dtype=pl.String)
