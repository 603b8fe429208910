"""One folder per provider, the same files in each (models, backend, routes, errors, lifecycle).

Registered by name, mount, title and import path only: a provider is imported when first needed
(see mockpost.core.registry); loading checks each entry against its class.
"""

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
