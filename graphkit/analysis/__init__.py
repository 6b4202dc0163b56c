"""Stage 3 of the pipeline: analyses over the resolved corpus."""

from .coverage import (
    CoverageFilter,
    Entry,
    HeadToHead,
    OutletLead,
    StoryCoverage,
    first_coverage,
    head_to_head,
    leaderboard,
)
from .graph import (
    ARTICLE,
    CATEGORY,
    PROVIDER,
    STORY,
    TOPIC,
    add_stories,
    coverage_graph,
    node_id,
)
from .scoring import BCubed, adjusted_rand_index, bcubed
from .stats import graph_stats
from .stories import (
    CutLink,
    JoinedPiece,
    Story,
    StoryGrouping,
    StoryParams,
    detect_stories,
    group_stories,
    linked_components,
)

__all__ = [
    "ARTICLE",
    "CATEGORY",
    "PROVIDER",
    "STORY",
    "TOPIC",
    "BCubed",
    "CoverageFilter",
    "CutLink",
    "Entry",
    "HeadToHead",
    "JoinedPiece",
    "OutletLead",
    "Story",
    "StoryCoverage",
    "StoryGrouping",
    "StoryParams",
    "add_stories",
    "adjusted_rand_index",
    "bcubed",
    "coverage_graph",
    "detect_stories",
    "first_coverage",
    "graph_stats",
    "group_stories",
    "head_to_head",
    "leaderboard",
    "linked_components",
    "node_id",
]
