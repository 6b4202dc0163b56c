"""RDF and SPARQL over the coverage: vocabulary, shapes, export, store and queries.

An outputs-stage package: it maps a build (corpus and story coverage) to RDF with schema.org,
SKOS and the graphkit vocabulary (`vocab.ttl`), checks it with SHACL shapes (`shapes.ttl`),
writes `graph.ttl`, `graph.nt`, `graph.jsonld` and an Oxigraph store, and answers SPARQL.
"""

from pathlib import Path

import lazy_loader

PACKAGE = Path(__file__).resolve().parent
VOCABULARY = PACKAGE / "vocab.ttl"
SHAPES = PACKAGE / "shapes.ttl"

# Names are imported on first use (their stub, __init__.pyi, lists them): a query or
# `graphkit --help` then does not pay for Polars, SciPy and igraph.
__getattr__, __dir__, _exports = lazy_loader.attach_stub(__name__, __file__)
__all__ = sorted({*_exports, "SHAPES", "VOCABULARY"})
