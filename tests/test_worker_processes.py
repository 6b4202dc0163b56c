"""No graphkit worker process outlives the process that started it, however that one ends.

Killing the main process alone (`kill -9 PID`, as the OOM killer does; not its process group)
used to leave a build's read workers behind, stuck for an hour or more.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphkit.pipeline import build
from graphkit.synthetic import generate_corpus

from .conftest import ROOT, SEEDS
from .processes import alive, descendants

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc"),
]


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "graphkit", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for_workers(process: subprocess.Popen[bytes], least: int) -> dict[int, str]:
    """The processes below `process` once there are `least` of them (within 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        family = descendants(process.pid)
        if len(family) >= least:
            return family
        time.sleep(0.02)
    pytest.fail(f"graphkit never had {least} worker processes (exit {process.poll()})")


def kill_alone_and_count_survivors(
    process: subprocess.Popen[bytes], family: dict[int, str]
) -> list[int]:
    """Kill the main process only, then give its workers 10 s to end; those left."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(alive(*member) for member in family.items()) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = sorted(pid for pid, started in family.items() if alive(pid, started))
    for pid in left:  # clean up after a failure: only these workers, by id
        os.kill(pid, signal.SIGKILL)
    return left


def test_a_killed_build_leaves_no_read_worker(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "records", records=4000, seed=2)  # read by a pool of two
    process = start("build", str(tmp_path / "records"), "-o", str(tmp_path / "out"), "-j", "2")
    family = wait_for_workers(process, 2)
    assert kill_alone_and_count_survivors(process, family) == []


def test_a_killed_server_leaves_no_query_worker(tmp_path: Path) -> None:
    build(SEEDS, tmp_path / "out")
    process = start("serve", "--data", str(tmp_path / "out"), "-p", "0", "--workers", "2")
    family = wait_for_workers(process, 2)
    assert kill_alone_and_count_survivors(process, family) == []


def from_standard_input(script: str, folder: Path) -> list[str]:
    """`python - < script` run in `folder`: the words it printed (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, timeout=300,
        cwd=folder, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_a_script_read_from_standard_input_reads_with_workers_while_it_runs_threads(
    tmp_path: Path,
) -> None:
    """Forkserver would import the main script again in each worker, and `<stdin>` is no file:
    such a script forks its workers, even with other threads running."""
    generate_corpus(tmp_path / "records", 600, seed=3)  # enough files for a pool of workers
    script = f"""
import threading, time
from graphkit.records import read_records
threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
read = read_records([{str(tmp_path / "records")!r}], jobs=2)
print(len(read.records), len(read.rejected))
"""
    assert from_standard_input(script, ROOT) == ["600", "0"]


def test_a_script_read_from_standard_input_queries_a_build_by_its_folders_name(
    tmp_path: Path,
) -> None:
    """What a notebook or `python - < script.py` does: the folder given as text, threads
    running, and the answers as Python values, from `query_data` and `graphkit.open`."""
    build(SEEDS, tmp_path / "out")
    script = """
import threading, time
import graphkit
from graphkit.rdf import query_data
threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
articles = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://schema.org/NewsArticle> }"
result, _ = query_data("out", articles)
print(result.rows[0][0].value, graphkit.open("out").query("first-coverage")[0]["story_id"])
"""
    assert from_standard_input(script, tmp_path) == ["55", "s-be87dfd58115"]
