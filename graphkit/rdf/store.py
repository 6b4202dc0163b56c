"""Where queries run: Oxigraph (persisted in `OUT/store/`) by default, rdflib as a fallback.

Both engines take the same N-Triples and answer through `run_query`, which refuses updates,
binds parameters and returns an engine-neutral `Result`.

>>> triples = b'<https://x.example/id/a> <https://schema.org/name> "A" .'
>>> for engine in ENGINES:
...     store = memory_store(triples, engine, base="https://x.example/id/")
...     print(engine, run_query(store, "SELECT ?n WHERE { <a> ?p ?n }").rows)
oxigraph [(Term(kind='literal', value='A', datatype=None, lang=None),)]
rdflib [(Term(kind='literal', value='A', datatype=None, lang=None),)]
"""

from __future__ import annotations

import fcntl
import os
import queue
import shutil
import threading
from collections.abc import Iterable, Mapping
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

import pyoxigraph as ox

from ..outputs import inside
from ..outputs.files import share_tree
from .results import Result, Term, graph_result
from .sparql import (
    QueryError,
    QuerySyntaxError,
    bind_parameters,
    oxigraph_syntax_error,
    query_kind,
)
from .terms import VOID, XSD

if TYPE_CHECKING:  # rdflib is imported where it runs: a query on Oxigraph never needs it
    import rdflib

    from .delta import StoreUpdate  # with Polars: for builds only

OXIGRAPH, RDFLIB = "oxigraph", "rdflib"
ENGINES = (OXIGRAPH, RDFLIB)
STORE_DIR = "store"
NT_FILE = "graph.nt"
# Oxigraph's bulk loader holds what it loads in memory until it writes its files: 4 million
# triples at once took 1.65 GB; in runs of a million, about 0.4 GB, and RocksDB rewrites a
# quarter of what it writes in runs of 250,000 (the system time of a million-record build).
BULK_LOAD_TRIPLES = 1_000_000
# The base IRI a build minted its IRIs under, as its void:Dataset states it.
BASE_QUERY = f"SELECT ?base WHERE {{ ?d a <{VOID}Dataset> ; <{VOID}uriSpace> ?base }} LIMIT 1"


class StoreMissingError(QueryError):
    """No built store (or N-Triples file) in the data folder."""


class Engine(Protocol):
    """A SPARQL engine over one graph: answers a query text with a `Result`."""

    name: str
    base: str | None

    def answer(self, query: str, kind: str, max_rows: int | None = None) -> Result: ...


class OxigraphEngine:
    """pyoxigraph's store: on disk (read-only) or in memory."""

    name = OXIGRAPH

    def __init__(self, store: ox.Store, base: str | None = None) -> None:
        self.store = store
        self.base = base

    def answer(self, query: str, kind: str, max_rows: int | None = None) -> Result:
        try:
            found = self.store.query(query, base_iri=self.base)
        except SyntaxError as error:
            raise oxigraph_syntax_error(error) from None
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryError(str(error)) from None
        if isinstance(found, ox.QueryBoolean):
            return Result(kind, boolean=bool(found))
        try:
            if isinstance(found, ox.QueryTriples):
                triples, cut = _first(found, max_rows)
                return graph_result(kind, [tuple(map(ox_term, t)) for t in triples], cut)  # type: ignore[misc]
            names = [variable.value for variable in found.variables]
            solutions, cut = _first(found, max_rows)
            term = _TermMemo()
            rows = [tuple(map(term, solution)) for solution in solutions]
        except (OSError, RuntimeError, ValueError) as error:  # raised while iterating lazily
            raise QueryError(str(error)) from None
        return Result(kind, names, rows, truncated=cut)


class RdflibEngine:
    """rdflib's in-memory graph and SPARQL engine: slow on big graphs, but everywhere."""

    name = RDFLIB

    def __init__(self, graph: rdflib.Graph, base: str | None = None) -> None:
        self.graph = graph
        self.base = base

    def answer(self, query: str, kind: str, max_rows: int | None = None) -> Result:
        from pyparsing import ParseBaseException

        try:
            found = (
                self.graph.query(query, base=self.base) if self.base else self.graph.query(query)
            )
        except ParseBaseException as error:
            raise QuerySyntaxError(str(error.msg), error.lineno, error.col) from None
        except Exception as error:  # rdflib raises bare Exceptions (unknown prefix, ...)
            raise QueryError(str(error)) from None
        if found.type == "ASK":
            return Result(kind, boolean=bool(found.askAnswer))
        if found.type in ("CONSTRUCT", "DESCRIBE"):
            assert found.graph is not None
            triples, cut = _first(found.graph, max_rows)
            return graph_result(kind, [tuple(map(_rdflib_term, t)) for t in triples], cut)  # type: ignore[misc]
        names = [str(variable) for variable in found.vars or []]
        solutions, cut = _first(found, max_rows)
        rows = [tuple(_rdflib_term(value) for value in row) for row in solutions]
        return Result(kind, names, rows, truncated=cut)


def _first(items: Iterable[Any], max_rows: int | None) -> tuple[list[Any], bool]:
    """At most `max_rows` items (all when None), and whether there were more.

    Reading stops at the cap, so a huge result never fills memory.
    """
    if max_rows is None:
        return list(items), False
    first = list(islice(items, max_rows + 1))
    return first[:max_rows], len(first) > max_rows


def run_query(
    engine: Engine,
    query: str,
    params: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    max_rows: int | None = None,
) -> Result:
    """Run a read query (SELECT, ASK, CONSTRUCT, DESCRIBE) with its parameters bound.

    With `max_rows`, at most that many rows (or triples) are read; `Result.truncated` says
    whether the result was cut.
    """
    kind = query_kind(query)
    bound = bind_parameters(query, params or {})
    try:
        return engine.answer(bound.text, kind, max_rows)
    except QuerySyntaxError as error:
        raise bound.relocate(error) from None


def memory_store(ntriples: bytes, engine: str = OXIGRAPH, base: str | None = None) -> Engine:
    """An engine over N-Triples held in memory."""
    if engine == RDFLIB:
        import rdflib

        graph = rdflib.Graph()
        graph.parse(data=ntriples.decode("utf-8"), format="nt")
        return RdflibEngine(graph, base or _graph_base(graph))
    store = ox.Store()
    store.bulk_load(ntriples, ox.RdfFormat.N_TRIPLES)
    return OxigraphEngine(store, base or _store_base(store))


def open_store(data: Path, engine: str = OXIGRAPH, base: str | None = None) -> Engine:
    """The engine over a built output folder: `store/` for Oxigraph, `graph.nt` for rdflib."""
    if engine == RDFLIB:
        source = data / NT_FILE
        if not source.is_file():
            raise StoreMissingError(f"{source} not found: run `graphkit build` first")
        return memory_store(source.read_bytes(), RDFLIB, base)
    folder = data / STORE_DIR
    if not (folder / "CURRENT").is_file():
        raise StoreMissingError(f"{folder} is not a built store: run `graphkit build` first")
    store = ox.Store.read_only(str(folder))
    return OxigraphEngine(store, base or _store_base(store))


def write_store(out: Path, ntriples: bytes | Path) -> Path:
    """Load N-Triples (bytes, or a file read as a stream) into a fresh Oxigraph store at
    `OUT/store/`, replacing the old one whole."""
    with StoreLoader(out) as loader:
        if isinstance(ntriples, Path):
            with ntriples.open("rb") as lines:  # N-Triples: one triple a line, so runs of lines
                while run := list(islice(lines, BULK_LOAD_TRIPLES)):
                    loader.load(b"".join(run))
        else:
            loader.load(ntriples)
    return loader.target


class StoreLoader:
    """A fresh Oxigraph store at `OUT/store/`, filled from runs of N-Triples while the caller
    makes the next ones: Oxigraph loads in its own thread without Python's lock, so making
    triples and loading them share the machine's cores. On a clean exit the store replaces
    the old one whole; on an error it is dropped and the old one stays.

    Runs come as bytes (`load`: at most `queued` wait, which bounds the memory), or as spans
    of a file the caller is writing (`load_span`: the loader reads them back from the page
    cache, so any number may wait and the caller never does).

    With `previous`, a build folder whose store held exactly its `graph.nt`, nothing is
    loaded as it comes: on leaving, the store is made from the previous one and the delta
    between the two `graph.nt` files, or loaded from the new file when the delta is large
    (`graphkit.rdf.delta`); `update` says which.

    >>> import tempfile
    >>> with StoreLoader(Path(tempfile.mkdtemp())) as loader:
    ...     loader.load(b'<https://x.example/a> <https://x.example/p> "1" .\\n')
    >>> len(ox.Store.read_only(str(loader.target)))
    1
    """

    def __init__(self, out: Path, queued: int = 2, previous: Path | None = None) -> None:
        self.out, self.previous = out, previous
        self.update: StoreUpdate | None = None
        self.target = inside(out, STORE_DIR)
        self.fresh, self.old = inside(out, f".{STORE_DIR}.new"), inside(out, f".{STORE_DIR}.old")
        self.runs: queue.Queue[bytes | _Span | None] = queue.Queue()
        self.room = threading.BoundedSemaphore(queued)  # runs of bytes waiting at most
        self.failure: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._load_runs, name="store-loader", daemon=True)

    def __enter__(self) -> StoreLoader:
        for leftover in (self.fresh, self.old):
            shutil.rmtree(leftover, ignore_errors=True)
        self.store: ox.Store | None = None
        if self.previous is None:
            self.store = ox.Store(str(self.fresh))
        self.thread.start()
        return self

    def load(self, ntriples: bytes) -> None:
        """Queue a run of N-Triples lines (whole lines) for loading."""
        self._check()
        if self.previous is not None:
            return  # made from the files on leaving
        self.room.acquire()
        self.runs.put(ntriples)

    def load_span(self, file: BinaryIO, start: int, length: int) -> None:
        """Queue the whole N-Triples lines at `start` of `file` for loading, once written
        (flushed) there: the loader reads them through a handle of its own, so `file` must be
        open for reading too (as `write_stream`'s are: `mkstemp` opens them so)."""
        self._check()
        if fcntl.fcntl(file.fileno(), fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDWR:
            raise ValueError("load_span needs a file open for reading and writing")
        if self.previous is None:
            self.runs.put(_Span(os.dup(file.fileno()), start, length))

    def _check(self) -> None:
        if self.failure is not None:
            raise self.failure

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.cancelled = kind is not None  # what is still queued is not loaded
        self.runs.put(None)
        self.thread.join()
        if self.previous is not None and kind is None and self.failure is None:
            try:
                self._from_previous(self.previous)
            except BaseException as error:  # dropped below, as a failed load is
                self.failure = error
        store, self.store = self.store, None
        if store is not None and kind is None and self.failure is None:
            # Each run loaded is a set of files of its own; compacting them into one halves
            # every query's time (first-coverage on 100,000 records: 2.0 s to 0.9 s) for
            # 1.7 s of the build's.
            store.optimize()
        if store is not None:
            store.flush()
        del store  # closes the database, so the folder can move and be opened read-only
        if kind is not None or self.failure is not None:
            shutil.rmtree(self.fresh, ignore_errors=True)
            if self.failure is not None and kind is None:
                raise self.failure
            return
        share_tree(self.fresh)  # RocksDB writes fixed 0644/0755 modes, not the umask's
        if self.target.exists():
            self.target.rename(self.old)
        self.fresh.rename(self.target)
        shutil.rmtree(self.old, ignore_errors=True)

    def _from_previous(self, previous: Path) -> None:
        """The new `graph.nt` is written: make the store from the previous one and the delta,
        or load the file when the delta is large (then `self.store` holds it, to compact)."""
        # here, not at the top: a query opens stores, and must not pay for Polars
        from .delta import StoreUpdate, apply_delta, line_delta, worth_a_delta

        new_nt = inside(self.out, NT_FILE)
        delta = line_delta(previous / NT_FILE, new_nt)
        if worth_a_delta(delta):
            apply_delta(previous / STORE_DIR, self.fresh, delta)
            self.update = StoreUpdate("delta", delta.lines, len(delta.removed), len(delta.added))
            return
        self.store = ox.Store(str(self.fresh))
        with new_nt.open("rb") as lines:
            while run := b"".join(islice(lines, BULK_LOAD_TRIPLES)):
                self.store.bulk_load(run, ox.RdfFormat.N_TRIPLES, lenient=True)
        why = f"{delta.share:.0%} of the statements changed"
        self.update = StoreUpdate("full", delta.lines, reason=why)

    def _load_runs(self) -> None:
        while (run := self.runs.get()) is not None:
            if isinstance(run, bytes):
                self.room.release()
            try:
                if self.failure is None and not self.cancelled and self.store is not None:
                    data = run.read() if isinstance(run, _Span) else run
                    # lenient: graphkit made the lines from IRIs it checked (web_iri) or
                    # minted; Oxigraph's second look cost a quarter of the load
                    self.store.bulk_load(data, ox.RdfFormat.N_TRIPLES, lenient=True)
            except BaseException as error:  # raised again in the caller's thread
                self.failure = error
            finally:
                if isinstance(run, _Span):
                    os.close(run.handle)


class _Span:
    """Bytes of a file being written, read back through a duplicated handle (positioned
    reads leave the writer's offset alone)."""

    def __init__(self, handle: int, start: int, length: int) -> None:
        self.handle, self.start, self.length = handle, start, length

    def read(self) -> bytes:
        parts, done = [], 0
        while done < self.length:
            part = os.pread(self.handle, self.length - done, self.start + done)
            if not part:
                raise OSError(f"the N-Triples file ended {self.length - done} bytes early")
            parts.append(part)
            done += len(part)
        return b"".join(parts)


def _store_base(store: ox.Store) -> str | None:
    found = store.query(BASE_QUERY)
    assert isinstance(found, ox.QuerySolutions)
    return next((solution[0].value for solution in found), None)


def _graph_base(graph: rdflib.Graph) -> str | None:
    return next((str(row[0]) for row in graph.query(BASE_QUERY)), None)  # type: ignore[index]


class _TermMemo(dict[Any, Term | None]):
    """`ox_term` once per distinct term of a result: outlets, counts and types repeat on
    most rows (first-coverage on 100,000 records: 196,000 terms, a third of them distinct)."""

    def __call__(self, term: Any) -> Term | None:
        if term is None:
            return None
        found = self.get(term)
        if found is None:
            found = self[term] = ox_term(term)
        return found


def ox_term(term: Any) -> Term:
    """An Oxigraph term as graphkit's engine-neutral `Term`."""
    kind = type(term)  # exact types, most frequent first: a big result has 100,000s of terms
    if kind is ox.Literal:
        value, datatype = term.value, term.datatype.value
        if datatype == _STRING:
            return Term("literal", value)
        if datatype == _DATE_TIME and value.endswith("Z"):  # Oxigraph writes UTC canonically
            return Term("literal", value, datatype)
        return Term.literal(value, datatype, term.language)
    if kind is ox.NamedNode:
        return Term("uri", term.value)
    if kind is ox.BlankNode:
        return Term("bnode", term.value)
    return Term.literal(str(term))


_STRING, _DATE_TIME = XSD + "string", XSD + "dateTime"


def _rdflib_term(term: Any) -> Term | None:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return Term.iri(str(term))
    if isinstance(term, rdflib.BNode):
        return Term("bnode", str(term))
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype else None
        return Term.literal(str(term), datatype, term.language)
    return Term.literal(str(term))
