"""A build's splittable work on a Dask cluster: an executor over a `distributed.Client`.

Every stage whose work splits into independent tasks (parsing files, parsing the URLs that
Polars cannot read in one pass, Leiden inside each linked component) takes a
`concurrent.futures.Executor`; a local build gives it a process pool, a build on a cluster
the `ClusterExecutor` made here. The results are the same either way: tasks are pure, and
each stage puts their answers back in its own order.

Dask is optional (`pip install 'graphkit[dask]'`) and imported only when a cluster is asked
for. Dask's own `Client.get_executor()` keeps every future it made until it is shut down,
which would keep a million records' tables in the workers' memory; this executor lets a
task's result go from the cluster as soon as it has reached the caller.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import GraphkitError
from .settings import CLUSTER_TIMEOUT

if TYPE_CHECKING:
    from distributed import Client


class ClusterError(GraphkitError):
    """The Dask cluster cannot be reached, or its workers cannot run this graphkit."""


class ClusterExecutor(cf.Executor):
    """`concurrent.futures.Executor` over a Dask client: tasks run on the cluster's workers,
    and each result is released there once it has come back."""

    def __init__(self, client: Client) -> None:
        self.client: Any = client  # Dask's API is untyped

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        task = self.client.submit(fn, *args, pure=False, **kwargs)
        done: cf.Future[Any] = cf.Future()

        def settle(finished: Any) -> None:
            try:
                done.set_result(finished.result())
            except BaseException as error:  # handed to the caller as is
                done.set_exception(error)
            finally:
                finished.release()

        task.add_done_callback(settle)
        return done

    @property
    def workers(self) -> int:
        """The workers the cluster has now."""
        return len(self.client.scheduler_info(n_workers=-1)["workers"])


@contextmanager
def cluster_executor(
    cluster: str | Client, timeout: float = CLUSTER_TIMEOUT
) -> Iterator[ClusterExecutor]:
    """An executor on the Dask cluster at `cluster` (a scheduler's address such as
    `tcp://scheduler:8786`, reached within `timeout` seconds and closed at the end) or of a
    `distributed.Client` (left open). Its workers must import the same graphkit as this
    process: checked first."""
    try:
        from distributed import Client
    except ImportError as error:
        raise ClusterError(
            "building on a Dask cluster needs Dask: pip install 'graphkit[dask]'"
        ) from error
    own = not isinstance(cluster, Client)
    try:
        client: Any = Client(cluster, timeout=timeout) if own else cluster  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {cluster}: {error}") from error
    try:
        executor = ClusterExecutor(client)
        _check_workers(executor)
        yield executor
    finally:
        if own:
            client.close()


def _check_workers(executor: ClusterExecutor) -> None:
    """Stop unless the cluster has workers and they run the graphkit this process runs (a
    task's answer would otherwise depend on which machine ran it)."""
    if executor.workers == 0:
        raise ClusterError("the Dask cluster has no workers")
    here = code_version()
    try:
        there = set(executor.client.run(code_version).values())
    except ImportError as error:  # raised by a worker without graphkit
        raise ClusterError(f"a Dask worker cannot import graphkit: {error}") from error
    if there != {here}:
        found = ", ".join(sorted(there - {here}))
        raise ClusterError(f"the Dask workers run graphkit {found}; this is graphkit {here}")


def code_version() -> str:
    """graphkit's version and a digest of its code: what a worker and its client must share."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0")
        digest.update(source.read_bytes())
    return f"{version('graphkit')} ({digest.hexdigest()[:12]})"
