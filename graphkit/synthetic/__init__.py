"""Labelled synthetic news-aggregator corpora for story-detection tests and benchmarks.

Every generated article belongs to a known story. Records use the aggregator's front-matter
format; ``labels.tsv`` maps each article's canonical ``webUrl`` to its story id (TSV, so
that graphkit does not read it as a record when it reads the folder). Only the standard
library and PyYAML are used; nothing else from graphkit is imported.

Modules: :mod:`.vocabulary` (word lists), :mod:`.model` (outlets, stories, articles),
:mod:`.outlets`, :mod:`.stories`, :mod:`.titles` and :mod:`.urls` (drawing them),
:mod:`.related` (related lists and their noise), :mod:`.records` (record mappings),
:mod:`.emitter` (YAML output), :mod:`.corpus` (the folder) and :mod:`.cli`;
:mod:`.labelled` writes real labelled headlines (a CSV of the UCI News Aggregator data set) as
records in the same way, for the real-data grouping benchmark.
"""

from .cli import main
from .corpus import SyntheticCorpus, generate_corpus

__all__ = ["SyntheticCorpus", "generate_corpus", "main"]
