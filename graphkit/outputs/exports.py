"""Which files a build writes: what most users need by default, the heavy exports on request.

Always: the coverage tables, `report.json`, `stats.json`, `graph.nt` with the Oxigraph store,
and the pages. On request (`graphkit build --formats`): the networkx graph as node-link JSON,
GraphML and GEXF for Gephi and other graph tools, Turtle and JSON-LD for RDF tools. Only these
need the networkx graph of the whole coverage, which at 100,000 records took 24 s and 2.4 GB
to make and write; the RDF files were 1.1 GB of the 2.2 GB a build wrote.

>>> sorted(parse_formats("gexf, ttl"))
['gexf', 'ttl']
>>> parse_formats("all") == frozenset(EXTRA_FORMATS)
True
>>> parse_formats("pdf")
Traceback (most recent call last):
ValueError: unknown format 'pdf' (choose from json, graphml, gexf, ttl, jsonld, or all)
"""

from __future__ import annotations

EXTRA_FORMATS = {
    "json": "graph.json",
    "graphml": "graph.graphml",
    "gexf": "graph.gexf",
    "ttl": "graph.ttl",
    "jsonld": "graph.jsonld",
}

GRAPH_FORMATS = frozenset({"json", "graphml", "gexf"})  # written from the networkx graph


def parse_formats(text: str) -> frozenset[str]:
    """The extra formats named in a comma-separated list (`all` names every one)."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    if "all" in names:
        return frozenset(EXTRA_FORMATS)
    unknown = sorted(names - set(EXTRA_FORMATS))
    if unknown:
        raise ValueError(
            f"unknown format {unknown[0]!r} (choose from {', '.join(EXTRA_FORMATS)}, or all)"
        )
    return frozenset(names)
