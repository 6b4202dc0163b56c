"""The mutation score of the last `scripts/mutate` run, per package, and what survived.

Reads mutmut's results in mutants/ (one `.meta` JSON file per mutated module). A mutant that
timed out counts as killed: the bug made the tests hang, so they noticed it. Mutants listed in
scripts/mutation_equivalents.txt (name, then the reason) behave exactly as the code does and
are left out of the score; every other survivor, and every mutant no test reaches, counts
against it.

    python scripts/mutation_score.py [package-or-module]
    python scripts/mutation_score.py --names    # only the names of the mutants not caught
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "mutants" / "graphkit"
EQUIVALENTS = ROOT / "scripts" / "mutation_equivalents.txt"
PACKAGES = ("records", "resolve", "analysis")

# mutmut's exit codes (mutmut/stats.py): 1 and 3 killed, 0 survived, 5 and 33 no tests,
# 36, 24, -24, 152 and 255 timeout, 37 caught by the type checker, None not run yet.
KILLED = {1, 3, 37}
TIMEOUT = {24, -24, 36, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}


def outcome(code: int | None) -> str:
    if code in KILLED:
        return "killed"
    if code in TIMEOUT:
        return "timeout"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    return "not run" if code is None else f"other ({code})"


def equivalents() -> dict[str, str]:
    """Mutant name -> why it is equivalent."""
    found = {}
    for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            found[name] = reason.strip()
    return found


def results(prefix: str) -> dict[str, str]:
    """Mutant name -> outcome, for the mutants whose name starts with `prefix`."""
    found = {}
    for meta in sorted(RESULTS.rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            if name.startswith(prefix):
                found[name] = outcome(code)
    return found


def package_of(name: str) -> str:
    return name.split(".")[1]


def main(only: str = "") -> int:
    if only == "--names":
        same = equivalents()
        for name, result in results("graphkit.").items():
            if result in ("survived", "no tests") and name not in same:
                print(name)
        return 0
    found = results("graphkit." + only)
    if not found:
        print("no results: run scripts/mutate first", file=sys.stderr)
        return 2
    same = equivalents()
    print(
        f"{'package':10} {'mutants':>8} {'killed':>7} {'timeout':>8} {'equiv.':>7} "
        f"{'survived':>9} {'no tests':>9} {'not run':>8} {'score':>7}"
    )
    for package in (*PACKAGES, "all"):
        names = [n for n in found if package == "all" or package_of(n) == package]
        if not names:
            continue
        counts = Counter("equivalent" if n in same else found[n] for n in names)
        caught = counts["killed"] + counts["timeout"]
        judged = caught + counts["survived"] + counts["no tests"]
        score = f"{100 * caught / judged:.1f} %" if judged else "-"
        print(
            f"{package:10} {len(names):>8} {counts['killed']:>7} {counts['timeout']:>8} "
            f"{counts['equivalent']:>7} {counts['survived']:>9} {counts['no tests']:>9} "
            f"{counts['not run']:>8} {score:>7}"
        )
    lost = sorted(
        n for n, result in found.items() if result in ("survived", "no tests") and n not in same
    )
    if lost:
        print(f"\n{len(lost)} not caught (mutmut show NAME prints the change):")
        for name in lost:
            print(f"  {found[name]:9} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
