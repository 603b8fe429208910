"""What the scenario machinery needs to know about each provider, one small module per provider.

Adding a provider to scenarios is one class here: how its credentials become request headers, how
an account and its webhook are registered (its fixture format), how its webhooks are signed, where
its timeline options go, and which resources rules can watch.
"""

from __future__ import annotations

from mockpost.scenarios.providers.base import ProviderSupport
from mockpost.scenarios.providers.ekopost import EkopostSupport

SUPPORT: dict[str, ProviderSupport] = {support.name: support for support in (EkopostSupport(),)}


def support_for(name: str) -> ProviderSupport:
    try:
        return SUPPORT[name]
    except KeyError:
        raise KeyError(
            f"scenarios do not support provider {name!r} yet; supported: {sorted(SUPPORT)}"
        ) from None


__all__ = ["SUPPORT", "ProviderSupport", "support_for"]
