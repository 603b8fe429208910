"""Named inboxes that receive webhooks for tests, oldest first, bounded."""

from __future__ import annotations

from collections import deque
from typing import Any

INBOX_CAPACITY = 1_000


class Inboxes:
    def __init__(self) -> None:
        self._boxes: dict[str, deque[dict[str, Any]]] = {}

    def put(self, name: str, item: dict[str, Any]) -> None:
        self._boxes.setdefault(name, deque(maxlen=INBOX_CAPACITY)).append(item)

    def items(self, name: str) -> list[dict[str, Any]]:
        return list(self._boxes.get(name, ()))

    def sizes(self) -> list[tuple[str, int]]:
        return [(name, len(items)) for name, items in sorted(self._boxes.items())]

    def clear(self, name: str | None = None) -> None:
        if name is None:
            self._boxes.clear()
        else:
            self._boxes.pop(name, None)
