"""The README's examples, run as a new user runs them: in a fresh folder holding a copy of
`seeds/` (and the files the examples name), each `console` block's commands in order through
a shell, each `python` block as a doctest there. What they print must be what the README
shows, but for the id and time of a build (BUILD, BUILT). A block that starts something
long-running (`graphkit serve`) is shown as `text` and not run."""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow  # the README's builds

README = ROOT / "README.md"
COPIED = ("seeds", "docs/examples", "tests/fixtures/mixed")  # what the examples read
BUILD_ID = re.compile(r"\b\d{8}T\d{6}-[0-9a-f]{8}\b")
BUILT_AT = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00\b")


@dataclass(frozen=True)
class Example:
    """One command of a `console` block and what the README says it prints."""

    line: int  # in the README
    command: str
    shown: str


def blocks(kind: str) -> list[tuple[int, str]]:
    """The README's fenced blocks of one kind: (line of the fence, text)."""
    text = README.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(rf"^```{kind}\n(.*?)^```$", text, re.M | re.S):
        found.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
    return found


def examples() -> list[Example]:
    found = []
    for line, text in blocks("console"):
        parts = re.split(r"^\$ ", text, flags=re.M)
        assert parts[0] == "", f"README.md:{line}: a console block starts with `$ `"
        offset = line + 1
        for part in parts[1:]:
            command, _, shown = part.partition("\n")
            found.append(Example(offset, command, shown))
            offset += part.count("\n")
    return found


def normal(text: str) -> str:
    return BUILT_AT.sub("BUILT", BUILD_ID.sub("BUILD", text))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new user's folder: the files the examples read, nothing built yet."""
    root = tmp_path_factory.mktemp("reader")
    for name in COPIED:
        shutil.copytree(ROOT / name, root / name)
    return root


def environment() -> dict[str, str]:
    """`graphkit` on the PATH as this Python's, and graphkit importable from this checkout."""
    scripts = Path(sys.executable).parent
    path = os.pathsep.join([str(scripts), os.environ.get("PATH", "")])
    pythonpath = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PATH": path, "PYTHONPATH": pythonpath, "COLUMNS": "200"}


def test_the_readme_has_examples_of_the_five_things_people_do() -> None:
    commands = [example.command.split()[:2] for example in examples()]
    for verb in ("build", "stories", "first", "query"):
        assert ["graphkit", verb] in commands, verb
    assert any("graphkit serve" in text for _, text in blocks("text"))
    assert blocks("python")


def test_every_console_example_prints_what_the_readme_shows(folder: Path) -> None:
    """In order: later examples read what earlier ones built, as they would for a reader."""
    env = environment()
    for example in examples():
        done = subprocess.run(
            example.command, shell=True, cwd=folder, env=env, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip
        printed = normal(done.stderr + done.stdout)
        assert printed == normal(example.shown), (
            f"README.md:{example.line}: $ {example.command}\n{done.stderr}{done.stdout}"
        )


def test_every_python_example_runs_as_shown(folder: Path) -> None:
    if not (folder / "output").is_dir():  # when run alone
        subprocess.run(["graphkit", "build", "-q"], cwd=folder, env=environment(), check=True)
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    here = Path.cwd()
    os.chdir(folder)
    try:
        for line, text in blocks("python"):
            test = parser.get_doctest(text, {}, "README.md", str(README), line)
            runner.run(test)
    finally:
        os.chdir(here)
    assert runner.summarize(verbose=False).failed == 0
