"""Stage 2 of the pipeline: resolve mentions into one entity per article, outlet and topic."""

import lazy_loader

# Names are imported on first use (their stub, __init__.pyi, lists them): a query or
# `graphkit --help` then does not pay for Polars, SciPy and igraph.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
