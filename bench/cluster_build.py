"""A whole build on a Dask cluster beside the same build on this machine alone (issue 21).

    pip install 'graphkit[dask]'
    python bench/cluster_build.py --corpus DIR [--workers 2] [--scheduler ADDRESS]

Builds one corpus twice, each in a fresh `graphkit build` process with a fresh output folder:
first locally (`--jobs 0`: one process per core), then with `--dask` on a LocalCluster of
`--workers` single-threaded worker processes that this script starts (or on the running
scheduler at --scheduler, whose workers must see the corpus at the same path). Prints each
stage's seconds side by side, the wall time and peak memory of the build process and of each
worker, what ran on the cluster (tasks by kind: how many, compute seconds, bytes of results
sent back to the build), and whether every output file is byte for byte the same (the build's
id and time aside; the stores are loaded from the same graph.nt, whose bytes are compared).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster, get_task_stream

BUILT_AT = re.compile(rb'"built_at": ?"[^"]*"')


def run_build(corpus: Path, out: Path, extra: list[str]) -> tuple[float, str, int]:
    """Wall seconds, the -v stage table and the peak MiB of one `graphkit build` process."""
    command = [sys.executable, "-m", "graphkit", "build", str(corpus), "-o", str(out), "-v"]
    command += ["-q", "--fresh", *extra]
    script = (
        "import resource, subprocess, sys; "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(done.stdout); print(done.stderr, file=sys.stderr); "
        "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); "
        "sys.exit(done.returncode)"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *command], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"build failed ({done.returncode}): {done.stderr[-2000:]}")
    peak = int(re.findall(r"PEAK (\d+)", done.stdout)[-1])
    return seconds, done.stdout, peak


def stages(table: str) -> dict[str, float]:
    found = {}
    for line in table.splitlines():
        match = re.match(r"^([a-z][a-z ]+?)\s{2,}([\d.]+)\s", line)
        if match:
            found[match.group(1)] = float(match.group(2))
    return found


def digests(out: Path) -> dict[str, str]:
    """Each output file's digest (graph.nt streamed), the build's id and time left out."""
    current = out / ".graphkit/current"  # the build's own folder: pages and assets too
    build = json.loads((current / "build.json").read_bytes())["id"].encode()
    found = {}
    for path in sorted(current.rglob("*")):
        name = path.relative_to(current)
        if not path.is_file() or name.parts[0] == "store" or name.name == "build.json":
            continue  # the store's files vary by load; build.json names them, with a time
        digest = hashlib.blake2b()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 24):
                digest.update(BUILT_AT.sub(b"", chunk.replace(build, b"BUILD")))
        found[str(name)] = digest.hexdigest()
    return found


def tasks_by_kind(stream: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    kinds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for task in stream:
        kind = kinds[task["key"].split("-")[0] if isinstance(task["key"], str) else "?"]
        kind["tasks"] += 1
        kind["seconds"] += sum(
            part["stop"] - part["start"]
            for part in task.get("startstops", ())
            if part["action"] == "compute"
        )
        kind["result MB"] += task.get("nbytes", 0) / 1e6
    return kinds


def worker_peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", help="address of a running Dask scheduler")
    parser.add_argument("--keep", type=Path, help="folder for the two outputs (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        outs = args.keep or Path(scratch)
        local, cluster_out = outs / "local", outs / "cluster"
        local_wall, local_table, local_peak = run_build(args.corpus, local, ["-j", "0"])
        print(f"local build: {local_wall:.1f} s wall, peak {local_peak:,} MiB", flush=True)
        if args.scheduler:
            client = Client(args.scheduler)
        else:
            client = Client(
                LocalCluster(
                    n_workers=args.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, memory_limit=0,
                )
            )  # fmt: skip
        with client:
            address = client.scheduler.address
            with get_task_stream(client) as stream:
                wall, table, peak = run_build(args.corpus, cluster_out, ["--dask", address])
            peaks = client.run(worker_peak_mib)
            workers = len(client.scheduler_info()["workers"])
        print(f"cluster build ({workers} workers): {wall:.1f} s wall, peak {peak:,} MiB")
        print(f"  ratio to the local build: {wall / local_wall:.2f}")
        print("  workers' peak MiB: " + ", ".join(f"{p:,}" for p in peaks.values()))
        print(f"\n{'stage':<20}{'local s':>9}{'cluster s':>11}")
        here, there = stages(local_table), stages(table)
        for stage in here:
            print(f"{stage:<20}{here[stage]:>9.1f}{there.get(stage, float('nan')):>11.1f}")
        print(f"\n{'task':<16}{'tasks':>8}{'compute s':>11}{'results MB':>12}")
        for kind, figures in sorted(tasks_by_kind(stream.data).items()):
            print(
                f"{kind:<16}{figures['tasks']:>8.0f}{figures['seconds']:>11.1f}"
                f"{figures['result MB']:>12.1f}"
            )
        a, b = digests(local), digests(cluster_out)
        differ = sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))
        verdict = f"DIFFERENT: {differ}" if differ else "all the same"
        print(f"\noutput files: {len(a)}; {verdict}")


if __name__ == "__main__":
    main()
