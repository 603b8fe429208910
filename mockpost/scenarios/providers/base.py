"""The questions the scenario runner asks of a provider.

The abstract methods are what every provider answers; the others have defaults, so a support
module only overrides what its provider has (timeline options, watched resources, a state field
not named `state`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider
from mockpost.core.secrets import same_secret


class ProviderSupport(ABC):
    name: str
    account_keys: tuple[str, ...] = ()  # the provider's own keys in `accounts:` (besides webhook, env)

    @abstractmethod
    def auth_headers(self, account: dict[str, Any]) -> dict[str, str]:
        """Request headers carrying an account's credentials (api_key, username/password, ...)."""

    def load_account(
        self, provider: Provider, account: dict[str, Any], webhook: dict[str, str] | None
    ) -> None:
        """Register an account with its settings and webhook ({url, secret}) in the sandbox. By
        default, as one entry of the provider's fixture `accounts:` list."""
        self.refuse_unknown_keys(account)
        entry = {key: value for key, value in account.items() if key in self.account_keys}
        if webhook is not None:
            entry["webhook"] = webhook
        provider.seed({"accounts": [entry]})

    @abstractmethod
    def verify_signature(self, body: str, headers: dict[str, str], secret: str) -> str | None:
        """None when a delivered webhook carries the right signature, else what is wrong."""

    def refuse_unknown_keys(self, account: dict[str, Any]) -> None:
        """For `load_account`: an account key the provider does not take is a ValueError."""
        unknown = set(account) - set(self.account_keys)
        if unknown:
            raise ValueError(
                f"unknown {self.name} account key(s) {sorted(unknown)}; expected: "
                f"{', '.join(self.account_keys)}, webhook, env"
            )

    def set_timeline(self, provider: Provider, overrides: dict[str, Any]) -> None:
        """Apply timeline options on top of the server's own (empty overrides: back to them)."""
        provider.set_timeline(overrides)

    def timeline_problem(self, overrides: dict[str, Any]) -> str | None:
        """What is wrong with these timeline options (checked when the file loads), or None.
        The default checks nothing here; `set_timeline` still refuses what it cannot apply."""
        return None

    def resources(self, provider: Provider, tenant: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(kind, rendered resource) for every resource of a tenant that rules may watch."""
        return iter(())

    def state_of(self, kind: str, resource: dict[str, Any]) -> Any:
        """The lifecycle state of a rendered resource (rules compare it with `when`)."""
        return resource.get("state")

    def lifecycles(self) -> list[Lifecycle]:
        """The state machines of the resources rules can watch (to check rule states at load)."""
        return []


def problem_of(check: Callable[[dict[str, Any]], object], options: dict[str, Any]) -> str | None:
    """The ValueError message of `check(options)`, or None when it accepts them (for
    `timeline_problem`: a provider's own Timeline.from_options says what it does not know)."""
    try:
        check(options)
    except (ValueError, TypeError) as exc:
        return str(exc)
    return None


def signature_problem(headers: dict[str, str], header: str, expected: str, recipe: str) -> str | None:
    """None when `header` carries `expected` (compared in constant time), else what is wrong;
    `recipe` says how the expected value is made, for the message."""
    given = {name.lower(): value for name, value in headers.items()}.get(header.lower())
    if given is None:
        return f"no {header} header"
    if not same_secret(given, expected):
        return f"{header} is {given}, {recipe} is {expected}"
    return None

