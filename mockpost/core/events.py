"""The sandbox's own events: an object changed state, a webhook attempt was made, a request was
answered. Listeners (the console's stream, scenario rules, persistence) subscribe; with none, a
publish costs one truth test.

A listener is called synchronously, in the middle of the work that published: it must only take
note (queue, mark dirty) and never change state itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("mockpost")
Listener = Callable[[str, dict[str, Any]], None]


class Events:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self.listening = False  # read on every request: an attribute, not a method

    def __bool__(self) -> bool:
        return self.listening

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(type, data)` for every event from now on; returns the unsubscribe."""
        self._listeners.append(listener)
        self.listening = True

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)
            self.listening = bool(self._listeners)

        return unsubscribe

    def publish(self, type: str, data: dict[str, Any]) -> None:
        for listener in list(self._listeners):
            try:
                listener(type, data)
            except Exception:  # a broken listener must not break the work that published
                logger.exception("event listener failed on %s", type)
