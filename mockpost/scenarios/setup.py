"""Putting a scenario's world into a sandbox: clock, timelines, accounts, seed, faults, rules.

The same function serves the in-process runner, `mockpost serve --scenario FILE` and
`POST /_mockpost/scenarios`, so a scenario means the same thing in all three.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockpost.core.clock import parse_instant
from mockpost.sandbox import Sandbox
from mockpost.scenarios import rules as rules_module
from mockpost.scenarios.loader import load_file
from mockpost.scenarios.providers import support_for
from mockpost.scenarios.schema import AccountSpec, Scenario, WebhookSpec


class SetupError(Exception):
    """The sandbox refused part of a scenario (e.g. seed data a provider rejects)."""


@dataclass
class Applied:
    name: str
    accounts: dict[str, list[str]] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    engine: rules_module.RuleEngine | None = None

    def summary(self, sandbox: Sandbox) -> dict[str, Any]:
        return {
            "loaded": self.name,
            "accounts": self.accounts,
            "faults": self.faults,
            "rules": len(self.engine.rules) if self.engine else 0,
            "clock": sandbox.describe_clock(),
        }


def inbox_url(base_url: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/_mockpost/inbox/{name}"


def webhook_target(webhook: WebhookSpec | None, base_url: str) -> dict[str, str] | None:
    if webhook is None:
        return None
    url = inbox_url(base_url, webhook.inbox) if webhook.inbox is not None else str(webhook.url)
    return {"url": url, "secret": webhook.secret}


async def apply_scenario(
    sandbox: Sandbox,
    scenario: Scenario,
    base_url: str,
    *,
    reset: bool = True,
    watch_requests: bool = True,
) -> Applied:
    """Reset (unless told not to) and load the scenario's world. Steps are not run here."""
    if reset:
        sandbox.reset()
    applied = Applied(scenario.name)
    if scenario.clock is not None:
        start = parse_instant(scenario.clock.start)
        if scenario.clock.frozen:
            await sandbox.freeze(start)
        else:
            await sandbox.set_clock(start)
            sandbox.unfreeze()
    timelines: dict[str, dict[str, Any]] = {}
    for rule in scenario.rules:
        if rule.timeline is not None:
            timelines.setdefault(rule.provider, {}).update(rule.timeline)
    for name in scenario.providers:
        provider = _provider(sandbox, name)
        try:
            support_for(name).set_timeline(provider, timelines.get(name, {}))
        except ValueError as exc:
            raise SetupError(f"rules: {name} timeline: {exc}") from None
    for name, accounts in scenario.accounts.items():
        provider = _provider(sandbox, name)
        for account_name, account in accounts.items():
            try:
                support_for(name).load_account(
                    provider, account_fields(account), webhook_target(account.webhook, base_url)
                )
            except ValueError as exc:
                raise SetupError(f"accounts: {name}: {account_name}: {exc}") from None
            applied.accounts.setdefault(name, []).append(account_name)
    for name, section in scenario.seed.items():
        try:
            _provider(sandbox, name).seed(section)
        except SetupError:
            raise
        except Exception as exc:  # the provider's own refusal of its fixture data, with its reason
            raise SetupError(f"seed: {name}: {exc}") from None
    for spec in scenario.faults:
        applied.faults.append(sandbox.faults.add(spec).id)
    applied.engine = rules_module.install(sandbox, scenario.rules, watch_requests)
    await sandbox.run_due()
    return applied


def account_fields(account: AccountSpec, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """An account's provider fields; with `environ` (real sandboxes), `env:` names replace them.
    Against a mock, a field given only through `env:` gets a stand-in value (the mock accepts any
    credential), so a file written for a real sandbox runs on the mock unchanged."""
    fields = account.fields()
    if environ is None:
        for key, variable in account.env.items():
            fields.setdefault(key, f"scenario-{variable.lower()}")
    else:
        for key, variable in account.env.items():
            if variable not in environ:
                raise SetupError(f"set the environment variable {variable} (the account's {key})")
            fields[key] = environ[variable]
    return fields


def _provider(sandbox: Sandbox, name: str) -> Any:
    provider = sandbox.providers.get(name)
    if provider is None:
        raise SetupError(f"this server has no provider {name!r}; it has {sorted(sandbox.providers)}")
    return provider


def load_into_server(sandbox: Sandbox, paths: Sequence[Path], base_url: str) -> list[Applied]:
    """`mockpost serve --scenario FILE ...`: load each scenario's world at start-up (before the
    server's event loop runs), in order, on top of each other (and of --fixtures)."""
    applied = []
    for path in paths:
        loaded = load_file(path)
        applied.append(asyncio.run(apply_scenario(sandbox, loaded.scenario, base_url, reset=False)))
    return applied
