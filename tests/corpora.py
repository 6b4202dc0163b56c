"""Small corpora built from record mappings in memory, and a hypothesis strategy for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from graphkit.records.fields import to_record
from graphkit.resolve import Corpus, resolve

NOW = datetime(2026, 1, 1, tzinfo=UTC)
START = datetime(2023, 1, 2, tzinfo=UTC)
OUTLETS = ("alpha.example", "beta.example", "gamma.example", "delta.example")
TimeForm = str  # "z", "offset", "naive", "missing", "implausible"


def stamp(moment: datetime | None, form: TimeForm = "z") -> str | None:
    """A publication time as the feeds write it, in one of several forms."""
    if form == "missing" or moment is None:
        return None
    if form == "implausible":
        return "1970-01-01T00:00:00Z"
    if form == "offset":
        return moment.astimezone(timezone(timedelta(minutes=90))).isoformat()
    if form == "naive":
        return moment.replace(tzinfo=None).isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def mention(url: str, title: str, when: str | None, outlet: str, **extra: Any) -> dict[str, Any]:
    """One article as a record or a related entry."""
    fields: dict[str, Any] = {"title": title, "webUrl": url, "provider": {"domain": outlet}}
    if when is not None:
        fields["publishedDateTime"] = when
    return {**fields, **extra}


def record(own: dict[str, Any], related: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {**own, "related": related, **extra}


def corpus_of(records: list[dict[str, Any]]) -> Corpus:
    """Resolve record mappings as if read from files named after their position."""
    loaded = [to_record(raw, f"r{index:04d}.txt")[0] for index, raw in enumerate(records)]
    return resolve(loaded, now=NOW)


@st.composite
def story_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Records for 1-4 stories: each story's titles share words, its records relate mostly
    to its own articles; times vary in form, some are missing or implausible, ties happen."""
    stories = draw(st.integers(1, 4))
    articles: list[tuple[int, dict[str, Any]]] = []
    for story in range(stories):
        start = START + timedelta(days=draw(st.integers(0, 12)))
        for index in range(draw(st.integers(1, 5))):
            minutes = draw(st.integers(0, 3 * 24 * 60)) // 15 * 15  # coarse: ties happen
            form = draw(
                st.sampled_from(["z", "z", "z", "offset", "naive", "missing", "implausible"])
            )
            outlet = draw(st.sampled_from(OUTLETS))
            title = f"Story{story} kestrel{story} harbour{story} update {index}"
            url = f"https://www.{outlet}/story{story}/article{index}"
            when = stamp(start + timedelta(minutes=minutes), form)
            articles.append((story, mention(url, title, when, outlet)))
    records = []
    for story, own in articles:
        if not draw(st.booleans()):
            continue
        same = [m for s, m in articles if s == story and m is not own]
        others = [m for s, m in articles if s != story]
        related = draw(st.lists(st.sampled_from(same), unique_by=id, max_size=3)) if same else []
        if others and draw(st.integers(0, 3)) == 0:  # a cross-story link, now and then
            related.append(draw(st.sampled_from(others)))
        records.append(record(own, related, topics=[f"topic{story}"]))
    if not records:
        records.append(record(articles[0][1], []))
    return records
