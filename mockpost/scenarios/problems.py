"""A pydantic ValidationError as the problems of a YAML file: each with its line, a readable place
(`steps[0].request`), and for an unknown key the keys allowed there and the nearest one ("did you
mean"). Scenario files, fixtures and accounts files are all checked this way."""

from __future__ import annotations

import difflib
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from mockpost.scenarios.yamlsource import Document, Location, Problem


def schema_problems(
    document: Document, exc: ValidationError, root: type[BaseModel], prefix: Location = ()
) -> list[Problem]:
    """Every problem of `exc`, raised by validating the part of `document` at `prefix` with `root`."""
    problems: list[Problem] = []
    seen: set[tuple[int | None, str, str]] = set()
    for error in exc.errors():
        location = tuple(error["loc"])
        line_location = location
        if error["type"] == "extra_forbidden":
            location = location[:-1]  # named on its mapping, at the line of the key
        elif error["type"] == "missing":
            location = line_location = location[:-1]
        real = _existing_prefix(document, (*prefix, *location))
        line = document.line_of((*prefix, *line_location))
        message = _message(error, location, root)
        where = display(real) or "(top level)"
        key = (line, where, message if error["type"] == "extra_forbidden" else "")
        if key in seen:  # union alternatives report the same place several times; the first says enough
            continue
        seen.add(key)
        problems.append((line, f"{where}: {message}"))
    return problems


def unknown_key(name: str, allowed: list[str], owner: str = "") -> str:
    """`unknown key 'campains'; expected one of: ...; did you mean 'campaigns'?` (`owner`: whose
    key, e.g. "for a ekopost account")."""
    expected = f"; expected one of: {', '.join(allowed)}" if allowed else ""
    near = nearest(name, allowed)
    hint = f"; did you mean {near!r}?" if near else ""
    return f"unknown key {name!r}{f' {owner}' if owner else ''}{expected}{hint}"


def suggestion(name: str, known: list[str]) -> str:
    """' (did you mean X?)' for a near miss, else nothing."""
    near = nearest(name, known)
    return f" (did you mean {near!r}?)" if near else ""


def nearest(name: str, known: list[str]) -> str | None:
    """The known name `name` most likely misspells: a folder-style spelling, a prefix, a typo."""
    wanted = str(name).replace("_", "-").lower()
    close = [k for k in known if len(wanted) >= 3 and (k.startswith(wanted) or wanted in k)]
    if close:
        return close[0]
    by_spelling = {k.replace("_", "-").lower(): k for k in known}
    found = difflib.get_close_matches(wanted, list(by_spelling), n=1, cutoff=0.75)
    return by_spelling[found[0]] if found else None


def display(location: Location) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: Any, location: Location, root: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "missing":
        return f"missing required key {error['loc'][-1]!r}"
    if kind == "extra_forbidden":
        return unknown_key(str(error["loc"][-1]), keys_allowed_at(root, location))
    message = _SHAPES.get(kind) or str(error["msg"]).removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{message} (got {_short(error.get('input'))})"
    return message


_SHAPES = {  # pydantic's words for a wrong shape ("a valid dictionary or instance of X"), as a file's
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "dict_type": "expected a mapping",
    "list_type": "expected a list",
}


def keys_allowed_at(root: Any, location: Location) -> list[str]:
    """The keys the schema allows in the mapping at a pydantic location (empty when the location
    cannot be followed through the models, e.g. through a union of several models)."""
    node: Any = root
    for part in location:
        node = _one_type(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            fields = {field.alias or name: field for name, field in node.model_fields.items()}
            if part not in fields:
                return []
            node = fields[part].annotation
        elif get_origin(node) is list and isinstance(part, int):
            node = get_args(node)[0]
        elif get_origin(node) is dict:
            node = get_args(node)[1]
        else:
            return []
    node = _one_type(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return sorted(field.alias or name for name, field in node.model_fields.items())
    return []


def _one_type(annotation: Any) -> Any:
    """`X | None` -> X; any other annotation as it is."""
    if get_origin(annotation) in (Union, UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _existing_prefix(document: Document, location: Location) -> Location:
    """The part of a pydantic location that names real keys (drops union member labels)."""
    node: Any = document.data
    kept: list[str | int] = []
    for part in location:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.endswith("_") and part[:-1] in node:
            node = node[part[:-1]]  # json_ is written `json` in the file
            part = part[:-1]
        else:
            if (
                isinstance(node, dict)
                and isinstance(part, str)
                and not part.startswith(("function-", "union"))
            ):
                kept.append(part)  # a missing/unknown key: still worth naming
            break
        kept.append(part)
    return tuple(kept)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def validation_problems(
    document: Document, data: Any, model: type[BaseModel], prefix: Location = ()
) -> list[Problem]:
    """The problems of `data` (the part of `document` at `prefix`) for `model`; none when valid."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return schema_problems(document, exc, model, prefix)
    return []

