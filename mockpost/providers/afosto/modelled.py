"""The shape every group of hand-modelled endpoints shares: it knows the engine and registers its
handlers (and creation hooks) on it; the provider registers each group once, in order."""

from __future__ import annotations

from mockpost.providers.afosto.engine import Engine
from mockpost.providers.afosto.synth import iso


class HandModelled:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def register(self) -> None:
        raise NotImplementedError

    def now(self) -> str:
        """The sandbox clock's now, as Afosto writes moments."""
        return iso(self.engine.ctx.now())
