"""The YAML files settings name (fixtures, accounts), read with the line of each part and checked
against their schema, so that every mistake in one is reported as `FILE:LINE: what is wrong`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from mockpost.core.registry import ProviderEntry


class ConfigError(ValueError):
    """A setting that cannot be used: a fixtures or accounts file, a provider option. The message
    says which file (and line) and why; `setting` names the Settings field, so that the command
    line can name the flag or the environment variable it came from."""

    def __init__(self, message: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


@dataclass(frozen=True)
class YamlFile:
    path: Path
    data: Any
    document: Any  # mockpost.scenarios.yamlsource.Document: the line of every part

    def line_of(self, *keys: str | int) -> int | None:
        """1-based line of the part at `keys` (mapping keys and list indexes): the line of its key in
        a mapping, of the item in a list; the deepest part of that path the file has."""
        line: int | None = self.document.line_of(keys)
        return line

    def error(self, setting: str, problem: str, *keys: str | int) -> ConfigError:
        line = self.line_of(*keys) if keys else None
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        return ConfigError(f"{where}: {problem}", setting)


def read_checked(
    path: Path, setting: Literal["fixtures", "accounts"], entries: Iterable[ProviderEntry]
) -> YamlFile:
    """A fixtures or accounts file, read with the line of every part and checked against its schema
    (mockpost.fileschemas): a ConfigError lists every mistake at once, each `FILE:LINE: ...`."""
    from mockpost.fileschemas import file_model
    from mockpost.scenarios.problems import validation_problems
    from mockpost.scenarios.yamlsource import ScenarioError, load_document

    try:
        document = load_document(path, tags=False)
    except ScenarioError as exc:
        raise ConfigError(str(exc), setting) from None
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        shape = "its data" if setting == "fixtures" else "a list of accounts"
        line = getattr(data, "line", 1)
        raise ConfigError(f"{path}:{line}: expected a mapping of provider name -> {shape}", setting)
    problems = validation_problems(document, data, file_model(setting, entries, only=map(str, data)))
    if problems:
        in_order = sorted(problems, key=lambda problem: problem[0] or 0)  # as the file reads
        lines = [f"{path}:{line}: {problem}" if line else f"{path}: {problem}" for line, problem in in_order]
        raise ConfigError("\n".join(lines), setting)
    return YamlFile(path, data, document)
