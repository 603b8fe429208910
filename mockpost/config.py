"""One settings object: CLI flags and MOCKPOST_* environment variables.

Every flag of `mockpost serve` is also an environment variable: `--seed 7` is `MOCKPOST_SEED=7`.
Flags win over the environment. List values in the environment are comma-separated.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LogLevel = Literal["critical", "error", "warning", "info", "debug"]


ENV_PREFIX = "MOCKPOST_"
JSON_FIELDS = frozenset({"options"})  # the environment spells these as JSON


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(default="127.0.0.1", description="Interface to listen on (0.0.0.0 in the container)")
    port: int = Field(default=8000, ge=0, le=65535, description="Port to listen on (0 picks a free one)")
    seed: int | None = Field(default=None, description="Seed for ids, fake data and random faults")
    fixtures: list[Path] = Field(default_factory=list, description="Seed-data YAML files")
    accounts: Path | None = Field(default=None, description="YAML accounts file; switches to strict mode")
    log_level: LogLevel = Field(default="info")
    access_log: bool = Field(default=False, description="uvicorn access log (slow; the journal records all)")
    journal_size: int = Field(default=10_000, ge=1, description="Requests kept in the journal")
    max_body_mb: float = Field(default=32.0, gt=0, description="Largest request body accepted")
    journal_max_mb: float = Field(
        default=64.0, gt=0, description="MB the journal may hold (bodies, headers); the oldest go first"
    )
    max_header_kb: int = Field(
        default=64, ge=8, le=1024, description="Largest request header block; a larger one is answered 431"
    )
    read_timeout: float = Field(
        default=30.0, gt=0, le=3600, description="Seconds a client has to send a whole request (408 after)"
    )
    inbox_max_mb: float = Field(
        default=64.0, gt=0, description="Bytes all webhook inboxes may hold; the oldest items go first"
    )
    max_inboxes: int = Field(
        default=1000, ge=1, description="Webhook inboxes kept; the least recently used one goes first"
    )
    max_tenants: int = Field(
        default=1000, ge=1, description="Open mode: accounts kept per provider; the least recently used goes"
    )
    public_url: str | None = Field(default=None, description="Base URL clients use to reach the mock")
    freeze_at: str | None = Field(default=None, description="Start with the clock frozen at this instant")
    scenario: list[Path] = Field(
        default_factory=list, description="Scenario files whose world is loaded at start"
    )
    options: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Provider options, e.g. {'ekopost': {'print_after': '2d'}}"
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
            value = environment.get(ENV_PREFIX + name.upper())
            if name in merged or value is None:
                continue
            if name in JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError as exc:
                    raise ValueError(f"{ENV_PREFIX}{name.upper()} must be JSON: {exc}") from None
            merged[name] = value
        return merged

    @field_validator("fixtures", "scenario", mode="before")
    @classmethod
    def _split_paths(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

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
