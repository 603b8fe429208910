"""YAML scenarios as pytest items: `scenarios/**/*.yaml` are collected, each file one test marked
`scenario` (select with `-m scenario`, leave out with `-m "not scenario"`).

Each step is reported: the step lines (with timings) are a report section of the test, shown with
`-rA` or on failure, where the failing step's diff comes first. The scenarios of one session share
in-process sandboxes (one per random seed), reset before every scenario.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockpost.scenarios.loader import SCENARIO_SUFFIXES, LoadedScenario, is_data_file, load_file
from mockpost.scenarios.report import scenario_lines, step_lines
from mockpost.scenarios.runner import Runner, ScenarioResult
from mockpost.scenarios.targets import InProcess
from mockpost.scenarios.yamlsource import ScenarioError

SCENARIO_DIRECTORY = "scenarios"
MARKER = "scenario"
_TARGET_KEY = pytest.StashKey[InProcess]()


def is_scenario_file(path: Path) -> bool:
    """A YAML file below a folder named `scenarios` (and not in its fixtures/files/data folders)."""
    if path.suffix not in SCENARIO_SUFFIXES or SCENARIO_DIRECTORY not in path.parts[:-1]:
        return False
    below = path.parts[len(path.parts) - 1 - path.parts[::-1].index(SCENARIO_DIRECTORY) :]
    return not is_data_file(Path(*below))


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
    try:  # only folders inside the project count: a checkout under ~/scenarios/ is not a scenario
        relative = file_path.relative_to(parent.config.rootpath)
    except ValueError:
        relative = file_path
    if is_scenario_file(relative):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None
