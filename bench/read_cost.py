"""The work of reading a record file, counted in machine instructions, not seconds.

    python bench/read_cost.py CORPUS [--files 500] [--source DIR]

A VM's speed moves by half from one hour to the next (this benchmark was written on one where
the same read of 3,000 files took 302 to 425 µs a file, best of seven), which hides a change
of a tenth. Instructions do not move: Valgrind (cachegrind, `apt-get install valgrind`)
counts those a process runs. This runs the reading workers' own work (`read_columns`: load,
check and write each file's records into columns) in one process, under Valgrind, twice: on
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
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from graphkit.records.reader import find_files, read_columns
files, _, _ = find_files([sys.argv[2]])
read_columns(files[:{WARM}], "tables")
count = int(sys.argv[3])
if count:
    read_columns(files[{WARM}:{WARM} + count], "tables")
"""


def instructions(source: Path, corpus: Path, files: int) -> int:
    """The instructions of a Python process that reads `files` files of `corpus`."""
    run = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, "-c", _CHILD, str(source), str(corpus), str(files)],
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
    base = instructions(args.source, args.corpus, 0)
    read = instructions(args.source, args.corpus, args.files)
    per_file = (read - base) / args.files
    print(f"{args.source}: {per_file / 1e6:.3f} million instructions a file ({args.files} files)")


if __name__ == "__main__":
    main()
