"""The YAML files settings name (fixtures, accounts), read with the line of each part, so that a
mistake in one is reported as `FILE:LINE: what is wrong`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


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
    root: Any  # the yaml node tree, for line numbers

    def line_of(self, *keys: str | int) -> int | None:
        """1-based line of the part at `keys` (mapping keys and list indexes): the line of its key in
        a mapping, of the item in a list; the deepest part of that path the file has."""
        import yaml

        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                pair = next(((name, value) for name, value in node.value if name.value == str(key)), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def error(self, setting: str, problem: str, *keys: str | int) -> ConfigError:
        line = self.line_of(*keys) if keys else None
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        return ConfigError(f"{where}: {problem}", setting)


def load_yaml(path: Path, setting: str) -> YamlFile:
    import yaml  # only when a file is given: not part of every start-up

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file: {exc.strerror}", setting) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a UTF-8 text file", setting) from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ConfigError(f"{where}: not valid YAML: {exc.problem or exc.context}", setting) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}", setting) from None
    finally:
        loader.dispose()
    return YamlFile(path, data, root)
