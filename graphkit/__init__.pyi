"""Type stub for graphkit: the names it exports, loaded on first use (see __init__.py)."""

from .analysis import coverage_graph, graph_stats
from .opened import OpenedBuild, open, open_build
from .pipeline import Build, build, write_outputs
from .records import Problem, ReadResult, Record, read_records
from .resolve import Article, Corpus, Provider, canonical_url, resolve

__all__ = [
    "Article",
    "Build",
    "Corpus",
    "OpenedBuild",
    "Problem",
    "Provider",
    "ReadResult",
    "Record",
    "build",
    "canonical_url",
    "coverage_graph",
    "graph_stats",
    "open",
    "open_build",
    "read_records",
    "resolve",
    "write_outputs",
]
