"""The account's lifecycled objects: their records, every state change, and what the resource
model asks of them. No HTTP in here.

An object of a lifecycled kind begins its record when it is stored (the store's creation hook, for
every way it can be made: a create, a fixture, a lookup, a listed fixture item) and loses it when it
is deleted for good. `move` is the one way a state changes: through `ProviderContext.move`, which
checks the lifecycle table, records the change in the history with its cause and publishes it;
then the object's document shows the new state in Afosto's fields (wire.py). A move to the state
the object is in is an action allowed there without leaving it (a self-loop in the table: editing
an open shipment, extending a claim): checked by the table, not recorded as a change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockpost.core.lifecycle import TransitionRefused, UnknownResource, UnknownState
from mockpost.core.provider import ProviderContext
from mockpost.core.resources import Change
from mockpost.providers.afosto import wire
from mockpost.providers.afosto.errors import AfostoError
from mockpost.providers.afosto.items import ItemStore
from mockpost.providers.afosto.lifecycle import BY_NAME, BY_WORD, KINDS
from mockpost.providers.afosto.state import Parents, Record, TenantState
from mockpost.providers.afosto.synth import iso

TRANSACTIONS = "/odr/transactions"  # where payments are kept: in their transaction's `payments`
Related = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Found:
    """One lifecycled object as the resource model sees it: its record and its stored document."""

    record: Record
    item: dict[str, Any]

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def state(self) -> str:
        return self.record.state

    @property
    def created_at(self) -> datetime:
        return self.record.created_at

    @property
    def updated_at(self) -> datetime:
        return self.record.updated_at

    @property
    def history(self) -> list[Change]:
        return self.record.history


class Objects:
    def __init__(self, ctx: ProviderContext, store: ItemStore) -> None:
        self.ctx = ctx
        self.store = store
        for kind in KINDS:
            if kind.collection:
                store.on_create.setdefault(kind.collection, []).append(self._begins(kind.name))
                store.on_delete.setdefault(kind.collection, []).append(self._ends(kind.name))

    # -- records --------------------------------------------------------------------------
    def begin(
        self, state: TenantState, kind: str, key: str, item: dict[str, Any], parents: Parents = ()
    ) -> Record:
        """A new object of `kind` in its first state (one stored again under a key starts afresh)."""
        lifecycle = BY_NAME[kind].lifecycle
        records = state.records.setdefault(kind, {})
        if key in records:
            self.ctx.cancel(state.tenant, kind, key)
        now = self.ctx.now()
        record = Record(
            kind=kind, id=key, parents=parents, state=lifecycle.initial, created_at=now, updated_at=now
        )
        records[key] = record
        self.ctx.begin(state.tenant, lifecycle, record)
        wire.show(kind, item, record.state, iso(now))
        return record

    def _begins(self, kind: str) -> Callable[[TenantState, Parents, str, dict[str, Any]], None]:
        def begun(state: TenantState, parents: Parents, key: str, item: dict[str, Any]) -> None:
            self.begin(state, kind, key, item, parents)

        return begun

    def _ends(self, kind: str) -> Callable[[TenantState, Parents, str, dict[str, Any]], None]:
        def ended(state: TenantState, parents: Parents, key: str, item: dict[str, Any]) -> None:
            if state.records.get(kind, {}).pop(key, None) is not None:
                self.ctx.cancel(state.tenant, kind, key)

        return ended

    def state_of(self, state: TenantState, kind: str, key: str) -> str:
        record = state.records.get(kind, {}).get(key)
        return record.state if record is not None else BY_NAME[kind].lifecycle.initial

    # -- state changes --------------------------------------------------------------------
    def move(
        self,
        state: TenantState,
        kind: str,
        key: str,
        item: dict[str, Any],
        target: str,
        reason: str | None = None,
    ) -> None:
        """Move the object to `target` if its table allows it from where it is, else Afosto's 400
        naming `state`; the document then shows it. Reaching a final state ends its timed work."""
        described = BY_NAME[kind]
        record = state.records.get(kind, {}).get(key) or self.begin(state, kind, key, item)
        current = record.state
        try:
            if target == current:
                described.lifecycle.check(current, target)
            else:
                self.ctx.move(state.tenant, described.lifecycle, record, target, reason)
        except TransitionRefused:
            change = "takes no more changes" if target == current else f"cannot become {target}"
            raise AfostoError(
                400, f"the {described.word} {key} is {current} and {change}", invalid=["state"]
            ) from None
        wire.show(kind, item, target, iso(self.ctx.now()))
        if target != current and described.lifecycle.is_final(target):
            self.ctx.cancel(state.tenant, kind, key)

    def allow_change(self, state: TenantState, kind: str, key: str, item: dict[str, Any]) -> None:
        """The object's state takes an action that leaves it there (its self-loop), else the 400."""
        self.move(state, kind, key, item, self.state_of(state, kind, key))

    def force(self, state: TenantState, request: dict[str, Any]) -> dict[str, Any]:
        """A forced transition (control plane, scenario rules, fixtures): along the table's shortest
        path to the state asked for. The resource is named by its kind or its word."""
        name = str(request.get("resource"))
        kind = BY_NAME.get(name) or BY_WORD.get(name)
        if kind is None:
            raise UnknownResource(f"resource must be one of {sorted(BY_WORD)} (or their kinds)")
        key = str(request.get("id"))
        found = self.find(state, kind.name, key)
        if found is None:
            raise UnknownResource(f"no {kind.word} {key!r} in this account")
        target = str(request.get("state"))
        if target not in kind.lifecycle.transitions:
            raise UnknownState(f"{target!r} is not a {kind.word} state; states are {kind.lifecycle.states}")
        for step in kind.lifecycle.path(found.state, target):
            self.move(state, kind.name, key, found.item, step, request.get("reason"))
        return found.item

    # -- the resource model ---------------------------------------------------------------
    def document(self, state: TenantState, record: Record) -> dict[str, Any] | None:
        """Where the record's object is stored: its collection, or (payments) its transaction."""
        if record.kind == "payments":
            transaction = state.items.get((TRANSACTIONS, ()), {}).get(record.parents[0])
            payments = transaction.get("payments") if transaction is not None else None
            return next((p for p in payments or [] if p.get("id") == record.id), None)
        return state.items.get((BY_NAME[record.kind].collection, record.parents), {}).get(record.id)

    def find(self, state: TenantState, kind: str, key: str) -> Found | None:
        record = state.records.get(kind, {}).get(key)
        item = self.document(state, record) if record is not None else None
        return Found(record, item) if record is not None and item is not None else None

    def of_kind(self, state: TenantState, kind: str) -> Iterator[Found]:
        for record in list(state.records.get(kind, {}).values()):
            item = self.document(state, record)
            if item is not None:
                yield Found(record, item)

    def related(self, state: TenantState, found: Found) -> Related:
        """The objects this one holds or belongs to, where the reference links them by id."""
        linked = RELATED.get(found.record.kind)
        return [] if linked is None else linked(self, state, found)

    def holding(self, state: TenantState, kind: str, test: Callable[[Found], bool]) -> Related:
        """The `kind` objects that pass `test` (that hold or name the one asked about)."""
        return [(kind, other.id) for other in self.of_kind(state, kind) if test(other)]

    def named(self, state: TenantState, kind: str, *keys: Any) -> Related:
        """The `kind` objects of these keys that the account holds."""
        return [(kind, str(key)) for key in keys if key and self.find(state, kind, str(key)) is not None]


def _order_related(objects: Objects, state: TenantState, order: Found) -> Related:
    """Its checkout sessions, the claims made for it, the payments of its transactions."""

    def paid_for(payment: Found) -> bool:
        transaction = state.items.get((TRANSACTIONS, ()), {}).get(payment.record.parents[0], {})
        return transaction.get("order_id") == order.id

    return [
        *objects.holding(state, "checkout_sessions", lambda s: s.item.get("order_id") == order.id),
        *objects.holding(state, "claims", lambda c: c.item.get("target") == order.id),
        *objects.holding(state, "payments", paid_for),
    ]


def _payment_related(objects: Objects, state: TenantState, payment: Found) -> Related:
    transaction = state.items.get((TRANSACTIONS, ()), {}).get(payment.record.parents[0], {})
    return objects.named(state, "orders", transaction.get("order_id"))


def _shipment_related(objects: Objects, state: TenantState, shipment: Found) -> Related:
    """The handling lists it is on, the transports it carries."""
    carries = ("inbound_shipment_id", "outbound_shipment_id")
    return [
        *objects.holding(state, "handling_lists", lambda h: shipment.id in (h.item.get("shipments") or ())),
        *objects.holding(state, "transports", lambda t: shipment.id in [t.item.get(f) for f in carries]),
    ]


def _transport_related(objects: Objects, state: TenantState, transport: Found) -> Related:
    carriers = (transport.item.get("inbound_shipment_id"), transport.item.get("outbound_shipment_id"))
    return [("transfers", transport.record.parents[0]), *objects.named(state, "shipments", *carriers)]


def _claim_related(objects: Objects, state: TenantState, claim: Found) -> Related:
    """What it was confirmed for: an order or a transfer."""
    target = claim.item.get("target")
    return [*objects.named(state, "orders", target), *objects.named(state, "transfers", target)]


def _transfer_related(objects: Objects, state: TenantState, transfer: Found) -> Related:
    return [
        *objects.holding(state, "transports", lambda t: t.record.parents == (transfer.id,)),
        *objects.holding(state, "claims", lambda c: c.item.get("target") == transfer.id),
    ]


RELATED: dict[str, Callable[[Objects, TenantState, Found], Related]] = {
    "orders": _order_related,
    "checkout_sessions": lambda o, s, f: o.named(s, "orders", f.item.get("order_id")),
    "payments": _payment_related,
    "claims": _claim_related,
    "shipments": _shipment_related,
    "handling_lists": lambda o, s, f: o.named(s, "shipments", *(f.item.get("shipments") or [])),
    "transfers": _transfer_related,
    "transports": _transport_related,
}
