"""`expect_deliveries`: checking the webhook deliveries mockpost made, with their attempts.

The records are those of `GET /_mockpost/webhooks/outbox` (the same in-process and over HTTP), in
the order the deliveries were made:

    {id, provider, tenant, event, url, state (pending|delivered|failed), created_at, headers, body,
     attempts: [{id, delivery_id, number, at, url, headers, body, status, error, duration_ms}]}
"""

from __future__ import annotations

from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from mockpost.core.clock import iso_utc, parse_duration, parse_instant
from mockpost.scenarios.matchers import Comparison, Matcher, Mismatch, compare
from mockpost.scenarios.schema import DeliveriesExpect, is_instant_text


def select(spec: DeliveriesExpect, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The deliveries the filters pick (provider and state exactly, event and url as globs)."""
    return [
        record
        for record in records
        if (spec.provider is None or record.get("provider") == spec.provider)
        and (spec.state is None or record.get("state") == spec.state)
        and (spec.event is None or fnmatchcase(str(record.get("event")), spec.event))
        and (spec.url is None or fnmatchcase(str(record.get("url")), spec.url))
    ]


def has_checks(spec: DeliveriesExpect) -> bool:
    return spec.has_json or any(v is not None for v in (spec.attempts, spec.statuses, spec.times))


def mismatches(spec: DeliveriesExpect, record: dict[str, Any]) -> list[Mismatch]:
    """How one delivery differs from the checks of `spec`."""
    result = Comparison()
    attempts: list[dict[str, Any]] = record.get("attempts") or []
    if spec.attempts is not None:
        result.mismatches += compare(spec.attempts, len(attempts), "attempts").mismatches
    if spec.statuses is not None:
        actual = [attempt.get("status") for attempt in attempts]
        result.mismatches += compare(spec.statuses, actual, "statuses").mismatches
    if spec.times is not None:
        _check_times(spec.times, record, attempts, result)
    if spec.has_json:
        result.mismatches += compare(spec.json_, record).mismatches
    return result.mismatches


def _check_times(
    expected: list[Any], record: dict[str, Any], attempts: list[dict[str, Any]], result: Comparison
) -> None:
    actual = [attempt.get("at") for attempt in attempts]
    if len(expected) != len(actual):
        result.fail("times", f"{len(expected)} attempts at {expected}", actual)
        return
    created = parse_instant(str(record.get("created_at")))
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        path = f"times[{index}]"
        if isinstance(want, Matcher):
            result.mismatches += compare(want, got, path).mismatches
            continue
        instant = _expected_instant(want, created)
        if got is None or parse_instant(str(got)) != instant:
            after = "" if is_instant_text(want) else f" ({want} after {iso_utc(created)})"
            result.fail(path, iso_utc(instant) + after, got)


def _expected_instant(value: Any, created: datetime) -> datetime:
    if is_instant_text(value):
        return parse_instant(str(value))
    return created + parse_duration(value)


def summary(record: dict[str, Any]) -> str:
    """One line per delivery for a failure: what, where, its state and each attempt."""
    attempts = record.get("attempts") or []
    tries = ", ".join(
        f"{a.get('at')} {a.get('status') if a.get('status') is not None else a.get('error') or 'no answer'}"
        for a in attempts
    )
    return (
        f"{record.get('id')} {record.get('provider')} {record.get('event')} → {record.get('url')}: "
        f"{record.get('state')}, {len(attempts)} attempt(s){': ' + tries if tries else ''}"
    )
