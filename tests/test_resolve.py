"""Entity resolution: one article, outlet, topic and category each; disagreements kept."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from graphkit import build
from graphkit.records import Severity, iso_utc, read_records
from graphkit.resolve import TimeStatus, resolve

from .conftest import SEED_RECORD, WriteRecord, article

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def corpus_of(folder: Path):  # type: ignore[no-untyped-def]
    return resolve(read_records([folder]).records, now=NOW)


def test_seed_record_alone_gives_three_articles_outlets_topics_and_two_related_edges() -> None:
    result = build(SEED_RECORD)
    corpus, graph = result.corpus, result.graph
    assert sorted(a.provider for a in corpus.articles.values()) == [
        "dailydot.com",
        "nationthailand.com",
        "washingtonpost.com",
    ]
    assert len(corpus.providers) == 3
    assert sorted(t.label for t in corpus.topics.values()) == [
        "AI",
        "Computer Vision",
        "Natural Language Processing",
    ]
    related = [(u, v) for u, v, k in graph.edges(keys=True) if k == "related"]
    assert len(related) == 2
    assert all(
        u == "article:https://dailydot.com/debug/biden-facial-recognition-pressure"
        for u, _ in related
    )
    post = corpus.articles[
        "https://washingtonpost.com/technology/2021/02/17/facial-recognition-biden"
    ]
    assert post.published == datetime(2021, 2, 17, 23, 21, tzinfo=UTC)
    assert not post.has_record and len(post.aliases) == 3


def test_an_article_with_its_own_record_and_related_mentions_is_one_node(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    own = article(
        "https://www.outlet.com/2023/05/01/story/", title="Own title", when="2023-05-01T10:00:00Z"
    )
    own["ampWebUrl"] = "https://www.outlet.com/2023/05/01/story/amp/"
    own["provider"] = {"name": "The Outlet", "domain": "outlet.com"}
    mention = article(
        "http://outlet.com/2023/05/01/story/amp/?utm_source=feed#top",
        title="Headline as another site saw it",
        when="2023-05-01T09:00:00Z",
        provider={"name": "Outlet"},
    )
    # The related mention comes first in file order; the own record must still win.
    write_record("a_other.txt", {**article("https://other.org/x"), "related": [mention]})
    write_record("b_own.txt", own)
    corpus = corpus_of(tmp_path / "records")
    story = corpus.articles["https://outlet.com/2023/05/01/story"]
    assert len(corpus.articles) == 2
    assert story.title == "Own title"
    assert story.published == datetime(2023, 5, 1, 10, tzinfo=UTC)
    assert story.has_record and story.url == "https://www.outlet.com/2023/05/01/story/"
    assert len(story.aliases) == 3
    assert {(c.field, c.kept, c.other) for c in story.conflicts} == {
        ("title", "Own title", "Headline as another site saw it"),
        ("published", "2023-05-01T10:00:00Z", "2023-05-01T09:00:00Z"),
    }
    assert corpus.providers["outlet.com"].names == ["The Outlet", "Outlet"]
    # the AMP form this site's own record showed leads back to the article
    assert corpus.article_for("https://outlet.com/2023/05/01/story/amp") is story


def test_disagreements_are_reported(write_record: WriteRecord, tmp_path: Path) -> None:
    write_record(
        "a.txt",
        {
            **article("https://a.com/1", when="2023-01-01T00:00:00Z"),
            "related": [article("https://b.com/2", when="2023-01-01T05:00:00Z")],
        },
    )
    write_record("b.txt", article("https://b.com/2", when="2023-01-01T04:00:00Z"))
    result = build(tmp_path / "records")
    report = result.report
    assert report["summary"]["conflicts"] == 1
    (conflict,) = report["conflicts"]
    assert conflict["field"] == "published"
    assert (
        conflict["kept"] == "2023-01-01T04:00:00Z" and conflict["other"] == "2023-01-01T05:00:00Z"
    )


def test_outlets_are_keyed_by_domain_with_every_name_kept(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    write_record(
        "a.txt",
        {
            **article("https://www.washingtonpost.com/a"),
            "provider": {"name": "The Washington Post", "domain": "WashingtonPost.com"},
        },
    )
    write_record(
        "b.txt",
        {
            **article("https://www.washingtonpost.com/b"),
            "provider": {"name": "Washington Post", "domain": "www.washingtonpost.com"},
        },
    )
    write_record(
        "c.txt",
        {**article("https://www.washingtonpost.com/c"), "provider": {"name": "Washington Post"}},
    )
    write_record(
        "d.txt",
        {
            **article("https://edition.cnn.com/d"),
            "related": [
                article("https://www.cnn.com/e", provider={"name": "CNN", "domain": "cnn.com"})
            ],
        },
    )
    write_record("e.txt", article("https://news.example.net/f"))
    corpus = corpus_of(tmp_path / "records")
    assert sorted(corpus.providers) == ["cnn.com", "news.example.net", "washingtonpost.com"]
    post = corpus.providers["washingtonpost.com"]
    assert post.names == ["The Washington Post", "Washington Post"]
    assert post.name == "Washington Post"  # the most used spelling
    assert corpus.articles["https://edition.cnn.com/d"].provider == "cnn.com"


def test_topics_and_categories_ignore_case_and_spacing(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    write_record(
        "a.txt",
        {**article("https://a.com/1"), "topics": ["Climate  Change", "AI"], "category": "News"},
    )
    write_record(
        "b.txt",
        {**article("https://a.com/2"), "topics": ["climate change", "ai"], "categories": ["news"]},
    )
    corpus = corpus_of(tmp_path / "records")
    assert {k: t.label for k, t in corpus.topics.items()} == {
        "climate change": "Climate  Change",
        "ai": "AI",
    }
    assert corpus.topics["ai"].variants == ["AI", "ai"]
    assert list(corpus.categories) == ["news"] and corpus.categories["news"].label == "News"
    assert corpus.articles["https://a.com/2"].topics == ["climate change", "ai"]


@pytest.mark.parametrize(
    ("written", "expected", "status"),
    [
        ("2021-02-18T16:13:00Z", datetime(2021, 2, 18, 16, 13, tzinfo=UTC), TimeStatus.OK),
        ('"2021-02-18T16:13:00Z"', datetime(2021, 2, 18, 16, 13, tzinfo=UTC), TimeStatus.OK),
        ('"2021-02-18T17:13:00+01:00"', datetime(2021, 2, 18, 16, 13, tzinfo=UTC), TimeStatus.OK),
        ('"2021-02-18T11:13:00-05:00"', datetime(2021, 2, 18, 16, 13, tzinfo=UTC), TimeStatus.OK),
        (
            '"2021-02-18T16:13:00.250Z"',
            datetime(2021, 2, 18, 16, 13, 0, 250000, tzinfo=UTC),
            TimeStatus.OK,
        ),
        ("2021-02-18 16:13:00", datetime(2021, 2, 18, 16, 13, tzinfo=UTC), TimeStatus.NO_ZONE),
        ('"2021-02-18T16:13:00"', datetime(2021, 2, 18, 16, 13, tzinfo=UTC), TimeStatus.NO_ZONE),
        ('"1970-01-01T00:00:00Z"', datetime(1970, 1, 1, tzinfo=UTC), TimeStatus.IMPLAUSIBLE),
        ('"2031-01-01T00:00:00Z"', datetime(2031, 1, 1, tzinfo=UTC), TimeStatus.IMPLAUSIBLE),
        ("2021-02-18", datetime(2021, 2, 18, tzinfo=UTC), TimeStatus.NO_ZONE),  # a YAML date
    ],
)
def test_publish_times_become_utc(
    write_record: WriteRecord, tmp_path: Path, written: str, expected: datetime, status: TimeStatus
) -> None:
    write_record("t.txt", f"---\nwebUrl: https://a.com/t\npublishedDateTime: {written}\n---\n")
    (only,) = corpus_of(tmp_path / "records").articles.values()
    assert only.published == expected
    assert only.published.tzinfo is not None
    assert only.time_status is status
    assert (only.usable_time is None) == (status is TimeStatus.IMPLAUSIBLE)


def test_times_without_zone_and_implausible_times_are_counted(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    write_record("a.txt", article("https://a.com/1", when="2021-02-18T16:13:00"))
    write_record("b.txt", article("https://a.com/2", when="1970-01-01T00:00:00Z"))
    write_record("c.txt", {"webUrl": "https://a.com/3"})
    summary = build(tmp_path / "records", now=NOW).summary
    assert (
        summary["times_without_zone"],
        summary["implausible_times"],
        summary["missing_times"],
    ) == (1, 1, 1)


def test_a_second_record_of_one_article_is_a_warning_and_the_first_wins(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    write_record("a.txt", article("https://a.com/1", title="First"))
    write_record("b.txt", article("https://www.a.com/1/?utm_source=x", title="Second"))
    corpus = corpus_of(tmp_path / "records")
    (only,) = corpus.articles.values()
    assert only.title == "First"
    assert any("second record" in p.reason for p in corpus.problems)


# ---------------------------------------------------------------- precedence, edges of the rules


@pytest.mark.parametrize("a_says", ["early", "late"])
def test_among_related_mentions_the_first_file_in_path_order_wins(
    write_record: WriteRecord, tmp_path: Path, a_says: str
) -> None:
    # Two records mention one article with another time and title. The file that sorts first
    # by path (a/, before b.txt) gives the kept values, whichever it holds; the other's are
    # conflicts.
    mentions = {
        "early": article("https://x.com/story", title="Early", when="2023-05-01T08:00:00Z"),
        "late": article("https://www.x.com/story/", title="Late", when="2023-05-01T09:30:00Z"),
    }
    b_says = "late" if a_says == "early" else "early"
    write_record("a/z.txt", {**article("https://one.org/1"), "related": [mentions[a_says]]})
    write_record("b.txt", {**article("https://two.org/2"), "related": [mentions[b_says]]})
    target = corpus_of(tmp_path / "records").articles["https://x.com/story"]
    kept, other = mentions[a_says], mentions[b_says]
    assert target.title == kept["title"]
    assert target.published == datetime.fromisoformat(kept["publishedDateTime"])
    assert {(c.field, c.kept, c.other) for c in target.conflicts} == {
        ("title", kept["title"], other["title"]),
        ("published", kept["publishedDateTime"], other["publishedDateTime"]),
    }
    assert not target.has_record


@pytest.mark.parametrize("own_file", ["a_own.txt", "z_own.txt"])
def test_an_own_record_wins_over_related_mentions_before_and_after_it(
    write_record: WriteRecord, tmp_path: Path, own_file: str
) -> None:
    own = article("https://x.com/story", title="Own", when="2023-05-01T10:00:00Z")
    own["provider"] = {"name": "X", "domain": "x.com"}
    seen = article("https://x.com/story", title="Seen", when="2023-05-01T09:00:00Z")
    seen["provider"] = {"name": "Y", "domain": "y.com"}
    write_record("m_mention.txt", {**article("https://other.org/o"), "related": [seen]})
    write_record(own_file, own)
    corpus = corpus_of(tmp_path / "records")
    target = corpus.articles["https://x.com/story"]
    assert (target.title, target.provider) == ("Own", "x.com")
    assert corpus.problems == []  # a mention of an article with a record is no second record
    assert target.published == datetime(2023, 5, 1, 10, tzinfo=UTC)


def test_every_kind_of_disagreement_is_kept_and_reported(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    own = article("https://x.com/story", title="Own", when="2023-05-01T10:00:00Z")
    own["provider"] = {"domain": "x.com"}
    other = article("https://x.com/story", title="Other", when="2023-05-01T11:00:00Z")
    other["provider"] = {"domain": "elsewhere.com"}
    same = article("https://x.com/story", title="Own", when="2023-05-01T10:00:00Z")
    same["provider"] = {"domain": "x.com"}
    write_record("a.txt", own)
    write_record("b.txt", {**article("https://b.org/1"), "related": [other, same]})
    report = build(tmp_path / "records", now=NOW).report  # in memory: the report as written
    kept = {(c["field"], c["kept"], c["other"]) for c in report["conflicts"]}
    assert kept == {
        ("title", "Own", "Other"),
        ("published", "2023-05-01T10:00:00Z", "2023-05-01T11:00:00Z"),
        ("provider", "x.com", "elsewhere.com"),
    }  # and an agreeing mention adds none
    assert report["summary"]["conflicts"] == 3
    assert {Path(c["source"]).name for c in report["conflicts"]} == {"b.txt"}


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("1989-12-31T23:59:59Z", TimeStatus.IMPLAUSIBLE),
        ("1990-01-01T00:00:00Z", TimeStatus.OK),
        ("1990-01-01T00:59:59+01:00", TimeStatus.IMPLAUSIBLE),  # 1989 in UTC
        ("2026-01-02T00:00:00Z", TimeStatus.OK),  # a day after the build, to the second
        ("2026-01-02T00:00:01Z", TimeStatus.IMPLAUSIBLE),
        ("2026-01-02T01:00:00+01:00", TimeStatus.OK),
    ],
)
def test_the_plausible_time_window_runs_from_1990_to_a_day_after_the_build(
    write_record: WriteRecord, tmp_path: Path, written: str, status: TimeStatus
) -> None:
    write_record("t.txt", article("https://a.com/t", when=written))
    corpus = corpus_of(tmp_path / "records")  # built at NOW, 2026-01-01T00:00:00Z
    (only,) = corpus.articles.values()
    assert only.time_status is status
    warned = [p.reason for p in corpus.problems]
    when = iso_utc(only.published) if only.published else ""
    reason = f"implausible publish time {when} for {only.url} (kept, ignored by analyses)"
    assert warned == ([reason] if status is TimeStatus.IMPLAUSIBLE else [])


def test_resolver_warnings_name_their_file_and_fit_one_line_of_200_characters(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    long_url = "https://a.com/" + "very-long-slug-" * 40
    write_record("a.txt", article(long_url, title="First"))
    write_record("b.txt", article(long_url, title="Second"))
    [warning] = corpus_of(tmp_path / "records").problems
    assert warning.path.endswith("b.txt") and warning.severity is Severity.WARNING
    assert warning.reason.startswith("second record of an article already read: https://a.com/")
    assert len(warning.reason) == 200 and warning.reason.endswith("…")


def test_a_disagreement_shows_each_value_on_one_line_of_at_most_120_characters(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    own, seen = "Own " + "word " * 40, "Seen\nacross two lines"
    write_record("a.txt", article("https://x.com/s", title=own))
    write_record(
        "b.txt", {**article("https://b.org/1"), "related": [article("https://x.com/s", title=seen)]}
    )
    [conflict] = corpus_of(tmp_path / "records").articles["https://x.com/s"].conflicts
    assert len(conflict.kept) == 120 and conflict.kept.endswith("…")
    assert conflict.kept.startswith("Own word word")
    assert conflict.other == "Seen across two lines"


def test_a_url_host_maps_to_a_declared_outlet_but_never_to_a_bare_suffix(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    # One record declares the junk domain "uk", another "bbc.co.uk"; an entry without a
    # domain on a third host keeps its host.
    write_record("a.txt", {**article("https://x.uk/1"), "provider": {"domain": "uk"}})
    write_record(
        "b.txt", {**article("https://www.bbc.co.uk/2"), "provider": {"domain": "bbc.co.uk"}}
    )
    write_record("c.txt", article("https://news.itv.co.uk/3"))
    write_record("d.txt", article("https://sport.bbc.co.uk/4"))
    corpus = corpus_of(tmp_path / "records")
    assert corpus.articles["https://news.itv.co.uk/3"].provider == "news.itv.co.uk"
    assert corpus.articles["https://sport.bbc.co.uk/4"].provider == "bbc.co.uk"
    assert corpus.records == 4


def test_an_address_with_an_unusable_port_is_its_own_key(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    write_record("p.txt", article("https://e.com:99999/x"))
    (only,) = corpus_of(tmp_path / "records").articles.values()
    assert only.id == only.url == "https://e.com:99999/x"


def test_a_record_listing_itself_is_a_warning_not_a_link(
    write_record: WriteRecord, tmp_path: Path
) -> None:
    own = article("https://a.com/1")
    write_record("self.txt", {**own, "related": [own, article("https://b.com/2")]})
    corpus = corpus_of(tmp_path / "records")
    [warning] = corpus.problems
    assert warning.path.endswith("self.txt") and warning.severity is Severity.WARNING
    assert warning.reason == "related entry is the record's own article https://a.com/1"
    assert [(link.source, link.target) for link in corpus.related] == [
        ("https://a.com/1", "https://b.com/2")
    ]


def test_urls_parsed_in_worker_processes_resolve_exactly_as_in_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from graphkit.resolve import urls

    from .conftest import SEEDS

    records = read_records([SEEDS]).records
    alone = resolve(records, now=NOW, jobs=1)
    monkeypatch.setattr(urls, "PARALLEL_FROM", 10)  # the seeds' URLs, in 2 processes
    monkeypatch.setattr(urls, "BATCH", 50)
    shared = resolve(records, now=NOW, jobs=2)
    assert shared.articles == alone.articles and len(alone.articles) == 55
    assert shared.providers == alone.providers and shared.related == alone.related


def test_released_records_resolve_exactly_as_held_ones_and_are_let_go() -> None:
    from .conftest import SEEDS

    held_list = read_records([SEEDS]).records
    held = resolve(held_list, now=NOW)
    read = read_records([SEEDS])
    handed = read.take()
    released = resolve(handed, now=NOW, release=True)
    assert handed == [] and read.records == [] and read.record_count == len(held_list)
    assert len(held_list) == held.records == released.records  # the caller's list is untouched
    assert released.articles == held.articles and released.related == held.related
    assert released.providers == held.providers and released.problems == held.problems
