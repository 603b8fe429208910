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


def setting(
    default: Any,
    description: str,
    metavar: str | None = None,
    flag: str | None = None,
    secret: bool = False,
    **constraints: Any,
) -> Any:
    """A settings field: its description is the flag's help; a list or dict default is made fresh
    for each Settings; a secret is left out of its repr."""
    extra: dict[str, Any] = {key: value for key, value in (("metavar", metavar), ("flag", flag)) if value}
    kind = {"default_factory": type(default)} if isinstance(default, list | dict) else {"default": default}
    return Field(
        **kind, description=description, json_schema_extra=extra or None, repr=not secret, **constraints
    )


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # `mockpost.flags` makes each field a flag: its help is the description, `metavar` names its value
    # in the help, `flag` spells a flag differently from the field.
    # -- where it listens, who may drive it
    host: str = setting("127.0.0.1", "interface to listen on (0.0.0.0 in the image)")
    port: int = setting(8000, "port to listen on (0: any free port)", metavar="N", ge=0, le=65535)
    public_url: str | None = setting(
        None, "the base URL clients use to reach the mock (webhooks to it stay in-process)", metavar="URL"
    )
    control_token: str | None = setting(
        None,
        "token the control plane (/_mockpost) and the console require; none: open to anyone who reaches "
        "the port. Sent as 'Authorization: Bearer TOKEN' or 'X-Mockpost-Token'",
        metavar="TOKEN",
        secret=True,
    )
    cors_origin: list[str] = setting(
        [],
        "browser origins allowed to call the mock (CORS), e.g. http://localhost:3000, or *",
        metavar="ORIGIN",
    )
    # -- what it starts with
    seed: int | None = setting(None, "seed for ids, fake data and random faults", metavar="N")
    fixtures: list[Path] = setting(
        [], "seed-data YAML files, loaded at start and after a reset", metavar="FILE"
    )
    accounts: Path | None = setting(
        None, "YAML accounts file; only its credentials work (strict mode)", metavar="FILE"
    )
    scenario: list[Path] = setting(
        [], "scenario files whose world (clock, accounts, rules) is loaded at start", metavar="FILE"
    )
    options: dict[str, dict[str, Any]] = setting(
        {},
        "a provider option, e.g. ekopost.print_after=2d (repeatable)",
        metavar="PROVIDER.KEY=VALUE",
        flag="--option",
    )
    freeze_at: str | None = setting(
        None, "start with the clock frozen at this ISO-8601 instant", metavar="ISO"
    )
    data_dir: Path | None = setting(
        None,
        "keep the whole sandbox in this directory (SQLite), so a restart continues where it stopped; none: "
        "in memory only",
        metavar="DIR",
    )
    snapshot: Path | None = setting(
        None, "start from this snapshot file (with --data-dir: only when the store is empty)", metavar="FILE"
    )
    # -- webhooks
    webhook_timeout: float = setting(
        5.0, "seconds a webhook attempt may take before it counts as failed", metavar="SECONDS", gt=0, le=300
    )
    webhook_concurrency: int = setting(
        32, "webhook attempts sent at once (those due at the same instant)", metavar="N", ge=1, le=1024
    )
    # -- bounds
    max_body_mb: float = setting(32.0, "largest request body accepted, in MiB", metavar="MB", gt=0)
    max_header_kb: int = setting(
        64, "largest request header block, in KiB; a larger one is answered 431", metavar="KB", ge=8, le=1024
    )
    read_timeout: float = setting(
        30.0, "seconds a client has to send a whole request (408 after)", metavar="SECONDS", gt=0, le=3600
    )
    journal_size: int = setting(10_000, "requests kept in the journal", metavar="N", ge=1)
    journal_max_mb: float = setting(
        64.0,
        "memory the journal may hold (bodies, headers), in MiB; the oldest requests go first",
        metavar="MB",
        gt=0,
    )
    outbox_max_mb: float = setting(
        64.0, "memory kept for webhook deliveries, in MiB; the oldest finished go first", metavar="MB", gt=0
    )
    inbox_max_mb: float = setting(
        64.0, "memory all webhook inboxes may hold, in MiB; the oldest items go first", metavar="MB", gt=0
    )
    max_inboxes: int = setting(
        1000, "webhook inboxes kept; the least recently used one goes first", metavar="N", ge=1
    )
    max_tenants: int = setting(
        1000,
        "open mode: accounts kept per provider; the least recently used one is emptied",
        metavar="N",
        ge=1,
    )
    # -- logs
    log_level: LogLevel = setting("info", "server log level")
    log_format: LogFormat = setting("text", "log lines as text, or as one JSON object each")
    access_log: bool = setting(False, "uvicorn's access log (costly; the journal records every request)")

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
