"""One identity per article URL: the many forms a feed uses reduce to one canonical URL.

Generic URL normalisation (percent-encoding, query order) is w3lib's, Scrapy's well-kept
canonicaliser; what is specific to news feeds (AMP forms, tracking parameters, `www.`) is here.
"""

from __future__ import annotations

import hashlib
import platform
import re
import sys
from collections.abc import Iterable
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

import polars as pl
from w3lib.url import canonicalize_url

from ..util import read_table_folder, replace_table_folder, worker_count, worker_pool

TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs", "ns_", "at_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid", "cmp", "smid", "smtyp", "ito",
        "ref_src", "ref_url", "taid", "soc_src", "soc_trk", "sr_share", "mbid", "guccounter",
        "amp_js_v", "amp_gsa", "amp_tf", "usqp", "ampshare", "aoh", "__twitter_impression",
    }
)  # fmt: skip
AMP_FLAG_VALUES = frozenset({"", "1", "true", "yes"})
AMP_CACHE_SUFFIX = ".cdn.ampproject.org"
DEFAULT_PORTS = {"http": 80, "https": 443}
PARALLEL_FROM = 20_000  # distinct URLs: fewer parse faster here than in worker processes
BATCH = 2_000  # URLs a worker parses per round trip


class UrlParts(NamedTuple):
    """What a URL's identity is made of before any site's AMP rule applies: the bare host,
    the port (":8080", or "" for the scheme's own), the path's segments joined by "/" (no
    empty ones: one text, not a tuple of texts, for a build holds millions), the identifying
    query."""

    host: str
    port: str
    path: str
    query: str


@dataclass
class AmpRules:
    """How each site marks its AMP pages, learned from records that give both forms.

    A path segment `amp` is only dropped on sites whose own records show they use it, since
    elsewhere `/amp/` can be a real part of the address.
    """

    leading: set[str] = field(default_factory=set)
    trailing: set[str] = field(default_factory=set)
    hosts: dict[str, str] = field(default_factory=dict)  # amp host -> web host

    def learn(self, web: UrlParts | None, amp: UrlParts | None) -> None:
        """Compare an article's web and AMP URLs and remember the site's AMP pattern."""
        if web is None or amp is None:
            return
        if amp.host == f"amp.{web.host}":
            self.hosts[amp.host] = web.host
        if amp.path == _joined("amp", web.path):
            self.leading.add(web.host)
        elif amp.path == _joined(web.path, "amp"):
            self.trailing.add(web.host)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], urls: UrlIndex | None = None) -> AmpRules:
        """The rules that pairs of (web URL, AMP URL) of the same articles show."""
        parts = (urls or UrlIndex()).parts
        rules = cls()
        for web_url, amp_url in pairs:
            rules.learn(parts(web_url), parts(amp_url))
        return rules

    def apply(self, parts: UrlParts) -> str:
        """The canonical URL of a URL's parts under these rules: https, the site's web host,
        no AMP segment where the site uses one, no trailing slash (news sites serve `/a/b`
        and `/a/b/` as one page, and feeds mix the two)."""
        host = self.hosts.get(parts.host, parts.host)
        path = parts.path
        if host in self.leading and (path == "amp" or path.startswith("amp/")):
            path = path[4:]
        if host in self.trailing and (path == "amp" or path.endswith("/amp")):
            path = path[:-4]
        query = f"?{parts.query}" if parts.query else ""
        return f"https://{host}{parts.port}/{path}{query}"


def _joined(first: str, second: str) -> str:
    return f"{first}/{second}" if first and second else first or second


class UrlIndex:
    """Each distinct URL's parts, worked out once: a feed repeats its URLs in every related
    list that mentions an article, and parsing one costs tens of microseconds. One per build,
    so that its memory goes with the build."""

    def __init__(self) -> None:
        self._parts: dict[str, UrlParts | None] = {}

    def parts(self, url: str) -> UrlParts | None:
        try:
            return self._parts[url]
        except KeyError:
            found = self._parts[url] = url_parts(url)
            return found

    def parse_all(
        self, urls: Iterable[str], jobs: int = 1, executor: Executor | None = None
    ) -> None:
        """Work out the parts of many URLs at once, when there are enough to repay it: by an
        `executor`'s workers (a Dask cluster's) or `jobs` worker processes (0: one per core)."""
        todo = [url for url in dict.fromkeys(urls) if url not in self._parts]
        workers = worker_count(jobs)
        if (executor is None and workers == 1) or len(todo) < PARALLEL_FROM:
            for url in todo:
                self.parts(url)
            return
        batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
        own = worker_pool(min(workers, len(batches))) if executor is None else nullcontext()
        with own as pool:
            runner = pool or executor
            assert runner is not None  # one or the other
            found = runner.map(_parts_of, batches)
            for batch, parts in zip(batches, found, strict=True):
                self._parts.update(zip(batch, parts, strict=True))

    def canonical(self, url: str, rules: AmpRules) -> str | None:
        parts = self.parts(url)
        return None if parts is None else rules.apply(parts)


def _parts_of(urls: list[str]) -> list[UrlParts | None]:
    return [url_parts(url) for url in urls]


PARTS_SCHEMA = {
    "url": pl.String, "host": pl.String, "port": pl.String, "path": pl.String,
    "query": pl.String,
}  # fmt: skip


def parts_table(
    urls: pl.Series,
    jobs: int = 1,
    executor: Executor | None = None,
    known: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """`url_parts` of each distinct URL as a table (url, host, port, path, query; all null
    for a URL that is not an http(s) one), in the order first met. Plain URLs (`_PLAIN_URL`,
    nearly all) are read by Polars in one pass, the others parsed one by one (by `jobs`
    processes, or an `executor`'s workers, when many). The URLs of a `known` table (one
    this function made, `KnownParts`) are taken from it.

    >>> found = parts_table(pl.Series(["http://www.A.com/x/?b=2&a=1", "https://a.com:8080/x/"]))
    >>> found.sort("url").drop("url").rows()
    [('a.com', '', 'x', 'a=1&b=2'), ('a.com', ':8080', 'x', '')]
    >>> parts_table(pl.Series(["https://a.com/x", "https://b.com/"]), known=found).rows()[0]
    ('https://a.com/x', 'a.com', '', 'x', '')
    """
    distinct = pl.DataFrame(
        {"url": urls.unique(maintain_order=True)}, schema={"url": pl.String}
    ).with_row_index("at")
    if known is None or known.is_empty():
        return _parsed_parts(distinct, jobs, executor).drop("at")
    have = distinct.join(known, on="url", how="inner", maintain_order="left")
    todo = distinct.join(known, on="url", how="anti", maintain_order="left")
    new = _parsed_parts(todo, jobs, executor)
    return pl.concat([have.select(new.columns), new]).sort("at").drop("at")


def _parsed_parts(distinct: pl.DataFrame, jobs: int, executor: Executor | None) -> pl.DataFrame:
    """`parts_table` of distinct URLs numbered `at`, worked out (keeping `at`)."""
    lowered = pl.col("url").str.to_lowercase()
    cached = lowered.str.contains(AMP_CACHE_SUFFIX, literal=True)
    unwrapped = _unwrapped(pl.col("url").str.extract_groups(_AMP_CACHE_URL))
    page = pl.when(~cached).then(pl.col("url")).otherwise(unwrapped)
    found = distinct.with_columns(
        page.alias("page"),
        page.str.extract_groups("(?s)^" + _PLAIN_URL.pattern + "$").alias("g"),
    ).unnest("g")
    plain = (
        pl.col("host").is_not_null()
        & ~pl.col("page").str.to_lowercase().str.contains(AMP_CACHE_SUFFIX, literal=True)
        & ~pl.col("host").str.contains("xn--", literal=True)
        & (pl.col("port").cast(pl.Int64, strict=False).fill_null(0) < 65536)
    ).fill_null(False)
    found = found.with_columns(plain.alias("plain"))
    easy = found.filter("plain")
    others = found.filter(~pl.col("plain")).select("at", "url")
    parsed = _parsed_table(others["url"].to_list(), jobs, executor).with_columns(others["at"])
    parsed = parsed.select("at", *PARTS_SCHEMA)
    return pl.concat([_plain_table(easy), parsed], how="vertical_relaxed").sort("at")


class KnownParts:
    """The parts of the distinct URLs of the last build into an output folder (`load`), for
    `parts_table` to take instead of working them out again: a URL's parts are a function of
    its text and of this module (and w3lib, and Python's URL parsing), which the saved table's
    header names. `found` is this build's table, to `save` for the next."""

    def __init__(self, table: pl.DataFrame | None = None) -> None:
        self.table = table
        self.found: pl.DataFrame | None = None

    @classmethod
    def load(cls, folder: Path) -> KnownParts:
        """The table saved in `folder` by the same URL code; none when missing or damaged."""
        loaded = read_table_folder(folder, ["parts"], _parts_header())
        if loaded is None or dict(loaded[0].schema) != PARTS_SCHEMA:
            return cls()
        return cls(loaded[0])

    def save(self, folder: Path) -> None:
        """Keep this build's parts in `folder` (when it worked any out)."""
        if self.found is not None:
            replace_table_folder(folder, {"parts": self.found}, _parts_header())
        self.found = None


def _parts_header() -> dict[str, str]:
    code = Path(__file__).read_bytes()
    return {
        "urls": hashlib.sha256(code).hexdigest()[:16],
        "w3lib": version("w3lib"),
        "python": platform.python_version(),
    }


# A Google AMP cache URL of the plain kind (lower-case host, no port, no spaces), read by
# Polars as `unwrap_amp_cache` reads it; any other goes to `unwrap_amp_cache` itself.
_AMP_CACHE_URL = (
    r"(?s)^(?:https?)://[a-z0-9-]+(?:\.[a-z0-9-]+)*\.cdn\.ampproject\.org/[^/?#\s]*"
    r"(?P<secure>/s)?/(?P<site>[^/?#\s]*\.[^/?#\s]*)(?P<rest>/[^?#\s]*)?"
    r"(?:\?(?P<query>[^#\s]*))?(?:#.*)?$"
)


def _unwrapped(groups: pl.Expr) -> pl.Expr:
    """The page's own URL from the groups of `_AMP_CACHE_URL` (null when it did not match)."""
    scheme = pl.when(groups.struct.field("secure").is_not_null()).then(pl.lit("https://"))
    query = groups.struct.field("query")
    return pl.concat_str(
        scheme.otherwise(pl.lit("http://")),
        groups.struct.field("site"),
        groups.struct.field("rest").fill_null("/"),
        pl.when(query.is_not_null() & (query != "")).then("?" + query).otherwise(pl.lit("")),
    )


def _plain_table(found: pl.DataFrame) -> pl.DataFrame:
    """`_plain_parts`, column by column."""
    number = pl.col("port").cast(pl.Int64, strict=False)
    default = pl.when(pl.col("scheme") == "http").then(80).otherwise(443)
    port = (
        pl.when(number.is_not_null() & (number != 0) & (number != default))
        .then(pl.lit(":") + number.cast(pl.String))
        .otherwise(pl.lit(""))
    )
    host = pl.col("host").str.strip_prefix("www.")
    table = found.select(
        "at", "url", host.alias("host"), port.alias("port"),
        pl.col("path").str.strip_chars("/").alias("path"), pl.col("query"),
    )  # fmt: skip
    return (
        table.drop("query")
        .join(_kept_queries(table), on="url", how="left")
        .with_columns(pl.col("query").fill_null(""))
        .select("at", *PARTS_SCHEMA)
    )


def _kept_queries(table: pl.DataFrame) -> pl.DataFrame:
    """`_identifying_params` of plain queries (only `[A-Za-z0-9._~=&-]`: nothing to unquote,
    and urlencode quotes nothing of it but a `=` in a value)."""
    pairs = (
        table.filter(pl.col("query").is_not_null() & (pl.col("query") != ""))
        .select("url", pl.col("query").str.split("&").alias("pair"))
        .explode("pair")
        .filter(pl.col("pair") != "")
        .with_columns(pl.col("pair").str.splitn("=", 2).alias("nv"))
        .select(
            "url",
            pl.col("nv").struct.field("field_0").alias("name"),
            pl.col("nv").struct.field("field_1").fill_null("").alias("value"),
        )
    )
    lowered, value = pl.col("name").str.to_lowercase(), pl.col("value").str.to_lowercase()
    tracking = lowered.is_in(list(TRACKING_PARAMS)) | pl.any_horizontal(
        *(lowered.str.starts_with(prefix) for prefix in TRACKING_PREFIXES)
    )
    amp_flag = (lowered == "amp") & value.is_in(list(AMP_FLAG_VALUES))
    amp_output = lowered.is_in(["outputtype", "output"]) & (value == "amp")
    kept = pairs.filter(~(tracking | amp_flag | amp_output)).sort("url", "name", "value")
    joined = pl.col("name") + "=" + pl.col("value").str.replace_all("=", "%3D", literal=True)
    return kept.group_by("url", maintain_order=True).agg(joined.str.join("&").alias("query"))


def _parsed_table(urls: list[str], jobs: int, executor: Executor | None) -> pl.DataFrame:
    """`url_parts` of URLs that are not plain, one by one."""
    index = UrlIndex()
    index.parse_all(urls, jobs, executor)
    rows = [(url, *(index.parts(url) or (None, None, None, None))) for url in urls]
    return pl.DataFrame(rows, schema=PARTS_SCHEMA, orient="row")


def canonical_url(url: str, rules: AmpRules | None = None) -> str | None:
    """The identity of the page at `url`, or None when it is not an http(s) URL.

    >>> canonical_url("http://WWW.Example.com:80/a/?utm_source=x&amp=1&id=7#top")
    'https://example.com/a?id=7'
    >>> canonical_url("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a?amp")
    'https://example.com/a'
    """
    parts = url_parts(url)
    return None if parts is None else (rules or AmpRules()).apply(parts)


def url_parts(url: str) -> UrlParts | None:
    """The parts of a URL's identity (see `UrlParts`), or None when it is not an http(s) URL.

    >>> url_parts("http://www.example.com:8080/amp/a/?utm_source=x&b=2&a=1")
    UrlParts(host='example.com', port=':8080', path='amp/a', query='a=1&b=2')
    """
    page = unwrap_amp_cache(url)
    plain = _PLAIN_URL.fullmatch(page)
    if plain and "xn--" not in plain["host"] and int(plain["port"] or 0) < 65536:
        return _plain_parts(*plain.group("scheme", "host", "port", "path", "query"))
    return parsed_parts(page)


def parsed_parts(url: str) -> UrlParts | None:
    """`url_parts` by w3lib's canonicalisation, whatever the URL."""
    parts = _split(unwrap_amp_cache(url))
    if parts is None:
        return None
    port = parts.port if parts.port not in (None, DEFAULT_PORTS.get(parts.scheme)) else None
    return UrlParts(
        _bare_host(parts.hostname), f":{port}" if port else "", _segments(parts.path),
        urlencode(_identifying_params(parts.query), doseq=True),
    )  # fmt: skip


# A URL that canonicalisation leaves as it is (lower-case host of plain labels, a path of
# unreserved characters without dot segments, a query without escapes): most of a feed's.
# Its parts are read off directly, without w3lib's 40 µs (tests/test_urls.py compares them).
_PLAIN_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63})(?::(?P<port>[0-9]{1,5}))?"
    r"(?P<path>(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?)(?:\?(?P<query>[A-Za-z0-9._~=&-]*))?(?:#.*)?",
    re.DOTALL,
)


def _plain_parts(
    scheme: str, host: str, port: str | None, path: str, query: str | None
) -> UrlParts:
    number = int(port) if port else None
    kept = f":{number}" if number and number != DEFAULT_PORTS[scheme] else ""
    query_kept = urlencode(_identifying_params(query), doseq=True) if query else ""
    return UrlParts(_bare_host(host), kept, _segments(path), query_kept)


def host_of(url: str) -> str | None:
    """The host of a URL without `www.`, lower case (the outlet key when a domain is missing)."""
    parts = url_parts(url)
    return parts.host if parts else None


def domain_key(domain: str) -> str | None:
    """An outlet key from a declared domain, which may come as a host or as a URL."""
    text = domain.strip().lower()
    if "://" not in text:
        text = f"https://{text}"
    return host_of(text)


def unwrap_amp_cache(url: str) -> str:
    """Turn a Google AMP cache URL (`*.cdn.ampproject.org/c/s/host/path`) into the page's URL."""
    if AMP_CACHE_SUFFIX not in url.lower():  # most are not: skip parsing them twice
        return url
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    if not (parts.hostname or "").endswith(AMP_CACHE_SUFFIX):
        return url
    segments = parts.path.split("/")[2:]  # drop "" and the mode (c, v, i, r, ...)
    scheme = "http"
    if segments and segments[0] == "s":
        scheme, segments = "https", segments[1:]
    if not segments or "." not in segments[0]:
        return url
    return urlunsplit((scheme, segments[0], "/" + "/".join(segments[1:]), parts.query, ""))


# A "%" that starts no escape is a literal one, which a URL writes "%25". Left as it is,
# w3lib decodes the escape after it ("%%32" to "%2") and makes a new one, so that the
# canonical form of the canonical form would differ (hypothesis found "/%%321").
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(canonicalize_url(_STRAY_PERCENT.sub("%25", url.strip())))
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts


def _bare_host(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return sys.intern(host[4:] if host.startswith("www.") else host)  # a few thousand recur


def _segments(path: str) -> str:
    """The path without empty segments ("/a//b/" is "a/b")."""
    stripped = path.strip("/")
    return stripped if "//" not in stripped else "/".join(s for s in stripped.split("/") if s)


def _identifying_params(query: str) -> list[tuple[str, str]]:
    kept = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        lowered = name.lower()
        if lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES):
            continue
        if lowered == "amp" and value.lower() in AMP_FLAG_VALUES:
            continue
        if lowered in ("outputtype", "output") and value.lower() == "amp":
            continue
        kept.append((name, value))
    return sorted(kept)
