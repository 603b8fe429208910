"""Afosto's objects on the wire: the stored object is the body the API answers, so a lifecycle
state is shown by writing Afosto's own fields onto it, as the reference documents them: flags
(`state.is_locked`, `is_in_transit`, `is_listed` ...), a `status` or `state` field, and the
moments a step happened (`in_transit_at`, `finished_at`, `printed_at` ...).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

ORDER_FLAGS = {
    "open": {},
    "locked": {"is_locked": True},
    "accepted": {"is_locked": True, "is_accepted": True},
    "confirmed": {"is_locked": True, "is_accepted": True, "is_confirmed": True},
    "allocated": {"is_locked": True, "is_accepted": True, "is_confirmed": True},
    "fulfilled": {"is_locked": True, "is_accepted": True, "is_confirmed": True, "is_finished": True},
    "canceled": {"is_canceled": True},
}
ORDER_PROGRESS = {
    "allocated": {"allocation": "allocated"},
    "fulfilled": {"allocation": "allocated", "fulfilment": "fulfilled"},
}


def show_order(item: dict[str, Any], state: str, now: str) -> None:
    flags = item.setdefault("state", {})
    if isinstance(flags, dict):
        flags.update(ORDER_FLAGS[state])
        progress = flags.get("progress")
        if isinstance(progress, dict):
            progress.update(ORDER_PROGRESS.get(state, {}))


def show_parcel(item: dict[str, Any], state: str, now: str) -> None:
    if state == "in_transit":
        item.update(is_in_transit=True, in_transit_at=now)
    elif state == "finished":
        item.update(is_in_transit=False, is_finished=True, is_delivered=True, finished_at=now)


def show_print_job(item: dict[str, Any], state: str, now: str) -> None:
    item["status"] = state
    item["updated_at"] = now
    if state == "printed":
        item["printed_at"] = now


def show_batch(item: dict[str, Any], state: str, now: str) -> None:
    if state == "accepted":
        item.update(is_locked=True, is_accepted=True)
    elif state == "confirmed":
        item.update(is_confirmed=True, is_ready=True)


def show_claim(item: dict[str, Any], state: str, now: str) -> None:
    item["updated_at"] = now


def show_shipment(item: dict[str, Any], state: str, now: str) -> None:
    if state == "open":
        item.update(is_editable=True, is_listed=False, is_handled=False, is_canceled=False)
    elif state == "listed":
        item.update(is_editable=False, is_listed=True)
    elif state == "handled":
        item.update(is_listed=True, is_handled=True)
    elif state == "canceled":
        item.update(is_canceled=True, is_editable=False)


def show_handling_list(item: dict[str, Any], state: str, now: str) -> None:
    if state == "open":
        item.update(is_in_progress=False, is_finished=False, started_at=None, finished_at=None)
    elif state == "in_progress" and not item.get("is_in_progress"):
        item.update(is_in_progress=True, started_at=now)
    elif state == "finished":
        item.update(is_in_progress=False, is_finished=True, finished_at=now)
        item["started_at"] = item.get("started_at") or now


def show_transfer(item: dict[str, Any], state: str, now: str) -> None:
    item["status"] = state
    item["updated_at"] = now


def show_invoice(item: dict[str, Any], state: str, now: str) -> None:
    if state == "open":
        item.update(is_paid=False, paid_at=None)
    elif state == "paid":
        item["is_paid"] = True
        item.setdefault("paid_at", now)


def show_payment(item: dict[str, Any], state: str, now: str) -> None:
    if state == "paid":
        item.update(is_pending=False, is_authorized=True, is_captured=True, is_paid=True, paid_at=now)


def show_state_field(item: dict[str, Any], state: str, now: str) -> None:
    item["state"] = state
    if "updated_at" in item:
        item["updated_at"] = now


def show_status_field(item: dict[str, Any], state: str, now: str) -> None:
    item["status"] = state
    if state == "shipped":
        item["departure_at"] = now
    elif state == "delivered":
        item["arrival_at"] = now


def show_nothing(item: dict[str, Any], state: str, now: str) -> None:
    return None


def show_two_factor(item: dict[str, Any], state: str, now: str) -> None:
    item["is_confirmed"] = state == "confirmed"


SHOW: dict[str, Callable[[dict[str, Any], str, str], None]] = {
    "orders": show_order,
    "parcels": show_parcel,
    "print_jobs": show_print_job,
    "batches": show_batch,
    "claims": show_claim,
    "shipments": show_shipment,
    "invoices": show_invoice,
    "payments": show_payment,
    "invites": show_state_field,
    "authorization_requests": show_state_field,
    "purges": show_nothing,
    "2fa_secrets": show_two_factor,
    "transports": show_status_field,
    "handling_lists": show_handling_list,
    "checkout_sessions": show_nothing,
    "transfers": show_transfer,
}


def show(kind: str, item: dict[str, Any], state: str, now: str) -> None:
    """Write the `kind` object's state `state`, reached at `now`, onto its stored body."""
    SHOW[kind](item, state, now)


def render(answer: Any) -> Any:
    """An object as the API answers it, from its stored body (a copy, for readers outside the API)."""
    return copy.deepcopy(answer)
