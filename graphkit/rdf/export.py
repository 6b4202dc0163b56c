"""Write the coverage as `graph.ttl`, `graph.nt` and `graph.jsonld`, and load `store/`.

Oxigraph serialises Turtle and N-Triples (rdflib's Turtle serialiser takes minutes on big
graphs). JSON-LD is written here in compact form, with a context of the usual prefixes, so
it reads like the schema.org JSON-LD web developers know.

>>> from pyoxigraph import Literal, NamedNode, Triple
>>> article = NamedNode("https://x.example/id/article/1")
>>> text = jsonld_text([Triple(article, NamedNode("https://schema.org/headline"), Literal("Hi"))])
>>> json.loads(text)["@graph"]
[{'@id': 'https://x.example/id/article/1', 'schema:headline': 'Hi'}]
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from contextlib import ExitStack
from itertools import groupby
from pathlib import Path
from typing import Any

import polars as pl
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from ..analysis.coverage import CoverageTables, StoryCoverage
from ..analysis.lineage import StoryMove
from ..outputs import inside, write_text
from ..outputs.files import atomic_stream, write_stream
from ..resolve import Corpus
from ..util import Progress, collector_paused, quietly
from .mapping import Mapping
from .ntriples import TYPE
from .store import BULK_LOAD_TRIPLES, NT_FILE, StoreLoader, write_store
from .terms import PREFIXES, XSD, Minter, resolve_base

RDF_FILES = ("graph.ttl", "graph.nt", "graph.jsonld")
RDF_EXTRA = ("ttl", "jsonld")  # the RDF files written only on request (graph.nt always is)


def write_rdf(
    corpus: Corpus, coverage: CoverageTables | Sequence[StoryCoverage], out: Path, **options: Any
) -> list[Path]:
    """Map a build to RDF and write it into `out`, the store included; `options` are
    `RdfWriter`'s (`base`, `extra`, `progress`)."""
    with RdfWriter(corpus, out, **options) as rdf:
        rdf.write_corpus()
        rdf.write_coverage(CoverageTables.of(coverage))
    return rdf.paths


class RdfWriter:
    """The RDF of a build (IRIs under `base`, see `resolve_base`; `progress` counts the
    articles mapped), written in two parts while Oxigraph loads what is written in threads of
    its own: `write_corpus` what the resolved corpus says (most of it), as soon as it is
    resolved, so that the store loads while the stories are found; `write_coverage` what the
    stories add, which completes `graph.nt` (and the Turtle and JSON-LD files `extra` asks
    for). Leaving waits for the rest of the load and puts the store in place (or, on an
    error, drops it and `graph.nt`). `paths` is what was written. With `previous` (the
    previous build's folder, for a rebuild that changed little), the store is that build's
    and a delta instead (`graphkit.rdf.delta`); `loader.update` says how it was made.

    Loading is Oxigraph's work: a million records' 40 million triples take it minutes of
    both cores. Loaded behind the stories, the tables and the pages, which are Python's and
    mostly use one core, it takes the other.
    """

    def __init__(
        self,
        corpus: Corpus,
        out: Path,
        base: str | None = None,
        extra: Collection[str] = RDF_EXTRA,
        progress: Progress = quietly,
        previous: Path | None = None,
    ) -> None:
        self.out, self.progress = out, progress
        self.base, self.extra = resolve_base(base), extra
        self.mapping = Mapping(corpus, self.base)
        self.loader = StoreLoader(out, previous=previous)
        self.paths: list[Path] = []
        self.written = ExitStack()  # graph.nt, while it is written
        self.at = 0

    def __enter__(self) -> RdfWriter:
        self.loader.__enter__()
        try:
            self.stream = self.written.enter_context(atomic_stream(inside(self.out, NT_FILE)))
        except BaseException as error:
            self.loader.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def write_corpus(self) -> None:
        """Write (and queue for loading) what the corpus says."""
        with collector_paused():
            self._write(self.mapping.corpus_runs(self.progress))

    def write_coverage(self, coverage: CoverageTables, moves: Sequence[StoryMove] = ()) -> None:
        """Write what the stories add (and the earlier builds' story ids that `moves` carries
        on), and complete `graph.nt` and the extra files."""
        with collector_paused():
            self._write(self.mapping.coverage_runs(coverage, moves))
        self.written.close()  # graph.nt in place
        nt = inside(self.out, NT_FILE)
        self.paths = [nt]
        if set(self.extra) & set(RDF_EXTRA):
            # by subject, types first, as each of the two parts of graph.nt is
            triples = sorted(parse(path=str(nt), format=RdfFormat.N_TRIPLES), key=_subject_order)
            self.paths = [*_extra_files(triples, self.out, self.base, self.extra), nt]

    def _write(self, runs: Iterable[pl.Series]) -> None:
        """Write runs of lines as UTF-8, and queue each for loading (in parts of at most
        `BULK_LOAD_TRIPLES` lines) once it is in the file."""
        stream = self.stream
        for run in runs:
            for start in range(0, len(run), BULK_LOAD_TRIPLES):
                part = run.slice(start, BULK_LOAD_TRIPLES).to_frame()
                part.write_csv(stream, include_header=False, quote_style="never")  # as they are
                stream.flush()
                end = stream.tell()
                self.loader.load_span(stream, self.at, end - self.at)
                self.at = end

    def __exit__(self, kind: type[BaseException] | None, *details: Any) -> None:
        try:
            self.written.__exit__(kind, *details)  # graph.nt dropped on an error
        finally:
            self.loader.__exit__(kind, *details)
        if kind is None:
            self.paths.append(self.loader.target)


def _subject_order(triple: Triple) -> tuple[str, bool, str, str]:
    """Subjects in order, each one's types first, then by predicate and object."""
    subject = triple.subject  # graphkit's are all IRIs
    name = subject.value if isinstance(subject, NamedNode) else str(subject)
    return (name, triple.predicate != TYPE, str(triple.predicate), str(triple.object))


def write_rdf_files(
    triples: Sequence[Triple], out: Path, base: str, extra: Collection[str] = RDF_EXTRA
) -> list[Path]:
    """Write `graph.nt` and the Oxigraph store into `out`, and `graph.ttl` and `graph.jsonld`
    when `extra` names `ttl` and `jsonld`; return their paths."""
    nt = write_stream(
        out, "graph.nt", lambda stream: serialize(triples, stream, RdfFormat.N_TRIPLES)
    )
    return _with_extra_files(triples, nt, out, base, extra)


def _with_extra_files(
    triples: Sequence[Triple], nt: Path, out: Path, base: str, extra: Collection[str]
) -> list[Path]:
    """Beside `graph.nt`: the Turtle and JSON-LD files `extra` asks for, and the store."""
    return [*_extra_files(triples, out, base, extra), nt, write_store(out, nt)]


def _extra_files(
    triples: Sequence[Triple], out: Path, base: str, extra: Collection[str]
) -> list[Path]:
    """The Turtle and JSON-LD files that `extra` asks for."""
    written = []
    if "ttl" in extra:
        written.append(write_text(out, "graph.ttl", turtle_text(triples, base)))
    if "jsonld" in extra:
        written.append(write_text(out, "graph.jsonld", jsonld_text(triples)))
    return written


def turtle_prefixes(base: str) -> dict[str, str]:
    """The usual prefixes plus one per kind of minted IRI (`article:`, `outlet:`, ...)."""
    return {**PREFIXES, **Minter(base).namespaces()}


def turtle_text(triples: Sequence[Triple], base: str) -> str:
    """Turtle by Oxigraph, its prefix lines in a fixed order so the file is the same every run."""
    prefixes = turtle_prefixes(base)
    body = _serialize(triples, RdfFormat.TURTLE, prefixes).decode("utf-8")
    lines = body.split("\n")
    declared = sum(1 for line in lines if line.startswith("@prefix "))
    header = [f"@prefix {name}: <{iri}> ." for name, iri in prefixes.items()]
    if declared != len(header) or any(not line.startswith("@prefix ") for line in lines[:declared]):
        return body
    return "\n".join([*header, *lines[declared:]])


def _serialize(
    triples: Sequence[Triple], fmt: RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    data = serialize(triples, format=fmt, prefixes=prefixes)
    assert data is not None  # no output stream given: the bytes come back
    return data


def jsonld_text(triples: Sequence[Triple]) -> str:
    """Compact JSON-LD: one object per subject and per line, prefixed keys, literals as strings
    or value objects. (One line each keeps Python's fast JSON encoder: `indent` turns it off.)
    """
    with collector_paused():
        nodes = [
            "    " + json.dumps(_node(subject, list(group)), ensure_ascii=False)
            for subject, group in groupby(triples, lambda t: t.subject)
        ]
    context = json.dumps(dict(PREFIXES), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return '{\n  "@context": ' + context + ',\n  "@graph": [\n' + ",\n".join(nodes) + "\n  ]\n}\n"


def _node(subject: Any, triples: list[Triple]) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": subject.value}
    types = [
        _compact(t.object.value)
        for t in triples
        if isinstance(t.object, NamedNode) and t.predicate == TYPE
    ]
    if types:
        node["@type"] = types[0] if len(types) == 1 else types
    for predicate, group in groupby(
        (t for t in triples if t.predicate != TYPE), lambda t: t.predicate
    ):
        values = [_value(t.object) for t in group]
        node[_compact(predicate.value)] = values[0] if len(values) == 1 else values
    return node


def _value(term: Any) -> Any:
    if isinstance(term, NamedNode):
        return {"@id": term.value}
    assert isinstance(term, Literal)
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD + "string":
        return term.value
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and ":" not in local and "/" not in local:
            return f"{prefix}:{local}"
    return iri
