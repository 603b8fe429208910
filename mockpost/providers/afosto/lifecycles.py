"""The hand-modelled resources' state machines, as data, and how a state shows on the object.

Afosto exposes state as flags (`is_locked`, `is_in_transit`, ...) or a `status` field; the
lifecycle state itself is kept beside the object and every change goes through `Lifecycle.check`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockpost.core.lifecycle import Lifecycle, TransitionRefused, UnknownResource, UnknownState
from mockpost.providers.afosto.errors import AfostoError
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.synth import iso

if TYPE_CHECKING:
    from mockpost.providers.afosto.engine import Engine

ORDER = Lifecycle.build(
    "order",
    "open",
    {
        "open": ["locked", "accepted", "canceled"],
        "locked": ["accepted", "canceled"],
        "accepted": ["confirmed", "canceled"],
        "confirmed": ["allocated", "canceled"],
        "allocated": ["fulfilled", "canceled"],
    },
    final=["fulfilled", "canceled"],
)
PARCEL = Lifecycle.build(
    "parcel",
    "created",
    {"created": ["in_transit", "finished"], "in_transit": ["finished"]},
    final=["finished"],
)
PRINT_JOB = Lifecycle.build(
    "print job",
    "scheduled",
    {
        "scheduled": ["pending", "printed", "failed", "cancelled"],
        "pending": ["printed", "failed", "cancelled"],
        "failed": ["scheduled"],
    },
    final=["printed", "cancelled"],
)
BATCH = Lifecycle.build(
    "batch",
    "open",
    {"open": ["accepted", "deleted"], "accepted": ["confirmed", "deleted"]},
    final=["confirmed", "deleted"],
)
# A self-loop is an action allowed in that state without leaving it (extending a claim, refunding again).
CLAIM = Lifecycle.build(
    "claim",
    "reserved",
    {"reserved": ["reserved", "confirmed", "cancelled"], "confirmed": ["confirmed", "cancelled"]},
    final=["cancelled"],
)
# A shipment's items can change (self-loop) while it is open or on a handling list; a list that
# finishes hands its shipments over as handled; deleting an unfinished list releases them.
SHIPMENT = Lifecycle.build(
    "shipment",
    "open",
    {"open": ["open", "listed", "canceled"], "listed": ["listed", "open", "handled", "canceled"]},
    final=["handled", "canceled"],
)
HANDLING_LIST = Lifecycle.build(
    "handling list",
    "open",
    {"open": ["open", "in_progress", "finished"], "in_progress": ["in_progress", "finished"]},
    final=["finished"],
)
# A checkout session takes changes (self-loop) until it is authorized or expires.
SESSION = Lifecycle.build(
    "checkout session",
    "open",
    {
        "open": ["open", "authenticated", "expired"],
        "authenticated": ["authenticated", "authorized", "expired"],
    },
    final=["authorized", "expired"],
)
TRANSFER = Lifecycle.build(
    "transfer", "pending", {"pending": ["transit"], "transit": ["delivered"]}, final=["delivered"]
)
INVOICE = Lifecycle.build("invoice", "open", {"open": ["paid"]}, final=["paid"])
PAYMENT = Lifecycle.build(
    "payment", "pending", {"pending": ["paid"], "paid": ["refunded"], "refunded": ["refunded"]}
)
INVITE = Lifecycle.build(
    "invite", "pending", {"pending": ["approved", "declined"]}, final=["approved", "declined"]
)
AUTHORIZATION = Lifecycle.build(
    "authorization request",
    "pending",
    {"pending": ["approved", "declined"], "approved": ["revoked"]},
    final=["declined", "revoked"],
)
PURGE = Lifecycle.build("purge", "requested", {"requested": ["applied"]}, final=["applied"])
TRANSPORT = Lifecycle.build(
    "transport", "pending", {"pending": ["shipped"], "shipped": ["delivered"]}, final=["delivered"]
)
TWO_FACTOR = Lifecycle.build("2fa secret", "unconfirmed", {"unconfirmed": ["confirmed"]})
LIFECYCLES = {
    lc.resource: lc
    for lc in (
        ORDER,
        PARCEL,
        PRINT_JOB,
        BATCH,
        CLAIM,
        SHIPMENT,
        INVOICE,
        PAYMENT,
        INVITE,
        AUTHORIZATION,
        PURGE,
        TWO_FACTOR,
        TRANSPORT,
        HANDLING_LIST,
        SESSION,
        TRANSFER,
    )
}
# Where each resource's objects are stored (collection template).
COLLECTIONS = {
    "order": "/odr/orders",
    "parcel": "/lcs/parcels",
    "print job": "/spl/queue",
    "batch": "/cnt/batches",
    "claim": "/wms/claims",
    "shipment": "/lcs/shipments",
    "invoice": "/odr/invoices",
    "invite": "/iam/subtenants/invites",
    "authorization request": "/iam/subtenants/authorizations/requests",
    "purge": "/iam/purges",
    "handling list": "/lcs/lists",
    "checkout session": "/odr/sessions",
    "transfer": "/wms/transfers",
}

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
    "order": show_order,
    "parcel": show_parcel,
    "print job": show_print_job,
    "batch": show_batch,
    "claim": show_claim,
    "shipment": show_shipment,
    "invoice": show_invoice,
    "payment": show_payment,
    "invite": show_state_field,
    "authorization request": show_state_field,
    "purge": show_nothing,
    "2fa secret": show_two_factor,
    "transport": show_status_field,
    "handling list": show_handling_list,
    "checkout session": show_nothing,
    "transfer": show_transfer,
}


def current(state: TenantState, resource: str, key: str) -> str:
    return state.states.get((resource, key), LIFECYCLES[resource].initial)


def move(
    engine: Engine, state: TenantState, resource: str, key: str, item: dict[str, Any], target: str
) -> None:
    """Apply `target` if the lifecycle table allows it from the current state, else a 400 naming `state`."""
    lifecycle = LIFECYCLES[resource]
    now = current(state, resource, key)
    try:
        lifecycle.check(now, target)
    except TransitionRefused:
        change = "takes no more changes" if target == now else f"cannot become {target}"
        raise AfostoError(400, f"the {resource} {key} is {now} and {change}", invalid=["state"]) from None
    state.states[(resource, key)] = target
    SHOW[resource](item, target, iso(engine.ctx.now()))


def force(engine: Engine, state: TenantState, request: dict[str, Any]) -> dict[str, Any]:
    """The control plane's forced transition: along the table's shortest path to the state asked for."""
    resource = request.get("resource")
    if resource not in COLLECTIONS:
        raise UnknownResource(f"resource must be one of {sorted(COLLECTIONS)}")
    key = str(request.get("id"))
    item = engine.store.items(state, COLLECTIONS[resource], ()).get(key)
    if item is None:
        raise UnknownResource(f"no {resource} {key!r} in this account")
    lifecycle = LIFECYCLES[resource]
    target = str(request.get("state"))
    if target not in lifecycle.transitions:
        raise UnknownState(f"{target!r} is not a {resource} state; states are {lifecycle.states}")
    for step in lifecycle.path(current(state, resource, key), target):
        move(engine, state, resource, key, item, step)
    return item
