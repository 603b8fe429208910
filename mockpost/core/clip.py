"""Cutting what the sandbox keeps (journal bodies, inbox items, webhook bodies) down to a bound,
with a marker that says how much was left out, so a reader never mistakes a cut body for a whole one.
"""

from __future__ import annotations

MARKER = b"... [%d more bytes]"
MARKER_ROOM = 32  # bytes a marker may add to a clipped body


def clip(data: bytes, limit: int, total: int | None = None) -> bytes:
    """`data` when it fits in `limit` bytes; else its first `limit` bytes and a marker naming the
    bytes left out. `total`: the size before an earlier cut (a body captured up to the limit only)."""
    size = len(data) if total is None else total
    if size <= limit:
        return data
    return data[:limit] + MARKER % (size - limit)


def clip_text(text: str, limit: int) -> str:
    """The same for text, counting characters."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"... [{len(text) - limit} more characters]"
