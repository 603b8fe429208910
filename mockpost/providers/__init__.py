"""One folder per provider, the same files in each (models, backend, routes, errors, lifecycle).

Registered by name, mount, title and import path only: a provider is imported when first needed
(see mockpost.core.registry); loading checks each entry against its class. This table is the one
place a bundled provider's name, mount and title are written: its class takes them from here
(`@registered(name)`).
"""

from collections.abc import Callable
from typing import TypeVar

from mockpost.core.provider import Provider
from mockpost.core.registry import ProviderEntry

E = ProviderEntry
PROVIDERS: list[ProviderEntry] = [
    E("ekopost", "/ekopost", "Ekopost REST API", "mockpost.providers.ekopost.provider", "EkopostProvider"),
    E(
        "easypost-connect",
        "/easypost-connect",
        "EasyPost Connect Public API",
        "mockpost.providers.easypost_connect.provider",
        "EasyPostConnectProvider",
    ),
    E(
        "nirva",
        "/nirva",
        "Nirva Intelligent Hybrid Mail",
        "mockpost.providers.nirva.provider",
        "NirvaProvider",
    ),
    E("afosto", "/afosto", "Afosto API", "mockpost.providers.afosto.provider", "AfostoProvider"),
    E("inpost", "/inpost", "InPost ShipX API", "mockpost.providers.inpost.provider", "InpostProvider"),
]
P = TypeVar("P", bound=Provider)


def registered(name: str) -> Callable[[type[P]], type[P]]:
    """Class decorator: the provider class takes its name, mount and title from its entry above."""
    entry = next(entry for entry in PROVIDERS if entry.name == name)

    def identify(cls: type[P]) -> type[P]:
        cls.name, cls.mount, cls.title = entry.name, entry.mount, entry.title
        return cls

    return identify
