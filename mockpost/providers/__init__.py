"""One folder per provider, the same files in each (models, backend, routes, errors, lifecycle)."""

from mockpost.core.provider import Provider
from mockpost.providers.afosto import AfostoProvider
from mockpost.providers.easypost_connect import EasyPostConnectProvider
from mockpost.providers.ekopost import EkopostProvider
from mockpost.providers.inpost import InpostProvider
from mockpost.providers.nirva import NirvaProvider

PROVIDERS: list[type[Provider]] = [
    EkopostProvider,
    EasyPostConnectProvider,
    NirvaProvider,
    AfostoProvider,
    InpostProvider,
]
