"""One folder per provider, the same files in each (models, backend, routes, errors, lifecycle)."""

from mockpost.core.provider import Provider
from mockpost.providers.easypost_connect import EasyPostConnectProvider
from mockpost.providers.ekopost import EkopostProvider

PROVIDERS: list[type[Provider]] = [EkopostProvider, EasyPostConnectProvider]
