"""Stage 1 of the pipeline: read record files into validated records and problems."""

import lazy_loader

# Names are imported on first use (their stub, __init__.pyi, lists them): a query or
# `graphkit --help` then does not pay for Polars, SciPy and igraph.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
