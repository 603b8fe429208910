"""What a saved sandbox holds: one content model for the store (`--data-dir`) and the snapshot
document (`/_mockpost/snapshot`). The store keeps the same parts as rows.

A snapshot document (format 1):

    {"mockpost_snapshot": 1, "mockpost_version": "...", "taken_at": ISO, "seed": 7 | null,
     "scope": {"provider": null, "account": null},
     "clock": {"now": ISO, "frozen": bool, "offset_seconds": s, "frozen_at": epoch | null},
     "providers": {NAME: {"streams": {...} | null,
                          "tenancy": {"labels": {}, "credentials": {}, "secrets": {}},
                          "accounts": {ACCOUNT: {"state": {...}, "timers": [{kind, id, due, action, seq}]}}}},
     "skipped": {NAME: "why its state cannot be saved"},
     "timers": [timers of no account],
     "outbox": {"last_delivery": n, "last_attempt": n, "deliveries": [...]},
     "faults": {"rules": [...], "last_id": n, "rng": [...]},
     "journal": {"last_id": n, "entries": [...]},
     "inboxes": {NAME: [items]}}

An account's `state` is its provider's state class as the generic codec writes it (core/codec.py).
`scope` says what was exported: the whole sandbox, one provider or one account; the sandbox-wide
parts (clock, faults, journal, inboxes) come only with the whole sandbox.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Sequence
from types import GenericAlias
from typing import Any, NotRequired

from pydantic import BaseModel, ConfigDict, Field, create_model
from typing_extensions import TypedDict  # pydantic reads TypedDicts from here before Python 3.12

from mockpost.core.faults import FaultRule
from mockpost.core.journal import Entry
from mockpost.core.webhooks import Delivery

FORMAT = 1  # the snapshot document's and the store's format; another is migrated or refused
CONFIG = ConfigDict(extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")
RandomState = list[Any]  # random.Random.getstate() as JSON (checked when it is put back)


class Part(BaseModel):
    model_config = CONFIG


class Scope(Part):
    provider: str | None = None
    account: str | None = None


class SavedClock(Part):
    now: str = Field(description="The virtual instant when saved (for people; the rest is what counts)")
    frozen: bool
    offset_seconds: float = Field(description="Virtual minus wall time, while running")
    frozen_at: float | None = Field(description="The frozen instant, epoch seconds")


class AccountTimer(Part):
    """A pending timer of an account: at `due` (epoch seconds), do `action` to object `kind`/`id`."""

    kind: str
    id: str
    due: float
    action: str
    seq: int = Field(default=0, description="Order among timers due at the same instant")


class SavedTimer(AccountTimer):
    provider: str
    account: str | None = None


class SavedStreams(Part):
    ids: RandomState
    rng: RandomState
    fakers: dict[str, RandomState] = Field(default_factory=dict)


class SavedTenancy(Part):
    labels: dict[str, str] = Field(default_factory=dict, description="account -> masked credential")
    credentials: dict[str, str] = Field(default_factory=dict, description="raw credential -> account")
    secrets: dict[str, str] = Field(default_factory=dict, description="identity -> its fixed secret")


class SavedFaults(Part):
    rules: list[FaultRule] = Field(default_factory=list)
    last_id: int = 0
    rng: RandomState | None = None


class SavedOutbox(Part):
    last_delivery: int = 0
    last_attempt: int = 0
    deliveries: list[Delivery] = Field(default_factory=list)


def _entry_type() -> Any:
    """A journal entry's saved form, field for field from `Entry` (whatever fields it has): an
    object, bytes (bodies, headers, query) as base64; a field with a default may be left out."""
    hints = typing.get_type_hints(Entry)
    fields = {
        name: NotRequired[hints[name]] if name in Entry._field_defaults else hints[name]
        for name in Entry._fields
    }
    return TypedDict("SavedEntry", fields)  # type: ignore[operator]


SavedEntry = _entry_type()
SavedEntries: Any = GenericAlias(list, (SavedEntry,))
_EntryList: Any = create_model("SavedEntries", entries=(SavedEntries, ...), __config__=CONFIG)


def journal_json(entries: Sequence[Entry]) -> bytes:
    """Journal entries as one JSON array of SavedEntry objects, in one pass (no Python per field)."""
    saved = _EntryList.model_construct(entries=[entry._asdict() for entry in entries])
    raw: bytes = _EntryList.__pydantic_serializer__.to_json(saved)
    return raw[len(b'{"entries":') : -1]


def entry_of(saved: dict[str, Any]) -> Entry:
    return Entry(**saved)


class SavedJournal(Part):
    last_id: int = 0
    entries: SavedEntries = Field(default_factory=list)


class Skipped(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Head(BaseModel):
    """What is read of a document before the rest: its format decides how to read it, and the
    providers it names which state classes read it."""

    model_config = ConfigDict(extra="ignore")
    mockpost_snapshot: int = Field(description="The document's format")
    mockpost_version: str = "unknown"
    providers: dict[str, Skipped] = Field(default_factory=dict)


@functools.cache
def account_model(state_class: Any) -> type[BaseModel]:
    """One account of a provider whose accounts are `state_class` objects (as a document holds
    them: core.codec.Codec.saved_type)."""
    model: type[BaseModel] = create_model(
        f"Saved{state_class.__name__}Account",
        __config__=CONFIG,
        state=(state_class, ...),
        timers=(list[AccountTimer], Field(default_factory=list)),
    )
    return model


@functools.cache
def provider_model(state_class: Any) -> type[BaseModel]:
    accounts: Any = dict[str, account_model(state_class)]  # type: ignore[misc]
    model: type[BaseModel] = create_model(
        f"Saved{state_class.__name__}Provider",
        __config__=CONFIG,
        streams=(SavedStreams | None, None),
        tenancy=(SavedTenancy, Field(default_factory=SavedTenancy)),
        accounts=(accounts, Field(default_factory=dict)),
    )
    return model


def provider_field(index: int) -> str:
    return f"provider_{index}"


@functools.cache
def document_model(providers: tuple[tuple[str, Any], ...]) -> type[BaseModel]:
    """The whole document for these (provider name, state class) pairs, checked in one pass."""
    fields: dict[str, Any] = {  # by position: a provider's name need not be a Python name (easypost-connect)
        provider_field(index): (provider_model(cls) | None, Field(None, alias=name))
        for index, (name, cls) in enumerate(providers)
    }
    provider_parts: Any = create_model("SavedProviders", __config__=CONFIG, **fields)
    model: type[BaseModel] = create_model(
        "Snapshot",
        __config__=CONFIG,
        mockpost_snapshot=(int, ...),
        mockpost_version=(str, "unknown"),
        taken_at=(str | None, None),
        seed=(int | None, None),
        scope=(Scope, Field(default_factory=Scope)),
        clock=(SavedClock | None, None),
        providers=(provider_parts, Field(default_factory=provider_parts)),
        skipped=(dict[str, str], Field(default_factory=dict)),
        timers=(list[SavedTimer], Field(default_factory=list)),
        outbox=(SavedOutbox | None, None),
        faults=(SavedFaults | None, None),
        journal=(SavedJournal | None, None),
        inboxes=(dict[str, list[dict[str, Any]]] | None, None),
    )
    return model
