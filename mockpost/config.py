"""One settings object: CLI flags and MOCKPOST_* environment variables.

Every field is a flag of `mockpost serve` and an environment variable: `seed` is `--seed 7` and
`MOCKPOST_SEED=7` (`mockpost.flags` derives the flags, their help and their error messages from the
fields below, so a new setting is one field here, with a description). Flags win over the
environment. List values in the environment are comma-separated; `options` is JSON there.
"""

from __future__ import annotations

import json
import os
import re
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

LogLevel = Literal["critical", "error", "warning", "info", "debug"]
LogFormat = Literal["text", "json"]


ENV_PREFIX = "MOCKPOST_"
JSON_FIELDS = frozenset({"options"})  # the environment spells these as JSON
_ORIGIN = re.compile(r"^(\*|https?://[^/\s?#]+)$")


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def is_list_field(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Each field's `description` is its help text; `json_schema_extra` may name the flag's metavar
    # (and, for `options`, a flag spelled differently from the field).
    host: str = Field(default="127.0.0.1", description="interface to listen on (0.0.0.0 in the image)")
    port: int = Field(
        default=8000,
        ge=0,
        le=65535,
        description="port to listen on (0: any free port)",
        json_schema_extra={"metavar": "N"},
    )
    seed: int | None = Field(
        default=None,
        description="seed for ids, fake data and random faults",
        json_schema_extra={"metavar": "N"},
    )
    fixtures: list[Path] = Field(
        default_factory=list,
        description="seed-data YAML files, loaded at start and after a reset",
        json_schema_extra={"metavar": "FILE"},
    )
    accounts: Path | None = Field(
        default=None,
        description="YAML accounts file; only its credentials work (strict mode)",
        json_schema_extra={"metavar": "FILE"},
    )
    webhook_timeout: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="seconds a webhook attempt may take before it counts as failed",
        json_schema_extra={"metavar": "SECONDS"},
    )
    webhook_concurrency: int = Field(
        default=32,
        ge=1,
        le=1024,
        description="webhook attempts sent at once (those due at the same instant)",
        json_schema_extra={"metavar": "N"},
    )
    outbox_max_mb: float = Field(
        default=64.0,
        gt=0,
        description="memory kept for webhook deliveries, in MiB; the oldest finished go first",
        json_schema_extra={"metavar": "MB"},
    )
    journal_max_mb: float = Field(
        default=64.0,
        gt=0,
        description="memory the journal may hold (bodies, headers), in MiB; the oldest requests go first",
        json_schema_extra={"metavar": "MB"},
    )
    max_header_kb: int = Field(
        default=64,
        ge=8,
        le=1024,
        description="largest request header block, in KiB; a larger one is answered 431",
        json_schema_extra={"metavar": "KB"},
    )
    read_timeout: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="seconds a client has to send a whole request (408 after)",
        json_schema_extra={"metavar": "SECONDS"},
    )
    inbox_max_mb: float = Field(
        default=64.0,
        gt=0,
        description="memory all webhook inboxes may hold, in MiB; the oldest items go first",
        json_schema_extra={"metavar": "MB"},
    )
    max_inboxes: int = Field(
        default=1000,
        ge=1,
        description="webhook inboxes kept; the least recently used one goes first",
        json_schema_extra={"metavar": "N"},
    )
    max_tenants: int = Field(
        default=1000,
        ge=1,
        description="open mode: accounts kept per provider; the least recently used one is emptied",
        json_schema_extra={"metavar": "N"},
    )
    scenario: list[Path] = Field(
        default_factory=list,
        description="scenario files whose world (clock, accounts, rules) is loaded at start",
        json_schema_extra={"metavar": "FILE"},
    )
    options: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="a provider option, e.g. ekopost.print_after=2d (repeatable)",
        json_schema_extra={"flag": "--option", "metavar": "PROVIDER.KEY=VALUE"},
    )
    freeze_at: str | None = Field(
        default=None,
        description="start with the clock frozen at this ISO-8601 instant",
        json_schema_extra={"metavar": "ISO"},
    )
    public_url: str | None = Field(
        default=None,
        description="the base URL clients use to reach the mock (webhooks to it stay in-process)",
        json_schema_extra={"metavar": "URL"},
    )
    cors_origin: list[str] = Field(
        default_factory=list,
        description="browser origins allowed to call the mock (CORS), e.g. http://localhost:3000, or *",
        json_schema_extra={"metavar": "ORIGIN"},
    )
    journal_size: int = Field(
        default=10_000, ge=1, description="requests kept in the journal", json_schema_extra={"metavar": "N"}
    )
    max_body_mb: float = Field(
        default=32.0,
        gt=0,
        description="largest request body accepted, in MiB",
        json_schema_extra={"metavar": "MB"},
    )
    log_level: LogLevel = Field(default="info", description="server log level")
    log_format: LogFormat = Field(default="text", description="log lines as text, or as one JSON object each")
    access_log: bool = Field(
        default=False, description="uvicorn's access log (costly; the journal records every request)"
    )
    data_dir: Path | None = Field(
        default=None,
        description="keep the whole sandbox in this directory (SQLite), so a restart continues where it "
        "stopped; none: in memory only",
        json_schema_extra={"metavar": "DIR"},
    )
    snapshot: Path | None = Field(
        default=None,
        description="start from this snapshot file (with --data-dir: only when the store is empty)",
        json_schema_extra={"metavar": "FILE"},
    )
    control_token: str | None = Field(
        default=None,
        repr=False,
        description="token the control plane (/_mockpost) and the console require; none: open to "
        "anyone who reaches the port. Sent as 'Authorization: Bearer TOKEN' or 'X-Mockpost-Token'",
        json_schema_extra={"metavar": "TOKEN"},
    )

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, given: Any) -> Any:
        """MOCKPOST_<FIELD> fills every field the caller did not give (names are case-insensitive).
        Plain pydantic rather than pydantic-settings: the same rules, a fifth of the import time."""
        if not isinstance(given, dict):
            return given
        environment = {name.upper(): value for name, value in os.environ.items()}
        merged = dict(given)
        for name in cls.model_fields:
            value = environment.get(env_name(name))
            if name in merged or value is None:
                continue
            if name in JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError as exc:
                    raise ValueError(f"{env_name(name)}: not JSON: {exc}") from None
            merged[name] = value
        return merged

    @field_validator("*", mode="before")
    @classmethod
    def _split_lists(cls, value: Any, info: ValidationInfo) -> Any:
        """A list given as one string (the environment's spelling) is comma-separated."""
        if (
            isinstance(value, str)
            and info.field_name
            and is_list_field(cls.model_fields[info.field_name].annotation)
        ):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("control_token")
    @classmethod
    def _usable_token(cls, value: str | None) -> str | None:
        """Empty means none; a token must fit in a header as it is (no spaces, no control characters)."""
        if not value:
            return None
        if not value.isprintable() or any(ch.isspace() for ch in value):
            raise ValueError("the control token must not contain spaces or control characters")
        return value

    @field_validator("freeze_at")
    @classmethod
    def _instant(cls, value: str | None) -> str | None:
        if value is not None:
            from mockpost.core.clock import parse_instant

            try:
                parse_instant(value)
            except ValueError:
                raise ValueError("not an ISO-8601 instant, e.g. 2030-03-04T09:00:00Z") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("not an http(s) URL, e.g. http://mockpost:8000")
        return value.rstrip("/") if value else value

    @field_validator("cors_origin")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        origins = [value.rstrip("/") for value in values]
        for origin in origins:
            if not _ORIGIN.match(origin):
                raise ValueError(f"{origin!r} is not an origin: scheme://host[:port] (no path), or *")
        return origins

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)

    @property
    def journal_max_bytes(self) -> int:
        return int(self.journal_max_mb * 1024 * 1024)

    @property
    def inbox_max_bytes(self) -> int:
        return int(self.inbox_max_mb * 1024 * 1024)

    @property
    def max_header_bytes(self) -> int:
        return self.max_header_kb * 1024


def parse_option(text: str) -> tuple[str, str, str]:
    """`provider.key=value` -> (provider, key, value)."""
    name, sep, value = text.partition("=")
    provider, dot, key = name.partition(".")
    if not sep or not dot or not provider or not key:
        raise ValueError(f"option {text!r} must look like provider.key=value, e.g. ekopost.print_after=2d")
    return provider.strip(), key.strip(), value.strip()
