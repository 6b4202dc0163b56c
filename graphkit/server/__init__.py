"""`graphkit serve`: a read-only SPARQL endpoint over a build, with pages for people.

The last stage before the command line: it serves what `graphkit.rdf` answers (through
query workers under limits) and the files `graphkit.views` wrote, on uvicorn.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

import uvicorn

from ..rdf import OXIGRAPH, QueryWorkers
from ..settings import QUERY_WORKERS, SERVE_LIMITS, Limits
from .app import Site, create_app

__all__ = ["SERVE_LIMITS", "Site", "create_app", "serve"]


def serve(
    data: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    limits: Limits = SERVE_LIMITS,
    workers: int = QUERY_WORKERS,
    engine: str = OXIGRAPH,
    open_browser: bool = False,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the build in `data` at http://HOST:PORT/ until interrupted (port 0: any free one).

    `on_ready` is called with the URL once the socket listens and the store is open.
    """
    listener = socket.create_server(
        (host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET
    )
    bound = listener.getsockname()[1]
    url = f"http://{f'[{host}]' if ':' in host else host}:{bound}/"
    with QueryWorkers(data, engine, size=workers, limits=limits, start_method="forkserver") as pool:
        site = Site(data=data, listen=url, loopback=_loopback(host))
        server = uvicorn.Server(
            uvicorn.Config(create_app(pool, data, site), log_level="warning", lifespan="off")
        )
        if on_ready:
            on_ready(url)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, args=(url,)).start()
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C once stopped
            server.run(sockets=[listener])


def _loopback(host: str) -> bool:
    """Whether `host` only listens on this machine (a name is resolved first)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback
                for info in socket.getaddrinfo(host, None)
            )
        except OSError:
            return False
