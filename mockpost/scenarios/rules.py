"""Behaviour rules: "an Ekopost envelope whose name matches fail-* ends failed with this reason".

A state rule takes over a resource the moment it is seen in one of its `when` states: the rule
forces it to `then.state` (with `then.reason`) through the provider's own forced-transition
operation (the one behind `POST /_mockpost/<provider>/transition`), so the lifecycle table still
decides what is allowed and every side effect (completion, webhooks) follows as in production.

When is a resource "seen"? The engine checks
  * right after the timed steps of each instant (the scheduler calls it once the work due at one
    instant is applied, before time moves on), so a resource is taken over before its next timed
    step can run;
  * after every step of a scenario run in-process, and in a server right after every request to
    a watched provider is answered (a request can change a state, or create new timed work).
Each rule takes over a given resource at most once. A full reset removes the engine.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from mockpost.core.lifecycle import TransitionRefused, UnknownResource, UnknownState
from mockpost.core.scheduler import Timer
from mockpost.core.webhooks import DELIVERY
from mockpost.sandbox import Sandbox
from mockpost.scenarios.providers import support_for
from mockpost.scenarios.schema import RuleSpec

logger = logging.getLogger(__name__)
_ENGINES: weakref.WeakKeyDictionary[Sandbox, RuleEngine] = weakref.WeakKeyDictionary()


@dataclass
class Forced:
    rule: int
    provider: str
    resource: str
    id: str
    state: str
    reason: str | None
    at: str
    refused: str | None = None


@dataclass
class RuleEngine:
    sandbox: Sandbox
    rules: list[tuple[int, RuleSpec]]
    forced: list[Forced] = field(default_factory=list)
    _done: set[tuple[int, str, str, str, str]] = field(default_factory=set)
    _active: bool = True
    _unwatch: list[Callable[[], object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._unwatch.append(self.sandbox.scheduler.after_instant(self._after_instant))
        self._unwatch.append(self.sandbox.events.subscribe(self._on_event))

    def check(self) -> list[Forced]:
        """Take over every resource a rule matches now; returns what was forced."""
        moved: list[Forced] = []
        for index, rule in self.rules:
            if not self._active:
                break
            provider = self.sandbox.providers.get(rule.provider)
            if provider is None or rule.then is None:
                continue
            support = support_for(rule.provider)
            for tenant, _ in list(self.sandbox.store.tenants(rule.provider)):
                for kind, resource in list(support.resources(provider, tenant)):
                    key = (index, rule.provider, tenant, kind, str(resource.get("id")))
                    if kind != rule.resource or key in self._done:
                        continue
                    if support.state_of(kind, resource) not in rule.when:
                        continue
                    if not matches(rule.where, resource):
                        continue
                    self._done.add(key)
                    record = Forced(
                        index,
                        rule.provider,
                        kind,
                        str(resource.get("id")),
                        rule.then.state,
                        rule.then.reason,
                        self.sandbox.describe_clock()["now"],
                    )
                    try:
                        provider.force(
                            tenant,
                            {
                                "resource": kind,
                                "id": record.id,
                                "state": rule.then.state,
                                "reason": rule.then.reason,
                            },
                        )
                    except (TransitionRefused, UnknownState, UnknownResource) as exc:
                        record.refused = str(exc)
                    moved.append(record)
        self.forced.extend(moved)
        return moved

    def _after_instant(self, timers: list[Timer]) -> None:
        if self._active and any(timer.kind != DELIVERY for timer in timers):  # attempts move nothing
            self.check()

    def _on_event(self, type: str, data: dict[str, Any]) -> None:
        if type == "reset" and data.get("provider") is None and data.get("account") is None:
            self.stop()

    def watch_requests(self) -> None:
        """In a server, also look right after every request to a watched provider is answered, so a
        change a request makes (a file arriving) is taken over before the client's next request,
        as the in-process runner does after every step. The journal records every answered
        request, so the engine subscribes to it."""
        watched = {rule.provider for _, rule in self.rules}

        def check_after(entry: Any) -> None:
            if self._active and entry.provider in watched:
                try:
                    self.check()
                except Exception:  # a rule must never break the answer already sent
                    logger.exception("scenario rules: checking after a request failed")

        self._unwatch.append(self.sandbox.journal.subscribe(check_after))

    def stop(self) -> None:
        self._active = False
        for unwatch in self._unwatch:
            unwatch()
        self._unwatch.clear()


def matches(where: dict[str, Any], resource: dict[str, Any]) -> bool:
    """Every `where` field matches: text by glob (`fail-*`), a list of options by any of them, the
    rest by equality. Dotted names reach inside (`address.$type`); through a list they match when
    any item does (`files.name: bad.pdf` matches a resource with a file of that name), and a list
    value matches when one of its items does."""
    for name, expected in where.items():
        values = _values_at(resource, str(name).split("."))
        options = expected if isinstance(expected, list) else [expected]
        if not any(_one_matches(option, value) for option in options for value in values):
            return False
    return True


def _values_at(node: Any, parts: list[str]) -> list[Any]:
    """Every value a dotted name reaches (None when it reaches nothing)."""
    if not parts:
        return [node, *node] if isinstance(node, list) else [node]
    if isinstance(node, list):
        found = [value for item in node for value in _values_at(item, parts)]
        return found or [None]
    if isinstance(node, dict):
        return _values_at(node.get(parts[0]), parts[1:])
    return [None]


def _one_matches(expected: Any, value: Any) -> bool:
    if isinstance(expected, str) and isinstance(value, str):
        return fnmatchcase(value, expected)
    return bool(expected == value) and type(expected) is type(value)


def install(sandbox: Sandbox, rules: list[RuleSpec], watch_requests: bool) -> RuleEngine | None:
    """Replace the sandbox's rule engine with one for these rules (None when there are none).
    `watch_requests`: a server, whose clients the runner does not see."""
    previous = _ENGINES.pop(sandbox, None)
    if previous is not None:
        previous.stop()
    state_rules = [(index, rule) for index, rule in enumerate(rules) if rule.timeline is None]
    if not state_rules:
        return None
    engine = RuleEngine(sandbox, state_rules)
    _ENGINES[sandbox] = engine
    if watch_requests:
        engine.watch_requests()
    engine.check()
    return engine


def engine_of(sandbox: Sandbox) -> RuleEngine | None:
    return _ENGINES.get(sandbox)
