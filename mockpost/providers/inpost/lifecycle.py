"""ShipX's state machines and the timeline of the simulated logistics, as data.

Shipment statuses only move forward: each status may go to any status later in PROGRESS, to a
problem status (from confirmed on), or to canceled (only from created/offers_prepared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.options import read_options

# From the sender's branch to the receiver's: the part of the way lockers and couriers share.
LINEHAUL = (
    "adopted_at_source_branch",
    "sent_from_source_branch",
    "adopted_at_sorting_center",
    "sent_from_sorting_center",
    "adopted_at_target_branch",
    "out_for_delivery",
)
# Timed paths after `confirmed`, per kind of service.
LOCKER_PATH = ("dispatched_by_sender", "collected_from_sender", *LINEHAUL, "ready_to_pickup", "delivered")
COURIER_PATH = ("taken_by_courier", *LINEHAUL, "delivered")
# The forward order every shipment follows (a service's path is a subsequence of it).
PROGRESS = (
    "created",
    "offers_prepared",
    "offer_selected",
    "confirmed",
    "dispatched_by_sender",
    "collected_from_sender",
    "taken_by_courier",
    *LINEHAUL,
    "ready_to_pickup",
    "pickup_reminder_sent",
    "avizo",
    "delivered",
)
# Failure and return statuses: reached only by a forced transition (or scenario rule).
PROBLEMS = (
    "pickup_time_expired",
    "oversized",
    "delay_in_delivery",
    "rejected_by_receiver",
    "undelivered",
    "undelivered_wrong_address",
    "undelivered_incomplete_address",
    "undelivered_unknown_receiver",
    "undelivered_cod_cash_receiver",
    "missing",
    "claimed",
    "returned_to_sender",
)
CANCELABLE = ("created", "offers_prepared")
LABEL_READY_FROM = "confirmed"


def _shipment_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    confirmed_at = PROGRESS.index("confirmed")
    for index, status in enumerate(PROGRESS):
        if status == "delivered":
            continue
        targets = list(PROGRESS[index + 1 :])
        if index >= confirmed_at:
            targets += [p for p in PROBLEMS if p != "returned_to_sender"] + ["returned_to_sender"]
        if status in CANCELABLE:
            targets.append("canceled")
        table[status] = targets
    for problem in PROBLEMS:
        if problem not in ("returned_to_sender", "missing"):
            # a stuck parcel is either returned, declared missing, or (delay) delivered after all
            table[problem] = ["returned_to_sender", "missing", "claimed"]
    table["delay_in_delivery"] = ["out_for_delivery", "ready_to_pickup", "delivered", "returned_to_sender"]
    table["claimed"] = ["returned_to_sender"]
    return table


SHIPMENT = Lifecycle.build(
    "shipment",
    initial="created",
    transitions=_shipment_table(),
    final=["delivered", "canceled", "returned_to_sender", "missing"],
)

OFFER = Lifecycle.build(
    "offer",
    initial="in_preparation",
    transitions={
        "in_preparation": ["available", "unavailable"],
        "available": ["selected", "bought", "expired"],
        "selected": ["bought", "expired"],
    },
    final=["bought", "unavailable", "expired"],
)

# A dispatch order's way on the clock; until the courier accepts it, it can be canceled, and
# once sent the courier company may reject it.
DISPATCH_STEPS = ("new", "sent", "accepted", "done")
DISPATCH_CANCELABLE = ("new", "sent")


def _dispatch_table() -> dict[str, list[str]]:
    table = {step: [following] for step, following in pairwise(DISPATCH_STEPS)}
    for step in DISPATCH_CANCELABLE:
        table[step].append("canceled")
    table["sent"].append("rejected")
    return table


DISPATCH_ORDER = Lifecycle.build(
    "dispatch_order", DISPATCH_STEPS[0], _dispatch_table(), final=["done", "canceled", "rejected"]
)


@dataclass(frozen=True)
class Timeline:
    """When each simulated step happens (options `inpost.<name>=<duration>`)."""

    offers_after: timedelta = timedelta(seconds=5)  # created -> offers_prepared
    select_after: timedelta = timedelta(seconds=5)  # simplified mode: offers_prepared -> offer_selected
    confirm_after: timedelta = timedelta(seconds=10)  # offer_selected (simplified) or buy -> confirmed
    first_scan_after: timedelta = timedelta(hours=2)  # confirmed -> first logistics status
    step_after: timedelta = timedelta(hours=6)  # between logistics statuses
    pickup_after: timedelta = timedelta(days=1)  # ready_to_pickup -> delivered (the receiver comes)
    dispatch_sent_after: timedelta = timedelta(minutes=1)  # dispatch order new -> sent
    dispatch_accepted_after: timedelta = timedelta(hours=1)  # sent -> accepted
    dispatch_done_after: timedelta = timedelta(hours=4)  # accepted -> done
    require_insurance: bool = False  # enforce the documented insurance rule for courier services

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Timeline:
        return cls(**read_options(cls, options, "inpost"))
