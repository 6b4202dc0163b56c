"""Stage 2 of the pipeline: resolve mentions into one entity per article, outlet and topic."""

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
