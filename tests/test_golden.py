"""The answers of a build stay those kept before the columnar rewrite (tests/golden.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .golden import CORPORA, build_snapshot, golden


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CORPORA))
def test_build_answers_as_before_the_rewrite(name: str, tmp_path: Path) -> None:
    kept, now = golden(name), build_snapshot(name, tmp_path)
    assert sorted(now) == sorted(kept)
    changed = [part for part in kept if now[part] != kept[part]]
    assert not changed, f"{name}: changed {changed}"
