"""The schemas of the files mockpost reads: fixtures and accounts files (each provider's part is
described by its `fixtures.py`: FIXTURES, ACCOUNT) and scenarios. `configfiles.read_checked`
checks a file against them; `mockpost schema fixtures|accounts|scenario` prints them as JSON
Schema for editors (schemas/ holds the same documents)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from mockpost.core.filemodels import FORBID
from mockpost.core.registry import ProviderEntry

FileKind = Literal["fixtures", "accounts", "scenario"]
KINDS: tuple[FileKind, ...] = ("fixtures", "accounts", "scenario")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def provider_model(entry: ProviderEntry, which: Literal["FIXTURES", "ACCOUNT"]) -> Any:
    """A provider's model of its fixtures section or accounts entry (Any: a provider without one)."""
    try:
        module = importlib.import_module(f"{entry.package}.fixtures")
    except ModuleNotFoundError:
        return Any
    return getattr(module, which, Any)


def file_model(
    kind: Literal["fixtures", "accounts"], entries: Iterable[ProviderEntry], only: Iterable[str] | None = None
) -> type[BaseModel]:
    """The model of a whole fixtures or accounts file: provider name -> its part. Providers not in
    `only` accept anything (their models are not imported: a file names few providers)."""
    wanted = set(only) if only is not None else None
    fields: dict[str, Any] = {}
    for entry in entries:
        model = Any
        if wanted is None or entry.name in wanted:
            model = provider_model(entry, "FIXTURES" if kind == "fixtures" else "ACCOUNT")
        part = model if kind == "fixtures" else list[model]  # type: ignore[valid-type]
        fields[entry.name.replace("-", "_")] = (
            part | None,
            Field(default=None, alias=entry.name, description=f"{entry.title}: {_PART[kind]}"),
        )
    return create_model(kind.capitalize(), __config__=FORBID, **fields)


_PART = {
    "fixtures": "data loaded at start and after every full reset",
    "accounts": "the only credentials that work for this provider (strict mode)",
}


def json_schema(kind: FileKind, entries: Iterable[ProviderEntry]) -> dict[str, Any]:
    """A file kind's JSON Schema (draft 2020-12), for editors and other tools."""
    entries = list(entries)
    if kind == "scenario":
        from mockpost.scenarios.schema import Scenario

        fixtures = file_model("fixtures", entries)
        model: type[BaseModel] = create_model(
            "Scenario",
            __base__=Scenario,
            seed=(fixtures, Field(default_factory=dict, description="provider -> its fixture data")),
        )
    else:
        model = file_model(kind, entries)
    schema = model.model_json_schema(by_alias=True)
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": f"mockpost {kind} file"}
