"""Canned queries: the `.rq` files of the repository's `queries/` folder, as objects.

Each file starts with a header comment that says what it answers and which parameters it
takes::

    # title: One story's timeline
    # answers: Every article of one story in publication order ...
    #   (indented lines continue a field)
    # param story: string, required. The story's id (e.g. s-be87dfd58115).

`# params: none` says there are none. A parameter's type is one of `PARAMETER_TYPES`; its
value is bound as an RDF term of that type (see `graphkit.rdf.sparql`). The types `story`,
`outlet` and `topic` name something in the store: the value must be one it holds (a story
may be given by a prefix of its id), else the query is refused (`graphkit.rdf.names`).

>>> timeline = canned_query("story-timeline")
>>> timeline.title, [(p.name, p.type, p.required) for p in timeline.params]
("One story's timeline", [('story', 'story', True)])
>>> timeline.bind({"story": "s-be87dfd58115"})
{'story': <Literal value=s-be87dfd58115 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>}
>>> timeline.bind({})  # doctest: +ELLIPSIS
Traceback (most recent call last):
graphkit.rdf.sparql.QueryError: story-timeline needs --param story=... (The story's id as ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from .sparql import PARAMETER_TYPES, QueryError, parameter_term, tokens

QUERIES_DIR = Path(__file__).resolve().parent / "queries"  # a link to the repository's queries/
_FIELD = re.compile(r"#\s?(title|answers|params|param\s+(\w+)):\s*(.*)")
_MORE = re.compile(r"#\s{2,}(\S.*)")
_PARAM = re.compile(rf"({'|'.join(PARAMETER_TYPES)}),\s*(required|optional)\.?\s*(.*)", re.DOTALL)


@dataclass(frozen=True)
class Parameter:
    """A parameter of a canned query: `?name` in the query, bound to a term of `type`."""

    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class CannedQuery:
    """A query with a name, what it answers, its parameters and its text."""

    name: str
    title: str
    answers: str
    params: tuple[Parameter, ...]
    text: str

    def bind(
        self, values: Mapping[str, str], base: str | None = None
    ) -> dict[str, NamedNode | Literal]:
        """Command-line values as RDF terms; refuses unknown and missing parameters."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            takes = ", ".join(known) or "no parameters"
            raise QueryError(f"{self.name} has no parameter {unknown[0]!r} (it takes {takes})")
        for param in self.params:
            if param.required and param.name not in values:
                raise QueryError(
                    f"{self.name} needs --param {param.name}=... ({param.description})"
                )
        return {
            name: parameter_term(value, known[name].type, base) for name, value in values.items()
        }


def parse_canned(name: str, text: str) -> CannedQuery:
    """A canned query from its name and `.rq` text; refuses a header that is incomplete."""
    fields: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        more = _MORE.fullmatch(line)
        field = _FIELD.fullmatch(line)
        if field:
            last = field.group(1)
            fields[last] = field.group(3).strip()
        elif more and last:
            fields[last] += " " + more.group(1).strip()
    missing = [key for key in ("title", "answers") if not fields.get(key)]
    if missing:
        raise QueryError(f"{name}: the header comment has no '# {missing[0]}:' line")
    params = tuple(
        _parameter(name, key, value) for key, value in fields.items() if key[:6] == "param "
    )
    _check_variables(name, text, params)
    return CannedQuery(name, fields["title"], fields["answers"], params, text)


def _parameter(query: str, key: str, value: str) -> Parameter:
    match = _PARAM.fullmatch(value)
    if not match:
        raise QueryError(
            f"{query}: '# {key}:' should read 'TYPE, required|optional. description' "
            f"with TYPE one of {', '.join(PARAMETER_TYPES)}"
        )
    kind, need, description = match.groups()
    return Parameter(key.split()[1], kind, need == "required", description.strip())


def _check_variables(name: str, text: str, params: tuple[Parameter, ...]) -> None:
    used = {token.text[1:] for token in tokens(text) if token.kind == "var"}
    for param in params:
        if param.name not in used:
            raise QueryError(f"{name}: parameter {param.name!r} is not a variable of the query")


def canned_queries(folder: Path = QUERIES_DIR) -> dict[str, CannedQuery]:
    """Every canned query in `folder`, by name (the file name without `.rq`)."""
    return {
        path.stem: parse_canned(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.rq"))
    }


def canned_query(name: str, folder: Path = QUERIES_DIR) -> CannedQuery:
    """The canned query called `name`."""
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        names = ", ".join(canned_queries(folder))
        raise QueryError(f"no canned query {name!r} (there are: {names})")
    return parse_canned(name, path.read_text(encoding="utf-8"))


def canned_listing(queries: Mapping[str, CannedQuery] | None = None) -> str:
    """The canned queries for people: name, title and parameters, one block each.

    >>> print(canned_listing({"t": parse_canned("t", "# title: T\\n# answers: A\\nASK {}")}))
    t  T
       no parameters
    """
    chosen = canned_queries() if queries is None else queries
    width = max((len(name) for name in chosen), default=0)
    blocks = []
    for name, query in chosen.items():
        params = [
            f"--param {p.name}=<{p.type}> ({'required' if p.required else 'optional'}): "
            f"{p.description}"
            for p in query.params
        ]
        lines = [f"{name.ljust(width)}  {query.title}", *(params or ["no parameters"])]
        blocks.append("\n".join([lines[0], *(" " * (width + 2) + line for line in lines[1:])]))
    return "\n".join(blocks)
