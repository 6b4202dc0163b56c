"""Where each page lives: one page per kind (`views/story.html`, ...) draws any story, outlet
or topic named in its address's fragment, from the data file its key hashes to.

Keys only ever appear percent-encoded in a fragment and as JSON inside data files; file names
are made of the kind and a shard number alone, so no key can name a file or climb out of
`views/`.

>>> page_name("outlet", "bbc.co.uk")
'views/outlet.html#bbc.co.uk'
>>> page_name("topic", "../../etc/passwd")
'views/topic.html#..%2F..%2Fetc%2Fpasswd'
>>> data_name("story", shard_of("s-1a2b3c4d5e6f", 64))
'views/data/story-055.js'
"""

from __future__ import annotations

from urllib.parse import quote

KINDS = ("story", "outlet", "topic")
_FNV_OFFSET, _FNV_PRIME = 0x811C9DC5, 0x01000193  # 32-bit FNV-1a: graphkit.js hashes alike


def page_file(kind: str) -> str:
    """The page that draws every story, outlet or topic of `kind`, relative to the output folder."""
    if kind not in KINDS:
        raise ValueError(f"no pages of kind {kind!r}")
    return f"views/{kind}.html"


def page_name(kind: str, key: str) -> str:
    """The address of one story's, outlet's or topic's page, relative to the output folder."""
    return f"{page_file(kind)}#{quote(key, safe='')}"


def shard_of(key: str, shards: int) -> int:
    """Which of a kind's `shards` data files holds the page of `key`."""
    value = _FNV_OFFSET
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return value % shards


def data_name(kind: str, shard: int) -> str:
    """The data file of one shard of a kind's pages."""
    if kind not in KINDS:
        raise ValueError(f"no pages of kind {kind!r}")
    return f"views/data/{kind}-{shard:03d}.js"
