"""A build on a Dask cluster (issue 21): a real `distributed.LocalCluster` of two worker
processes, whose outputs must be byte for byte those of a local build, on the seeds and on
the real labelled slice; the work that splits must have run on the cluster's workers."""

from __future__ import annotations

import importlib
import socket
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from distributed import Client, LocalCluster, get_task_stream

import graphkit
from graphkit.analysis import group_stories
from graphkit.cli import main
from graphkit.cluster import ClusterError, cluster_executor
from graphkit.records import read_records
from graphkit.resolve import resolve
from graphkit.synthetic.labelled import write_labelled_corpus

from .conftest import SEEDS, run_cli
from .corpora import NOW
from .test_incremental import contents

# the module (the package's name `communities` is its function)
communities = importlib.import_module("graphkit.analysis.stories.communities")

pytestmark = [pytest.mark.slow, pytest.mark.processes]
SLICE = Path(__file__).resolve().parent / "fixtures" / "uci-news-slice.csv"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real labelled slice as records, a tenth of the related entries pointing into
    other stories (so that Leiden has components to split)."""
    folder = tmp_path_factory.mktemp("labelled")
    write_labelled_corpus(SLICE, folder, noise=0.1, seed=1)
    return folder


def task_names(stream: list[dict]) -> set[str]:
    return {task["key"].split("-")[0] for task in stream}


@pytest.mark.parametrize("corpus", ["seeds", "labelled"])
def test_a_build_on_a_cluster_writes_what_a_local_build_writes(
    client: Client, labelled: Path, tmp_path: Path, corpus: str
) -> None:
    source = SEEDS if corpus == "seeds" else labelled
    with get_task_stream(client) as stream:
        there = graphkit.build(source, tmp_path / "cluster", now=NOW, dask=client)
    here = graphkit.build(source, tmp_path / "local", now=NOW, jobs=1)
    # files were read and components split by the workers, not here
    assert {"read_columns", "split_batch"} <= task_names(stream.data)
    assert {task["worker"] for task in stream.data} <= set(client.scheduler_info()["workers"])
    assert there.summary == here.summary
    assert len(there.stories) == len(here.stories) >= 10
    assert contents(tmp_path / "cluster") == contents(tmp_path / "local")


def test_leiden_in_worker_processes_finds_the_stories_it_finds_here(labelled: Path) -> None:
    corpus = resolve(read_records([labelled]).records, now=NOW)
    here = group_stories(corpus)
    with ProcessPoolExecutor(2) as pool:
        there = group_stories(corpus, executor=pool)
    assert there.stories == here.stories and len(here.stories) > 20
    assert there.cut == here.cut and there.cut
    assert there.joined == here.joined


TASK_LINKS = 6


def test_leiden_in_a_pool_of_small_tasks_biggest_first_finds_the_same_stories(
    labelled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tasks of a few links: the components of more go first, biggest first, each a task of
    # its own, and the answers come back in whatever order the two workers end them.
    corpus = resolve(read_records([labelled]).records, now=NOW)
    here = group_stories(corpus)
    monkeypatch.setattr(communities, "BATCH_LINKS", TASK_LINKS)
    monkeypatch.setattr(communities, "PARALLEL_FROM_LINKS", 0)
    monkeypatch.setattr(communities, "CUT_LINKS", 4 * TASK_LINKS)
    cut: list[int] = []

    def take_cut(splitter: Any, slot: Any, component: Any, answer: Any) -> None:
        cut.append(len(component[0]))  # the component's size
        take_first(splitter, slot, component, answer)

    take_first = communities._Splitter._cut
    monkeypatch.setattr(communities._Splitter, "_cut", take_cut)
    orders: list[tuple[np.ndarray, np.ndarray]] = []

    def biggest_first(component: np.ndarray, links: communities.Links) -> np.ndarray:
        order = chosen(component, links)
        orders.append((order, np.bincount(component[links.a], minlength=len(order))))
        return order

    chosen = communities._biggest_first
    monkeypatch.setattr(communities, "_biggest_first", biggest_first)
    there = group_stories(corpus, jobs=2)
    assert there.stories == here.stories and there.cut == here.cut
    assert cut  # the biggest component was cut first, and its parts split as tasks
    [(order, counts)] = orders
    big = int((counts > TASK_LINKS).sum())
    assert big >= 1 and sorted(order.tolist()) == list(range(len(order)))
    assert list(counts[order[:big]]) == sorted(counts[counts > TASK_LINKS], reverse=True)
    assert list(order[big:]) == sorted(order[big:])  # then the others, in their order


def test_a_biggest_component_to_be_cut_is_shared_work_that_repays_a_pool(
    labelled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The biggest component alone is one task, unless it is big enough to be cut: its parts
    # are then split by every worker, and count towards starting them.
    corpus = resolve(read_records([labelled]).records, now=NOW)
    here = group_stories(corpus)
    counts: list[np.ndarray] = []

    def biggest_first(component: np.ndarray, links: communities.Links) -> np.ndarray:
        counts.append(np.bincount(component[links.a]))
        return chosen(component, links)

    chosen = communities._biggest_first
    monkeypatch.setattr(communities, "_biggest_first", biggest_first)
    pools: list[int] = []

    def counted_pool(workers: int) -> Any:
        pools.append(workers)
        return make_pool(workers)

    make_pool = communities.worker_pool
    monkeypatch.setattr(communities, "worker_pool", counted_pool)
    monkeypatch.setattr(communities, "PARALLEL_FROM_LINKS", 10**9)
    assert group_stories(corpus, jobs=2).stories == here.stories and not pools
    biggest = int(counts[0].max())
    others = int(counts[0].sum()) - biggest
    monkeypatch.setattr(communities, "PARALLEL_FROM_LINKS", others + 1)  # the others: too few
    monkeypatch.setattr(communities, "BATCH_LINKS", TASK_LINKS)
    monkeypatch.setattr(communities, "CUT_LINKS", biggest)  # not cut: one task
    assert group_stories(corpus, jobs=2).stories == here.stories and not pools
    monkeypatch.setattr(communities, "CUT_LINKS", biggest - 1)  # cut, its parts shared
    there = group_stories(corpus, jobs=2)
    assert pools == [2]
    assert there.stories == here.stories and there.cut == here.cut


def test_graphkit_build_dask_runs_on_the_scheduler_given(client: Client, tmp_path: Path) -> None:
    address = client.scheduler.address
    status, _, err = run_cli(
        main, "build", str(SEEDS), "-o", str(tmp_path / "out"), "--dask", address
    )
    assert status == 0, err
    local = tmp_path / "local"
    assert run_cli(main, "build", str(SEEDS), "-o", str(local), "-j", "1")[0] == 0
    built = {
        name: data for name, data in contents(tmp_path / "out").items() if name != "report.json"
    }
    assert built == {name: data for name, data in contents(local).items() if name != "report.json"}


def test_a_scheduler_that_is_not_there_is_named() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    refused = pytest.raises(ClusterError, match=f"cannot reach the Dask scheduler at {address}")
    with refused, cluster_executor(address, timeout=2):
        pass
