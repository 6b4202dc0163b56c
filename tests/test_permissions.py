"""Every file and folder a build writes gets the usual modes of new ones: the umask's."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from graphkit.outputs.folder import published_build

from .conftest import ROOT, SEED_RECORD


def modes(root: Path) -> dict[str, int]:
    """The permission bits of `root` and of everything below it, by relative path; not of
    the links in OUT to the published build (a link has no modes of its own)."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder) / name
            if not path.is_symlink():
                found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


@pytest.mark.parametrize(
    ("umask", "file_mode", "dir_mode"),
    [
        (0o022, 0o644, 0o755),  # the common default: anyone may read
        (0o077, 0o600, 0o700),  # a private umask stays private
        (0o002, 0o664, 0o775),  # group-writable: not a fixed 0644 either (Oxigraph's own)
    ],
    ids=["umask022", "umask077", "umask002"],
)
def test_a_build_writes_with_the_modes_the_umask_gives(
    tmp_path: Path, umask: int, file_mode: int, dir_mode: int
) -> None:
    out = tmp_path / "out"  # made by the build, so its mode counts too
    done = subprocess.run(
        [sys.executable, "-m", "graphkit", "build", str(SEED_RECORD), "-o", str(out)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        umask=umask,  # set in the child only, so this process's umask is never touched
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = modes(out)
    build = published_build(out).relative_to(out.resolve())
    assert f"{build}/report.json" in found and f"{build}/store/CURRENT" in found
    assert ".graphkit/lock" in found and ".graphkit/read-tables/files.arrow" in found
    wrong = [
        f"{name}: {oct(mode)}, not {oct(want)}"
        for name, mode in sorted(found.items())
        if mode != (want := dir_mode if (out / name).is_dir() else file_mode)
    ]
    assert not wrong, "\n".join(wrong)
