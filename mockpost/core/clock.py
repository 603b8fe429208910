"""The virtual clock: the only source of "now" for business time.

Real time by default. It can be frozen (time stands still), set to an instant, and advanced.
Unfreezing keeps the virtual instant and lets it run on from there, so a sandbox moved into the
future stays there.

The clock goes only where every provider's own date arithmetic still works: from EARLIEST to LATEST
(1970-01-02 to 9998-12-31). The margins leave room for what providers compute around "now" — list
windows a day either side, expiries hours ahead, retry schedules days ahead, records a moment back —
without leaving the years 1..9999 Python's datetime can hold, or going before the Unix epoch that
epoch-second and epoch-millisecond fields count from.
"""

from __future__ import annotations

import functools
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)


class ClockRangeError(ValueError):
    """An instant the clock may not be moved to; the message says which instants it may."""


def reachable(at: datetime | float, what: str | None = None) -> datetime:
    """`at` (a datetime, naive meaning UTC, or epoch seconds) when the clock may go there, else
    ClockRangeError; `what` names the move in the message (default: the instant itself)."""
    if isinstance(at, datetime):
        instant = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        inside = EARLIEST <= instant <= LATEST
        what = what or f"to {instant.isoformat().replace('+00:00', 'Z')}"
    else:
        inside = EARLIEST.timestamp() <= at <= LATEST.timestamp()  # False for NaN too
        instant = datetime.fromtimestamp(at, UTC) if inside else EARLIEST
        what = what or "there"
    if not inside:
        raise ClockRangeError(
            f"the clock cannot go {what}: it stays between {iso_utc(EARLIEST)} and {iso_utc(LATEST)}, "
            "where every provider's date arithmetic still works"
        )
    return instant


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0  # seconds added to wall time while running
        self._frozen_at: float | None = None  # epoch seconds while frozen

    # -- reading -----------------------------------------------------------------
    def timestamp(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    @property
    def is_real(self) -> bool:
        return self._frozen_at is None and self._offset == 0.0

    # -- moving ------------------------------------------------------------------
    def freeze(self, at: datetime | None = None) -> None:
        self._frozen_at = self.timestamp() if at is None else _epoch(reachable(at))

    def unfreeze(self) -> None:
        if self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None

    def set(self, at: datetime) -> None:
        """Jump to an instant, keeping the frozen/running mode."""
        target = _epoch(reachable(at))
        if self._frozen_at is not None:
            self._frozen_at = target
        else:
            self._offset = target - time.time()

    def reset(self) -> None:
        self._offset = 0.0
        self._frozen_at = None

    # -- saving ------------------------------------------------------------------
    def export(self) -> dict[str, Any]:
        """What a restart needs to continue: frozen at an instant, or running at an offset from
        wall time (so virtual time keeps running while the sandbox is down, as real time does)."""
        return {
            "now": iso_utc(self.now()),
            "frozen": self.frozen,
            "offset_seconds": self._offset,
            "frozen_at": self._frozen_at,
        }

    def restore(self, saved: dict[str, Any]) -> None:
        frozen_at = saved.get("frozen_at")
        self._frozen_at = float(frozen_at) if frozen_at is not None else None
        self._offset = float(saved.get("offset_seconds") or 0.0)


def _epoch(at: datetime) -> float:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.timestamp()


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|d|h|m|s)", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str | int | float) -> timedelta:
    """Parse "2h30m", "90s", "1d", "500ms" or a number of seconds into a timedelta."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):  # JSON and YAML hold any value
        raise ValueError("a duration is a number of seconds or a string like '2h30m'")
    if isinstance(text, int | float):
        return _span(text, text)
    stripped = text.strip().replace(" ", "")
    if not stripped:
        raise ValueError("empty duration")
    try:
        seconds = float(stripped)
    except ValueError:
        pos, seconds = 0, 0.0
        for match in _DURATION_PART.finditer(stripped):
            if match.start() != pos:
                break
            seconds += float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
            pos = match.end()
        if pos != len(stripped):
            raise ValueError(f"cannot read duration {text!r}; use e.g. '90s', '15m', '2h30m', '7d'") from None
    return _span(seconds, text)


def _span(seconds: float, given: object) -> timedelta:
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"duration {given!r} is too long") from None


_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


@functools.lru_cache(maxsize=1024)  # pure; a body's date is often checked, then parsed again
def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 instant (or a date); a naive value is taken as UTC. Fractions longer than
    microseconds (.NET sends seven digits) are cut to microseconds."""
    value = _LONG_FRACTION.sub(r"\1", text.strip())
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is outside the years 1..9999") from None


def iso_utc(at: datetime) -> str:
    """ISO-8601 in UTC with a Z, to the second or the microsecond as the value has it."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")
