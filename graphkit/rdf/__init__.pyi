"""Type stub for graphkit.rdf: the names it exports, loaded on first use (see __init__.py)."""

import pathlib

from .canned import CannedQuery, Parameter, canned_listing, canned_queries, canned_query
from .export import RDF_FILES, RdfWriter, write_rdf, write_rdf_files
from .mapping import coverage_triples
from .query import QuerySource, find_query, parse_assignments, query_engine
from .results import FORMATS, Result, Term, format_result
from .sparql import NothingNamedError, QueryError, QuerySyntaxError, UpdateRefusedError
from .store import ENGINES, OXIGRAPH, RDFLIB, memory_store, open_store, run_query
from .terms import BASE_VARIABLE, DEFAULT_BASE, GK, Minter, resolve_base
from .workers import (
    Limits,
    QueryTimeoutError,
    QueryWorkers,
    Rendered,
    WorkerDiedError,
    WorkersBusyError,
    query_data,
    render_query,
)

PACKAGE: pathlib.Path
VOCABULARY: pathlib.Path
SHAPES: pathlib.Path

__all__ = [
    "BASE_VARIABLE",
    "DEFAULT_BASE",
    "ENGINES",
    "FORMATS",
    "GK",
    "OXIGRAPH",
    "RDFLIB",
    "RDF_FILES",
    "SHAPES",
    "VOCABULARY",
    "CannedQuery",
    "Limits",
    "Minter",
    "NothingNamedError",
    "Parameter",
    "QueryError",
    "QuerySource",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "QueryWorkers",
    "RdfWriter",
    "Rendered",
    "Result",
    "Term",
    "UpdateRefusedError",
    "WorkerDiedError",
    "WorkersBusyError",
    "canned_listing",
    "canned_queries",
    "canned_query",
    "coverage_triples",
    "find_query",
    "format_result",
    "memory_store",
    "open_store",
    "parse_assignments",
    "query_data",
    "query_engine",
    "render_query",
    "resolve_base",
    "run_query",
    "write_rdf",
    "write_rdf_files",
]
