"""Helpers for the RDF and SPARQL tests: plain rows from results, seeds built once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, serialize

import graphkit
from graphkit.rdf import Result, coverage_triples, memory_store, run_query
from graphkit.rdf.store import Engine

from .conftest import SEEDS

BASE = "https://graphkit.example/id/"


def rows(result: Result) -> list[tuple[Any, ...]]:
    """A result's rows as plain values: lexical forms, None when unbound."""
    return [tuple(term.value if term else None for term in row) for row in result.rows]


def records(result: Result) -> list[dict[str, Any]]:
    """A result's rows as dicts by variable name (bound variables only)."""
    return [
        {name: term.value for name, term in zip(result.variables, row, strict=True) if term}
        for row in result.rows
    ]


def build_seeds(out: Path, base: str | None = None) -> graphkit.Build:
    """Build seeds/ into `out`, with every RDF file (Turtle and JSON-LD too) and the store."""
    return graphkit.build(SEEDS, out, base=base, formats=("ttl", "jsonld"))


def ntriples(result: graphkit.Build, base: str = BASE) -> bytes:
    """A build's export as N-Triples, in memory."""
    triples = coverage_triples(result.corpus, result.coverage, base=base)
    return serialize(triples, format=RdfFormat.N_TRIPLES)


def select(engine: Engine, query: str) -> list[tuple[Any, ...]]:
    return rows(run_query(engine, query))


def engines_for(data: bytes) -> dict[str, Engine]:
    """Both engines over the same N-Triples."""
    return {name: memory_store(data, name) for name in ("oxigraph", "rdflib")}
