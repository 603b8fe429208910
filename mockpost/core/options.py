"""Provider options (`--option provider.key=value`, scenario timeline rules) read into a provider's
dataclass of settings, by each field's type: a `timedelta` takes a duration ("2h30m", seconds), a
`bool` takes true/false/yes/no/1/0. An unknown option is refused with the known ones listed."""

from __future__ import annotations

import dataclasses
import typing
from datetime import timedelta
from typing import Any

from mockpost.core.clock import parse_duration

TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def read_options(cls: type, options: dict[str, Any], provider: str) -> dict[str, Any]:
    """The fields of dataclass `cls` that `options` sets, converted to their types."""
    hints = typing.get_type_hints(cls)
    known = {field.name for field in dataclasses.fields(cls) if hints[field.name] in (timedelta, bool)}
    unknown = set(options) - known
    if unknown:
        raise ValueError(f"unknown {provider} option(s) {sorted(unknown)}; known: {sorted(known)}")
    return {name: _converted(hints[name], name, value) for name, value in options.items()}


def _converted(kind: Any, name: str, value: Any) -> Any:
    if kind is bool:
        text = str(value).strip().lower()
        if text not in TRUE | FALSE:
            raise ValueError(f"option {name} must be true or false, not {value!r}")
        return text in TRUE
    return parse_duration(value)
