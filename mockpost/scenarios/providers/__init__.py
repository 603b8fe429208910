"""What the scenario machinery needs to know about each provider, found in the provider's own
folder: the `SUPPORT` of its `scenario` module, a ProviderSupport — how its credentials become
request headers, how an account and its webhook are registered (its fixture format), how its
webhooks are signed (with the provider's own signing), and which resources rules can watch.
Nothing here knows a provider by name.
"""

from __future__ import annotations

import importlib

from mockpost.providers import PROVIDERS
from mockpost.scenarios.providers.base import ProviderSupport


def _discover() -> dict[str, ProviderSupport]:
    found: dict[str, ProviderSupport] = {}
    for entry in PROVIDERS:
        for module in (f"{entry.package}.scenario", f"{__name__}.{entry.package.rsplit('.', 1)[1]}"):
            try:
                support = getattr(importlib.import_module(module), "SUPPORT", None)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
                continue
            if isinstance(support, ProviderSupport):
                found[support.name] = support
                break
    return found


SUPPORT: dict[str, ProviderSupport] = _discover()


def support_for(name: str) -> ProviderSupport:
    try:
        return SUPPORT[name]
    except KeyError:
        raise KeyError(
            f"scenarios do not support provider {name!r} yet; supported: {sorted(SUPPORT)}"
        ) from None


__all__ = ["SUPPORT", "ProviderSupport", "support_for"]
