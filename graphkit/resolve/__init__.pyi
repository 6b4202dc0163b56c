"""Type stub for graphkit.resolve: the names it exports, loaded on first use (see __init__.py)."""

from .entities import (
    Article,
    Conflict,
    Corpus,
    CorpusTables,
    Label,
    Provider,
    RelatedLink,
    TimeStatus,
    label_key,
)
from .resolver import resolve
from .urls import AmpRules, canonical_url, domain_key, host_of

__all__ = [
    "AmpRules",
    "Article",
    "Conflict",
    "Corpus",
    "CorpusTables",
    "Label",
    "Provider",
    "RelatedLink",
    "TimeStatus",
    "canonical_url",
    "domain_key",
    "host_of",
    "label_key",
    "resolve",
]
