"""Afosto's hand-modelled resources: their kinds and state machines, as data.

Each lifecycled resource is a kind of the resource model, named as Afosto's collection of it in
the plural (`orders`, `shipments`, `checkout_sessions`); `word` is what the forced transition and
scenario rules call one object of it (`order`, `checkout session`), as the documentation does.
Afosto shows a state on the object as flags (`is_locked`, `is_in_transit`, ...) or a `status`
field (wire.py); the state itself is kept beside the stored object, in its record (state.py), and
changes only through the table (objects.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from mockpost.core.lifecycle import Lifecycle

ORDER = Lifecycle.build(
    "orders",
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
    "parcels",
    "created",
    {"created": ["in_transit", "finished"], "in_transit": ["finished"]},
    final=["finished"],
)
PRINT_JOB = Lifecycle.build(
    "print_jobs",
    "scheduled",
    {
        "scheduled": ["pending", "printed", "failed", "cancelled"],
        "pending": ["printed", "failed", "cancelled"],
        "failed": ["scheduled"],
    },
    final=["printed", "cancelled"],
)
BATCH = Lifecycle.build(
    "batches",
    "open",
    {"open": ["accepted", "deleted"], "accepted": ["confirmed", "deleted"]},
    final=["confirmed", "deleted"],
)
# A self-loop is an action allowed in that state without leaving it (extending a claim, refunding again).
CLAIM = Lifecycle.build(
    "claims",
    "reserved",
    {"reserved": ["reserved", "confirmed", "cancelled"], "confirmed": ["confirmed", "cancelled"]},
    final=["cancelled"],
)
# A shipment's items can change (self-loop) while it is open or on a handling list; a list that
# finishes hands its shipments over as handled; deleting an unfinished list releases them.
SHIPMENT = Lifecycle.build(
    "shipments",
    "open",
    {"open": ["open", "listed", "canceled"], "listed": ["listed", "open", "handled", "canceled"]},
    final=["handled", "canceled"],
)
HANDLING_LIST = Lifecycle.build(
    "handling_lists",
    "open",
    {"open": ["open", "in_progress", "finished"], "in_progress": ["in_progress", "finished"]},
    final=["finished"],
)
# A checkout session takes changes (self-loop) until it is authorized or expires.
SESSION = Lifecycle.build(
    "checkout_sessions",
    "open",
    {
        "open": ["open", "authenticated", "expired"],
        "authenticated": ["authenticated", "authorized", "expired"],
    },
    final=["authorized", "expired"],
)
TRANSFER = Lifecycle.build(
    "transfers", "pending", {"pending": ["transit"], "transit": ["delivered"]}, final=["delivered"]
)
INVOICE = Lifecycle.build("invoices", "open", {"open": ["paid"]}, final=["paid"])
PAYMENT = Lifecycle.build(
    "payments", "pending", {"pending": ["paid"], "paid": ["refunded"], "refunded": ["refunded"]}
)
INVITE = Lifecycle.build(
    "invites", "pending", {"pending": ["approved", "declined"]}, final=["approved", "declined"]
)
AUTHORIZATION = Lifecycle.build(
    "authorization_requests",
    "pending",
    {"pending": ["approved", "declined"], "approved": ["revoked"]},
    final=["declined", "revoked"],
)
PURGE = Lifecycle.build("purges", "requested", {"requested": ["applied"]}, final=["applied"])
TRANSPORT = Lifecycle.build(
    "transports", "pending", {"pending": ["shipped"], "shipped": ["delivered"]}, final=["delivered"]
)
TWO_FACTOR = Lifecycle.build("2fa_secrets", "unconfirmed", {"unconfirmed": ["confirmed"]})


@dataclass(frozen=True)
class Kind:
    name: str  # the resource kind: Afosto's collection, in the plural
    word: str  # one object of it, as the documentation and the forced transition say
    collection: str  # the path template its objects are stored under ("" : kept inside others)
    lifecycle: Lifecycle


KINDS = (
    Kind("orders", "order", "/odr/orders", ORDER),
    Kind("parcels", "parcel", "/lcs/parcels", PARCEL),
    Kind("print_jobs", "print job", "/spl/queue", PRINT_JOB),
    Kind("batches", "batch", "/cnt/batches", BATCH),
    Kind("claims", "claim", "/wms/claims", CLAIM),
    Kind("shipments", "shipment", "/lcs/shipments", SHIPMENT),
    Kind("handling_lists", "handling list", "/lcs/lists", HANDLING_LIST),
    Kind("checkout_sessions", "checkout session", "/odr/sessions", SESSION),
    Kind("transfers", "transfer", "/wms/transfers", TRANSFER),
    Kind("transports", "transport", "/wms/transfers/{}/transports", TRANSPORT),
    Kind("invoices", "invoice", "/odr/invoices", INVOICE),
    Kind("payments", "payment", "", PAYMENT),  # the `payments` of a transaction
    Kind("invites", "invite", "/iam/subtenants/invites", INVITE),
    Kind(
        "authorization_requests",
        "authorization request",
        "/iam/subtenants/authorizations/requests",
        AUTHORIZATION,
    ),
    Kind("purges", "purge", "/iam/purges", PURGE),
    Kind("2fa_secrets", "2fa secret", "/iam/2fa/secrets", TWO_FACTOR),
)
BY_NAME = {kind.name: kind for kind in KINDS}
BY_WORD = {kind.word: kind for kind in KINDS}
BY_COLLECTION = {kind.collection: kind for kind in KINDS if kind.collection}
