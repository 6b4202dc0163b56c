"""graphkit: a knowledge graph of news coverage: who covered a story, when, and who was first.

>>> import graphkit
>>> result = graphkit.build("seeds/000_fe3165b138a4a152.txt")
>>> sorted(result.corpus.providers)
['dailydot.com', 'nationthailand.com', 'washingtonpost.com']
"""

from .analysis import coverage_graph, graph_stats
from .pipeline import Build, build, write_outputs
from .records import Problem, ReadResult, Record, read_records
from .resolve import Article, Corpus, Provider, canonical_url, resolve

__all__ = [
    "Article",
    "Build",
    "Corpus",
    "Problem",
    "Provider",
    "ReadResult",
    "Record",
    "build",
    "canonical_url",
    "coverage_graph",
    "graph_stats",
    "read_records",
    "resolve",
    "write_outputs",
]
