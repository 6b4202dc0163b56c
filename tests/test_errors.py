"""One error root: every error graphkit raises to its callers is a GraphkitError with the exit
status the command line ends with."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import graphkit
from graphkit.errors import ExitStatus, GraphkitError

# Errors that never reach a caller: each is turned into a Problem of the file it is about
# (the file is named and skipped, its neighbours kept), a 4xx answer of the server, or a
# control-flow signal inside one module.
KEPT_INSIDE = {
    "graphkit.rdf.push._BatchFailed",
    "graphkit.records.fast._Slow",
    "graphkit.records.fields.FieldError",
    "graphkit.records.frontmatter.LoadError",
    "graphkit.records.frontmatter._NotTheSame",
    "graphkit.records.times.TimeFormatError",
    "graphkit.server.app.RequestError",
}


def graphkit_exceptions() -> dict[str, type[BaseException]]:
    found = {}
    for module_info in pkgutil.walk_packages(graphkit.__path__, "graphkit."):
        if module_info.name.endswith(".__main__"):  # runs the command line when imported
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_error_a_caller_can_meet_is_a_graphkit_error() -> None:
    errors = graphkit_exceptions()
    assert set(errors) >= KEPT_INSIDE  # the list above names real classes
    outside = {name for name, kind in errors.items() if not issubclass(kind, GraphkitError)}
    assert outside == KEPT_INSIDE


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("graphkit.records.reader.StrictModeError", ExitStatus.STRICT),
        ("graphkit.outputs.folder.BuildBusyError", ExitStatus.BUSY),
        ("graphkit.outputs.folder.NoBuildError", ExitStatus.USAGE),
        ("graphkit.rdf.sparql.QuerySyntaxError", ExitStatus.USAGE),
        ("graphkit.rdf.workers.QueryTimeoutError", ExitStatus.STOPPED),
        ("graphkit.analysis.lineage.StoryNotFoundError", ExitStatus.USAGE),
    ],
)
def test_each_error_carries_the_status_the_readme_gives(name: str, status: ExitStatus) -> None:
    assert graphkit_exceptions()[name].exit_status is status  # type: ignore[attr-defined]
