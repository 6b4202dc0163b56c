"""The work of reading a record file, counted in machine instructions, not seconds.

    python bench/read_cost.py CORPUS [--files 500] [--source DIR]

A VM's speed moves by half from one hour to the next (this benchmark was written on one where
the same read of 3,000 files took 302 to 425 µs a file, best of seven), which hides a change
of a tenth. Instructions do not move: Valgrind (cachegrind, `apt-get install valgrind`)
counts those a process runs. This runs the reading workers' own work (`read_columns`: load,
check and write each file's records into columns, each file's name given as a build gives
it) in one process, under Valgrind, twice: on
`--files` files of CORPUS and on none, and prints the difference per file. `--source DIR`
counts the graphkit found in DIR (a checkout or a `git worktree` of another commit) instead
of this one, for a before and after on any machine. The files are the corpus's first ones
after the fiftieth (the first fifty warm the caches of both runs alike).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM = 50

_CHILD = f"""
import inspect, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from graphkit.records.model import display_path
from graphkit.records.reader import find_files, read_columns
files, _, _ = find_files([sys.argv[2]])
count, most = int(sys.argv[3]), int(sys.argv[4])
# a build's workers are given each file's name (since cd1a030): made in both runs alike
names = [display_path(file) for file in files[:{WARM} + most]]
def read(part):
    if "names" in inspect.signature(read_columns).parameters:
        read_columns(files[part], names[part], for_cache="tables")
    else:
        read_columns(files[part], for_cache="tables")
read(slice(0, {WARM}))
if count:
    read(slice({WARM}, {WARM} + count))
"""


def instructions(source: Path, corpus: Path, files: int, most: int) -> int:
    """The instructions of a Python process that reads `files` files of `corpus`."""
    run = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, "-c", _CHILD, str(source), str(corpus), str(files), str(most)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--source", type=Path, default=ROOT, help="the graphkit to count")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed: apt-get install valgrind")
    base = instructions(args.source, args.corpus, 0, args.files)
    read = instructions(args.source, args.corpus, args.files, args.files)
    per_file = (read - base) / args.files
    print(f"{args.source}: {per_file / 1e6:.3f} million instructions a file ({args.files} files)")


if __name__ == "__main__":
    main()
