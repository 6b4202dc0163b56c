"""One identity per article URL: the many forms a feed uses reduce to one canonical URL.

Generic URL normalisation (percent-encoding, query order) is w3lib's, Scrapy's well-kept
canonicaliser; what is specific to news feeds (AMP forms, tracking parameters, `www.`) is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

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


@dataclass
class AmpRules:
    """How each site marks its AMP pages, learned from records that give both forms.

    A path segment `amp` is only dropped on sites whose own records show they use it, since
    elsewhere `/amp/` can be a real part of the address.
    """

    leading: set[str] = field(default_factory=set)
    trailing: set[str] = field(default_factory=set)
    hosts: dict[str, str] = field(default_factory=dict)  # amp host -> web host

    def learn(self, web_url: str, amp_url: str) -> None:
        """Compare an article's web and AMP URLs and remember the site's AMP pattern."""
        web, amp = _split(unwrap_amp_cache(web_url)), _split(unwrap_amp_cache(amp_url))
        if web is None or amp is None:
            return
        web_host, amp_host = _bare_host(web.hostname), _bare_host(amp.hostname)
        if amp_host == f"amp.{web_host}":
            self.hosts[amp_host] = web_host
        web_parts, amp_parts = _segments(web.path), _segments(amp.path)
        if amp_parts == ["amp", *web_parts]:
            self.leading.add(web_host)
        elif amp_parts == [*web_parts, "amp"]:
            self.trailing.add(web_host)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> AmpRules:
        rules = cls()
        for web_url, amp_url in pairs:
            rules.learn(web_url, amp_url)
        return rules


def canonical_url(url: str, rules: AmpRules | None = None) -> str | None:
    """The identity of the page at `url`, or None when it is not an http(s) URL.

    >>> canonical_url("http://WWW.Example.com:80/a/?utm_source=x&amp=1&id=7#top")
    'https://example.com/a?id=7'
    >>> canonical_url("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a?amp")
    'https://example.com/a'
    """
    parts = _split(unwrap_amp_cache(url))
    if parts is None:
        return None
    rules = rules or AmpRules()
    host = _bare_host(parts.hostname)
    host = rules.hosts.get(host, host)
    port = parts.port if parts.port not in (None, DEFAULT_PORTS.get(parts.scheme)) else None
    netloc = f"{host}:{port}" if port else host
    path = _identity_path(parts.path, host, rules)
    query = urlencode(_identifying_params(parts.query), doseq=True)
    return urlunsplit(("https", netloc, path, query, ""))


def host_of(url: str) -> str | None:
    """The host of a URL without `www.`, lower case (the outlet key when a domain is missing)."""
    parts = _split(unwrap_amp_cache(url))
    return _bare_host(parts.hostname) if parts else None


def domain_key(domain: str) -> str | None:
    """An outlet key from a declared domain, which may come as a host or as a URL."""
    text = domain.strip().lower()
    if "://" not in text:
        text = f"https://{text}"
    return host_of(text)


def unwrap_amp_cache(url: str) -> str:
    """Turn a Google AMP cache URL (`*.cdn.ampproject.org/c/s/host/path`) into the page's URL."""
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


@lru_cache(maxsize=1 << 18)  # feeds repeat URLs: every related mention of an article
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
    return host[4:] if host.startswith("www.") else host


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _identity_path(path: str, host: str, rules: AmpRules) -> str:
    """The path without the site's AMP segment and without a trailing slash.

    News sites serve `/a/b` and `/a/b/` as one page, and feeds mix the two.
    """
    named = _segments(path)
    if host in rules.leading and named[:1] == ["amp"]:
        named = named[1:]
    if host in rules.trailing and named[-1:] == ["amp"]:
        named = named[:-1]
    return "/" + "/".join(named)


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
