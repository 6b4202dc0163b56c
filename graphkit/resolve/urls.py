"""One identity per article URL: the many forms a feed uses reduce to one canonical URL.

Generic URL normalisation (percent-encoding, query order) is w3lib's, Scrapy's well-kept
canonicaliser; what is specific to news feeds (AMP forms, tracking parameters, `www.`) is here.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from ..util import worker_count, worker_pool

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

    def parse_all(self, urls: Iterable[str], jobs: int = 1) -> None:
        """Work out the parts of many URLs at once: in `jobs` worker processes (0: one per
        core) when there are enough to repay starting them, for parsing is most of resolving."""
        todo = [url for url in dict.fromkeys(urls) if url not in self._parts]
        workers = worker_count(jobs)
        if workers == 1 or len(todo) < PARALLEL_FROM:
            for url in todo:
                self.parts(url)
            return
        batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
        with worker_pool(min(workers, len(batches))) as pool:
            for batch, found in zip(batches, pool.map(_parts_of, batches), strict=True):
                self._parts.update(zip(batch, found, strict=True))

    def canonical(self, url: str, rules: AmpRules) -> str | None:
        parts = self.parts(url)
        return None if parts is None else rules.apply(parts)


def _parts_of(urls: list[str]) -> list[UrlParts | None]:
    return [url_parts(url) for url in urls]


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


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(canonicalize_url(url.strip()))
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
