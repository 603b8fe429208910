"""Fault rules: ordered failures for a matching request.

A rule matches on provider, method and a path glob, and then adds latency (fixed or a random
range), answers with a given status and body instead of the provider, or drops the connection.
`times` limits how often it fires, `probability` makes it fire at random (from the seeded RNG).
"""

from __future__ import annotations

import builtins
import random
import re
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mockpost.core.ids import rng_state, set_rng_state

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_FIELD_VALUE = re.compile(r"^[\t\x20-\x7e\x80-\xff]*$")
_FRAMING_HEADERS = {"content-length", "transfer-encoding", "connection"}
# A delay longer than any client waits; bounded so a fault cannot hold a request (and with it a
# server's shutdown) for ever.
MAX_LATENCY_MS = 600_000.0


class Latency(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_ms: float = Field(ge=0, le=MAX_LATENCY_MS)
    max_ms: float = Field(ge=0, le=MAX_LATENCY_MS)

    @model_validator(mode="after")
    def _ordered(self) -> Latency:
        if self.max_ms < self.min_ms:
            raise ValueError("latency max_ms must be >= min_ms")
        return self


class FaultSpec(BaseModel):
    """What a client sends to create a fault rule."""

    model_config = ConfigDict(extra="forbid")
    provider: str | None = Field(default=None, description="Provider name; any provider when absent")
    method: str | None = Field(default=None, description="HTTP method; any when absent")
    path: str = Field(default="*", description="Glob on the path below the provider mount, e.g. /campaigns/*")
    latency_ms: Annotated[float, Field(ge=0, le=MAX_LATENCY_MS)] | Latency | None = Field(
        default=None, description="Fixed delay, or {min_ms, max_ms}; at most 600,000 ms (10 minutes)"
    )
    status: int | None = Field(default=None, ge=200, le=599, description="Answer with this status instead")
    body: Any = Field(default=None, description="Body for `status` (JSON value, or a string sent as is)")
    headers: dict[str, str] = Field(default_factory=dict)
    action: Literal["respond", "drop", "malformed"] | None = Field(
        default=None, description="drop: close the connection; malformed: send a truncated JSON body"
    )
    times: int | None = Field(default=None, ge=1, description="Fire at most this many times")
    probability: float = Field(default=1.0, ge=0.0, le=1.0)

    @field_validator("headers")
    @classmethod
    def _sendable_headers(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            if not _TOKEN.match(name):
                raise ValueError(f"header name {name!r} is not a valid HTTP token")
            if name.lower() in _FRAMING_HEADERS:
                raise ValueError(f"header {name!r} is set by the server")
            if not _FIELD_VALUE.match(value):
                raise ValueError(f"header {name!r}: the value must be printable Latin-1 text on one line")
        return headers

    @model_validator(mode="after")
    def _does_something(self) -> FaultSpec:
        if self.latency_ms is None and self.status is None and self.action is None:
            raise ValueError("a fault needs latency_ms, status or action")
        if self.action == "respond" and self.status is None:
            raise ValueError("action 'respond' needs a status")
        return self


class FaultRule(FaultSpec):
    id: str
    fired: int = 0


class Faults:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._rules: list[FaultRule] = []
        self._last_id = 0

    def add(self, spec: FaultSpec) -> FaultRule:
        self._last_id += 1
        rule = FaultRule(id=f"fault-{self._last_id}", **spec.model_dump())
        self._rules.append(rule)
        return rule

    def list(self) -> list[FaultRule]:
        return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        before = len(self._rules)
        self._rules = [rule for rule in self._rules if rule.id != rule_id]
        return len(self._rules) != before

    def clear(self) -> None:
        self._rules.clear()

    def __bool__(self) -> bool:
        return bool(self._rules)

    # -- saving ---------------------------------------------------------------------
    def export(self) -> dict[str, Any]:
        """The rules with what they have fired, the id counter and the random stream's position."""
        return {
            "rules": [rule.model_dump(mode="json") for rule in self._rules],
            "last_id": self._last_id,
            "rng": rng_state(self.rng),
        }

    def restore(self, rules: Sequence[FaultRule], last_id: int, rng: Sequence[Any] | None) -> None:
        """Replace the rules (checked already) and continue their ids and random choices."""
        self._rules = list(rules)
        self._last_id = last_id
        if rng is not None:
            set_rng_state(self.rng, list(rng))

    def append(self, rules: Sequence[FaultRule]) -> Sequence[FaultRule]:
        """Add saved rules after the current ones, each with a new id (merging a snapshot)."""
        added: builtins.list[FaultRule] = []
        for rule in rules:
            self._last_id += 1
            added.append(rule.model_copy(update={"id": f"fault-{self._last_id}"}))
        self._rules.extend(added)
        return added

    def match(self, provider: str, method: str, path: str) -> FaultRule | None:
        """The first rule that matches and fires; counts the firing."""
        for rule in self._rules:
            if rule.times is not None and rule.fired >= rule.times:
                continue
            if rule.provider is not None and rule.provider != provider:
                continue
            if rule.method is not None and rule.method.upper() != method:
                continue
            if not fnmatchcase(path, rule.path):
                continue
            if rule.probability < 1.0 and self.rng.random() >= rule.probability:
                continue
            rule.fired += 1
            return rule
        return None

    def delay_seconds(self, rule: FaultRule) -> float:
        latency = rule.latency_ms
        if latency is None:
            return 0.0
        if isinstance(latency, Latency):
            return self.rng.uniform(latency.min_ms, latency.max_ms) / 1000.0
        return float(latency) / 1000.0
