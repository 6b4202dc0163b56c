"""The canned queries: their rows on seeds/, the same on both engines, the same answers as the
library's first coverage (`graphkit first`) on seeds/, random corpora and 10k records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from pyoxigraph import Literal, RdfFormat, serialize

import graphkit
from graphkit.analysis import first_coverage, leaderboard
from graphkit.analysis.stories import detect_stories
from graphkit.cli import main
from graphkit.rdf import (
    ENGINES,
    QueryError,
    QuerySyntaxError,
    UpdateRefusedError,
    canned_queries,
    canned_query,
    coverage_triples,
    memory_store,
    open_store,
    run_query,
)
from graphkit.rdf.canned import QUERIES_DIR
from graphkit.rdf.ntriples import web_iri
from graphkit.rdf.store import Engine
from graphkit.synthetic import generate_corpus

from .conftest import ROOT, examples
from .corpora import corpus_of, story_records
from .rdf_support import engines_for, ntriples, records, rows, select

CANNED = {
    "first-coverage": {},
    "outlet-leaderboard": {},
    "lag-per-outlet": {},
    "topics-by-outlet": {"topic": "AI"},
    "outlet-network": {},
    "story-timeline": {"story": "s-5463d77f940e"},
    "articles-per-day": {"outlet": "cnn.com", "since": "2023-01-01"},
}
USABLE_FIRST = """
PREFIX schema: <https://schema.org/>
PREFIX gk: <https://graphkit.example/vocab#>
SELECT ?story_id ?url WHERE {
  { SELECT ?story (MIN(?time) AS ?first) WHERE {
      ?any gk:story ?story ; schema:datePublished ?time ; gk:timeStatus ?status .
      FILTER (?status IN ("ok", "no_zone")) } GROUP BY ?story }
  ?article gk:story ?story ; schema:datePublished ?first ; gk:timeStatus ?first_status ;
           gk:canonicalUrl ?url .
  FILTER (?first_status IN ("ok", "no_zone"))
  ?story schema:identifier ?story_id .
}"""


@pytest.fixture(scope="module")
def seeds() -> graphkit.Build:
    return graphkit.build("seeds")


@pytest.fixture(scope="module")
def engines(seeds: graphkit.Build) -> dict[str, Engine]:
    return engines_for(ntriples(seeds))


def canned(engine: Engine, name: str, **params: str) -> list[dict[str, Any]]:
    query = canned_query(name)
    return records(run_query(engine, query.text, query.bind(params)))


def columns(found: list[dict[str, Any]], *names: str) -> list[tuple[Any, ...]]:
    return [tuple(row.get(name) for name in names) for row in found]


# ------------------------------------------------------------------ the library of queries


def test_the_package_finds_the_repository_queries_folder() -> None:
    assert QUERIES_DIR.resolve() == (ROOT / "queries").resolve()
    assert sorted(p.stem for p in (ROOT / "queries").glob("*.rq")) == sorted(CANNED)


def test_the_library_has_the_seven_documented_queries() -> None:
    library = canned_queries()
    assert set(library) == set(CANNED)
    for query in library.values():
        assert query.title and len(query.answers) > 60
    assert [(p.name, p.type, p.required) for p in library["story-timeline"].params] == [
        ("story", "story", True)
    ]
    assert all(not p.required for p in library["articles-per-day"].params)


@pytest.mark.parametrize("name", sorted(CANNED))
def test_every_canned_query_gives_the_same_rows_on_both_engines(engines, name: str) -> None:
    query = canned_query(name)
    results = {e: run_query(engines[e], query.text, query.bind(CANNED[name])) for e in ENGINES}
    assert results["oxigraph"].rows, name
    assert results["oxigraph"].variables == results["rdflib"].variables
    assert results["oxigraph"].rows == results["rdflib"].rows


# ------------------------------------------------------------------ expected rows on seeds/


def test_first_coverage_rows_on_seeds(engines) -> None:
    found = canned(engines["oxigraph"], "first-coverage")
    named = ("story_id", "first_published", "outlet", "article_count", "outlet_count")
    assert columns(found, *named) == [
        ("s-be87dfd58115", "2021-02-17T23:21:00Z", "washingtonpost.com", "3", "3"),
        ("s-ca851138dfe3", "2022-09-26T23:16:00Z", "apnews.com", "6", "6"),
        ("s-5463d77f940e", "2023-03-14T17:00:00Z", "techcrunch.com", "8", "8"),  # a tie:
        ("s-5463d77f940e", "2023-03-14T17:00:00Z", "theverge.com", "8", "8"),  # both first
        ("s-15b16e71fb8d", "2023-03-21T16:48:00Z", "reuters.com", "5", "5"),
        ("s-05b8cf4951bc", "2023-05-02T05:52:00Z", "bloomberg.com", "6", "5"),
        ("s-28f949234856", "2023-06-05T18:45:12Z", "engadget.com", "5", "5"),
        ("s-b90e820d58cb", "2023-12-08T22:35:00Z", "reuters.com", "5", "5"),
        ("s-f8cbce75b85b", "2024-01-09T06:00:00Z", "bbc.co.uk", "6", "6"),
        ("s-6c273f4df7c0", "2024-07-19T05:17:00Z", "bbc.co.uk", "6", "6"),
        ("s-1c5ec284daea", "2024-09-17T05:30:00Z", "nrk.no", "5", "5"),
    ]
    assert found[0]["outlet_name"] == "The Washington Post"
    assert found[0]["url"].endswith("/2021/02/17/facial-recognition-biden/")


def test_outlet_leaderboard_rows_on_seeds(engines) -> None:
    found = canned(engines["oxigraph"], "outlet-leaderboard")
    assert columns(found, "outlet", "stories", "first", "tied_first", "share_first") == [
        ("bbc.co.uk", "5", "2", "0", "0.4"),
        ("reuters.com", "6", "2", "0", "0.333"),
        ("nrk.no", "1", "1", "0", "1"),
        ("washingtonpost.com", "1", "1", "0", "1"),
        ("apnews.com", "2", "1", "0", "0.5"),
        ("bloomberg.com", "2", "1", "0", "0.5"),
        ("engadget.com", "3", "1", "0", "0.333"),
        ("techcrunch.com", "2", "0.5", "1", "0.25"),
        ("theverge.com", "4", "0.5", "1", "0.125"),
        ("cnn.com", "6", "0", "0", "0"),
        ("aljazeera.com", "3", "0", "0", "0"),
        ("npr.org", "3", "0", "0", "0"),
        ("spiegel.de", "3", "0", "0", "0"),
        ("theguardian.com", "3", "0", "0", "0"),
        ("arstechnica.com", "2", "0", "0", "0"),
        ("lemonde.fr", "2", "0", "0", "0"),
        ("wired.com", "2", "0", "0", "0"),
        ("dailydot.com", "1", "0", "0", "0"),
        ("koreaherald.com", "1", "0", "0", "0"),
        ("nationthailand.com", "1", "0", "0", "0"),
        ("nytimes.com", "1", "0", "0", "0"),
    ]


def test_lag_per_outlet_rows_on_seeds(engines) -> None:
    found = canned(engines["oxigraph"], "lag-per-outlet")
    named = ("outlet", "timed_stories", "first", "behind", "mean_lag_seconds")
    assert columns(found, *named)[:6] == [
        ("bloomberg.com", "2", "1", "1", "108"),
        ("arstechnica.com", "2", "0", "2", "996"),
        ("theverge.com", "4", "1", "3", "1676"),
        ("nytimes.com", "1", "0", "1", "2825"),
        ("apnews.com", "2", "1", "1", "3420"),
        ("reuters.com", "6", "2", "4", "4680"),
    ]
    assert columns(found, "outlet", "max_lag_seconds")[-5:] == [
        ("spiegel.de", "55800"),
        ("cnn.com", "97800"),
        ("dailydot.com", "60720"),
        ("nrk.no", None),  # never behind: no lag to average
        ("washingtonpost.com", None),
    ]
    assert len(found) == 21


def test_story_timeline_rows_on_seeds(engines) -> None:
    found = canned(engines["oxigraph"], "story-timeline", story="s-be87dfd58115")
    assert columns(found, "published", "lag_seconds", "outlet", "time_status") == [
        ("2021-02-17T23:21:00Z", "0", "washingtonpost.com", "ok"),
        ("2021-02-18T00:55:00Z", "5640", "nationthailand.com", "ok"),  # 1 h 34 min behind
        ("2021-02-18T16:13:00Z", "60720", "dailydot.com", "ok"),  # 16 h 52 min behind
    ]
    gpt4 = canned(engines["oxigraph"], "story-timeline", story="s-5463d77f940e")
    assert columns(gpt4, "lag_seconds", "outlet")[:3] == [
        ("0", "techcrunch.com"),
        ("0", "theverge.com"),
        ("252.25", "arstechnica.com"),  # fractional seconds kept
    ]
    assert canned(engines["oxigraph"], "story-timeline", story="s-000000000000") == []


def test_topics_by_outlet_rows_on_seeds(engines) -> None:
    ai = canned(engines["oxigraph"], "topics-by-outlet", topic="AI")
    assert columns(ai, "outlet", "article_count")[:3] == [
        ("theverge.com", "2"),
        ("arstechnica.com", "1"),
        ("bbc.co.uk", "1"),
    ]
    assert len(ai) == 15 and {row["topic"] for row in ai} == {"AI"}
    everything = canned(engines["oxigraph"], "topics-by-outlet")
    assert len(everything) == 95
    assert columns(everything, "topic", "outlet", "article_count")[:4] == [
        ("AI", "theverge.com", "2"),
        ("Climate Change", "theguardian.com", "2"),
        ("Generative AI", "techcrunch.com", "2"),
        ("Samsung", "koreaherald.com", "2"),
    ]


def test_outlet_network_rows_on_seeds(engines) -> None:
    found = canned(engines["oxigraph"], "outlet-network")
    assert len(found) == 85
    assert columns(found, "source", "target", "links", "stories")[:3] == [
        ("aljazeera.com", "apnews.com", "2", "2"),
        ("engadget.com", "theverge.com", "2", "2"),
        ("lemonde.fr", "theguardian.com", "2", "2"),
    ]
    assert all(row["source"] != row["target"] for row in found)


def test_articles_per_day_rows_on_seeds(engines) -> None:
    cnn = canned(engines["oxigraph"], "articles-per-day", outlet="cnn.com")
    assert columns(cnn, "day", "article_count") == [
        ("2022-09-26", "1"),
        ("2023-03-14", "1"),
        ("2023-03-21", "1"),
        ("2023-05-02", "1"),
        ("2023-06-05", "1"),
        ("2024-09-18", "1"),
    ]
    one_day = canned(
        engines["oxigraph"], "articles-per-day", since="2024-07-19", until="2024-07-19"
    )
    assert [row["outlet"] for row in one_day] == [
        "aljazeera.com",
        "apnews.com",
        "bbc.co.uk",
        "npr.org",
        "reuters.com",
        "theverge.com",
    ]
    assert len(canned(engines["oxigraph"], "articles-per-day")) == 54


# ------------------------------------------------------------------ the same as the library


def library_firsts(coverage: list[Any]) -> set[tuple[str, str, str | None, str]]:
    return {
        (story.id, graphkit.records.iso_utc(entry.published), entry.provider, entry.url)
        for story in coverage
        for entry in story.first
    }


def sparql_firsts(found: list[dict[str, Any]]) -> set[tuple[str, str, str | None, str]]:
    return {(r["story_id"], r["first_published"], r.get("outlet"), r["url"]) for r in found}


def same_urls(coverage: list[Any]) -> list[Any]:
    """The library's first coverage with URLs as the export writes them (percent-encoded)."""
    return [
        (story_id, when, outlet, web_iri(url).value if web_iri(url) else url)  # type: ignore[union-attr]
        for story_id, when, outlet, url in library_firsts(coverage)
    ]


def assert_leaderboard_agrees(found: list[dict[str, Any]], coverage: list[Any]) -> None:
    expected = {row.provider: row for row in leaderboard(coverage)}
    assert {row["outlet"] for row in found} == set(expected)
    for row in found:
        lead = expected[row["outlet"]]
        assert int(row["stories"]) == lead.stories
        assert float(row["first"]) == pytest.approx(lead.first, abs=5e-4)
        assert int(row["tied_first"]) == lead.tied_first
        assert float(row["share_first"]) == pytest.approx(lead.share_first, abs=5e-4)


def test_first_coverage_agrees_with_the_library_on_seeds(seeds, engines) -> None:
    found = canned(engines["oxigraph"], "first-coverage")
    assert sparql_firsts(found) == set(same_urls(seeds.coverage))


STORY_SIZES = """
PREFIX schema: <https://schema.org/>
PREFIX gk: <https://graphkit.example/vocab#>
SELECT ?story ?stated_articles ?stated_outlets
       (COUNT(DISTINCT ?member) AS ?articles) (COUNT(DISTINCT ?publisher) AS ?outlets)
WHERE {
  ?story gk:articleCount ?stated_articles ; gk:outletCount ?stated_outlets .
  ?member gk:story ?story .
  OPTIONAL { ?member schema:publisher ?publisher }
}
GROUP BY ?story ?stated_articles ?stated_outlets
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_stated_story_sizes_are_the_counted_ones(seeds, engines, engine: str) -> None:
    # A real corpus whose stories hold articles without an outlet and outlets with two
    # articles, so that articles and outlets differ.
    found = records(run_query(engines[engine], STORY_SIZES))
    assert len(found) == len(seeds.coverage)
    assert any(row["articles"] != row["outlets"] for row in found)
    for row in found:
        assert (row["stated_articles"], row["stated_outlets"]) == (row["articles"], row["outlets"])


def test_leaderboard_and_lags_agree_with_the_library_on_seeds(seeds, engines) -> None:
    assert_leaderboard_agrees(canned(engines["oxigraph"], "outlet-leaderboard"), seeds.coverage)
    lags = {row["outlet"]: row for row in canned(engines["oxigraph"], "lag-per-outlet")}
    for lead in leaderboard(seeds.coverage):
        mean = lags[lead.provider].get("mean_lag_seconds")
        if lead.mean_lag_seconds is None:
            assert mean is None
        else:
            assert float(mean) == pytest.approx(lead.mean_lag_seconds, abs=0.5)


def test_story_timeline_agrees_with_graphkit_first_story(tmp_path: Path) -> None:
    graphkit.build("seeds", tmp_path)
    shown = CliRunner().invoke(
        main, ["first", "--data", str(tmp_path), "--story", "s-5463d77f940e", "--format", "json"]
    )
    assert shown.exit_code == 0, shown.output
    timeline = json.loads(shown.stdout)
    found = canned(open_store(tmp_path), "story-timeline", story="s-5463d77f940e")
    assert [(r["provider_domain"], r["lag_seconds"]) for r in timeline] == [
        (r["outlet"], float(r["lag_seconds"])) for r in found
    ]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story_records())
def test_first_coverage_in_sparql_matches_the_library_on_random_corpora(raw: list[Any]) -> None:
    """Ties, missing, implausible, offset and zone-less times: the SPARQL answer, recomputed
    from schema:datePublished, is the library's first coverage."""
    corpus = corpus_of(raw)
    coverage = first_coverage(detect_stories(corpus), corpus)
    engine = memory_store(serialize(coverage_triples(corpus, coverage), format=RdfFormat.N_TRIPLES))
    expected = {(story.id, entry.article) for story in coverage for entry in story.first}
    assert set(select(engine, USABLE_FIRST)) == expected
    assert_leaderboard_agrees(canned(engine, "outlet-leaderboard"), coverage)


# ------------------------------------------------------------------ kinds, parameters, errors


@pytest.mark.parametrize("engine", ENGINES)
def test_ask_construct_describe(engines, engine: str) -> None:
    store = engines[engine]
    assert run_query(store, "ASK { ?a a <https://schema.org/NewsArticle> }").boolean is True
    assert run_query(store, "ASK { ?a a <https://schema.org/Nothing> }").boolean is False
    built = run_query(
        store,
        "CONSTRUCT { ?o <https://schema.org/name> ?n } WHERE { ?o <https://schema.org/name> ?n ;"
        " <https://schema.org/identifier> 'cnn.com' }",
    )
    assert rows(built) == [
        ("https://graphkit.example/id/outlet/cnn.com", "https://schema.org/name", "CNN")
    ]
    described = run_query(store, "DESCRIBE <outlet/cnn.com>")  # relative to the data's base
    assert ("https://schema.org/identifier", "cnn.com") in {row[1:] for row in rows(described)}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <https://x.example/a> <https://x.example/b> 1 }",
        "PREFIX x: <https://x.example/>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "LOAD <https://x.example/data.ttl>",
    ],
)
def test_updates_are_refused(engines, engine: str, update: str) -> None:
    with pytest.raises(UpdateRefusedError, match="updates are refused"):
        run_query(engines[engine], update)
    assert run_query(engines[engine], "ASK { ?s ?p ?o }").boolean is True


@pytest.mark.parametrize("engine", ENGINES)
def test_a_syntax_error_has_a_line_and_a_column(engines, engine: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        run_query(engines[engine], "SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER (?o = ) }")
    assert caught.value.line == 4
    assert caught.value.column is not None and 1 <= caught.value.column <= 20
    assert str(caught.value).startswith("syntax error at line 4, column ")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_syntax_error_after_a_bound_parameter_is_located_in_the_text_written(
    engines, engine: str
) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?x .\n ?s ?q }"
    with pytest.raises(QuerySyntaxError) as unbound:
        run_query(engines[engine], query)
    with pytest.raises(QuerySyntaxError) as bound:
        run_query(engines[engine], query, {"x": Literal("a")})
    assert (bound.value.line, bound.value.column) == (unbound.value.line, unbound.value.column)
    one_line = query.replace("\n", "")
    with pytest.raises(QuerySyntaxError) as unbound:
        run_query(engines[engine], one_line)
    with pytest.raises(QuerySyntaxError) as bound:
        run_query(engines[engine], one_line, {"x": Literal("a")})
    assert (bound.value.line, bound.value.column) == (unbound.value.line, unbound.value.column)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_parameter_is_bound_as_a_term_never_as_syntax(engines, engine: str) -> None:
    query = canned_query("story-timeline")
    hostile = 's-be87dfd58115" } } DROP ALL ; SELECT * { ?s ?p ?o #'
    assert run_query(engines[engine], query.text, query.bind({"story": hostile})).rows == []
    assert run_query(engines[engine], "ASK { ?s ?p ?o }").boolean is True


def test_parameters_are_checked_against_the_header() -> None:
    with pytest.raises(QueryError, match="needs --param story"):
        canned_query("story-timeline").bind({})
    with pytest.raises(QueryError, match="has no parameter 'colour'"):
        canned_query("first-coverage").bind({"colour": "red"})
    with pytest.raises(QueryError, match="not a date"):
        canned_query("articles-per-day").bind({"since": "last week"})


# ------------------------------------------------------------------ 10k generated records


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, graphkit.Build]:
    corpus = generate_corpus(tmp_path_factory.mktemp("c10k"), records=10_000, noise=0.05, seed=3)
    out = tmp_path_factory.mktemp("out10k")
    return out, graphkit.build(corpus.path, out)


def cli_json(*args: str) -> Any:
    done = CliRunner().invoke(main, list(args))
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_on_10k_records_first_coverage_agrees_with_graphkit_first(big) -> None:
    out, result = big
    assert result.summary["records"] == 10_000
    answer = cli_json("query", "first-coverage", "--data", str(out), "--format", "json")
    found = [
        {name: term["value"] for name, term in row.items()} for row in answer["results"]["bindings"]
    ]
    assert sparql_firsts(found) == set(same_urls(result.coverage))
    written = json.loads((out / "first_coverage.json").read_text(encoding="utf-8"))
    by_story = {row["story_id"]: row for row in written}
    assert {r["story_id"] for r in found} == {
        s for s, r in by_story.items() if r["first_article_urls"]
    }
    for row in found:
        story = by_story[row["story_id"]]
        assert row["first_published"] == story["first_published_utc"]
        assert (int(row["article_count"]), int(row["outlet_count"])) == (
            story["article_count"], story["outlet_count"],
        )  # fmt: skip


def test_on_10k_records_first_coverage_recomputed_from_times_agrees(big) -> None:
    out, result = big
    recomputed = set(select(open_store(out), USABLE_FIRST))
    assert recomputed == {(s.id, e.article) for s in result.coverage for e in s.first}


def test_on_10k_records_the_leaderboard_agrees_with_graphkit_first(big) -> None:
    out, _ = big
    answer = cli_json("query", "outlet-leaderboard", "--data", str(out), "--format", "json")
    shown = cli_json("first", "--data", str(out), "--format", "json")
    found = {row["outlet"]["value"]: row for row in answer["results"]["bindings"]}
    assert set(found) == {row["provider_domain"] for row in shown}
    for lead in shown:
        row = found[lead["provider_domain"]]
        assert int(row["stories"]["value"]) == lead["stories"]
        assert float(row["first"]["value"]) == pytest.approx(lead["times_first"], abs=1e-3)
        assert int(row["tied_first"]["value"]) == lead["tied_first"]
        assert float(row["share_first"]["value"]) == pytest.approx(lead["share_first"], abs=1e-3)
