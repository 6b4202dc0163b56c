"""Article URLs: canonical, AMP and AMP-cache forms, and the variants aggregators list."""

from __future__ import annotations

import base64
import random
import re
from datetime import UTC, datetime

from .model import Article, Outlet
from .vocabulary import SECTIONS


def slug(text: str, words: int = 9) -> str:
    """URL slug of the first words of a title.

    >>> slug("Apple unveils new AI chip, in India!")
    'apple-unveils-new-ai-chip-in-india'
    """
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words]) or "story"


def cdn_amp(amp_url: str) -> str:
    """AMP-cache form of an AMP URL.

    >>> cdn_amp("https://www.my-news.com/a?amp")
    'https://www-my--news-com.cdn.ampproject.org/c/s/www.my-news.com/a?amp'
    """
    rest = amp_url.split("://", 1)[1]
    host = rest.split("/", 1)[0]
    return f"https://{host.replace('-', '--').replace('.', '-')}.cdn.ampproject.org/c/s/{rest}"


def amp_url(url: str, style: int) -> str | None:
    """AMP form of a canonical URL for an outlet's AMP style (0 = none)."""
    if style == 1:
        return url + "?amp"
    if style == 2:
        return url + "?outputType=amp"
    if style == 3:
        return url + "amp/" if url.endswith("/") else url + "?amp=1"
    return None


def article_url(
    rng: random.Random, outlet: Outlet, art: Article, fallback: float, used: set[str]
) -> str:
    """A new canonical URL for ``art`` in ``outlet``'s style; adds it to ``used``.

    ``fallback`` stands in for the publication time of an undated article.
    """
    path = _url_path(rng, outlet.url_style, art, fallback)
    url = f"https://www.{outlet.domain}{path}"
    n = 2
    while url in used:
        url = f"https://www.{outlet.domain}{path.rstrip('/')}-{n}" + (
            "/" if path.endswith("/") else ""
        )
        n += 1
    used.add(url)
    return url


def _url_path(rng: random.Random, style: int, art: Article, fallback: float) -> str:
    """The path of an article URL in one of five styles."""
    words = slug(art.title)
    stamp = datetime.fromtimestamp(art.ts if art.ts is not None else fallback, UTC)
    section = rng.choice(SECTIONS)
    if style == 0:
        return f"/{section}/{stamp:%Y/%m/%d}/{words}/"
    if style == 1:
        return f"/{section}/{words}-{rng.randrange(10**7, 10**8)}"
    if style == 2:
        return f"/{section}/{rng.randrange(10**7, 10**9)}"
    if style == 3:
        return f"/{stamp:%Y/%m/%d}/{words}.html"
    return f"/article/{words}-{rng.getrandbits(48):012x}"


def url_variant(rng: random.Random, art: Article) -> str:
    """A tracking/scheme/AMP/fragment variant of an article's canonical URL."""
    url = art.url
    kinds = rng.sample(("http", "utm", "click", "fragment", "amp", "nowww"), rng.choice((1, 1, 2)))
    query: list[str] = []
    if "amp" in kinds:
        url = art.amp if art.amp and "?" not in art.amp else url
        if url == art.url:
            query.append("amp")
    if "utm" in kinds:
        src = rng.choice(("twitter", "facebook", "rss", "newsletter"))
        query.append(f"utm_source={src}&utm_medium=social&utm_campaign=news")
    if "click" in kinds:
        key = rng.choice(("fbclid", "gclid"))
        query.append(f"{key}={base64.urlsafe_b64encode(rng.randbytes(12)).decode().rstrip('=')}")
    if query:
        url += ("&" if "?" in url else "?") + "&".join(query)
    if "fragment" in kinds:
        url += rng.choice(("#comments", "#main", "#section-2", "#top"))
    if "http" in kinds:
        url = "http://" + url[len("https://") :]
    if "nowww" in kinds:
        url = url.replace("://www.", "://", 1)
    return url
