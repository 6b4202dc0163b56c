"""Type stub for graphkit.outputs: the names it exports, loaded on first use (see __init__.py)."""

from .files import UnsafePathError, inside, keep_only, write_json, write_text
from .graphfiles import flat_graph, read_graph_json, write_graph_files
from .report import STATS_FILE, build_report, build_summary, read_stats, read_stray_links
from .tables import (
    continue_story_ids,
    read_coverage,
    read_story_moves,
    write_coverage_tables,
    write_story_ids,
)

__all__ = [
    "STATS_FILE",
    "UnsafePathError",
    "build_report",
    "build_summary",
    "continue_story_ids",
    "flat_graph",
    "inside",
    "keep_only",
    "read_coverage",
    "read_graph_json",
    "read_stats",
    "read_story_moves",
    "read_stray_links",
    "write_coverage_tables",
    "write_graph_files",
    "write_json",
    "write_story_ids",
    "write_text",
]
