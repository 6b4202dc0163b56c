"""Shared fixtures: the real seed record, and a helper that writes records as files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Mutation testing (scripts/mutate) runs each test once per mutant: fewer examples, and the
# same ones every time, so that a mutant's result does not depend on the draw.
settings.register_profile("mutation", max_examples=10, derandomize=True, database=None)


def examples(default: int) -> int:
    """How many examples a property test draws: `default`, or GRAPHKIT_EXAMPLES when set
    (higher for a deeper search; scripts/mutate sets 10)."""
    return int(os.environ.get("GRAPHKIT_EXAMPLES", default))


ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_RECORD = SEEDS / "000_fe3165b138a4a152.txt"
MIXED = Path(__file__).resolve().parent / "fixtures" / "mixed"

WriteRecord = Callable[..., Path]


def front_matter(fields: dict[str, Any], body: str = "") -> str:
    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True) + "---\n" + body


@pytest.fixture
def write_record(tmp_path: Path) -> WriteRecord:
    """Write a record file into tmp_path/records: from a dict of fields, or raw text."""
    folder = tmp_path / "records"
    folder.mkdir(exist_ok=True)

    def write(name: str, content: dict[str, Any] | str | bytes) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = content if isinstance(content, str) else front_matter(content)
            path.write_text(text, encoding="utf-8")
        return path

    return write


def article(
    url: str, title: str = "A title", when: str = "2023-05-01T10:00:00Z", **extra: Any
) -> dict[str, Any]:
    """A minimal record (or related entry) for one article."""
    return {"title": title, "publishedDateTime": when, "webUrl": url, **extra}


def run_cli(command: Any, *args: str) -> tuple[int, str, str]:
    """A graphkit command run in-process: exit status, standard output, standard error."""
    from click.testing import CliRunner

    result = CliRunner().invoke(command, list(args))
    return result.exit_code, result.stdout, result.stderr


def built_with_cli(command: Any, out: Path, source: Path) -> Path:
    """`graphkit build SOURCE -o OUT -q`, in-process; OUT."""
    code, _, err = run_cli(command, "build", str(source), "-o", str(out), "-q")
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium through Playwright, for the page tests (see tests/browser.py)."""
    from .browser import open_browser

    with open_browser() as opened:
        yield opened
