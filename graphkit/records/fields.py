"""Check a loaded record's fields and turn them into a `Record`, or say what is wrong.

Wrong types reject the record; a bad related entry is dropped on its own; missing optional
fields are not errors. Values are untrusted text: they are kept as data, never interpreted.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from .frontmatter import one_line
from .model import Image, Mention, Problem, Record, Severity
from .times import TimeFormatError, parse_time

URL_FIELDS = ("webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl")
# The fields a record is read from (any other is left alone: `secured`, `isCached`, ...): an
# article's, and the record's own besides; an outlet's and an image's.
MENTION_FIELDS = (
    "title", "excerpt", "publishedDateTime", *URL_FIELDS, "type", "quality", "heat", "provider",
    "images",
)  # fmt: skip
RECORD_FIELDS = (
    *MENTION_FIELDS, "related", "topics", "categories", "category", "tags", "locale",
    "updatedDateTime",
)  # fmt: skip
PROVIDER_FIELDS = ("name", "domain")
IMAGE_FIELDS = ("url", "width", "height")
MAX_TEXT = 10_000
# Control characters, lone surrogates (from JSON escapes) and non-characters: no text needs
# them, and XML (GraphML, GEXF) and UTF-8 writers cannot carry them.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class FieldError(ValueError):
    """A field whose value cannot be used; the message names the field, and `key` is the
    record's top-level key it is under (where its line is found), when there is one."""

    def __init__(self, message: str, line: int | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.key = key


Locate = Callable[[str], "int | None"]


def to_record(
    raw: object, source: str, line: int | None = None, locate: Locate | None = None
) -> tuple[Record, list[Problem]]:
    """Validate one loaded record. Raises FieldError when the record cannot be used.

    `line` is where the record starts (JSON Lines); `locate(key)` finds a key's line in
    front matter, so errors can point at the field.
    """
    if not isinstance(raw, Mapping):
        raise FieldError(f"a record must be a mapping of fields, got {_kind(raw)}", line)
    locate = locate or (lambda _key: line)
    notes: list[Problem] = []
    try:
        return _record(raw, source, line, locate, notes), notes
    except FieldError as error:
        where = error.line or (locate(error.key) if error.key else line)
        raise FieldError(str(error), where, error.key) from None


def _record(
    raw: Mapping[str, Any], source: str, line: int | None, locate: Locate, notes: list[Problem]
) -> Record:
    article = _mention(raw, own_record=True, notes=notes, source=source)
    related = []
    for index, entry in enumerate(_list(raw, "related"), start=1):
        try:
            if not isinstance(entry, Mapping):
                raise FieldError(f"expected a mapping, got {_kind(entry)}")
            related.append(_mention(entry, own_record=False, notes=notes, source=source))
        except FieldError as error:
            reason = f"related entry {index} dropped: {error}"
            notes.append(Problem(source, reason, Severity.DROPPED, locate("related")))
    categories = [*_texts(raw, "categories"), *filter(None, [_shared(_text(raw, "category"))])]
    return Record(
        source=source,
        article=article,
        related=tuple(related),
        topics=tuple(_texts(raw, "topics")),
        categories=tuple(categories),
        tags=tuple(_texts(raw, "tags")),
        locale=_shared(_text(raw, "locale")),
        updated=_optional_time(raw, "updatedDateTime", notes, source),
        line=line,
    )


def _mention(
    raw: Mapping[str, Any], own_record: bool, notes: list[Problem], source: str
) -> Mention:
    urls = _urls(raw, notes, source)
    provider = raw.get("provider")
    if provider is not None and not isinstance(provider, Mapping):
        raise FieldError(
            f"provider: expected a mapping with name and domain, got {_kind(provider)}",
            key="provider",
        )
    provider = provider or {}
    published_raw = raw.get("publishedDateTime")
    published, has_zone = None, True
    if published_raw is not None:
        try:
            parsed = parse_time(published_raw)
        except TimeFormatError as error:
            raise FieldError(f"publishedDateTime: {error}", key="publishedDateTime") from None
        published, has_zone = parsed.value, parsed.has_zone
    return Mention(
        urls=urls,
        title=_text(raw, "title"),
        excerpt=_text(raw, "excerpt"),
        published=published,
        published_raw=None if published_raw is None else one_line(str(published_raw), 64),
        time_has_zone=has_zone,
        provider_name=_shared(_text(provider, "name", "provider.name")),
        provider_domain=_shared(_text(provider, "domain", "provider.domain")),
        quality=_number(raw, "quality"),
        heat=_number(raw, "heat"),
        type=_shared(_text(raw, "type")),
        images=_images(raw),
        own_record=own_record,
    )


def _urls(raw: Mapping[str, Any], notes: list[Problem], source: str) -> tuple[str, ...]:
    good, bad, bad_names = [], [], []
    for name in URL_FIELDS:
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(value, str) and is_web_url(clean_text(value)):
            good.append(clean_text(value))
        else:
            bad.append(f"{name} {one_line(repr(value), 60)} is not an http(s) URL")
            bad_names.append(name)
    if not bad_names and not good:
        raise FieldError("no URL at all (webUrl, originalUrl, ...)")
    if not good:
        raise FieldError("; ".join(bad), key=bad_names[0])
    for reason in bad:
        notes.append(Problem(source, f"ignored {reason}", Severity.WARNING))
    return tuple(dict.fromkeys(good))


# An http(s) URL whose host is plain letters, digits, dots and hyphens (nearly all of them):
# urlsplit would find that scheme and a host in it, so it need not be asked (it costs 20 µs).
_PLAIN_WEB_URL = re.compile(r"(?i:https?)://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#]|\Z)")


@lru_cache(maxsize=1 << 16)  # related lists repeat URLs from file to file
def is_web_url(value: str) -> bool:
    """Whether a text is an http(s) URL with a host.

    >>> is_web_url("https://a.example/x"), is_web_url("javascript:alert(1)")
    (True, False)
    """
    if _PLAIN_WEB_URL.match(value):
        return True
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _text(raw: Mapping[str, Any], key: str, label: str | None = None) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        # `label` is the dotted path of a nested field (provider.name): its line is provider's
        top = (label or key).partition(".")[0]
        raise FieldError(f"{label or key}: expected text, got {_kind(value)}", key=top)
    text = clean_text(str(value))
    return text[:MAX_TEXT] or None


def clean_text(text: str) -> str:
    """Text without characters no output can carry, and without surrounding space.

    >>> clean_text(" caf\\u00e9\\x00\\x1b[31m ")
    'café[31m'
    """
    if text.isprintable():  # C speed, and true of most titles: no character to remove
        return text.strip()
    return _UNWRITABLE.sub("", text).strip()


def _texts(raw: Mapping[str, Any], key: str) -> list[str]:
    values = _list(raw, key)
    texts = []
    for value in values:
        if isinstance(value, dict | list):
            raise FieldError(f"{key}: expected a list of text, found {_kind(value)} in it", key=key)
        if value is not None and str(value).strip():
            texts.append(sys.intern(clean_text(str(value))[:MAX_TEXT]))
    return texts


def _shared(text: str | None) -> str | None:
    """One object for each of the texts that recur from record to record (outlets, types,
    locales, topics): a million records repeat a few thousand, and held once each they are
    a tenth less memory; records pickled together between processes share them too."""
    return None if text is None else sys.intern(text)


def _list(raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        got = f"{_kind(value)} {one_line(repr(value), 40)}"
        raise FieldError(f"{key}: expected a list, got {got}", key=key)
    return value


def _number(raw: Mapping[str, Any], key: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    got = f"{_kind(value)} {one_line(repr(value), 40)}"
    raise FieldError(f"{key}: expected a number, got {got}", key=key)


def _images(raw: Mapping[str, Any]) -> tuple[Image, ...]:
    images = []
    for entry in _list(raw, "images"):
        if not isinstance(entry, Mapping):
            raise FieldError(
                f"images: expected mappings with a url, found {_kind(entry)}", key="images"
            )
        url = entry.get("url")
        if isinstance(url, str) and is_web_url(url):
            images.append(Image(url, _int(entry, "width"), _int(entry, "height")))
    return tuple(images)


def _int(raw: Mapping[str, Any], key: str) -> int | None:
    number = _number(raw, key)
    try:
        return image_size(number)
    except ValueError:
        raise FieldError(f"images: {key}: expected a size, got {number!r}", key="images") from None


def image_size(number: float | None) -> int | None:
    """An image's width or height as a whole number (None stays None); ValueError for one
    that is not finite or beyond 64 bits.

    >>> image_size(1200.0), image_size(None)
    (1200, None)
    """
    if number is None:
        return None
    number = float(number)
    if not math.isfinite(number) or abs(number) >= 2.0**63:
        raise ValueError(f"no size: {number!r}")
    size = int(number)
    # Image sizes recur (1200, 630, ...): one int object each; the bound keeps hostile
    # data from growing the table.
    return _SIZES.setdefault(size, size) if 0 <= size < _SHARED_SIZES else size


_SHARED_SIZES = 8192
_SIZES: dict[int, int] = {}


def _optional_time(raw: Mapping[str, Any], key: str, notes: list[Problem], source: str) -> Any:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return parse_time(value).value
    except TimeFormatError as error:
        notes.append(Problem(source, f"ignored {key}: {error}", Severity.WARNING))
        return None


def _kind(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean"}
    return names.get(type(value), type(value).__name__)
