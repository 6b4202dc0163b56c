"""The peak memory of a command and every process it starts, as the machine sees it.

    python bench/peak_memory.py [--log FILE] graphkit build CORPUS -o OUT --fresh -v

samples, every half second, the summed PSS (proportional set size: a page that several
processes map counts a share in each) of the command and its descendants, and prints the peak
when it ends. The build's own stage table reports `ru_maxrss` of the process or of its largest
child, and a forked worker's `ru_maxrss` counts every page it shares with its parent: this is
the figure that does not count them twice. With `--log FILE`, each sample is also a line
there: the seconds since the start, the sum, and each process's PSS in MiB (`pid:MiB`), to see
which stage and which process makes the peak. Linux only (/proc).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path
from typing import TextIO

PROC = Path("/proc")


def descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone since the listing
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def pss_kib(pid: int) -> int:
    """A process's proportional set size in KiB (0 once it has ended)."""
    try:
        lines = (PROC / str(pid) / "smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def main() -> int:
    args = sys.argv[1:]
    log = None
    if args[:1] == ["--log"]:
        log, args = Path(args[1]), args[2:]
    with log.open("w") if log else contextlib.nullcontext() as lines:
        return watch(args, lines)


def watch(command_line: list[str], log: TextIO | None) -> int:
    """Run the command, sampling its processes' PSS (into `log` too), and print the peak."""
    started = time.monotonic()
    command = subprocess.Popen(command_line)
    peak, peak_at = 0, 0.0
    while command.poll() is None:
        each = {pid: pss_kib(pid) for pid in descendants(command.pid)}
        total = sum(each.values())
        if log is not None:
            shares = " ".join(f"{pid}:{kib // 1024}" for pid, kib in each.items())
            seconds = time.monotonic() - started
            print(f"{seconds:.0f} {total // 1024} {shares}", file=log, flush=True)
        if total > peak:
            peak, peak_at = total, time.monotonic() - started
        time.sleep(0.5)
    print(
        f"peak PSS of the command and its processes: {peak / 1024:,.0f} MiB "
        f"at {peak_at:.0f} s; exit status {command.returncode}",
        file=sys.stderr,
    )
    return command.returncode


if __name__ == "__main__":
    sys.exit(main())
