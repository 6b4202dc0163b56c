"""Page file names: made from story, outlet and topic keys, always inside the output folder.

A name keeps a readable slug of the key (letters and digits only) and adds a hash of the kind
and the whole key, so two keys never share a file and no key can climb out of `views/`.

>>> page_name("outlet", "bbc.co.uk")
'views/outlet/bbc-co-uk-2138025bcb.html'
>>> page_name("topic", "../../etc/passwd")
'views/topic/etc-passwd-8c890c4265.html'
"""

from __future__ import annotations

import hashlib
import re

KINDS = ("story", "outlet", "topic")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def page_name(kind: str, key: str) -> str:
    """The page of one story, outlet or topic, relative to the output folder."""
    if kind not in KINDS:
        raise ValueError(f"no pages of kind {kind!r}")
    slug = _NOT_SLUG.sub("-", key.casefold()).strip("-")[:40].strip("-") or kind
    digest = hashlib.sha1(f"{kind}\0{key}".encode(), usedforsecurity=False).hexdigest()[:10]
    return f"views/{kind}/{slug}-{digest}.html"
