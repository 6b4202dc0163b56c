"""Hostile strings in records stay data in every output, and never break one."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.outputs import read_graph_json
from graphkit.outputs.folder import published_build

pytestmark = pytest.mark.slow  # whole builds with every export

SCRIPT = "<script>alert(1)</script>"
TITLE = f'Evil "title" {SCRIPT} """ \'\'\' \\ }}]}} @prefix x: <y> .'


def hostile_record() -> dict[str, object]:
    return {
        # NUL, escape sequences, a lone surrogate and a non-character: no output can carry them
        "title": f"\x00{TITLE}\x1b[31m\ud800\uffff",
        "excerpt": "\u202eright-to-left override, then a tab\tand a newline\nstays",
        "webUrl": 'https://example.com/a?x=<b>&y="q"',
        "publishedDateTime": "2023-01-01T00:00:00Z",
        "provider": {"name": "</script><img src=x onerror=alert(1)>", "domain": "example.com"},
        "topics": ["../../../etc/passwd", "<b>bold</b>", '=HYPERLINK("http://x")'],
        "related": [{"webUrl": "https://other.com/b>c", "title": SCRIPT}],
    }


def test_hostile_strings_survive_every_output(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    # JSON can spell a lone surrogate (\ud800) that UTF-8 YAML cannot.
    (source / "evil.json").write_text(json.dumps(hostile_record()), encoding="utf-8")
    out = tmp_path / "out"
    done = CliRunner().invoke(
        main, ["build", str(source), "-o", str(out), "-q", "--formats", "all"]
    )
    assert done.exit_code == 0, done.output

    graph = read_graph_json(out / "graph.json")
    titles = {d.get("title") for _, d in graph.nodes(data=True) if d["kind"] == "article"}
    assert titles == {f"{TITLE}[31m", SCRIPT}
    for read in (nx.read_graphml, nx.read_gexf):
        again = read(out / f"graph.{'graphml' if read is nx.read_graphml else 'gexf'}")
        assert {d.get("title") for _, d in again.nodes(data=True)} >= titles
    for name, fmt in [
        ("graph.ttl", ox.RdfFormat.TURTLE),
        ("graph.nt", ox.RdfFormat.N_TRIPLES),
        ("graph.jsonld", ox.RdfFormat.JSON_LD),
    ]:
        headlines = {
            t.object.value
            for t in ox.parse(path=out / name, format=fmt)
            if t.predicate.value == "https://schema.org/headline"
        }
        assert headlines == titles, name
    # A topic named like a path creates no file at all: pages are the key in an address's
    # fragment, and data files are named by kind and number.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert not any(".." in p.name for p in out.rglob("*"))
    build = published_build(out)
    assert not [p for p in build.rglob("*") if "passwd" in p.name]
    assert "..%2F" in (build / "views" / "pages.json").read_text(encoding="utf-8")


def test_csv_cells_never_start_a_spreadsheet_formula(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    record = hostile_record() | {"provider": {"name": "=cmd|' /C calc'!A0", "domain": "x.com"}}
    (source / "evil.json").write_text(json.dumps(record), encoding="utf-8")
    CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "out"), "-q"])
    text = (tmp_path / "out" / "stories.csv").read_text(encoding="utf-8")
    assert ",'=cmd|" in text and ",=cmd" not in text
