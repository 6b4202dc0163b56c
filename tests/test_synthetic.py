"""Tests for the labelled synthetic corpus generator."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import yaml

from graphkit.records import Record, read_records
from graphkit.synthetic import SyntheticCorpus, generate_corpus, main

TRACKING = {"fbclid", "gclid", "amp", "outputType"}
NAME = re.compile(r"^\d{6}_[0-9a-f]{16}\.txt$")


def canon(url: str) -> str:
    """Independent canonical form: https, www. host, no tracking, AMP or fragment."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if not host.startswith("www."):
        host = "www." + host
    path = parts.path
    if path.endswith("/amp/"):
        path = path[: -len("amp/")]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_") and k not in TRACKING
    ]
    return urlunsplit(("https", host, path, urlencode(query), ""))


def front_matter(path: Path) -> dict[str, Any]:
    """Parse a record: first line ``---``, YAML up to the next line that is exactly ``---``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    doc = yaml.load("\n".join(lines[1:end]), Loader=yaml.CSafeLoader)
    assert isinstance(doc, dict)
    return doc


def records(corpus: SyntheticCorpus) -> Iterator[dict[str, Any]]:
    """All parsed records of a corpus, in file order."""
    for path in sorted(corpus.path.glob("*.txt")):
        yield front_matter(path)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> SyntheticCorpus:
    return generate_corpus(tmp_path_factory.mktemp("c2000"), records=2000, noise=0.05, seed=7)


@pytest.fixture(scope="module")
def docs(corpus: SyntheticCorpus) -> list[dict[str, Any]]:
    return list(records(corpus))


def test_deterministic(tmp_path: Path) -> None:
    a = generate_corpus(tmp_path / "a", records=300, seed=3)
    b = generate_corpus(tmp_path / "b", records=300, seed=3)
    c = generate_corpus(tmp_path / "c", records=300, seed=4)
    names_a = sorted(p.name for p in a.path.iterdir())
    assert names_a == sorted(p.name for p in b.path.iterdir())
    for name in names_a:
        assert (a.path / name).read_bytes() == (b.path / name).read_bytes()
    assert a.labels == b.labels
    assert c.labels != a.labels


def test_record_count_and_names(corpus: SyntheticCorpus) -> None:
    files = sorted(corpus.path.glob("*.txt"))
    assert corpus.records == 2000
    assert len(files) == 2000
    assert all(NAME.match(p.name) for p in files)
    assert [int(p.name[:6]) for p in files] == list(range(2000))
    rows = (corpus.path / "labels.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "article_url\tstory_id"
    on_disk = dict(row.split("\t") for row in rows[1:])
    assert on_disk == corpus.labels


def test_small_and_rerun(tmp_path: Path) -> None:
    one = generate_corpus(tmp_path, records=1, seed=1)
    assert one.records == 1
    assert len(list(tmp_path.glob("*.txt"))) == 1
    again = generate_corpus(tmp_path, records=5, seed=1)  # replaces the previous corpus
    assert again.records == len(list(tmp_path.glob("*.txt"))) == 5


def test_refuses_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "000_fe3165b138a4a152.txt").write_text("---\n---\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate_corpus(tmp_path, records=3)
    with pytest.raises(ValueError, match="noise"):
        generate_corpus(tmp_path / "x", records=3, noise=1.5)


def test_records_parse(docs: list[dict[str, Any]]) -> None:
    required = {"category", "title", "webUrl", "provider", "topics", "related", "secured"}
    for doc in docs:
        assert required <= doc.keys()
        assert isinstance(doc["title"], str)
        assert doc["title"]
        assert {"name", "domain"} <= doc["provider"].keys()
        assert 1 <= len(doc["topics"]) <= 3
        assert 1 <= len(doc["related"]) <= 8
        assert re.fullmatch(r"[A-Za-z0-9+/=]+;[A-Za-z0-9+/=]+", doc["secured"])
        for rel in doc["related"]:
            assert {"title", "webUrl", "provider"} <= rel.keys()


def test_timestamps_mixed(docs: list[dict[str, Any]]) -> None:
    values = [d.get("publishedDateTime") for d in docs]
    values += [r.get("publishedDateTime") for d in docs for r in d["related"]]
    present = [v for v in values if v is not None]
    as_dt = [v for v in present if isinstance(v, datetime)]
    as_str = [v for v in present if isinstance(v, str)]
    assert as_dt
    assert as_str
    assert all(v.tzinfo is not None for v in as_dt)
    assert all(datetime.fromisoformat(v).tzinfo is not None for v in as_str)
    missing = sum(1 for d in docs if "publishedDateTime" not in d) / len(docs)
    assert 0 < missing < 0.03
    with_seconds = sum(1 for v in as_dt if v.second) / len(as_dt)
    assert 0 < with_seconds < 0.1


def noise_rate(corpus: SyntheticCorpus) -> tuple[float, int]:
    """Share of related links whose target is in another story than the record."""
    cross = total = 0
    for doc in records(corpus):
        own = corpus.labels[doc["webUrl"]]
        for rel in doc["related"]:
            total += 1
            cross += corpus.labels[canon(rel["webUrl"])] != own
    return cross / total, total


def test_noise_rate_close_to_requested(corpus: SyntheticCorpus) -> None:
    rate, total = noise_rate(corpus)
    assert total > 4000
    assert abs(rate - 0.05) < 0.015


def test_noise_links_are_plausible(corpus: SyntheticCorpus, docs: list[dict[str, Any]]) -> None:
    """Most cross-story links share a topic with the record's story."""
    topics: dict[str, set[str]] = {}
    for doc in docs:
        topics.setdefault(corpus.labels[doc["webUrl"]], set()).update(doc["topics"])
    shared = cross = 0
    for doc in docs:
        own = corpus.labels[doc["webUrl"]]
        for rel in doc["related"]:
            other = corpus.labels[canon(rel["webUrl"])]
            if other != own and other in topics:
                cross += 1
                shared += bool(topics[own] & topics[other])
    assert cross > 50
    assert shared / cross > 0.6


@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_noise_levels(tmp_path: Path, noise: float) -> None:
    corpus = generate_corpus(tmp_path, records=1500, noise=noise, seed=11)
    rate, _ = noise_rate(corpus)
    assert abs(rate - noise) < (1e-9 if noise == 0 else 0.02)


def test_story_sizes_heavy_tailed(corpus: SyntheticCorpus) -> None:
    sizes = sorted(Counter(corpus.labels.values()).values())
    median = statistics.median(sizes)
    assert 2 <= median <= 6
    assert sizes[-1] >= 50
    assert sizes[-1] >= 10 * median
    assert sum(1 for s in sizes if s <= 6) / len(sizes) > 0.6
    assert len(sizes) > 200  # number of stories scales with records


def test_labels_cover_every_url(corpus: SyntheticCorpus, docs: list[dict[str, Any]]) -> None:
    labels = corpus.labels
    assert all(canon(url) == url for url in labels)
    seen: set[str] = set()
    variants = 0
    for doc in docs:
        for entry in [doc, *doc["related"]]:
            web = entry["webUrl"]
            assert canon(web) in labels, web
            seen.add(canon(web))
            variants += canon(web) != web
            for key in ("originalUrl", "ampWebUrl"):
                if key in entry:
                    assert labels[canon(entry[key])] == labels[canon(web)]
    assert seen == set(labels)
    assert variants > 20  # http, utm, fragment, amp and no-www forms occur


def test_outlets_and_topics(docs: list[dict[str, Any]]) -> None:
    domains = Counter(d["provider"]["domain"] for d in docs)
    assert 100 <= len(domains) <= 200
    topics = {t for d in docs for t in d["topics"]}
    assert 30 <= len(topics) <= 40


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--records", "50", "--noise", "0.1", "--seed", "2"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("wrote 50 records")
    assert "\n" not in out
    assert len(list(tmp_path.glob("*.txt"))) == 50


def test_a_json_lines_corpus_holds_the_same_records(tmp_path: Path) -> None:
    files = generate_corpus(tmp_path / "files", 1200, seed=3)
    lines = generate_corpus(tmp_path / "lines", 1200, seed=3, jsonl=True)
    assert sorted(p.name for p in lines.path.iterdir()) == ["000000.jsonl", "labels.tsv"]
    assert lines.labels == files.labels
    as_files, as_lines = read_records([files.path]), read_records([lines.path])
    assert as_files.problems == as_lines.problems == []

    def key(record: Record) -> tuple[object, ...]:  # all but where it was read from
        return (record.article, record.related, record.topics, record.categories, record.tags)

    assert sorted(map(key, as_lines.records), key=repr) == sorted(
        map(key, as_files.records), key=repr
    )
