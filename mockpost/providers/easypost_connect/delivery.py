"""How a SendingEvent's tasks turn out: the mock's delivery rule, as one pure function.

Tasks run in the workflow's order; the first that can deliver is the SendingEvent's channel and the
ones after it are skipped. A task fails when
- an identifier it needs is missing (payload, CSV and XML recipients; a PDF recipient's data is
  taken to be in the document itself), or
- the recipient is undeliverable: an EMAIL_ADDRESS at a `.invalid` domain (RFC 2606, never
  deliverable), or any identifier value or page text containing `FAIL-DELIVERY`.
When every task fails the SendingEvent ends FAILED: after being SENT when a channel accepted it and
it bounced, straight from PROCESSING when nothing could even be sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mockpost.providers.easypost_connect.models import ADDRESS_NAMES, STRUCTURED_ADDRESS

FAIL_MARKER = "FAIL-DELIVERY"

_NEEDS: dict[str, tuple[str, ...]] = {
    "EMAIL": ("EMAIL_ADDRESS",),
    "ERDS": ("EMAIL_ADDRESS",),
    "SMS": ("PHONE_NUMBER",),
    "EASY_PRINT": STRUCTURED_ADDRESS,
    "EASY_PRINT_FR": STRUCTURED_ADDRESS,
    "EBOX": ("NATIONAL_REGISTER_NUMBER",),
    "DOCCLE": ("DOCCLE_RECEIVER_ID",),
    "PEPPOL": ("PEPPOL_RECEIVER_PARTICIPANT_ID",),
}


def needed_for(task_type: str) -> tuple[str, ...]:
    return _NEEDS.get(task_type, ())


@dataclass
class TaskPlan:
    type: str
    status: str  # SUCCESS, FAILED, SKIPPED
    reason: str | None = None


@dataclass
class Plan:
    tasks: list[TaskPlan] = field(default_factory=list)
    channel: str | None = None  # the task that delivers; None when all fail
    bounced: bool = False  # something was sent before failing (SENT then FAILED)
    last_channel: str | None = None
    reason: str | None = None

    @property
    def succeeds(self) -> bool:
        return self.channel is not None


def plan(
    task_types: Sequence[str], identifiers: Sequence[dict[str, str]], text: str, from_document: bool
) -> Plan:
    values = {item["kind"]: item["value"] for item in identifiers}
    marked = FAIL_MARKER.lower() in text.lower() or any(
        FAIL_MARKER.lower() in str(v).lower() for v in values.values()
    )
    result = Plan()
    for task_type in task_types:
        if result.channel is not None:
            result.tasks.append(TaskPlan(task_type, "SKIPPED", f"delivered by {result.channel}"))
            continue
        needed = needed_for(task_type)
        missing = [kind for kind in needed if not values.get(kind)]
        if task_type in ("EASY_PRINT", "EASY_PRINT_FR") and not any(values.get(k) for k in ADDRESS_NAMES):
            missing.append("ADDRESS_LAST_NAME or ADDRESS_COMPANY_NAME")
        if missing and not from_document:
            result.tasks.append(TaskPlan(task_type, "FAILED", "missing " + ", ".join(missing)))
            result.reason = f"{task_type}: missing " + ", ".join(missing)
            continue
        email = values.get("EMAIL_ADDRESS", "")
        if marked or (task_type in ("EMAIL", "ERDS") and email.lower().rstrip(".").endswith(".invalid")):
            result.tasks.append(TaskPlan(task_type, "FAILED", "recipient undeliverable"))
            result.bounced = True
            result.last_channel = task_type
            result.reason = f"{task_type}: recipient undeliverable"
            continue
        result.tasks.append(TaskPlan(task_type, "SUCCESS"))
        result.channel = task_type
        result.last_channel = task_type
    if not task_types:
        result.reason = "the workflow has no task"
    return result
