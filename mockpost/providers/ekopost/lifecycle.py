"""Ekopost's state machines and the production timeline, as data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.options import read_options

CAMPAIGN = Lifecycle.build(
    "campaign",
    initial="opened",
    transitions={
        "opened": ["closed", "cancelled", "failed"],
        "closed": ["transferred", "cancelled", "failed"],
        "transferred": ["completed", "failed"],
    },
    final=["completed", "cancelled", "failed"],
)

ENVELOPE = Lifecycle.build(
    "envelope",
    initial="opened",
    transitions={
        "opened": ["closed", "cancelled", "failed"],
        "closed": ["transferred", "cancelled", "failed"],
        # electronic channels (email, e-inboxes, e-invoice, e-bank, sms) are never printed
        "transferred": ["printed", "posted", "failed"],
        "printed": ["posted", "failed"],
    },
    final=["posted", "cancelled", "failed"],
)


@dataclass(frozen=True)
class Timeline:
    """When each step happens. Closed campaigns are transferred at their output_date."""

    print_after: timedelta = timedelta(days=1)  # transferred -> printed (printed channels)
    post_after: timedelta = timedelta(days=1)  # printed -> posted
    electronic_after: timedelta = timedelta(minutes=10)  # transferred -> posted (electronic channels)
    registered_delivered_after: timedelta = timedelta(days=2)  # rek: posted -> tracking "Delivered"

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Timeline:
        return cls(**read_options(cls, options, "ekopost"))
