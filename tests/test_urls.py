"""Every URL form of one article resolves to one identity; identifying queries stay."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from graphkit.resolve import AmpRules, canonical_url, domain_key, host_of
from graphkit.resolve.urls import (
    _PLAIN_URL,
    KnownParts,
    parsed_parts,
    parts_table,
    unwrap_amp_cache,
    url_parts,
)

PAGE = "https://example.com/world/2023/05/01/big-story"

SAME_PAGE = [
    "https://example.com/world/2023/05/01/big-story",
    "http://example.com/world/2023/05/01/big-story",
    "https://EXAMPLE.com/world/2023/05/01/big-story",
    "https://www.example.com/world/2023/05/01/big-story",
    "https://www.example.com:443/world/2023/05/01/big-story",
    "http://www.example.com:80/world/2023/05/01/big-story",
    "https://example.com/world/2023/05/01/big-story/",
    "https://example.com/world/2023/05/01/big-story#comments",
    "https://example.com/world/2023/05/01/big-story?utm_source=twitter&utm_medium=social",
    "https://example.com/world/2023/05/01/big-story?fbclid=IwAR0abc",
    "https://example.com/world/2023/05/01/big-story?gclid=Cj0KCQ&msclkid=1",
    "https://example.com/world/2023/05/01/big-story?amp",
    "https://example.com/world/2023/05/01/big-story?amp=1",
    "https://example.com/world/2023/05/01/big-story?outputType=amp",
    "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/world/2023/05/01/big-story?amp",
    "https://www-example-com.cdn.ampproject.org/v/s/www.example.com/world/2023/05/01/big-story?amp_js_v=0.1#x",
    "https://www-example-com.cdn.ampproject.org/c/www.example.com/world/2023/05/01/big-story",
]


@pytest.mark.parametrize("url", SAME_PAGE)
def test_url_forms_resolve_to_one_identity(url: str) -> None:
    assert canonical_url(url) == PAGE


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://example.com/article.php?id=123", "https://example.com/article.php?id=124"),
        ("https://example.com/story?storyid=1&utm_source=x", "https://example.com/story?storyid=2"),
        ("https://example.com/a", "https://example.com/b"),
        ("https://example.com/a", "https://other.com/a"),
        ("https://example.com:8443/a", "https://example.com/a"),
    ],
)
def test_identifying_differences_stay(first: str, second: str) -> None:
    assert canonical_url(first) != canonical_url(second)


def test_identifying_query_survives_with_tracking_removed() -> None:
    url = "https://example.com/article.php?utm_campaign=x&storyid=42&id=7#top"
    assert canonical_url(url) == "https://example.com/article.php?id=7&storyid=42"


def test_amp_path_segment_is_dropped_only_where_the_site_uses_it() -> None:
    rules = AmpRules.from_pairs(
        [
            ("https://www.site.com/news/one/", "https://www.site.com/news/one/amp/"),
            ("https://lead.com/a/b", "https://lead.com/amp/a/b"),
        ]
    )
    assert canonical_url("https://site.com/news/two/amp/", rules) == "https://site.com/news/two"
    assert canonical_url("https://www.lead.com/amp/c/d?amp", rules) == "https://lead.com/c/d"
    # Without evidence, /amp/ may be a real part of the address.
    assert (
        canonical_url("https://other.com/amp/pedal-review") == "https://other.com/amp/pedal-review"
    )
    assert canonical_url("https://site.com/amp/news/one", rules) == "https://site.com/amp/news/one"


def test_amp_host_is_learned() -> None:
    rules = AmpRules.from_pairs([("https://www.paper.com/a", "https://amp.paper.com/a")])
    assert canonical_url("https://amp.paper.com/b", rules) == "https://paper.com/b"


def test_not_web_urls_have_no_identity() -> None:
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("ftp://example.com/a") is None
    assert canonical_url("not a url") is None


def test_outlet_keys() -> None:
    assert domain_key("WWW.BBC.co.uk") == "bbc.co.uk"
    assert domain_key("https://www.reuters.com/") == "reuters.com"
    assert host_of("https://www-x-com.cdn.ampproject.org/c/s/www.x.com/p") == "x.com"


segment = st.text(alphabet="abcdefghij0123456789-_~.%", min_size=1, max_size=8)
urls = st.builds(
    lambda scheme, www, parts, query, frag: (
        f"{scheme}://{www}example.org/{'/'.join(parts)}{query}{frag}"
    ),
    st.sampled_from(["http", "https"]),
    st.sampled_from(["", "www.", "WWW."]),
    st.lists(segment, min_size=0, max_size=4),
    st.sampled_from(["", "?id=3", "?utm_source=a&id=3", "?amp", "?b=2&a=1"]),
    st.sampled_from(["", "#frag"]),
)


@given(urls)
@example(url="http://example.org/%%321")  # a stray "%": w3lib alone made "%21", then "!"
def test_canonical_form_is_a_fixed_point(url: str) -> None:
    once = canonical_url(url)
    assert once is not None
    assert canonical_url(once) == once


def test_an_amp_address_on_another_host_teaches_no_host_rule() -> None:
    rules = AmpRules.from_pairs([("https://www.site.com/x", "https://mobile.site.com/x/amp")])
    assert rules.hosts == {}
    assert canonical_url("https://mobile.site.com/y", rules) == "https://mobile.site.com/y"


def test_a_pair_with_an_unreadable_address_teaches_nothing() -> None:
    rules = AmpRules.from_pairs(
        [("https://site.com/x", "https://[bad/x/amp"), ("https://[bad/x", "https://amp.site.com/x")]
    )
    assert (rules.hosts, rules.leading, rules.trailing) == ({}, set(), set())


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # a tracking parameter before an identifying one drops only itself
        ("https://e.com/a?utm_source=x&id=5", "https://e.com/a?id=5"),
        ("https://e.com/a?amp=true&p=2", "https://e.com/a?p=2"),
        ("https://e.com/a?output=amp&id=3", "https://e.com/a?id=3"),
        # only the AMP switches go: other parameters with the same names or values stay
        ("https://e.com/a?page=1", "https://e.com/a?page=1"),
        ("https://e.com/a?output=html", "https://e.com/a?output=html"),
        ("https://e.com/a?x=amp", "https://e.com/a?x=amp"),
        ("https://e.com/a?q=&id=1", "https://e.com/a?id=1&q="),  # a blank value stays
        ("https://www.example.com./a", "https://example.com/a"),  # the root's dot
        ("https://x-com.cdn.ampproject.org/", "https://x-com.cdn.ampproject.org/"),
    ],
)
def test_query_parameters_and_hosts_at_the_edges_of_the_rules(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_an_unreadable_address_has_no_host() -> None:
    assert host_of("https://[bad/x") is None
    assert canonical_url("https://[bad/x") is None


# ---------------------------------------------------------------- the plain-URL fast path

SLICE = Path(__file__).resolve().parent / "fixtures" / "uci-news-slice.csv"
_LABEL = st.text("abcxyz019-", min_size=1, max_size=8)
_SEGMENT = st.text("aZ09._~-", min_size=1, max_size=6)
_PARAM = st.sampled_from(["id", "a", "amp", "utm_source", "page", "outputType", "B", "x.y"])


@st.composite
def plain_looking_urls(draw: st.DrawFn) -> str:
    """URLs near the fast path's edges: ports, dots, blank and AMP values, fragments."""
    host = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=3)))
    port = draw(
        st.sampled_from(["", ":", ":80", ":443", ":0", ":080", ":8080", ":65535", ":99999"])
    )
    path = "".join("/" + s for s in draw(st.lists(_SEGMENT, max_size=3))) + draw(
        st.sampled_from(["", "/", "//"])
    )
    pairs = draw(st.lists(st.tuples(_PARAM, st.text("a1-=", max_size=3)), max_size=3))
    query = "&".join(f"{k}={v}" if v else k for k, v in pairs)
    scheme = draw(st.sampled_from(["http", "https", "HTTP"]))
    www = draw(st.sampled_from(["", "www."]))
    mark = "?" + query if pairs or draw(st.booleans()) else ""
    fragment = draw(st.sampled_from(["", "#top", "#a/../b"]))
    return f"{scheme}://{www}{host}{port}{path}{mark}{fragment}"


@given(plain_looking_urls())
def test_the_fast_path_reads_urls_as_w3lib_does(url: str) -> None:
    assert url_parts(url) == parsed_parts(url)


def test_real_urls_take_the_fast_path_and_read_alike() -> None:
    with SLICE.open(encoding="utf-8") as rows:
        urls = [row["URL"] for row in csv.DictReader(rows)]
    urls += [f"https://www-{h}.cdn.ampproject.org/c/s/www.{h}/a/b?amp=1" for h in ("x.com", "y.io")]
    assert [url_parts(url) for url in urls] == [parsed_parts(url) for url in urls]
    fast = [url for url in urls if _PLAIN_URL.fullmatch(unwrap_amp_cache(url))]
    assert len(fast) >= 0.8 * len(urls)


def test_known_parts_are_taken_as_they_would_be_worked_out(tmp_path: Path) -> None:
    """A rebuild takes the URLs the last build parsed from its table (`KnownParts`): the
    same table as parsing them all, whichever URLs it knew, in the order first met."""
    with SLICE.open(encoding="utf-8") as rows:
        urls = [row["URL"] for row in csv.DictReader(rows)]
    urls += [*SAME_PAGE, "mailto:a@b.c", "https://xn--bcher-kva.example/a", "https://a.b:99999/"]
    everything = parts_table(pl.Series(urls))
    earlier = parts_table(pl.Series([*urls[::3], "https://gone.example/x"]))
    known = KnownParts()  # a table as a build saves it ...
    known.found = earlier
    known.save(tmp_path / "url-parts")
    loaded = KnownParts.load(tmp_path / "url-parts").table  # ... and loads it again
    assert loaded is not None and loaded.equals(earlier)
    assert parts_table(pl.Series(urls), known=loaded).equals(everything)
    assert everything["host"].null_count() == 2  # mailto: and port 99999 have no parts


def test_known_parts_from_other_url_code_are_not_taken(tmp_path: Path) -> None:
    known = KnownParts()
    known.found = parts_table(pl.Series(SAME_PAGE))
    known.save(tmp_path / "url-parts")
    header = tmp_path / "url-parts" / "header.json"
    header.write_text(header.read_text().replace('"urls": "', '"urls": "0'))
    assert KnownParts.load(tmp_path / "url-parts").table is None
    (tmp_path / "url-parts" / "parts.arrow").write_bytes(b"not arrow")
    assert KnownParts.load(tmp_path / "url-parts").table is None
