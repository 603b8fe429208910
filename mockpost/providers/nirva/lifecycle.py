"""Nirva's state machines and the production timeline, as data.

Job, delivery and packGroup statuses are strings; shipment statuses are the documented numeric codes
(kept as strings in the tables, rendered as numbers on the wire).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.options import read_options

# PROCESSING is ours (the documentation names no in-progress status); the others are documented.
JOB = Lifecycle.build(
    "job",
    initial="PROCESSING",
    transitions={
        "PROCESSING": ["PACK_GROUP_CREATED", "PROCESSING_ERROR"],
        "PACK_GROUP_CREATED": ["CREATED", "PROCESSING_ERROR"],
    },
    final=["CREATED", "PROCESSING_ERROR"],
)

# NOT_ELIGIBLE is documented; ELIGIBLE and IN_DELIVERY are ours.
PACK_GROUP = Lifecycle.build(
    "packGroup",
    initial="ELIGIBLE",
    transitions={"ELIGIBLE": ["NOT_ELIGIBLE", "IN_DELIVERY"], "NOT_ELIGIBLE": ["ELIGIBLE"]},
    final=["IN_DELIVERY"],
)

# OUTPUTTED is documented; CREATED (waiting for the output trigger) and CANCELLED are ours.
DELIVERY = Lifecycle.build(
    "delivery",
    initial="CREATED",
    transitions={"CREATED": ["OUTPUTTED", "CANCELLED"]},
    final=["OUTPUTTED", "CANCELLED"],
)

# The 36 documented shipment status codes and their labels (Nirva's appendix).
SHIPMENT_LABELS: dict[int, str] = {
    250: "Being created",
    300: "Ready",
    400: "In production",
    600: "Mailed",
    610: "Delivered",
    700: "Sent",
    710: "Received",
    711: "Not opened",
    712: "Reprint sent",
    713: "Recipient reject",
    714: "Signed",
    715: "Opened",
    716: "Clicked",
    730: "Unsubscribe",
    751: "Invoice sent",
    760: "Accepted",
    -610: "Not delivered",
    -611: "Not claimed by client",
    -612: "Refused by client",
    -613: "Incorrect recipient",
    -614: "Incorrect address",
    -700: "Shipment error",
    -710: "Undelivered",
    -711: "Bounced",
    -712: "Blocked",
    -720: "Neglected",
    -740: "Tax instruction",
    -741: "Invoice pending",
    -742: "ChorusPro error",
    -743: "Transmission error",
    -744: "Invoice error",
    -750: "Waiting user action",
    -761: "Refused",
    -765: "Deleted",
    -900: "Canceled",
    -910: "Cancelled, after printing",
}

_MAIL_FAILURES = ["-610", "-611", "-612", "-613", "-614"]
_EMAIL_FAILURES = ["-710", "-711", "-712", "-720"]
_INVOICE_FAILURES = ["-740", "-741", "-742", "-743", "-744", "-761"]
_ANY_TIME = ["-700", "-750", "-765"]

# Which code may follow which. The happy paths are timed (see Timeline); every other arrow is reached
# by a forced transition (POST /_mockpost/nirva/transition) or a scenario rule.
SHIPMENT = Lifecycle.build(
    "shipment",
    initial="250",
    transitions={
        "250": ["300", "-900", *_ANY_TIME],
        "300": ["400", "700", "751", "-900", *_ANY_TIME],
        "400": ["600", "712", "-910", *_ANY_TIME],
        "600": ["610", *_MAIL_FAILURES, *_ANY_TIME],
        "700": ["710", *_EMAIL_FAILURES, *_ANY_TIME],
        "710": ["711", "712", "713", "714", "715", "730", "-720", *_ANY_TIME],
        "711": ["715", "712", "730"],
        "712": ["600", "710"],
        "715": ["716", "714", "730"],
        "716": ["730"],
        "751": ["760", *_INVOICE_FAILURES, *_ANY_TIME],
        "-750": ["300", "-765"],
    },
    final=[
        "610",
        "715",
        "716",
        "714",
        "713",
        "730",
        "760",
        *_MAIL_FAILURES,
        *_EMAIL_FAILURES,
        *_INVOICE_FAILURES,
        "-700",
        "-765",
        "-900",
        "-910",
    ],
)

# The timed happy path of each channel: code -> (next code, action). A shipment's timer carries the
# action (the next code's label, e.g. `mailed` for 400 -> 600); the Timeline field `<action>_after`
# gives its delay.
PATHS: dict[str, dict[str, tuple[str, str]]] = {
    "MAIL": {
        "250": ("300", "ready"),
        "300": ("400", "production"),
        "400": ("600", "mailed"),
        "600": ("610", "delivered"),
    },
    "EMAIL": {
        "250": ("300", "ready"),
        "300": ("700", "sent"),
        "700": ("710", "received"),
        "710": ("715", "opened"),
    },
}
PATHS["REGISTERED_MAIL"] = PATHS["MAIL"]
SHIPMENT_STEPS = frozenset(action for path in PATHS.values() for _, action in path.values())


@dataclass(frozen=True)
class Timeline:
    """When each step happens (provider options `nirva.<field>=<duration>`)."""

    processing_after: timedelta = timedelta(seconds=30)  # PROCESSING -> PACK_GROUP_CREATED / ERROR
    delivery_after: timedelta = timedelta(seconds=30)  # all eligible + autocreate -> CREATED
    output_every: timedelta = timedelta(hours=1)  # output trigger: every multiple of this since epoch
    token_idle_ttl: timedelta = timedelta(days=30)  # 0: tokens never expire
    ready_after: timedelta = timedelta(minutes=10)  # 250 -> 300
    production_after: timedelta = timedelta(hours=2)  # 300 -> 400
    mailed_after: timedelta = timedelta(days=1)  # 400 -> 600
    delivered_after: timedelta = timedelta(days=2)  # 600 -> 610
    sent_after: timedelta = timedelta(minutes=10)  # 300 -> 700
    received_after: timedelta = timedelta(minutes=10)  # 700 -> 710
    opened_after: timedelta = timedelta(days=1)  # 710 -> 715

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Timeline:
        timeline = cls(**read_options(cls, options, "nirva"))
        if timeline.output_every.total_seconds() <= 0:
            raise ValueError("nirva option output_every must be longer than 0")
        return timeline

    def delay(self, action: str) -> timedelta:
        """The delay of a shipment's timed step (`ready`, `mailed`, ...)."""
        value: timedelta = getattr(self, f"{action}_after")
        return value
