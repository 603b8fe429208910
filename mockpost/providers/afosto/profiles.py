"""Profiles (`/iam/profiles/{path}`): shareable configurations checked against announced definitions.

A service announces a definition for a path (a JSON schema: `{"type": "object", "properties":
{name: {"type": ...}}}`); definitions announced again at the same path merge when their properties
agree ("definitions that match are interchangeable"). Either way round, a property declared with
another type is the documented `409 conflicted schema detected`, naming the property: announcing a
definition that disagrees with the one there, or storing content whose value does not fit its
declared type. `GET` answers the content (200), `204` when a definition exists but no content
yet, `404` when nothing is known at the path. The envelope is wrapped in an array exactly on the
statuses the reference shows wrapped (catalog `wraps_error`).
"""

from __future__ import annotations

from typing import Any

from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import AfostoError, bad_request
from mockpost.providers.afosto.items import merge
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState

PROFILES = "/iam/profiles"
DEFINITIONS = "/iam/profiles/{}/definition"
CONFLICT = "conflicted schema detected"


def properties(definition: Any) -> dict[str, Any]:
    found = definition.get("properties") if isinstance(definition, dict) else None
    return found if isinstance(found, dict) else {}


def declared_type(schema: Any) -> str | None:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind if isinstance(kind, str) else None


TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def fits(kind: str | None, value: Any) -> bool:
    """A value of the JSON-schema type `kind`; null (unset) and unknown or missing types always fit."""
    check = TYPE_CHECKS.get(kind or "")
    return value is None or check is None or check(value)


def json_object(body: Any, what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request(f"{what} is a JSON object", invalid=["body"])
    return body


class Profiles:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def register(self) -> None:
        self.engine.handlers.update(
            {
                ("PUT", "/iam/profiles/{path}/announce"): self.announce,
                ("GET", "/iam/profiles/{path}/definition"): self.definition,
                ("PUT", "/iam/profiles/{path}"): self.update,
                ("GET", "/iam/profiles/{path}"): self.read,
            }
        )

    def announce(self, state: TenantState, call: Call) -> Answer:
        definition = json_object(call.body, "a profile definition")
        definitions = state.collection(DEFINITIONS, ())
        path = call.params["path"]
        known = properties(definitions.get(path))
        conflicts = [
            name
            for name, schema in properties(definition).items()
            if name in known and declared_type(schema) != declared_type(known[name])
        ]
        if conflicts:
            raise AfostoError(
                409,
                f"{CONFLICT}: {', '.join(conflicts)} is declared with another type at {path!r}",
                invalid=conflicts,
            )
        definitions[path] = merge(definitions.get(path), definition)
        return Answer(call.op.success, definition)

    def definition(self, state: TenantState, call: Call) -> Answer:
        found = state.collection(DEFINITIONS, ()).get(call.params["path"])
        if found is None:
            raise AfostoError(404, f"no profile definition is announced at {call.params['path']!r}")
        return Answer(call.op.success, found)

    def update(self, state: TenantState, call: Call) -> Answer:
        content = json_object(call.body, "a profile's content")
        path = call.params["path"]
        declared = properties(state.collection(DEFINITIONS, ()).get(path))
        conflicts = [
            name
            for name, value in content.items()
            if name in declared and not fits(declared_type(declared[name]), value)
        ]
        if conflicts:
            raise AfostoError(
                409,
                f"{CONFLICT}: {', '.join(conflicts)} does not fit the definition announced at {path!r}",
                invalid=conflicts,
            )
        profiles = state.collection(PROFILES, ())
        profiles[path] = merge(profiles.get(path), content)
        return Answer(call.op.success, profiles[path])

    def read(self, state: TenantState, call: Call) -> Answer:
        path = call.params["path"]
        content = state.collection(PROFILES, ()).get(path)
        if content is not None:
            return Answer(call.op.success, content)
        if path in state.collection(DEFINITIONS, ()):
            return Answer(204)
        raise AfostoError(404, f"invalid namespace: nothing is announced or stored at {path!r}")
