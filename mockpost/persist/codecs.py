"""Which providers' accounts can be saved, and the codec of each one's state class."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from mockpost.core.codec import Codec, Unsavable

if TYPE_CHECKING:
    from mockpost.sandbox import Sandbox

logger = logging.getLogger("mockpost")


class StateCodecs:
    """Per sandbox: a provider's state class is what the provider declares (`state_class`), else
    what its store factory returns. A class that is not plain data is refused once, with the
    reason, and that provider's accounts are left out of snapshots and the store."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._codecs: dict[str, Codec[Any] | None] = {}
        self.refused: dict[str, str] = {}  # provider -> why its state cannot be saved

    def codec(self, name: str) -> Codec[Any] | None:
        if name in self._codecs:
            return self._codecs[name]
        provider = self.sandbox.providers[name]
        cls = provider.state_class or self.sandbox.store.state_class(name)
        codec: Codec[Any] | None = None
        if cls is None:
            self.refused[name] = "its store factory declares no state class (Provider.state_class)"
        else:
            try:
                codec = Codec(cls)
            except Unsavable as exc:
                self.refused[name] = str(exc)
        if codec is None:
            logger.warning("%s: accounts cannot be saved: %s", name, self.refused[name])
        self._codecs[name] = codec
        return codec

    def state_class(self, name: str) -> type | None:
        codec = self.codec(name)
        return codec.cls if codec is not None else None

    def saved_type(self, name: str) -> Any:
        """The type a document holds a provider's account state as (its class, or the saved form
        of a class that keys a dict by tuples); None when it cannot be saved."""
        codec = self.codec(name)
        return codec.saved_type if codec is not None else None
