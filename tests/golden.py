"""Golden outputs: what a build answers, kept from before the columnar rewrite (issue 18);
the labelled and generated corpora's stories were kept again when the grouping changed on
purpose (issue 19: fragments, lone links; the README's grouping table measures the change);
and all three when the story counts were named as everywhere else (issue 20: `article_count`,
`outlet_count`, `untimed_count` in first_coverage and the graph's story nodes, whose list of
outlets is `outlets`), which changed only those parts; the labelled and generated corpora's
again when word weights were put on a grid (issue 21, so that rebuilds regroup only where a
change falls: the labelled slice found 33 stories instead of 31, the generated corpus the same
stories with some cut links' reasons and figures moved at the third decimal).

Three corpora: `seeds/`, the real labelled slice (`tests/fixtures/uci-news-slice.csv` written
as records at 10 % stray links), and a generated corpus of 2,000 records. For each, a snapshot
holds the tables (CSV and JSON; the seeds' CSV in full) and, as a digest with a count, the
*set* of N-Triples lines, the graph's nodes and edges, and the report without its build time.
The rewrite may change how and in what order things are written, not what they say.

    python -m tests.golden            # writes tests/golden/*.json from this checkout
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import graphkit
from graphkit.synthetic import generate_corpus
from graphkit.synthetic.labelled import write_labelled_corpus

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SLICE = ROOT / "tests" / "fixtures" / "uci-news-slice.csv"
NOW = datetime(2026, 11, 30, tzinfo=UTC)  # builds judge plausible times against this
TABLES = ("stories", "first_coverage", "outlets", "head_to_head")


def seeds(_folder: Path) -> Path:
    return ROOT / "seeds"


def labelled(folder: Path) -> Path:
    write_labelled_corpus(SLICE, folder / "records", noise=0.10, seed=3)
    return folder / "records"


def generated(folder: Path) -> Path:
    generate_corpus(folder / "records", 2000, noise=0.05, seed=11)
    return folder / "records"


CORPORA: dict[str, Callable[[Path], Path]] = {
    "seeds": seeds,
    "labelled": labelled,
    "generated": generated,
}


def snapshot(out: Path, full: bool, folder: str = "") -> dict[str, Any]:
    """What a build folder answers, independent of file order and build time; `full` keeps
    the tables as text (the seeds' are small), else as digests. Paths below `folder` (a
    temporary one) are written as below `CORPUS`."""

    def read(name: str) -> str:
        text = (out / name).read_text(encoding="utf-8")
        return text.replace(folder, "CORPUS") if folder else text

    shot: dict[str, Any] = {}
    for name in TABLES:
        table = read(f"{name}.csv")
        shot[f"{name}.csv"] = table if full else _digest(table.splitlines())
        data = json.loads(read(f"{name}.json"))
        shot[f"{name}.json"] = _digest([json.dumps(data, sort_keys=True)])
    triples = sorted(set(read("graph.nt").splitlines()) - {""})
    shot["graph.nt"] = _digest(triples)
    graph = json.loads(read("graph.json"))
    nodes = sorted(json.dumps(node, sort_keys=True) for node in graph["nodes"])
    edges = sorted(json.dumps(edge, sort_keys=True) for edge in graph["edges"])
    shot["graph.json nodes"], shot["graph.json edges"] = _digest(nodes), _digest(edges)
    report = json.loads(read("report.json"))
    report.pop("built_at", None)
    report.pop("sources", None)  # temporary folders
    shot["report.json"] = _digest([json.dumps(report, sort_keys=True)])
    shot["report summary"] = report.get("summary")
    return shot


def _digest(lines: list[str]) -> dict[str, Any]:
    text = "\n".join(lines).encode("utf-8")
    return {"count": len(lines), "sha256": hashlib.sha256(text).hexdigest()}


def build_snapshot(name: str, folder: Path) -> dict[str, Any]:
    """Build corpus `name` in `folder` (a fresh one) and snapshot its output."""
    source = CORPORA[name](folder)
    out = folder / "out"
    graphkit.build(source, out, reuse=False, now=NOW, formats=("json",))
    return snapshot(out, full=name == "seeds", folder=str(folder))


def golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    return data


def main() -> None:
    import tempfile

    GOLDEN.mkdir(exist_ok=True)
    for name in sys.argv[1:] or CORPORA:
        with tempfile.TemporaryDirectory() as temporary:
            shot = build_snapshot(name, Path(temporary))
        path = GOLDEN / f"{name}.json"
        path.write_text(json.dumps(shot, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
