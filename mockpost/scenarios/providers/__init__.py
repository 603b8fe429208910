"""What the scenario machinery needs to know about each provider, one small module per provider.

Adding a provider to scenarios is one module here, named after the provider's mount, whose
`SUPPORT` is a ProviderSupport: how its credentials become request headers, how an account and its
webhook are registered (its fixture format), how its webhooks are signed, where its timeline
options go, and which resources rules can watch.
"""

from __future__ import annotations

import importlib
import pkgutil

from mockpost.scenarios.providers.base import ProviderSupport


def _discover() -> dict[str, ProviderSupport]:
    found: dict[str, ProviderSupport] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        support = getattr(module, "SUPPORT", None)
        if isinstance(support, ProviderSupport):
            found[support.name] = support
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
