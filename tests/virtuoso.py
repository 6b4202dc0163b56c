"""Start a throwaway Virtuoso open source triple store for the tests.

``start_virtuoso(folder)`` writes a minimal virtuoso.ini into ``folder`` (the database, its
transaction log and the server log all live there), picks two free loopback ports (SQL and
HTTP), runs ``virtuoso-t +foreground`` as a child process and returns once ``/sparql``
answers. The database is fresh, so the DBA account keeps Virtuoso's default dba / dba::

    with running_virtuoso(tmp_path) as store:
        httpx.put(store.graph_store_url + "?graph-uri=" + quote(graph), content=nt,
                  headers={"Content-Type": "application/n-triples"},
                  auth=httpx.DigestAuth(store.user, store.password))

scripts/test installs Debian's ``virtuoso-opensource-7-bin`` (only the binaries) when missing;
the environment variable VIRTUOSO_T may name another ``virtuoso-t``. It works as root and as
an ordinary user who owns ``folder``.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from os import environ
from pathlib import Path

# Where Debian (and OpenLink's own builds, by default) put the server binary.
CANDIDATES = (
    "/usr/bin/virtuoso-t",
    "/usr/lib/virtuoso-opensource-7/bin/virtuoso-t",
    "/usr/local/virtuoso-opensource/bin/virtuoso-t",
    "/opt/virtuoso-opensource/bin/virtuoso-t",
)
START_TIMEOUT = 60.0

INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = ., {folder}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def find_virtuoso() -> str | None:
    """The virtuoso-t binary: $VIRTUOSO_T, else on PATH, else where packages put it."""
    if environ.get("VIRTUOSO_T"):
        return environ["VIRTUOSO_T"]
    found = shutil.which("virtuoso-t")
    return found or next((path for path in CANDIDATES if Path(path).is_file()), None)


def free_port() -> int:
    """A TCP port that nothing listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Virtuoso:
    """A running server: its URLs, the DBA credentials, and stop()."""

    process: subprocess.Popen[bytes]
    folder: Path
    http_port: int
    sql_port: int
    user: str = "dba"
    password: str = "dba"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """SPARQL query endpoint, no authentication."""
        return self.base_url + "/sparql"

    @property
    def graph_store_url(self) -> str:
        """Graph Store HTTP Protocol endpoint (digest auth); add ?graph-uri=..."""
        return self.base_url + "/sparql-graph-crud-auth"

    @property
    def update_url(self) -> str:
        """SPARQL endpoint that takes updates (digest auth), as the form field ``query``."""
        return self.base_url + "/sparql-auth"

    def log_tail(self, lines: int = 40) -> str:
        log = self.folder / "virtuoso.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def answers(self) -> bool:
        """Whether /sparql answers a trivial query with 200."""
        url = self.sparql_url + "?query=ASK%20%7B%7D"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def stop(self, timeout: float = 15.0) -> None:
        """Shut the server down (SIGTERM: Virtuoso checkpoints and exits); SIGKILL if slow."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_virtuoso(folder: Path, timeout: float = START_TIMEOUT) -> Virtuoso:
    """Write virtuoso.ini into folder, start virtuoso-t there, wait until /sparql answers."""
    binary = find_virtuoso()
    if binary is None:
        raise RuntimeError("virtuoso-t is missing: run scripts/test (it installs it with apt)")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder, sql_port=sql_port, http_port=http_port))
    # In the foreground virtuoso-t logs to its standard output.
    with open(folder / "virtuoso.log", "wb") as log:
        process = subprocess.Popen(
            [binary, "+configfile", str(ini), "+foreground"],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Virtuoso(process, folder, http_port, sql_port)
    deadline = time.monotonic() + timeout
    while not server.answers():
        if process.poll() is not None or time.monotonic() > deadline:
            state = (
                f"exited with {process.returncode}"
                if process.poll() is not None
                else (f"did not answer within {timeout:.0f} s")
            )
            server.stop()
            raise RuntimeError(
                f"virtuoso-t ({binary}) {state} on {server.sparql_url}\n"
                f"--- {folder / 'virtuoso.log'} (tail) ---\n{server.log_tail()}"
            )
        time.sleep(0.1)
    return server


@contextmanager
def running_virtuoso(folder: Path, timeout: float = START_TIMEOUT) -> Iterator[Virtuoso]:
    """start_virtuoso() as a context manager that always stops the server."""
    server = start_virtuoso(folder, timeout)
    try:
        yield server
    finally:
        server.stop()
