"""Dispatch orders (courier pickups): create, read, list, delete (cancel), comments; `new` → `sent`
→ `accepted` → `done` on the clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.providers.inpost import models
from mockpost.providers.inpost.dispatch_points import DispatchPoints, address_key
from mockpost.providers.inpost.errors import InvalidAction, InvalidParameter, NotFound, ValidationFailed
from mockpost.providers.inpost.flow import is_confirmed
from mockpost.providers.inpost.ids import as_id
from mockpost.providers.inpost.lifecycle import DISPATCH_CANCELABLE, DISPATCH_ORDER, DISPATCH_STEPS
from mockpost.providers.inpost.paging import PageRequest, sort_and_page
from mockpost.providers.inpost.problems import check, checked
from mockpost.providers.inpost.shipment_rules import address_fields, check_complete_address
from mockpost.providers.inpost.state import (
    Account,
    DispatchComment,
    Dispatched,
    DispatchOrder,
    Organization,
)

SORTABLE = ("id", "created_at", "address", "post_code", "country_code", "shipment_id", "tracking_number")
KIND = DISPATCH_ORDER.resource


class DispatchOrders:
    def __init__(self, ctx: ProviderContext, points: DispatchPoints) -> None:
        self.ctx = ctx
        self.points = points

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return {(KIND, "advance"): self.advance}

    def create(self, account: Account, organization: Organization, body: Any) -> DispatchOrder:
        request, details = check(models.DispatchOrderCreate, body, "dispatch_order")
        shipment_ids: list[int] = []
        for shipment_id in request.shipments or [] if request is not None else []:
            shipment = account.shipments.get(shipment_id)
            if shipment is None or shipment.organization_id != organization.id:
                details.add(("shipments",), "does_not_exist")
            elif not is_confirmed(shipment):
                details.add(("shipments",), "invalid_status")
            elif shipment.id not in shipment_ids:
                shipment_ids.append(shipment.id)
        point = None
        if request is not None:
            check_complete_address(details, ("address",), request.address, required=False)
            if request.dispatch_point_id is not None:
                point = self.points.find(account, organization, request.dispatch_point_id)
                if point is None:
                    details.add(("dispatch_point_id",), "does_not_exist")
        details.refuse()
        assert request is not None
        now = self.ctx.now()
        # the address given, else the dispatch point's, else the organization's
        chosen = address_fields(request.address)
        if chosen is None and point is not None:
            chosen = {k: v for k, v in point.address.items() if k != "id"}
        chosen = chosen or dict(organization.address)
        if point is None or address_key(point.address) != address_key(chosen):
            contact = request.model_dump(include={"name", "phone", "email", "office_hours"})
            point = self.points.at_address(account, organization, chosen, contact)
        chosen = {**chosen, "id": account.next_id("address")}
        order = DispatchOrder(
            id=account.next_id("dispatch_order"),
            organization_id=organization.id,
            shipments=[Dispatched(sid, account.shipments[sid].tracking_number) for sid in shipment_ids],
            address=chosen,
            name=request.name,
            phone=request.phone,
            email=request.email,
            comments=[],
            state=DISPATCH_ORDER.initial,
            created_at=now,
            updated_at=now,
            dispatch_point_id=point.id,
        )
        if request.comment:
            order.comments.append(DispatchComment(account.next_id("comment"), request.comment, now))
        for sid in shipment_ids:
            account.shipments[sid].custom_attributes["dispatch_order_id"] = order.id
        account.dispatch_orders[order.id] = order
        self.ctx.begin(account.tenant, DISPATCH_ORDER, order)
        self._plan(account, order)
        return order

    @staticmethod
    def find(account: Account, raw_id: object) -> DispatchOrder | None:
        order_id = as_id(raw_id)
        return account.dispatch_orders.get(order_id) if order_id is not None else None

    def get(self, account: Account, raw_id: str, organization: Organization | None = None) -> DispatchOrder:
        order = self.find(account, raw_id)
        if order is None or (organization is not None and order.organization_id != organization.id):
            raise NotFound("dispatch_order", raw_id[:64])
        return order

    def search(
        self, account: Account, organization: Organization, filters: Mapping[str, str], page: PageRequest
    ) -> tuple[list[DispatchOrder], int]:
        found = [o for o in account.dispatch_orders.values() if o.organization_id == organization.id]
        status = filters.get("status")
        if status:
            wanted = set(status.split(","))
            if wanted - set(DISPATCH_ORDER.states):
                raise InvalidParameter("status", "invalid_value", allowed=DISPATCH_ORDER.states)
            found = [o for o in found if o.state in wanted]
        for key in ("id", "shipment_id"):
            raw = filters.get(key)
            if raw:
                numbers = {as_id(v) for v in raw.split(",")}
                if None in numbers:
                    raise InvalidParameter(key, "invalid_value")
                if key == "id":
                    found = [o for o in found if o.id in numbers]
                else:
                    found = [o for o in found if numbers & set(o.shipment_ids)]
        for key in ("post_code", "country_code", "city"):
            raw = filters.get(key)
            if raw:
                found = [o for o in found if str(o.address.get(key) or "").lower() == raw.lower()]
        number = filters.get("tracking_number")
        if number:
            found = [o for o in found if any(s.tracking_number == number for s in o.shipments)]
        keys: dict[str, Callable[[DispatchOrder], Any]] = {
            "id": lambda o: o.id,
            "created_at": lambda o: (o.created_at, o.id),
            "address": lambda o: f"{o.address.get('street')} {o.address.get('building_number')}",
            "post_code": lambda o: o.address.get("post_code"),
            "country_code": lambda o: o.address.get("country_code"),
            "shipment_id": lambda o: min(o.shipment_ids, default=0),
            "tracking_number": lambda o: min((s.tracking_number or "" for s in o.shipments), default=""),
        }
        return sort_and_page(found, page, keys)

    def cancel(self, account: Account, order: DispatchOrder) -> None:
        if order.state not in DISPATCH_CANCELABLE:
            raise InvalidAction("delete", order.state, allowed_statuses=list(DISPATCH_CANCELABLE))
        self.move(account, order, "canceled")

    # -- comments ----------------------------------------------------------------------
    def add_comment(self, account: Account, order: DispatchOrder, body: Any) -> DispatchComment:
        comment = checked(models.CommentCreate, body, None).comment
        entry = DispatchComment(account.next_id("comment"), comment, self.ctx.now())
        order.comments.append(entry)
        order.updated_at = entry.created_at
        return entry

    def update_comment(self, order: DispatchOrder, body: Any) -> DispatchComment:
        request = checked(models.CommentUpdate, body, None)
        target = next((c for c in order.comments if c.id == request.id), None)
        if target is None:
            raise ValidationFailed({"id": ["does_not_exist"]})
        target.comment = request.comment
        order.updated_at = self.ctx.now()
        return target

    def delete_comments(self, order: DispatchOrder, body: Any) -> None:
        ids = checked(models.CommentDelete, body, None).comment_ids
        known = {c.id for c in order.comments}
        if not set(ids) <= known:
            raise ValidationFailed({"comment_ids": ["does_not_exist"]})
        order.comments = [c for c in order.comments if c.id not in ids]
        order.updated_at = self.ctx.now()

    # -- the clock -----------------------------------------------------------------------
    def move(self, account: Account, order: DispatchOrder, status: str) -> None:
        """The one place a dispatch order changes status."""
        self.ctx.move(account.tenant, DISPATCH_ORDER, order, status)
        self.ctx.cancel(account.tenant, KIND, str(order.id))
        self._plan(account, order)

    def advance(self, account: Account, order: DispatchOrder) -> None:
        following = _following(order)
        if following is not None:
            self.move(account, order, following)

    def force(self, account: Account, raw_id: str, status: str) -> DispatchOrder:
        order = self.find(account, raw_id)
        if order is None:
            raise UnknownResource(f"no dispatch_order {raw_id!r} in this account")
        self.move(account, order, status)
        return order

    def _plan(self, account: Account, order: DispatchOrder) -> None:
        if _following(order) is None:
            return
        timeline = self.ctx.timeline
        delay: timedelta = {
            "new": timeline.dispatch_sent_after,
            "sent": timeline.dispatch_accepted_after,
            "accepted": timeline.dispatch_done_after,
        }[order.state]
        self.ctx.schedule(account.tenant, KIND, str(order.id), self.ctx.now() + delay, "advance")


def _following(order: DispatchOrder) -> str | None:
    """The step the clock takes the order to next (none once done, canceled or rejected)."""
    if order.state not in DISPATCH_STEPS[:-1]:
        return None
    return DISPATCH_STEPS[DISPATCH_STEPS.index(order.state) + 1]
