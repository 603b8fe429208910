"""Named inboxes that receive webhooks for tests, oldest first, bounded three ways (and each kept
body to INBOX_BODY_LIMIT, clipped with a marker by the route that receives it).

Each inbox keeps its newest INBOX_CAPACITY items; all of them together stay within `max_bytes`
(counted from the bodies and headers they hold), and there are at most `max_inboxes`. Past a bound,
what was used least recently goes first: the oldest items of the inbox least recently written to or
read, or that whole inbox when one more is opened.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Any

INBOX_CAPACITY = 1_000
INBOX_BODY_LIMIT = 1024 * 1024  # bytes of a received body kept (a webhook is a few KiB)
ITEM_OVERHEAD = 300  # bytes an item costs besides its strings
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_INBOXES = 1_000


def item_size(item: dict[str, Any]) -> int:
    """What an item is counted at: its text values (a headers mapping's names and values too)."""
    size = ITEM_OVERHEAD
    for value in item.values():
        if isinstance(value, str):
            size += len(value)
        elif isinstance(value, dict):
            size += sum(len(str(k)) + len(str(v)) for k, v in value.items())
    return size


class Inboxes:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_inboxes: int = DEFAULT_MAX_INBOXES) -> None:
        self.max_bytes = max_bytes
        self.max_inboxes = max_inboxes
        self._boxes: OrderedDict[str, deque[tuple[int, dict[str, Any]]]] = OrderedDict()  # least recent first
        self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes

    def put(self, name: str, item: dict[str, Any]) -> None:
        box = self._boxes.get(name)
        if box is None:
            while len(self._boxes) >= self.max_inboxes:
                self._drop_box(next(iter(self._boxes)))
            box = self._boxes[name] = deque(maxlen=INBOX_CAPACITY)
        self._boxes.move_to_end(name)
        if len(box) == box.maxlen:
            self._bytes -= box[0][0]  # the append below drops it
        size = item_size(item)
        box.append((size, item))
        self._bytes += size
        while self._bytes > self.max_bytes and (len(self._boxes) > 1 or len(box) > 1):
            oldest_name = next(iter(self._boxes))
            oldest = self._boxes[oldest_name]
            self._bytes -= oldest.popleft()[0]
            if not oldest:
                del self._boxes[oldest_name]

    def items(self, name: str) -> list[dict[str, Any]]:
        box = self._boxes.get(name)
        if box is None:
            return []
        self._boxes.move_to_end(name)
        return [item for _, item in box]

    def sizes(self) -> list[tuple[str, int]]:
        return [(name, len(items)) for name, items in sorted(self._boxes.items())]

    def clear(self, name: str | None = None) -> None:
        if name is None:
            self._boxes.clear()
            self._bytes = 0
        elif name in self._boxes:
            self._drop_box(name)

    def _drop_box(self, name: str) -> None:
        self._bytes -= sum(size for size, _ in self._boxes.pop(name))
