"""Declarative state machines.

A provider declares each resource's states, which transitions are allowed and which states are
final, as data. `Lifecycle.move` is the only way an object's state changes: it checks the table (a
refusal is a `TransitionRefused` that the provider renders as its own error), sets the state and
records the change in the object's history, so a transition is allowed or refused in one place and
every change can be told afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockpost.core.resources import Cause, Change, current_cause


class TransitionRefused(Exception):
    def __init__(self, resource: str, current: str, target: str, reason: str = "") -> None:
        self.resource, self.current, self.target = resource, current, target
        self.reason = reason or f"a {resource} cannot go from {current!r} to {target!r}"
        super().__init__(self.reason)


class UnknownState(ValueError):
    pass


class UnknownResource(LookupError):
    """A forced transition named a resource kind or id that does not exist."""


@dataclass(frozen=True)
class Lifecycle:
    resource: str
    initial: str
    transitions: Mapping[str, frozenset[str]]
    final: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls, resource: str, initial: str, transitions: Mapping[str, Iterable[str]], final: Iterable[str] = ()
    ) -> Lifecycle:
        table = {state: frozenset(targets) for state, targets in transitions.items()}
        for targets in list(table.values()):
            for target in targets:
                table.setdefault(target, frozenset())
        finals = frozenset(final)
        unknown = finals - table.keys()
        if initial not in table or unknown:
            raise ValueError(
                f"{resource}: states {sorted(unknown | ({initial} - table.keys()))} are not in the table"
            )
        return cls(resource, initial, table, finals)

    @property
    def states(self) -> list[str]:
        return list(self.transitions)

    def allows(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def check(self, current: str, target: str) -> None:
        if target not in self.transitions:
            raise UnknownState(f"{target!r} is not a {self.resource} state; states are {self.states}")
        if not self.allows(current, target):
            raise TransitionRefused(self.resource, current, target)

    def move(
        self, obj: Any, to: str, *, at: datetime, cause: Cause | None = None, reason: str | None = None
    ) -> Change:
        """Move `obj` (a `Stateful`) to `to` if the table allows it, recording the change.
        `cause` defaults to what the surrounding work is (see `resources.acting_as`)."""
        self.check(obj.state, to)
        change = Change(obj.state, to, at, cause or current_cause(), reason)
        obj.state = to
        obj.updated_at = at
        obj.history.append(change)
        return change

    def begin(
        self, obj: Any, *, at: datetime, cause: Cause | None = None, reason: str | None = None
    ) -> Change:
        """Record an object's first state (its creation) in its history."""
        change = Change(None, obj.state, at, cause or current_cause(), reason)
        obj.history.append(change)
        return change

    def is_final(self, state: str) -> bool:
        return state in self.final

    def path(self, current: str, target: str) -> list[str]:
        """The shortest run of states leading from `current` to `target` (excluding `current`)."""
        if current == target:
            return []
        previous: dict[str, str] = {current: current}
        frontier = [current]
        while frontier:
            following = []
            for state in frontier:
                for nxt in sorted(self.transitions.get(state, ())):
                    if nxt not in previous:
                        previous[nxt] = state
                        following.append(nxt)
            frontier = following
        if target not in previous:
            raise TransitionRefused(self.resource, current, target, f"no way from {current!r} to {target!r}")
        steps = [target]
        while previous[steps[-1]] != current:
            steps.append(previous[steps[-1]])
        return steps[::-1]

    def describe(self) -> dict[str, object]:
        return {
            "resource": self.resource,
            "initial": self.initial,
            "final": sorted(self.final),
            "transitions": {state: sorted(targets) for state, targets in self.transitions.items()},
        }
