"""`mockpost serve`'s flags, derived from the `Settings` fields, and one-line messages for mistakes
in them that name the flag or environment variable, the value, and what is wrong.

A field is a flag: `journal_size` is `--journal-size N` and `MOCKPOST_JOURNAL_SIZE`; its
description is the help text, and the help names the variable and the default, so no flag can
forget them. Lists take several values (`--fixtures A B`; comma-separated in the environment),
booleans are `--x` / `--no-x`, `Literal` types are choices, and the `options` mapping is the
repeatable `--option PROVIDER.KEY=VALUE`, merged over `MOCKPOST_OPTIONS`.
"""

from __future__ import annotations

import argparse
import json
import os
import typing
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from mockpost.config import JSON_FIELDS, Settings, env_name, is_list_field, parse_option

Kind = Literal["switch", "list", "choice", "mapping", "value"]
SECRET_WORDS = ("token", "secret", "password", "key")


@dataclass(frozen=True)
class SettingFlag:
    field: str
    flag: str
    env: str
    kind: Kind
    metavar: str | None
    choices: tuple[str, ...]
    help: str


def setting_flags() -> list[SettingFlag]:
    return [_flag_of(name, info) for name, info in Settings.model_fields.items()]


def _flag_of(name: str, info: FieldInfo) -> SettingFlag:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    annotation = info.annotation
    choices: tuple[str, ...] = ()
    env_spelling = ""
    kind: Kind
    if annotation is bool:
        kind = "switch"
    elif is_list_field(annotation):
        kind, env_spelling = "list", ", comma-separated"
    elif typing.get_origin(annotation) is Literal:
        kind, choices = "choice", tuple(str(choice) for choice in typing.get_args(annotation))
    elif typing.get_origin(annotation) is dict:
        kind = "mapping"
    else:
        kind = "value"
    if name in JSON_FIELDS:
        env_spelling = ", as JSON"
    default = info.get_default(call_default_factory=True)
    shown = (
        "none" if default in (None, [], {}) else str(default).lower() if kind == "switch" else str(default)
    )
    env = env_name(name)
    return SettingFlag(
        field=name,
        flag=str(extra.get("flag") or "--" + name.replace("_", "-")),
        env=env,
        kind=kind,
        metavar=str(extra["metavar"]) if "metavar" in extra else None,
        choices=choices,
        help=f"{info.description or name.replace('_', ' ')} [{env}{env_spelling}; default: {shown}]",
    )


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """One flag per Settings field; a flag not given leaves no attribute (the environment or the
    default fills the field)."""
    for flag in setting_flags():
        common: dict[str, Any] = {"dest": flag.field, "default": argparse.SUPPRESS, "help": flag.help}
        if flag.kind == "switch":
            parser.add_argument(flag.flag, action=argparse.BooleanOptionalAction, **common)
        elif flag.kind == "list":
            parser.add_argument(flag.flag, nargs="+", metavar=flag.metavar, **common)
        elif flag.kind == "choice":
            parser.add_argument(flag.flag, choices=flag.choices, **common)
        elif flag.kind == "mapping":
            parser.add_argument(flag.flag, action="append", metavar=flag.metavar, **common)
        else:
            parser.add_argument(flag.flag, metavar=flag.metavar, **common)


class SettingsError(ValueError):
    """Settings that cannot be used; str() is one line per mistake, naming where it came from."""


def given_fields(args: argparse.Namespace) -> frozenset[str]:
    return frozenset(name for name in Settings.model_fields if hasattr(args, name))


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the flags given, the environment filling the rest."""
    given = given_fields(args)
    overrides = {name: getattr(args, name) for name in given}
    for flag in setting_flags():
        if flag.kind == "mapping" and flag.field in overrides:
            overrides[flag.field] = _merged_mapping(flag, overrides[flag.field])
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError("\n".join(describe_errors(exc, given))) from None


def _merged_mapping(flag: SettingFlag, texts: Iterable[str]) -> dict[str, dict[str, Any]]:
    """`--option ekopost.print_after=2d` entries over the environment's JSON."""
    merged: dict[str, dict[str, Any]] = {}
    from_environment = os.environ.get(flag.env)
    if from_environment:
        try:
            merged = json.loads(from_environment)
        except ValueError as exc:
            raise SettingsError(f"{flag.env}: not JSON: {exc}") from None
        if not isinstance(merged, dict):
            raise SettingsError(
                f'{flag.env}: expected a JSON object, e.g. {{"ekopost": {{"print_after": "2d"}}}}'
            )
    for text in texts:
        try:
            provider, key, value = parse_option(text)
        except ValueError:
            raise SettingsError(
                f"{flag.flag} {text}: expected {flag.metavar}, e.g. ekopost.print_after=2d"
            ) from None
        merged.setdefault(provider, {})[key] = value
    return merged


def _flag_for(field: str) -> SettingFlag:
    return next(flag for flag in setting_flags() if flag.field == field)


def named(field: str, given: Collection[str], value: Any = None) -> str:
    """A setting as the user wrote it: `--port 99999`, `MOCKPOST_PORT=abc`, or (when it came from
    the default) `port 8000 (the default; set it with --port or MOCKPOST_PORT)`."""
    flag = _flag_for(field)
    shown = "" if value is None else " ".join(map(str, value)) if isinstance(value, list) else str(value)
    if shown and any(word in field for word in SECRET_WORDS):
        shown = "***"  # an error message must not print a credential
    if field in given:
        return f"{flag.flag} {shown}".rstrip()
    if flag.env in {name.upper() for name in os.environ}:
        return f"{flag.env}={shown}" if shown else flag.env
    what = f"{field.replace('_', ' ')} {shown}".rstrip()
    return f"{what} (the default; set it with {flag.flag} or {flag.env})"


def describe_errors(exc: ValidationError, given: Collection[str]) -> list[str]:
    lines = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else None
        problem = _problem(error)
        if field is None or field not in Settings.model_fields:
            lines.append(problem)
        else:
            lines.append(f"{named(field, given, error.get('input'))}: {problem}")
    return lines


def _problem(error: Any) -> str:
    """pydantic's wording, said about the value rather than about "Input"."""
    kind, context = error["type"], error.get("ctx") or {}
    plain = {
        "int_parsing": "not a whole number",
        "int_from_float": "not a whole number",
        "float_parsing": "not a number",
        "bool_parsing": "not a yes/no value (true, false, 1, 0, yes, no, on, off)",
        "less_than_equal": f"must be at most {context.get('le')}",
        "greater_than_equal": f"must be at least {context.get('ge')}",
        "greater_than": f"must be more than {context.get('gt')}",
        "less_than": f"must be less than {context.get('lt')}",
        "literal_error": f"must be one of {context.get('expected')}",
    }
    if kind in plain:
        return plain[kind]
    message = str(error["msg"])
    return message.removeprefix("Value error, ").removeprefix("Input should be ")
