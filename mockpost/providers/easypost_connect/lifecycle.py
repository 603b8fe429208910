"""EasyPost Connect's state machines and timeline, as data.

Job statuses: AWAITING_FOR_FILE (the documented literal) until the file arrives, PROCESSING while
the file is read and split, IN_PROGRESS while its SendingEvents run, then COMPLETED (every
SendingEvent final) or FAILED (the file is not what the workflow takes). A payload-word job has no
file to wait for: it starts PROCESSING. A job that gets no file within the upload window is deleted
(no status: it is gone, GET answers 404).

SendingEvent businessStatus: SCHEDULED (waiting for sendingEventExecutionDateUtc; an event with such
a date starts there), PROCESSING, SENT (handed to a channel; the submission report is ready), then
DELIVERED (final, success) or FAILED (final, failure).

The resource kinds are `job` and `sending_event`; each timed step is a timer of one of them, its
action named here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

from mockpost.core.clock import parse_duration
from mockpost.core.lifecycle import Lifecycle

AWAITING_FOR_FILE = "AWAITING_FOR_FILE"
PROCESSING = "PROCESSING"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"

SCHEDULED = "SCHEDULED"
SENT = "SENT"
DELIVERED = "DELIVERED"

JOB = Lifecycle.build(
    "job",
    initial=AWAITING_FOR_FILE,
    transitions={
        AWAITING_FOR_FILE: [PROCESSING],  # the file arrives (else `expire` deletes the job)
        PROCESSING: [IN_PROGRESS, FAILED],  # `process`: split into SendingEvents, or unreadable
        IN_PROGRESS: [COMPLETED],  # its last SendingEvent is final
    },
    final=[COMPLETED, FAILED],
)

SENDING_EVENT = Lifecycle.build(
    "sending_event",
    initial=PROCESSING,
    transitions={
        SCHEDULED: [PROCESSING],  # `run` at its sendingEventExecutionDateUtc
        PROCESSING: [SENT, FAILED],  # `send`: a channel took it, or none could
        SENT: [DELIVERED, FAILED],  # `finish`: delivered, or bounced
    },
    final=[DELIVERED, FAILED],
)

# Timed steps (timer actions) of a job and of a SendingEvent.
EXPIRE = "expire"  # job: no file within the upload window -> deleted
PROCESS = "process"  # job: PROCESSING -> IN_PROGRESS (its SendingEvents start) or FAILED
RUN = "run"  # sending_event: SCHEDULED -> PROCESSING at its execution date
SEND = "send"  # sending_event: PROCESSING -> SENT (or FAILED when nothing could be sent)
FINISH = "finish"  # sending_event: SENT -> DELIVERED (or FAILED when it bounced)

# Channel task types seen in the documentation; EASY_PRINT / EASY_PRINT_FR are the print tasks.
PRINT_TASKS = frozenset({"EASY_PRINT", "EASY_PRINT_FR"})
EPOD_TASKS = frozenset({"ERDS"})  # channels whose delivery gives an electronic proof of delivery

DEFAULT_DELIVERY = {
    "EMAIL": timedelta(hours=1),
    "SMS": timedelta(minutes=10),
    "ERDS": timedelta(days=1),
    "EBOX": timedelta(hours=2),
    "DOCCLE": timedelta(hours=2),
    "PEPPOL": timedelta(minutes=30),
    "EASY_PRINT": timedelta(days=3),
    "EASY_PRINT_FR": timedelta(days=4),
}


@dataclass(frozen=True)
class Timeline:
    """When things happen, on the virtual clock (provider options `easypost-connect.<name>`)."""

    upload_window: timedelta = timedelta(hours=2)  # AWAITING_FOR_FILE -> deleted
    processing_after: timedelta = timedelta(minutes=2)  # file received -> IN_PROGRESS / FAILED
    sent_after: timedelta = timedelta(minutes=5)  # SendingEvent PROCESSING -> SENT
    download_ttl: timedelta = timedelta(minutes=10)  # pre-signed download URLs
    token_ttl: timedelta = timedelta(hours=1)  # OAuth2 access tokens
    delivery: dict[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_DELIVERY))

    def delivered_after(self, channel: str) -> timedelta:
        return self.delivery.get(channel, timedelta(hours=1))

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Timeline:
        durations = {f.name for f in fields(cls)} - {"delivery"}
        values: dict[str, Any] = {}
        delivery = dict(DEFAULT_DELIVERY)
        for name, value in options.items():
            if name in durations:
                values[name] = parse_duration(value)
            elif name.startswith("delivered_after_"):
                delivery[name.removeprefix("delivered_after_").upper()] = parse_duration(value)
            elif name not in OTHER_OPTIONS:
                known = sorted([*durations, "delivered_after_<CHANNEL>", *OTHER_OPTIONS])
                raise ValueError(f"unknown easypost-connect option {name!r}; known: {known}")
        return cls(**values, delivery=delivery)


OTHER_OPTIONS = frozenset({"require_bearer"})
