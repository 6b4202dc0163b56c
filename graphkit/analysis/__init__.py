"""Stage 3 of the pipeline: analyses over the resolved corpus."""

from .graph import ARTICLE, CATEGORY, PROVIDER, TOPIC, coverage_graph, node_id
from .stats import graph_stats

__all__ = ["ARTICLE", "CATEGORY", "PROVIDER", "TOPIC", "coverage_graph", "graph_stats", "node_id"]
