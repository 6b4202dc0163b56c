"""The sample corpus in seeds/: the demo, and the variety real feeds have, resolved right."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit import build
from graphkit.analysis import (
    coverage_graph,
    coverage_stats,
    graph_stats,
    head_to_head,
    leaderboard,
)
from graphkit.outputs import read_graph_json, read_stats
from graphkit.records import iso_utc, read_records
from graphkit.records.columns import RecordTables
from graphkit.resolve import TimeStatus, resolve

from .conftest import SEEDS, examples
from .corpora import corpus_of, mention, record

BUILT = build(SEEDS)
CORPUS = BUILT.corpus


def test_the_seeds_build_cleanly_with_the_intended_counts() -> None:
    summary = BUILT.summary
    assert BUILT.lost == []
    assert summary["files_read"] == 36 and summary["records"] == 39
    assert summary["articles"] == 55 and summary["articles_with_record"] == 39
    assert summary["outlets"] == 21
    assert summary["topics"] == 24 and summary["categories"] == 3
    assert summary["times_without_zone"] == 1


@pytest.mark.parametrize(
    ("variant", "article"),
    [
        (
            "https://www.dailydot.com/debug/biden-facial-recognition-pressure/?amp",
            "https://dailydot.com/debug/biden-facial-recognition-pressure",
        ),
        (
            "https://www-washingtonpost-com.cdn.ampproject.org/v/s/www.washingtonpost.com/"
            "technology/2021/02/17/facial-recognition-biden/?outputType=amp",
            "https://washingtonpost.com/technology/2021/02/17/facial-recognition-biden",
        ),
        (
            "https://techcrunch.com/2023/03/14/openai-releases-gpt-4-ai-that-it-claims-is-state-of-the-art/amp/",
            "https://techcrunch.com/2023/03/14/openai-releases-gpt-4-ai-that-it-claims-is-state-of-the-art",
        ),
        (
            "http://theverge.com/2023/3/14/23638033/openai-gpt-4-chatgpt-multimodal-deep-learning"
            "?utm_source=twitter&utm_medium=social#comments",
            "https://theverge.com/2023/3/14/23638033/openai-gpt-4-chatgpt-multimodal-deep-learning",
        ),
        (
            "https://WWW.NYTIMES.COM/2023/03/14/technology/openai-gpt4-chatgpt.html?fbclid=IwAR3kq9ZfXwT1bS0nYp8uLk2vQm5rHc7dEg4aJx6oPi",
            "https://nytimes.com/2023/03/14/technology/openai-gpt4-chatgpt.html",
        ),
        (
            "https://www.koreaherald.com/view.php?ud=20230502000612&utm_source=twitter&utm_medium=social",
            "https://koreaherald.com/view.php?ud=20230502000612",
        ),
    ],
)
def test_planted_url_forms_are_aliases_of_one_article(variant: str, article: str) -> None:
    assert variant in CORPUS.articles[article].aliases
    assert CORPUS.article_for(variant) is CORPUS.articles[article]


def test_every_alias_leads_back_to_its_article() -> None:
    for article in CORPUS.articles.values():
        for alias in article.aliases:
            assert CORPUS.article_for(alias) is article


def test_identifying_queries_keep_two_articles_apart() -> None:
    assert {
        "https://koreaherald.com/view.php?ud=20230502000612",
        "https://koreaherald.com/view.php?ud=20230502000613",
    } <= set(CORPUS.articles)


def test_the_own_record_wins_the_planted_disagreement() -> None:
    samsung = CORPUS.articles[
        "https://techcrunch.com/2023/05/02/samsung-bans-use-of-generative-ai-tools-like-chatgpt-after-april-internal-data-leak"
    ]
    assert samsung.published == datetime(2023, 5, 2, 10, 18, tzinfo=UTC)
    assert {c.field for c in samsung.conflicts} == {"title", "published"}
    assert len(CORPUS.conflicts) == 2


def test_time_zones_and_the_one_time_without_a_zone() -> None:
    verge = CORPUS.articles[
        "https://theverge.com/2023/3/14/23638033/openai-gpt-4-chatgpt-multimodal-deep-learning"
    ]
    assert verge.published == datetime(2023, 3, 14, 17, tzinfo=UTC)  # written 13:00-04:00
    (no_zone,) = [a for a in CORPUS.articles.values() if a.time_status is TimeStatus.NO_ZONE]
    assert no_zone.provider == "spiegel.de"
    assert no_zone.published == datetime(2024, 1, 9, 21, 30, tzinfo=UTC)


def test_outlet_from_the_url_host_and_name_variants() -> None:
    bard = CORPUS.articles[
        "https://reuters.com/technology/google-opens-bard-chatbot-some-users-us-uk-2023-03-21"
    ]
    assert bard.provider == "reuters.com"
    assert set(CORPUS.providers["washingtonpost.com"].names) == {
        "Washington Post",
        "The Washington Post",
    }


def test_topic_no_is_norway_not_false() -> None:
    assert CORPUS.topics["no"].label == "NO"
    assert "false" not in CORPUS.topics


RECORDS = read_records([SEEDS]).records


@settings(max_examples=examples(25), deadline=None)
@given(st.randoms(use_true_random=False))
def test_record_order_changes_nothing(rnd: random.Random) -> None:
    shuffled = RECORDS[:]
    rnd.shuffle(shuffled)
    again = resolve(shuffled, now=CORPUS.built_at)
    assert again.articles == CORPUS.articles
    assert sorted(again.related, key=str) == sorted(CORPUS.related, key=str)
    assert again.topics == CORPUS.topics and again.providers == CORPUS.providers


def test_the_seeds_tie_for_first_is_shared_credit_and_a_head_to_head_tie() -> None:
    # TechCrunch and The Verge published GPT-4's launch at the same minute.
    [gpt4] = [s for s in BUILT.coverage if "GPT-4" in s.label]
    assert gpt4.first_providers == ("techcrunch.com", "theverge.com")
    assert len({e.published for e in gpt4.first}) == 1
    rows = {row.provider: row for row in leaderboard(BUILT.coverage)}
    for outlet in gpt4.first_providers:
        assert rows[outlet].tied_first >= 1
    pairs = {(p.a, p.b): p for p in head_to_head(BUILT.coverage)}
    pair = pairs[("techcrunch.com", "theverge.com")]
    assert (pair.stories, pair.a_earlier, pair.b_earlier, pair.ties) == (1, 0, 0, 1)


def test_graph_stats_count_what_the_corpus_holds_on_a_built_a_loaded_and_no_graph(
    tmp_path: Path,
) -> None:
    articles = CORPUS.articles.values()
    by_outlet = Counter(a.provider for a in articles if a.provider)
    by_topic = Counter(topic for a in articles for topic in a.topics)
    times = sorted(a.usable_time for a in articles if a.usable_time)
    built = build(SEEDS, tmp_path, formats=("json",))
    for stats in (
        graph_stats(built.graph, top=3),
        graph_stats(read_graph_json(tmp_path / "graph.json"), top=3),
        coverage_stats(built.corpus, built.coverage, top=3),  # counted without a graph
    ):
        assert (stats["articles"], stats["outlets"]) == (len(CORPUS.articles), len(by_outlet))
        assert (stats["topics"], stats["categories"]) == (24, 3)
        assert stats["edges"]["published_by"] == sum(by_outlet.values())
        assert stats["edges"]["about"] == sum(by_topic.values())
        assert stats["edges"]["related"] == len(CORPUS.related)
        assert (stats["first_published_utc"], stats["last_published_utc"]) == (
            iso_utc(times[0]),
            iso_utc(times[-1]),
        )
        busiest = sorted(by_outlet.items(), key=lambda item: (-item[1], item[0]))[:3]
        assert [(o["id"], o["articles"]) for o in stats["top_outlets"]] == [
            (f"provider:{domain}", count) for domain, count in busiest
        ]
        assert stats["top_outlets"][0]["label"] == CORPUS.providers[busiest[0][0]].name
        top_topic = min(by_topic.items(), key=lambda item: (-item[1], item[0]))
        assert stats["top_topics"][0]["articles"] == top_topic[1]
        assert len(stats["top_topics"]) == 3
    assert len(graph_stats(built.graph)["top_outlets"]) == 10  # ten by default, of 21
    # what `graphkit stats --data` prints: counted at build time, the same as of the graph
    assert read_stats(tmp_path) == coverage_stats(built.corpus, built.coverage)
    assert read_stats(tmp_path) == graph_stats(built.graph)


def test_graph_stats_span_only_usable_times_with_or_without_a_zone() -> None:
    records = [
        record(
            mention("https://a.example/1", "Dam opens", "2023-01-02T09:00:00Z", "a.example"), []
        ),
        record(mention("https://b.example/2", "Dam opens", "2023-01-02T11:00:00", "b.example"), []),
        record(
            mention("https://c.example/3", "Dam opens", "1970-01-01T00:00:00Z", "c.example"), []
        ),
        record(
            mention("https://d.example/4", "Dam opens", "2999-01-01T00:00:00Z", "d.example"), []
        ),
        record(mention("https://e.example/5", "Dam opens", None, "e.example"), []),
    ]
    stats = graph_stats(coverage_graph(corpus_of(records)))
    assert stats == coverage_stats(corpus_of(records))
    # the latest usable time has no zone; the implausible ones on either side do not count
    assert (stats["first_published_utc"], stats["last_published_utc"]) == (
        "2023-01-02T09:00:00Z",
        "2023-01-02T11:00:00Z",
    )
    assert graph_stats(coverage_graph(corpus_of(records[2:])))["first_published_utc"] is None
    assert coverage_stats(corpus_of(records[2:]))["first_published_utc"] is None


def test_a_build_lets_the_records_go_once_resolved_unless_asked_to_keep_them(
    tmp_path: Path,
) -> None:
    records = read_records([SEEDS]).records
    let_go = build(SEEDS, tmp_path / "a")
    kept = build(SEEDS, tmp_path / "b", keep_records=True)
    assert let_go.read.tables is None and kept.read.tables is not None
    expected = RecordTables.from_records(records)
    for name in ("records", "labels", "mentions", "urls", "images"):
        assert getattr(kept.read.tables, name).equals(getattr(expected, name)), name
    assert let_go.read.record_count == kept.read.record_count == len(records) == 39
    assert let_go.summary == kept.summary and let_go.summary["records"] == 39
    assert let_go.corpus.articles == kept.corpus.articles  # the corpus holds what they said
