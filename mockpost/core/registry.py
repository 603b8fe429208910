"""The sandbox's providers, each imported and built the first time something needs it.

Importing a provider (its models, tables and data) is most of what start-up costs, and a test
that talks to one provider should not pay for five. Names and mounts are known up front, so
routing, the journal and error envelopes work before any provider is loaded; a server loads the
rest in the background once it answers (Sandbox.warm_up).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from mockpost.core.provider import Provider


@dataclass(frozen=True)
class ProviderEntry:
    name: str
    mount: str
    title: str
    module: str  # where the Provider subclass lives
    attribute: str

    @property
    def package(self) -> str:
        """The provider's folder as a package (`mockpost.providers.ekopost`): its role modules
        (`scenario`, ...) are found there by name."""
        return self.module.rsplit(".", 1)[0] if self.module.endswith(".provider") else self.module

    def load_class(self) -> type[Provider]:
        cls: type[Provider] = getattr(importlib.import_module(self.module), self.attribute)
        if (cls.name, cls.mount, cls.title) != (self.name, self.mount, self.title):
            raise RuntimeError(f"{self.module}.{self.attribute} is {cls.name} at {cls.mount}, not {self}")
        return cls

    @classmethod
    def of(cls, provider_class: type[Provider]) -> ProviderEntry:
        """An entry for a class already imported (tests, embedders with their own provider)."""
        return cls(
            provider_class.name,
            provider_class.mount,
            provider_class.title,
            provider_class.__module__,
            provider_class.__qualname__,
        )


class Providers(Mapping[str, Provider]):
    """name -> Provider. Iterating, `in` and `len` never load; indexing loads that one provider;
    `values()`/`items()` load them all."""

    def __init__(self, entries: Iterable[ProviderEntry], build: Callable[[type[Provider]], Provider]) -> None:
        self._entries = {entry.name: entry for entry in entries}
        self._by_mount: dict[str, str] = {}
        for entry in self._entries.values():
            if not entry.mount.startswith("/") or "/" in entry.mount[1:]:
                raise ValueError(f"a mount is one path segment, like /ekopost: not {entry.mount!r}")
            self._by_mount[entry.mount] = entry.name
        self._build = build
        self._built: dict[str, Provider] = {}
        self._lock = threading.Lock()  # the warm-up thread and a request may ask for the same one

    def __getitem__(self, name: str) -> Provider:
        provider = self._built.get(name)
        if provider is not None:
            return provider
        entry = self._entries[name]
        with self._lock:
            provider = self._built.get(name)
            if provider is None:
                provider = self._built[name] = self._build(entry.load_class())
        return provider

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def owner_of(self, path: str) -> tuple[str, str]:
        """(provider, the path below its mount), or ("", path) outside every mount."""
        end = path.find("/", 1)
        prefix = path if end < 0 else path[:end]
        provider = self._by_mount.get(prefix)
        if provider is None:
            return "", path
        return provider, path[len(prefix) :] or "/"

    def entries(self) -> list[ProviderEntry]:
        return list(self._entries.values())

    def loaded(self) -> list[Provider]:
        """The providers built so far (what a reset has to touch)."""
        return list(self._built.values())

    def is_loaded(self, name: str) -> bool:
        return name in self._built
