"""graphkit: a knowledge graph of news coverage: who covered a story, when, and who was first.

>>> import graphkit
>>> result = graphkit.build("seeds/000_fe3165b138a4a152.txt")
>>> sorted(result.corpus.providers)
['dailydot.com', 'nationthailand.com', 'washingtonpost.com']
"""

import lazy_loader

# Names are imported on first use (their stub, __init__.pyi, lists them): a query or
# `graphkit --help` then does not pay for Polars, SciPy and igraph.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
