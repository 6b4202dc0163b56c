"""An output folder holds one whole build at all times: killed, raced, out of space, or
pointed at its own outputs, a build leaves the previous one complete and readable."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphkit.outputs.folder import BUILDS, INFO, published_build
from graphkit.synthetic import generate_corpus

from .conftest import ROOT, SEEDS

# A build's own statements: not the story ids of the builds before it into the same folder
# (gk:FormerStory), which depend on the folder's history.
FORMER = "<https://graphkit.example/vocab#FormerStory>"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ ?s a {FORMER} }} }}"


def graphkit(*args: str, quiet: bool = False, **options: Any) -> subprocess.Popen[str]:
    """graphkit in a process of its own; `quiet` sends its output nowhere (its reading
    processes, if killed with it, may hold a pipe open a while after it)."""
    output = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen(
        [sys.executable, "-m", "graphkit", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=output, stderr=output, text=True, **options,
    )  # fmt: skip


def run(*args: str, **options: Any) -> tuple[int, str, str]:
    process = graphkit(*args, **options)
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, stdout, stderr


def what_readers_see(out: Path) -> tuple[int, int, int, int, int]:
    """The build as each reader sees it: `graphkit stats` (build.json), report.json, a
    table (stories.csv: a row per article in a story), the N-Triples file, and the store
    through `graphkit query` (the last two without the earlier builds' story ids)."""
    code, stats, err = run("stats", "--data", str(out), "--json")
    assert code == 0, err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    with (out / "stories.csv").open("rb") as lines:
        table_rows = sum(1 for line in lines if line.strip()) - 1
    lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    former = {line.split(" ", 1)[0] for line in lines if line.endswith(f" {FORMER} .")}
    triples = sum(1 for line in lines if line.strip() and line.split(" ", 1)[0] not in former)
    code, counted, err = run("query", "--data", str(out), COUNT, "--format", "csv")
    assert code == 0, err
    return (
        json.loads(stats)["build"]["records"],
        report["summary"]["records"],
        table_rows,
        triples,
        int(counted.splitlines()[1]),
    )


@pytest.fixture(scope="module")
def bigger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus whose build takes a few seconds: time to be killed at many points, and to
    outlast the readers a test runs while it writes (600 records built in 2 s, no longer
    enough once builds got faster)."""
    folder = tmp_path_factory.mktemp("bigger")
    generate_corpus(folder, records=2500, seed=5)
    return folder


@pytest.fixture(scope="module")
def expected(bigger: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What readers see of a clean build of the seeds (old) and of the bigger corpus (new),
    and how long the bigger build takes."""
    folder = tmp_path_factory.mktemp("expected")
    assert run("build", str(SEEDS), "-o", str(folder / "old"), "-q")[0] == 0
    started = time.monotonic()
    assert run("build", str(bigger), "-o", str(folder / "new"), "-q")[0] == 0
    seconds = time.monotonic() - started
    return {
        "old": what_readers_see(folder / "old"),
        "new": what_readers_see(folder / "new"),
        "seconds": seconds,
    }


def old_build(out: Path) -> None:
    code, _, err = run("build", str(SEEDS), "-o", str(out), "-q")
    assert code == 0, err


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_rebuild_killed_anywhere_leaves_one_whole_build(
    tmp_path: Path, bigger: Path, expected: dict[str, Any], sig: signal.Signals
) -> None:
    out = tmp_path / "out"
    old_build(out)
    (out / "my notes.txt").write_text("mine", encoding="utf-8")
    seen = set()
    for fraction in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97):
        rebuild = graphkit("build", str(bigger), "-o", str(out), "-q", quiet=True)
        time.sleep(expected["seconds"] * fraction)
        rebuild.send_signal(sig)
        rebuild.wait(timeout=60)
        now = what_readers_see(out)
        assert now in (expected["old"], expected["new"]), f"killed at {fraction:.0%}: {now}"
        seen.add("old" if now == expected["old"] else "new")
        assert (out / "my notes.txt").read_text(encoding="utf-8") == "mine"
        if now == expected["new"]:
            old_build(out)  # start the next kill from the old build again
    assert "old" in seen  # the kills did land during the build
    code, _, err = run("build", str(bigger), "-o", str(out), "-q")
    assert code == 0, err  # no debris trips a later build
    assert what_readers_see(out) == expected["new"]
    assert not [p for p in (out / BUILDS).iterdir() if p.name.endswith(".partial")]
    assert (out / "my notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_second_build_stops_at_once_or_waits(
    tmp_path: Path, bigger: Path, expected: dict[str, Any]
) -> None:
    out = tmp_path / "out"
    old_build(out)
    (out / "my notes.txt").write_text("mine", encoding="utf-8")
    first = graphkit("build", str(bigger), "-o", str(out), "-q", quiet=True)
    deadline = time.monotonic() + 60
    while not [p for p in (out / BUILDS).iterdir() if p.name.endswith(".partial")]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGSTOP)  # held in the middle of writing, however fast it is
    try:
        code, _, err = run("build", str(SEEDS), "-o", str(out), "-q")
        assert code == 5
        assert err == f"error: another build is writing {out}: wait for it, or use --wait\n"
        assert what_readers_see(out) == expected["old"]  # read while the first one writes
    finally:
        os.kill(first.pid, signal.SIGCONT)
    waiting = graphkit("build", str(SEEDS), "-o", str(out), "-q", "--wait", quiet=True)
    assert first.wait(timeout=120) == 0
    assert waiting.wait(timeout=120) == 0  # ran after the first one, not beside it
    assert what_readers_see(out) == expected["old"]
    assert (out / "my notes.txt").read_text(encoding="utf-8") == "mine"


def limit_file_size(size: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def test_a_build_that_runs_out_of_space_leaves_the_previous_one(
    tmp_path: Path, bigger: Path, expected: dict[str, Any]
) -> None:
    out = tmp_path / "out"
    old_build(out)
    (out / "my notes.txt").write_text("mine", encoding="utf-8")
    # `ulimit -f`: no file may grow past 2 MB, as on a disk that fills up while graph.nt is
    # written (Python ignores SIGXFSZ, so the write fails with an error).
    code, _, err = run(
        "build", str(bigger), "-o", str(out), "-q", preexec_fn=lambda: limit_file_size(2**21)
    )
    assert code == 6
    assert err.startswith(f"error: could not write {out}: File too large; its last build stands")
    assert err.count("\n") == 1
    assert what_readers_see(out) == expected["old"]
    assert not [p for p in (out / BUILDS).iterdir() if p.name.endswith(".partial")]
    assert (out / "my notes.txt").read_text(encoding="utf-8") == "mine"
    assert run("build", str(bigger), "-o", str(out), "-q")[0] == 0


def test_a_reader_says_in_one_line_when_there_is_no_build_it_can_read(tmp_path: Path) -> None:
    for command in (("first",), ("stats",), ("query", COUNT), ("serve", "-p", "0")):
        code, _, err = run(*command, "--data", str(tmp_path))
        assert (code, err) == (2, f"error: {tmp_path} holds no build: run `graphkit build` first\n")
    out = tmp_path / "out"
    old_build(out)
    info = published_build(out) / INFO
    data = json.loads(info.read_text(encoding="utf-8"))
    info.write_text(json.dumps({**data, "format": 99, "graphkit": "9.0"}), encoding="utf-8")
    code, _, err = run("first", "--data", str(out))
    assert code == 2 and err.count("\n") == 1
    assert "built by graphkit 9.0 (build format 99)" in err


def test_outputs_are_never_read_back_as_records(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources / "seeds")
    code, _, err = run("build", str(sources), "-o", str(sources / "out"))
    assert code == 2 and err.count("\n") == 1 and "inside the source folder" in err
    code, _, err = run("build", str(sources), "-o", str(sources))
    assert code == 2 and "inside the source folder" in err
    assert not (sources / "out").exists()
    # An output folder that got among the sources some other way is skipped, and said so.
    assert run("build", str(SEEDS), "-o", str(tmp_path / "out"), "-q")[0] == 0
    shutil.move(tmp_path / "out", sources / "out")
    code, summary, err = run("build", str(sources), "-o", str(tmp_path / "again"))
    assert code == 0, err
    assert f"skipped  graphkit output folders among the sources: {sources / 'out'}" in summary
    assert "read     36 files: 39 records" in summary
    # Another tool's JSON (here, graphkit's own tables copied as plain files) is one line each.
    shutil.copy(sources / "out" / "head_to_head.json", sources / "seeds" / "pairs.json")
    code, _, err = run("build", str(sources), "-o", str(tmp_path / "again"), "-q")
    assert code == 1
    assert err.splitlines() == [
        f"{sources / 'seeds' / 'pairs.json'}: rejected: not records: none of its "
        f"{len(json.loads((sources / 'seeds' / 'pairs.json').read_text()))} items has a URL "
        "field (webUrl, originalUrl, ampWebUrl, cdnAmpWebUrl)"
    ]


def test_a_folder_built_by_an_older_graphkit_is_taken_over(tmp_path: Path) -> None:
    """An older graphkit wrote its files straight into OUT: the first staged build replaces
    them with links to the build, and keeps the user's files."""
    assert run("build", str(SEEDS), "-o", str(tmp_path / "new"), "-q")[0] == 0
    flat = tmp_path / "flat"
    shutil.copytree(published_build(tmp_path / "new"), flat)
    (flat / INFO).unlink()
    (flat / "graph.ttl").write_text("stale", encoding="utf-8")
    (flat / "README.md").write_text("mine", encoding="utf-8")
    code, _, err = run("first", "--data", str(flat))
    assert code == 2 and "from an older graphkit" in err
    assert run("build", str(SEEDS), "-o", str(flat), "-q")[0] == 0
    assert (flat / "report.json").is_symlink() and not (flat / "graph.ttl").exists()
    assert (flat / "README.md").read_text(encoding="utf-8") == "mine"
    assert run("first", "--data", str(flat))[0] == 0


def test_a_running_reader_keeps_its_build_across_rebuilds(tmp_path: Path, bigger: Path) -> None:
    out = tmp_path / "out"
    old_build(out)
    served = published_build(out)
    server = graphkit("serve", "--data", str(out), "-p", "0")
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split(" at ")[1].split(" ")[0]
        for _ in range(3):  # two builds are kept; the served one is kept while it is served
            assert run("build", str(bigger), "-o", str(out), "-q")[0] == 0
        assert published_build(out) != served and served.is_dir()
        answer = httpx.get(f"{url}sparql", params={"query": COUNT}, headers={"Accept": "text/csv"})
        assert answer.status_code == 200 and answer.text.splitlines()[1] == "1440"  # the seeds'
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)
    assert run("build", str(bigger), "-o", str(out), "-q")[0] == 0
    assert not served.exists()  # no longer in use: removed by the next build
