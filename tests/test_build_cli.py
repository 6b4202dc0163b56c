"""`graphkit build` and `graphkit stats` end to end: in-process and as a real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.outputs import UnsafePathError, inside, read_graph_json

from .conftest import MIXED, ROOT, SEED_RECORD, SEEDS

OUTPUT_FILES = {"graph.nt", "store", "report.json", "stats.json", "stories.csv", "index.html"}
HEAVY_FILES = {"graph.json", "graph.graphml", "graph.gexf", "graph.ttl", "graph.jsonld"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_seed_record_prints_summary_and_writes_outputs(tmp_path: Path) -> None:
    code, out, err = run("build", str(SEED_RECORD), "-o", str(tmp_path))
    assert code == 0, err
    assert "3 articles" in out and "3 outlets" in out and "3 topics" in out and "related 2" in out
    assert {p.name for p in tmp_path.iterdir()} >= OUTPUT_FILES
    assert not {p.name for p in tmp_path.iterdir()} & HEAVY_FILES  # only on request
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["summary"]["articles"] == 3 and report["rejected"] == []


def test_heavy_exports_are_written_on_request_and_removed_when_not(tmp_path: Path) -> None:
    code, out, err = run("build", str(SEED_RECORD), "-o", str(tmp_path), "--formats", "gexf,ttl")
    assert code == 0, err
    names = {p.name for p in tmp_path.iterdir()}
    assert names >= OUTPUT_FILES and names & HEAVY_FILES == {"graph.gexf", "graph.ttl"}
    assert "graph.gexf" in out and "graph.graphml" not in out  # the summary lists them
    run("build", str(SEED_RECORD), "-o", str(tmp_path), "--formats", "all")
    assert {p.name for p in tmp_path.iterdir()} >= OUTPUT_FILES | HEAVY_FILES
    run("build", str(SEED_RECORD), "-o", str(tmp_path))  # no stale export of an earlier build
    assert not {p.name for p in tmp_path.iterdir()} & HEAVY_FILES
    code, _, err = run("build", str(SEED_RECORD), "-o", str(tmp_path), "--formats", "gexf,pdf")
    assert code == 2 and "unknown format 'pdf'" in err


def test_graph_files_read_back_with_the_same_nodes_and_edges(tmp_path: Path) -> None:
    run("build", str(SEED_RECORD), "-o", str(tmp_path), "--formats", "json,graphml,gexf")
    from_json = read_graph_json(tmp_path / "graph.json")
    from_graphml = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    from_gexf = nx.read_gexf(tmp_path / "graph.gexf")
    for graph in (from_json, from_graphml, from_gexf):
        assert graph.number_of_nodes() == 11  # 3 articles, 3 outlets, 3 topics, 1 category, 1 story
        assert graph.number_of_edges() == 13  # ... and 3 in_story edges, 1 first_by
    post = "article:https://washingtonpost.com/technology/2021/02/17/facial-recognition-biden"
    assert from_graphml.nodes[post]["published_utc"] == "2021-02-17T23:21:00Z"
    assert json.loads(from_graphml.nodes[post]["aliases"])[0].startswith(
        "https://www.washingtonpost.com/"
    )
    assert from_json.nodes[post]["provider"] == "washingtonpost.com"
    relations = sorted(d["relation"] for _, _, d in from_graphml.edges(data=True))
    assert relations == sorted(k for _, _, k in from_json.edges(keys=True))
    edge_ids = [k for _, _, k in from_graphml.edges(keys=True)]
    assert len(set(edge_ids)) == len(edge_ids)  # GraphML edge ids are unique


def test_secured_never_reaches_any_output(tmp_path: Path) -> None:
    run("build", str(SEEDS), str(MIXED), "-o", str(tmp_path))
    blobs = [SEED_RECORD.read_text().split('secured: "')[1].split('"')[0][:40], "c2VjcmV0LWJsb2I"]
    for path in tmp_path.rglob("*"):
        if path.is_file():  # text outputs and the binary store alike
            data = path.read_bytes()
            assert not any(blob.encode() in data for blob in blobs), path
            if "store" not in path.relative_to(tmp_path).parts:  # RocksDB logs say "secured"
                assert b"secured" not in data, path


def test_rejections_exit_1_keep_good_records_and_are_reported(tmp_path: Path) -> None:
    code, out, err = run("build", str(MIXED), "-o", str(tmp_path))
    assert code == 1
    assert "3 records" in out
    report = json.loads((tmp_path / "report.json").read_text())
    rejected = {Path(r["path"]).name for r in report["rejected"]}
    assert {
        "bad_alias_bomb.yaml",
        "bad_not_utf8.txt",
        "bad_topics_string.txt",
        "records.jsonl",
    } <= rejected
    assert len(report["dropped"]) == 2
    for entry in report["rejected"]:
        assert f"{entry['path']}" in err and entry["reason"] in err
    assert len(err.strip().splitlines()) == len(report["rejected"]) + len(report["dropped"])


def test_strict_stops_at_the_first_problem_and_writes_nothing(tmp_path: Path) -> None:
    code, _, err = run("build", str(MIXED), "-o", str(tmp_path / "out"), "--strict")
    assert code == 3
    assert "bad_alias_bomb.yaml" in err and "--strict" in err
    # Nothing published: only graphkit's own folder (its lock, no build) was made.
    assert [p.name for p in (tmp_path / "out").iterdir()] == [".graphkit"]
    assert list((tmp_path / "out" / ".graphkit" / "builds").iterdir()) == []


def test_missing_source_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("build", str(tmp_path / "nope"), "-o", str(tmp_path))
    assert code == 2 and "does not exist" in err


def test_stats_reads_a_built_folder_or_sources(tmp_path: Path) -> None:
    run("build", str(SEED_RECORD), "-o", str(tmp_path))
    code, out, _ = run("stats", "--data", str(tmp_path), "--json")
    assert code == 0
    stats = json.loads(out)
    assert (stats["articles"], stats["outlets"], stats["topics"]) == (3, 3, 3)
    assert stats["first_published_utc"] == "2021-02-17T23:21:00Z"
    code, out, _ = run("stats", str(SEED_RECORD))
    assert code == 0 and "articles 3, outlets 3, topics 3" in out
    code, _, err = run("stats", "--data", str(tmp_path / "empty"))
    assert code == 2 and "graphkit build" in err


def test_outputs_cannot_leave_the_output_folder(tmp_path: Path) -> None:
    assert inside(tmp_path, "a/b.json") == tmp_path.resolve() / "a" / "b.json"
    for name in ("../escape.json", "/etc/passwd", "a/../../x"):
        with pytest.raises(UnsafePathError):
            inside(tmp_path, name)


def test_the_installed_command_runs_with_default_paths(tmp_path: Path) -> None:
    """As a user runs it: the console script, from a folder holding seeds/."""
    (tmp_path / "seeds").symlink_to(SEEDS)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "graphkit", "build"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "articles" in done.stdout
    assert {p.name for p in (tmp_path / "output").iterdir()} >= OUTPUT_FILES


def test_verbose_prints_every_stage_with_its_figures(tmp_path: Path) -> None:
    code, out, err = run("build", str(SEEDS), "-o", str(tmp_path), "-v")
    assert code == 0, err
    lines = out.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("stage ")))
    assert lines[start].split() == ["stage", "seconds", "records/s", "peak", "MiB"]
    stages = [line.rsplit(None, 3) for line in lines[start + 1 :]]
    names = [
        "read", "resolve", "rdf", "stories", "rdf of stories", "report and tables", "views",
        "store",
    ]  # fmt: skip
    assert [stage[0] for stage in stages] == names
    for _, seconds, rate, peak in stages:
        assert float(seconds) >= 0 and int(peak.replace(",", "")) > 0
        assert rate == "-" or int(rate.replace(",", "")) > 0
    assert "stage " not in run("build", str(SEEDS), "-o", str(tmp_path))[1]  # only with -v


def test_a_terminal_sees_a_bar_with_counts_and_a_rate_for_each_long_stage(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    primary, secondary = pty.openpty()  # stderr is a terminal: tqdm shows its bars
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))  # 160 wide
    command = [sys.executable, "-m", "graphkit", "build", str(SEEDS), "-o", str(tmp_path)]
    done = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=False, stdout=subprocess.PIPE,
        stderr=secondary, timeout=300, check=False,
    )  # fmt: skip
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert done.returncode == 0
    text = shown.decode("utf-8", "replace")
    for stage, unit, total in [
        ("reading", "file", 36), ("resolving", "step", 8), ("finding stories", "component", 9),
        ("writing RDF", "article", 55), ("writing pages", "page", 55),
    ]:  # fmt: skip
        assert f"{stage}:" in text and f"/{total} [" in text and f"{unit}/s]" in text, stage
