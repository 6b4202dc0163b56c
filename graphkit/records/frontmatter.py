"""Safe loading of YAML front matter and JSON records into plain Python values.

YAML goes through yaml-rs (Rust, about eight times faster than libyaml here) when that gives
exactly what PyYAML's safe loader gives, and through PyYAML otherwise. yaml-rs follows YAML
1.2, PyYAML 1.1: they differ on a few plain scalars (`012`, `0o17`, `1e3`, `1:30`, unquoted
times), and yaml-rs accepts tags, control characters and several documents that PyYAML
refuses. So a file goes to PyYAML when its text has any of those forms (`_only_pyyaml`), when
yaml-rs refuses it (PyYAML then gives the error, with its line), or when a loaded text could
have been typed otherwise by PyYAML (`_typed_as_pyyaml`). The records, values and errors are
PyYAML's in every case; the fast path is only taken where it cannot differ.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
import re2
import yaml
import yaml_rs

from .times import parse_time

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster
_BOOL = "tag:yaml.org,2002:bool"


class RecordLoader(_Base):  # type: ignore[misc]
    """Safe YAML loader that keeps `yes`/`no`/`on`/`off` as text.

    YAML 1.1 would turn a topic named `NO` (Norway) into False; only true/false are booleans.
    """


RecordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
RecordLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_RESOLVERS_TIME = next(
    pattern for _, pairs in RecordLoader.yaml_implicit_resolvers.items()
    for tag, pattern in pairs if tag == _TIMESTAMP
)  # fmt: skip


class LoadError(ValueError):
    """A file or line that cannot be read as a record; `line` is 1-based when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


# Where `str.splitlines` ends a line; the front matter's lines are its lines.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_FIRST_LINE_END = re.compile(f"\r\n|[{_LINE_BREAKS}]")
_DASHES_TO_LINE_END = re.compile("---(?:\r|\n|\\Z)")  # a literal first: a fast search


def split_front_matter(text: str) -> tuple[str, int]:
    """Return the YAML between the opening `---` line and the next line that is exactly `---`.

    Values may contain `---` themselves, so only whole lines count.

    >>> split_front_matter("---\\ntitle: a --- b\\n---\\nbody")
    ('title: a --- b\\n', 1)
    """
    body = text.lstrip("\ufeff")
    first = _FIRST_LINE_END.search(body)  # searches in C, not a loop over every line
    if first is not None and body[: first.start()].rstrip() == "---":
        start = first.end()
        while (dashes := _DASHES_TO_LINE_END.search(body, start)) is not None:
            if body[dashes.start() - 1] in _LINE_BREAKS:  # the dashes start a line
                return body[first.end() : dashes.start()], 1
            start = dashes.start() + 1
    return split_by_lines(text)


def split_by_lines(text: str) -> tuple[str, int]:
    """`split_front_matter` line by line: what it must give, and its errors with their line."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise LoadError("no front matter: the first line is not '---'", 1)
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") == "---":
            return "".join(lines[1:number]), 1
    raise LoadError("front matter is not closed by a line '---'", len(lines))


MAX_NESTING = 64
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def check_nesting(text: str) -> None:
    """Refuse text nested deeper than any record needs: libyaml overflows C's stack (and
    crashes the process) on tens of thousands of `[`, and json recurses as deep.

    >>> check_nesting("[" * 100)
    Traceback (most recent call last):
    graphkit.records.frontmatter.LoadError: nested deeper than 64 levels
    """
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return  # too few brackets to nest that deep (most records): no need to look further
    depth = 0
    for bracket in _NOT_BRACKET.sub("", text):  # C-speed filter; the loop sees brackets only
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        if depth > MAX_NESTING:
            raise LoadError(f"nested deeper than {MAX_NESTING} levels")


TIME_KEYS = frozenset({"publishedDateTime", "updatedDateTime"})
# What only PyYAML reads as PyYAML does: characters its reader refuses (yaml-rs takes them),
# tabs (PyYAML refuses more of them), YAML 1.1's line breaks NEL, LS and PS (1.2 has none);
# tags, anchors and aliases at the start of a node, merges, complex keys, further documents;
# and plain numbers that YAML 1.1 and 1.2 read apart (1.1 octal `012`, 1.2's `0o17` and `1e3`).
# One pattern, written so that Python's engine and RE2 read it alike (code points as the
# characters themselves; Python's Unicode `\s` spelt out, RE2's is ASCII): RE2 scans a record
# in 15 µs where Python's backtracking engine took 90 (tests/test_yaml_paths.py compares them).
_SPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())  # none special
ONLY_PYYAML_PATTERN = "|".join(
    [
        "[^\n\r -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]",
        r"(?:[:\-,\[{?][ \t]*|\n[ \t]*)[!&*]",  # a tag, anchor or alias starts a node
        r"\n(?:[ \t]*\?|---|\.\.\.)(?:[ \t\n]|$)",  # a complex key, another document
        f"[{_SPACE}\\[{{,][-+]?(?:0[0-9o]|[0-9][0-9_]*[eE][-+]?[0-9])",  # a number apart
        "<<",  # a merge
    ]
)
_ONLY_PYYAML = re2.compile(ONLY_PYYAML_PATTERN)
_NODE_START = ("!", "&", "*", "?")


def _only_pyyaml(text: str) -> bool:
    """Whether `text` has a form that yaml-rs might read otherwise than PyYAML.

    >>> _only_pyyaml("title: Johnson & Johnson"), _only_pyyaml("a: &a x"), _only_pyyaml("n: 012")
    (False, True, True)
    """
    try:
        return text.lstrip()[:1] in _NODE_START or _ONLY_PYYAML.search(text) is not None
    except UnicodeEncodeError:  # a lone surrogate (RE2 reads UTF-8): a character PyYAML refuses
        return True


def _scoped(pattern: re.Pattern[str]) -> str:
    """A pattern as a group of a larger one, with its own verbose flag (PyYAML's use it)."""
    return f"(?{'x' if pattern.flags & re.VERBOSE else ''}:{pattern.pattern})"


# For each first character a plain scalar can start with ("" is none), the one pattern that
# any of PyYAML's resolvers for it would match: one match per text, not one per resolver.
_RETYPED_BY_START = {
    first: re.compile("|".join(_scoped(pattern) for _, pattern in resolvers))
    for first, resolvers in RecordLoader.yaml_implicit_resolvers.items()
    if first and resolvers  # `o`, `y`, ... had only the booleans RecordLoader leaves out
}
_RETYPED_STARTS = frozenset(_RETYPED_BY_START)
_PYYAML_TIMES = yaml.constructor.SafeConstructor()


class _NotTheSame(Exception):
    """PyYAML might load this text otherwise than yaml-rs did."""


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Load YAML safely; `first_line` is the file line the text starts after.

    >>> load_yaml("title: NO\\nquality: 59\\npublishedDateTime: 2021-02-18T16:13:00Z")["title"]
    'NO'
    """
    check_nesting(text)
    if not _only_pyyaml(text):
        try:
            return _typed_as_pyyaml(yaml_rs.loads(text, parse_datetime=False))
        except (yaml_rs.YAMLDecodeError, _NotTheSame, ValueError, OverflowError):
            pass  # PyYAML decides: its value, or its error with a line
    return _load_with_pyyaml(text, first_line)


def _typed_as_pyyaml(data: Any) -> Any:
    """yaml-rs's values as PyYAML would type them, or _NotTheSame where that is unsure.

    A text that a PyYAML resolver would read as another type (a number, a time, null) may
    have been plain in the file, or quoted: only PyYAML's own loading can tell. Times are
    the exception where PyYAML's time and the text read as a time agree: a record's time is
    the same either way.
    """
    stack = [data]
    while stack:  # exact types and a first-character filter: this runs on every value read
        node = stack.pop()
        if type(node) is dict:
            if not node.keys() <= _PLAIN_KEYS:  # the same few keys in every record: once each
                _check_keys(node)
            for key, value in node.items():
                if type(value) is str:
                    pattern = _RETYPED_BY_START.get(value[:1])  # most texts have none
                    if (
                        pattern is not None
                        and pattern.match(value) is not None
                        and (key not in TIME_KEYS or not _same_time(value))
                    ):
                        raise _NotTheSame
                elif type(value) is dict or type(value) is list:
                    stack.append(value)
        elif type(node) is list:
            for value in node:
                if type(value) is str:
                    if value[:1] in _RETYPED_STARTS and _retyped(value):
                        raise _NotTheSame
                elif type(value) is dict or type(value) is list:
                    stack.append(value)
    return data


_PLAIN_KEYS: set[Any] = set()  # keys seen to be texts no resolver retypes
_MAX_PLAIN_KEYS = 4096  # bounded: hostile files may bring a new key in every record


def _check_keys(node: dict[Any, Any]) -> None:
    for key in node:
        if type(key) is not str or _retyped(key):
            raise _NotTheSame
        if len(_PLAIN_KEYS) < _MAX_PLAIN_KEYS:
            _PLAIN_KEYS.add(key)


def _retyped(text: str) -> bool:
    """Whether a PyYAML resolver (other than text) would read `text`, were it plain."""
    pattern = _RETYPED_BY_START.get(text[:1])  # most texts (words, URLs) have none
    return pattern is not None and pattern.match(text) is not None


# ISO 8601 times as feeds write them, which PyYAML and `datetime.fromisoformat` read alike
# (tests/test_yaml_paths.py checks it on generated times).
PLAIN_ISO_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


def _same_time(text: str) -> bool:
    """Whether PyYAML's time of a plain `text` is the time a quoted one reads as."""
    if PLAIN_ISO_TIME.fullmatch(text):
        try:  # an impossible day (02-30) is PyYAML's error to give
            datetime.fromisoformat(text)
        except ValueError:
            return False
        return True
    if not _RESOLVERS_TIME.match(text):
        return False
    value = _PYYAML_TIMES.construct_yaml_timestamp(yaml.ScalarNode(_TIMESTAMP, text))
    return parse_time(value) == parse_time(text)


# What a person most likely has to change, for PyYAML's most common complaints.
_QUOTE_IT = " (a value with ': ' in it needs quotes: title: \"Fed: rates on hold\")"
_HINTS = {
    "mapping values are not allowed here": _QUOTE_IT,  # PyYAML's words
    "mapping values are not allowed in this context": _QUOTE_IT,  # libyaml's
}


def _load_with_pyyaml(text: str, first_line: int) -> Any:
    try:
        data = yaml.load(text, Loader=RecordLoader)  # noqa: S506 - RecordLoader is a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + first_line if mark else None
        reason = f"malformed YAML: {error.problem or error.context}"
        raise LoadError(reason + _HINTS.get(error.problem or "", ""), line) from None
    except yaml.YAMLError as error:
        raise LoadError(f"malformed YAML: {one_line(str(error))}") from None
    except (ValueError, OverflowError) as error:  # a timestamp like 2021-02-30 or year 99999
        raise LoadError(f"unreadable value: {one_line(str(error))}") from None
    reject_shared_nodes(data)
    return data


def load_json_documents(text: str, jsonl: bool) -> Iterator[tuple[Any, int | None]]:
    """Yield (document, line) pairs: each line of JSON Lines, or the items of a JSON file."""
    if jsonl:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield _json_line(line, number), number
        return
    check_nesting(text)
    try:
        data = _json(text)
    except json.JSONDecodeError as error:
        raise LoadError(
            f"malformed JSON: {error.msg} (column {error.colno})", error.lineno
        ) from None
    items = data if isinstance(data, list) else [data]
    for item in items:
        yield item, None


def _json(text: str) -> Any:
    """JSON by orjson (several times faster), by json where orjson refuses it: json takes a
    little more (NaN, integers beyond 64 bits), and gives the message for what neither takes.
    Where both take a text, they give the same values."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _json_line(line: str, number: int) -> Any:
    try:
        check_nesting(line)
        return _json(line)
    except LoadError as error:
        return LoadError(error.reason, number)
    except json.JSONDecodeError as error:
        return LoadError(f"malformed JSON: {error.msg} (column {error.colno})", number)


def reject_shared_nodes(data: Any) -> None:
    """Refuse YAML anchors/aliases on containers: they are how alias bombs explode.

    The C loader builds aliases as shared objects cheaply; walking them would not end.
    """
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                raise LoadError("YAML aliases are not allowed in records (possible alias bomb)")
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)


def one_line(text: str, limit: int = 80) -> str:
    """A value or message made safe for a one-line report: no newlines, bounded length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
