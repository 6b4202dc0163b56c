"""Writing a record's YAML front matter straight to libyaml's emitter.

Building the events by hand bypasses PyYAML's slow representer; the output is what
``yaml.safe_dump`` would write, with :class:`Quoted` strings in double quotes and
:class:`Stamp` strings as plain timestamps.
"""

from __future__ import annotations

from typing import Any, TextIO

import yaml

try:
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_OK: dict[str, bool] = {}
_PLAIN_OK_LIMIT = 100_000


class Quoted(str):
    """A string dumped in double quotes."""


class Stamp(str):
    """An ISO timestamp dumped as a plain YAML timestamp."""


def dump_front_matter(doc: dict[str, Any], stream: TextIO) -> None:
    """Write ``doc`` between ``---`` lines with libyaml's safe emitter.

    >>> import io
    >>> out = io.StringIO()
    >>> dump_front_matter({"title": Quoted("Hi"), "tags": ["NO", 3]}, out)
    >>> print(out.getvalue(), end="")
    ---
    title: "Hi"
    tags:
    - 'NO'
    - 3
    ---
    """
    events: list[yaml.Event] = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    _events(doc, events)
    events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    stream.write("---\n")
    dumper = _BaseDumper(stream, allow_unicode=True, width=4096)
    for event in events:
        dumper.emit(event)
    stream.write("---\n")


def _plain_ok(text: str) -> bool:
    """Whether ``text`` reads back as a string when written unquoted (``NO`` does not)."""
    ok = _PLAIN_OK.get(text)
    if ok is None:
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        ok = tag == _STR
        if len(_PLAIN_OK) < _PLAIN_OK_LIMIT:
            _PLAIN_OK[text] = ok
    return ok


def _events(value: object, out: list[yaml.Event]) -> None:
    """Append the YAML events of a record value."""
    if isinstance(value, dict):
        out.append(yaml.MappingStartEvent(None, None, True, flow_style=False))
        for key, item in value.items():
            out.append(yaml.ScalarEvent(None, None, (_plain_ok(key), True), key))
            _events(item, out)
        out.append(yaml.MappingEndEvent())
    elif isinstance(value, list):
        out.append(yaml.SequenceStartEvent(None, None, True, flow_style=False))
        for item in value:
            _events(item, out)
        out.append(yaml.SequenceEndEvent())
    else:
        out.append(_scalar(value))


def _scalar(value: object) -> yaml.ScalarEvent:
    """The event of a scalar: quoted, timestamp, boolean, integer or string."""
    if type(value) is Quoted:
        return yaml.ScalarEvent(None, None, (False, True), str(value), style='"')
    if type(value) is Stamp:
        return yaml.ScalarEvent(None, _TIMESTAMP, (True, False), str(value))
    if isinstance(value, bool):
        return yaml.ScalarEvent(None, None, (True, False), "true" if value else "false")
    if isinstance(value, int):
        return yaml.ScalarEvent(None, None, (True, False), str(value))
    text = str(value)
    return yaml.ScalarEvent(None, None, (_plain_ok(text), True), text)
