"""An existing build opened for a notebook: its tables as Polars DataFrames and its store for
SPARQL with Python values, without rebuilding anything.

>>> import graphkit, tempfile
>>> out = tempfile.mkdtemp()
>>> _ = graphkit.build("seeds/000_fe3165b138a4a152.txt", out)
>>> opened = graphkit.open(out)
>>> opened.first_coverage.select("story_id", "article_count", "outlet_count").row(0)
('s-be87dfd58115', 3, 3)
>>> opened.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://graphkit.example/vocab#Story> }")
[{'n': 1}]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import polars as pl

from .analysis import StoryCoverage
from .analysis.coverage import find_story
from .analysis.lineage import moves_frame
from .outputs import read_coverage, read_story_moves
from .outputs.folder import published_build
from .rdf import Term, query_data
from .rdf.tograph import graph_from_rdf

XSD = "http://www.w3.org/2001/XMLSchema#"
_TIME_COLUMNS = ("first_published_utc", "last_published_utc", "published_utc")
_CONVERTERS: dict[str, Any] = {
    "integer": int,
    "int": int,
    "long": int,
    "decimal": Decimal,
    "double": float,
    "float": float,
    "boolean": lambda v: v in ("true", "1"),
    "date": date.fromisoformat,
    "dateTime": lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")),
}  # fmt: skip  (XSD datatypes without the namespace, to Python values)


@dataclass(frozen=True)
class OpenedBuild:
    """A published build: `folder` is its build folder (an output folder's current one)."""

    folder: Path

    @cached_property
    def first_coverage(self) -> pl.DataFrame:
        """One row per story, as first_coverage.json (times as UTC datetimes)."""
        return self._table("first_coverage")

    @cached_property
    def stories(self) -> pl.DataFrame:
        """One row per article of each story, as stories.json."""
        return self._table("stories")

    @cached_property
    def outlets(self) -> pl.DataFrame:
        """One row per outlet: the leaderboard, as outlets.json."""
        return self._table("outlets")

    @cached_property
    def head_to_head(self) -> pl.DataFrame:
        """One row per pair of outlets, as head_to_head.json."""
        return self._table("head_to_head")

    @cached_property
    def coverage(self) -> list[StoryCoverage]:
        """The story timelines as objects (what `Build.coverage` gives)."""
        return read_coverage(self.folder)

    @cached_property
    def story_ids(self) -> pl.DataFrame:
        """One row per earlier build's story id that no story has now, and the story that
        continues it, as story_ids.json (see `find_story`)."""
        return moves_frame(read_story_moves(self.folder))

    def find_story(self, story_id: str) -> StoryCoverage:
        """The story with this id, a unique prefix of one, or an id an earlier build into the
        same folder had (the story that continues it); StoryNotFoundError says why not."""
        return find_story(self.coverage, story_id, read_story_moves(self.folder))

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The coverage graph (networkx), read from the build's graph.nt on first use: the
        nodes and edges `Build.graph` has."""
        return graph_from_rdf(self.folder / "graph.nt")

    @cached_property
    def report(self) -> dict[str, Any]:
        """report.json: what was read, lost, cut and doubted."""
        data: dict[str, Any] = json.loads((self.folder / "report.json").read_text("utf-8"))
        return data

    def query(
        self, query: str, params: dict[str, str] | None = None, *, frame: bool = False
    ) -> list[dict[str, Any]] | pl.DataFrame:
        """A SPARQL SELECT (a canned query's name, a `.rq` file or text) over the build's
        store: rows of Python values (int, float, Decimal, bool, datetime, date; IRIs and
        texts as str; None where unbound), or a DataFrame with `frame`."""
        result, _ = query_data(self.folder, query, params)
        rows = [
            {var: python_value(term) for var, term in zip(result.variables, row, strict=True)}
            for row in result.rows
        ]
        return pl.DataFrame(rows, infer_schema_length=None) if frame else rows

    def _table(self, name: str) -> pl.DataFrame:
        rows = json.loads((self.folder / f"{name}.json").read_text("utf-8"))
        table = pl.DataFrame(rows, infer_schema_length=None)
        times = [c for c in _TIME_COLUMNS if c in table.columns]
        return table.with_columns(
            pl.col(c).str.to_datetime(time_zone="UTC", time_unit="us") for c in times
        )


def open_build(out: str | Path) -> OpenedBuild:
    """The build published in the output folder `out` (NoBuildError when there is none)."""
    return OpenedBuild(published_build(Path(out)))


open = open_build


def python_value(term: Term | None) -> Any:
    """A SPARQL result term as a Python value.

    >>> python_value(Term.literal("3", XSD + "integer")), python_value(Term.iri("https://x.example/a"))
    (3, 'https://x.example/a')
    """
    if term is None:
        return None
    kind = (term.datatype or "").removeprefix(XSD)
    if term.kind != "literal" or not kind:
        return term.value
    convert = _CONVERTERS.get(kind)
    try:
        return convert(term.value) if convert else term.value
    except ValueError:
        return term.value  # a value its type does not admit: kept as written
