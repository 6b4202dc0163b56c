"""Safe loading of YAML front matter and JSON records into plain Python values."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml

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


class LoadError(ValueError):
    """A file or line that cannot be read as a record; `line` is 1-based when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def split_front_matter(text: str) -> tuple[str, int]:
    """Return the YAML between the opening `---` line and the next line that is exactly `---`.

    Values may contain `---` themselves, so only whole lines count.

    >>> split_front_matter("---\\ntitle: a --- b\\n---\\nbody")
    ('title: a --- b\\n', 1)
    """
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
    depth = 0
    for bracket in _NOT_BRACKET.sub("", text):  # C-speed filter; the loop sees brackets only
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        if depth > MAX_NESTING:
            raise LoadError(f"nested deeper than {MAX_NESTING} levels")


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Load YAML safely; `first_line` is the file line the text starts after."""
    check_nesting(text)
    try:
        data = yaml.load(text, Loader=RecordLoader)  # noqa: S506 - RecordLoader is a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + first_line if mark else None
        raise LoadError(f"malformed YAML: {error.problem or error.context}", line) from None
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
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(
            f"malformed JSON: {error.msg} (column {error.colno})", error.lineno
        ) from None
    items = data if isinstance(data, list) else [data]
    for item in items:
        yield item, None


def _json_line(line: str, number: int) -> Any:
    try:
        check_nesting(line)
        return json.loads(line)
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
