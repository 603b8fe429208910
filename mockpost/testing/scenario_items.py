"""YAML scenarios as pytest items: each file below the scenario folders (ini option
`mockpost_scenarios`, default the project's `scenarios/`) that declares itself a scenario with a
top-level line `mockpost: 1` is one test marked `scenario` (select with `-m scenario`, leave out
with `-m "not scenario"`). Other YAML files there (a load profile, a config) are not scenarios and
are left alone; files in data folders (`fixtures/`, `files/`, `data/`) never count.

Each step is reported: the step lines (with timings) are a report section of the test, shown with
`-rA` or on failure, where the failing step's diff comes first. The scenarios of one session share
in-process sandboxes (one per random seed), reset before every scenario.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockpost.scenarios.loader import (
    SCENARIO_SUFFIXES,
    LoadedScenario,
    declares_scenario,
    is_data_file,
    load_file,
)
from mockpost.scenarios.report import scenario_lines, step_lines
from mockpost.scenarios.runner import Runner, ScenarioResult
from mockpost.scenarios.targets import InProcess
from mockpost.scenarios.yamlsource import ScenarioError

INI_OPTION = "mockpost_scenarios"
DEFAULT_DIRECTORY = "scenarios"
MARKER = "scenario"
_TARGET_KEY = pytest.StashKey[InProcess]()
_ROOTS_KEY = pytest.StashKey[list[Path]]()


def add_ini_option(parser: pytest.Parser) -> None:
    parser.addini(
        INI_OPTION,
        "folders whose YAML scenarios (files with a top-level 'mockpost: 1') are collected as tests "
        f"(default: {DEFAULT_DIRECTORY}/ of the project)",
        type="paths",
        default=[],
    )


def scenario_roots(config: pytest.Config) -> list[Path]:
    """The folders scenarios are collected from: the ini option, else `<rootdir>/scenarios`."""
    roots = config.stash.get(_ROOTS_KEY, None)
    if roots is None:
        configured = [Path(p) for p in config.getini(INI_OPTION)]
        roots = config.stash[_ROOTS_KEY] = [
            p.resolve() for p in (configured or [config.rootpath / DEFAULT_DIRECTORY])
        ]
    return roots


def is_scenario_file(path: Path, roots: list[Path], named: bool = False) -> bool:
    """A YAML file that declares itself a scenario, below one of `roots` and not in a data folder
    there; or `named` on the command line (outside the roots)."""
    if path.suffix not in SCENARIO_SUFFIXES:
        return False
    resolved = path.resolve()
    root = next((r for r in roots if resolved.is_relative_to(r)), None)
    if root is None:
        return named and declares_scenario(path)
    return not is_data_file(resolved, root=root) and declares_scenario(path)


class ScenarioFailed(Exception):
    def __init__(self, result: ScenarioResult) -> None:
        self.result = result
        super().__init__(result.name)


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        loaded: LoadedScenario | ScenarioError
        try:
            loaded = load_file(self.path)
            name = loaded.scenario.name
        except ScenarioError as exc:  # still an item: it fails with the error, the others run
            loaded, name = exc, self.path.stem
        yield ScenarioItem.from_parent(self, name=name, loaded=loaded)


class ScenarioItem(pytest.Item):
    def __init__(self, *, loaded: LoadedScenario | ScenarioError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.add_marker(MARKER)

    def runtest(self) -> None:
        if isinstance(self.loaded, ScenarioError):
            raise self.loaded
        result = Runner(_shared_target(self.config)).run(self.loaded)
        self.add_report_section("call", "scenario steps", "\n".join(scenario_lines(result)))
        if not result.passed:
            raise ScenarioFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        error = excinfo.value
        if isinstance(error, ScenarioError):
            return f"invalid scenario:\n{error}"
        if isinstance(error, ScenarioFailed):
            result = error.result
            if result.error is not None:
                return f"{result.path}: {result.error}"
            failed = result.failed_step
            head = step_lines(failed) if failed is not None else []
            return "\n".join([*head, "", "all steps:", *scenario_lines(result)])
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"scenario: {self.name}"


def _shared_target(config: pytest.Config) -> InProcess:
    target = config.stash.get(_TARGET_KEY, None)
    if target is None:
        target = config.stash[_TARGET_KEY] = InProcess()
        config.add_cleanup(target.close)
    return target


def collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.suffix not in SCENARIO_SUFFIXES:
        return None
    named = parent.session.isinitpath(file_path)
    if is_scenario_file(file_path, scenario_roots(parent.config), named=named):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None
