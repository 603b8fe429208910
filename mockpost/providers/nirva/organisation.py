"""Organisations from data: the package defaults, --fixtures and the accounts file share one format.

organisation: {id: 1, name: Acme}
users: [{id, login, password, firstName, lastName, email, administrator, services: [ids], token}]
services: [{id, name, defaultOptions: [option ids], boxes: [{id, name, type, channel}]}]
webhook: {url: ...}
"""

from __future__ import annotations

from typing import Any

from mockpost.core.account_webhook import webhook_from
from mockpost.providers.nirva.state import Box, Organisation, Service, User

CHANNELS = ("MAIL", "REGISTERED_MAIL", "EMAIL", "MULTICHANNEL")


def build_organisation(tenant: str, data: dict[str, Any]) -> Organisation:
    info = data.get("organisation") or {}
    org = Organisation(
        tenant=tenant,
        id=int(info.get("id", 1)),
        name=str(info.get("name", "Organisation")),
        users={},
        services={},
    )
    apply_organisation(org, data)
    return org


def apply_organisation(org: Organisation, data: dict[str, Any]) -> None:
    """Replace the parts `data` gives (users, services, webhook); ValueError names what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("an organisation is a mapping with users, services, webhook")
    if isinstance(data.get("organisation"), dict):
        org.name = str(data["organisation"].get("name", org.name))
    if data.get("services") is not None:
        org.services = {service.id: service for service in map(_service, _list(data, "services"))}
    if data.get("users") is not None:
        users = [_user(entry, index) for index, entry in enumerate(_list(data, "users"))]
        org.users = {user.id: user for user in users}
    for user in org.users.values():
        unknown = [sid for sid in user.services or [] if sid not in org.services]
        if unknown:
            raise ValueError(f"user {user.login!r} has unknown services {unknown}")
    if data.get("webhook") is not None:
        org.webhook = webhook_from(data["webhook"])


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return value


def _user(entry: Any, index: int) -> User:
    if not isinstance(entry, dict) or not entry.get("login"):
        raise ValueError(f"users[{index}] needs at least a login")
    services = entry.get("services")
    token = entry.get("token")
    if token is not None and (not isinstance(token, str) or not token.strip()):
        raise ValueError(f"users[{index}]: token must be a non-empty string")
    return User(
        id=int(entry.get("id", index + 1)),
        login=str(entry["login"]),
        password=str(entry.get("password", "")),
        first_name=str(entry.get("firstName", "")),
        last_name=str(entry.get("lastName", "")),
        email=str(entry.get("email", "")),
        administrator=bool(entry.get("administrator", False)),
        services=[str(s) for s in services] if isinstance(services, list) else None,
        token=token,
    )


def _service(entry: Any) -> Service:
    if not isinstance(entry, dict) or entry.get("id") is None or not isinstance(entry.get("boxes"), list):
        raise ValueError(f"a service needs an id and a list of boxes: {entry!r}")
    boxes = []
    for box in entry["boxes"]:
        if not isinstance(box, dict) or box.get("id") is None or not box.get("name"):
            raise ValueError(f"service {entry['id']}: a box needs an id and a name: {box!r}")
        channel = str(box.get("channel", "MAIL"))
        if channel not in CHANNELS:
            raise ValueError(f"service {entry['id']}: box channel {channel!r} is not one of {list(CHANNELS)}")
        boxes.append(Box(str(box["id"]), str(box["name"]), str(box.get("type", "MAIN")), channel))
    return Service(
        id=str(entry["id"]),
        name=str(entry.get("name", "")),
        boxes=boxes,
        default_options=[int(o) for o in entry.get("defaultOptions") or []],
    )


class OptionCatalog:
    """The option types and options (GET /options/type, GET /options) and how chosen ones combine."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.types = {int(t["id"]): str(t["name"]) for t in data.get("optionTypes", [])}
        self.options = {
            int(o["id"]): (str(o["value"]), int(o["optionType"])) for o in data.get("options", [])
        }

    def id_of(self, value: str) -> int | None:
        """An option's id from its value (`2SIDE`), for clients that send values."""
        return next((oid for oid, (known, _) in self.options.items() if known == value), None)

    def merged(self, defaults: list[int], chosen: list[int]) -> list[int]:
        """The service defaults with each chosen option replacing the default of its type."""
        chosen_types = {self.options[oid][1] for oid in chosen}
        kept = [oid for oid in defaults if oid in self.options and self.options[oid][1] not in chosen_types]
        return kept + chosen
