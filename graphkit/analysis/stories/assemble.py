"""Stories from groups of articles: each story's timeline, id, label, topics and span.

A story's articles come in timeline order: those with a usable time first, earliest first,
then by canonical URL. Its id derives from its first article; its label is the first
headline; its topics and categories come most used first, then by key; stories come
earliest first (those without any usable time last), then by id.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ...resolve import CorpusTables, TimeStatus
from .model import STORIES_SCHEMA, story_id

USABLE = (TimeStatus.OK.value, TimeStatus.NO_ZONE.value)


def usable_time() -> pl.Expr:
    """An article's publication time where analyses may use it, else null."""
    return (
        pl.when(pl.col("time_status").is_in(USABLE)).then(pl.col("published")).otherwise(None)
    ).alias("usable")


def story_tables(corpus: CorpusTables, group: np.ndarray) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The stories (STORIES_SCHEMA) of a grouping (`group`: each article's group number, by
    article number), and their members: (story, article) in timeline order."""
    members = (
        corpus.articles.select("article", "id", "url", "title", "provider", usable_time())
        .with_columns(pl.Series("group", group, dtype=pl.Int64))
        .sort(
            "group", pl.col("usable").is_null(), "usable", "id",
            maintain_order=True,
        )
    )  # fmt: skip
    title = pl.col("title")
    stories = members.group_by("group", maintain_order=True).agg(
        pl.col("id").first().alias("first"),
        pl.coalesce(
            title.filter(title.is_not_null() & (title != "")).first(), pl.col("url").first()
        ).alias("label"),
        pl.col("usable").min().alias("start"),
        pl.col("usable").max().alias("end"),
        pl.col("provider").drop_nulls().unique(maintain_order=True).alias("providers"),
    )
    ids = pl.Series("id", [story_id(first) for first in stories["first"]], dtype=pl.String)
    stories = (
        stories.with_columns(ids)
        .join(_most_used(corpus.article_topics, members, "topics"), on="group", how="left")
        .join(_most_used(corpus.article_categories, members, "categories"), on="group", how="left")
    )
    stories = stories.sort(pl.col("start").is_null(), "start", "id").with_row_index("story")
    empty = pl.lit([], dtype=pl.List(pl.String))
    stories = stories.with_columns(
        pl.col("topics").fill_null(empty), pl.col("categories").fill_null(empty)
    )
    numbers = stories.select("group", "story")
    ordered = members.join(numbers, on="group", maintain_order="left").select("story", "article")
    table = stories.select(list(STORIES_SCHEMA)).cast(STORIES_SCHEMA)  # type: ignore[arg-type]
    return table, ordered.sort("story", maintain_order=True)


def _most_used(labels: pl.DataFrame, members: pl.DataFrame, name: str) -> pl.DataFrame:
    """Each group's label keys, most used by its articles first, then by key."""
    counted = (
        labels.join(members.select("article", "group"), on="article")
        .group_by("group", "key")
        .agg(pl.len().alias("n"))
        .sort("group", "n", "key", descending=[False, True, False])
    )
    return counted.group_by("group", maintain_order=True).agg(pl.col("key").alias(name))
