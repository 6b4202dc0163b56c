"""Processes below a process, read from Linux's /proc (for tests that kill a parent)."""

from __future__ import annotations

from pathlib import Path


def stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def descendants(pid: int) -> dict[int, str]:
    """Every process under `pid`, with its start time (Linux /proc; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        fields = stat(int(entry.parent.name))
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry.parent.name))
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            fields = stat(child)
            if child not in found and fields:
                found[child] = fields[19]
                todo.append(child)
    return found


def alive(pid: int, started: str) -> bool:
    """Whether the process `pid` that started at `started` still runs (a reused pid does not)."""
    fields = stat(pid)
    return bool(fields) and fields[0] != "Z" and fields[19] == started
