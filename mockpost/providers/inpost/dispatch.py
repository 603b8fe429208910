"""Dispatch orders (courier pickups): create, read, list, delete (cancel), comments; `new` → `sent`
→ `accepted` → `done` on the clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext
from mockpost.providers.inpost.dispatch_points import DispatchPoints, address_key
from mockpost.providers.inpost.errors import InvalidAction, InvalidParameter, NotFound, ValidationFailed
from mockpost.providers.inpost.flow import PROVIDER, rank
from mockpost.providers.inpost.lifecycle import DISPATCH_CANCELABLE, DISPATCH_ORDER, Timeline
from mockpost.providers.inpost.paging import PageRequest, sort_and_page
from mockpost.providers.inpost.state import Account, DispatchComment, DispatchOrder, Organization
from mockpost.providers.inpost.validation import EMAIL, PHONE, Problems, as_id, check_address, text

SORTABLE = ("id", "created_at", "address", "post_code", "country_code", "shipment_id", "tracking_number")
NEXT_STEP = {"new": "sent", "sent": "accepted", "accepted": "done"}


class DispatchOrders:
    def __init__(self, ctx: ProviderContext, timeline: Timeline, points: DispatchPoints) -> None:
        self.ctx = ctx
        self.timeline = timeline
        self.points = points

    def create(self, account: Account, organization: Organization, body: Any) -> DispatchOrder:
        if not isinstance(body, dict):
            raise ValidationFailed({"dispatch_order": ["invalid"]})
        problems = Problems()
        ids = body.get("shipments")
        shipment_ids: list[int] = []
        if ids is None or ids == []:
            problems.add("shipments", "required")
        elif not isinstance(ids, list) or len(ids) > 1000:
            problems.add("shipments", "invalid")
        else:
            for raw in ids:
                shipment_id = as_id(raw)
                shipment = account.shipments.get(shipment_id) if shipment_id is not None else None
                if shipment is None or shipment.organization_id != organization.id:
                    problems.add("shipments", "does_not_exist")
                elif shipment.status == "canceled" or rank(shipment.status) < rank("confirmed"):
                    problems.add("shipments", "invalid_status")
                elif shipment.id not in shipment_ids:
                    shipment_ids.append(shipment.id)
        address, details = check_address(body.get("address"), required=False)
        problems.details.update(details)
        name = text(body.get("name"), "name", problems)
        phone = text(body.get("phone"), "phone", problems, 40)
        if phone is not None and not PHONE.match(phone):
            problems.add("phone", "invalid_format")
        email = text(body.get("email"), "email", problems)
        if email is not None and not EMAIL.match(email):
            problems.add("email", "invalid_format")
        comment = text(body.get("comment"), "comment", problems, 500)
        office_hours = text(body.get("office_hours"), "office_hours", problems)
        point = None
        if body.get("dispatch_point_id") is not None:
            point = self.points.find(account, organization, body["dispatch_point_id"])
            if point is None:
                problems.add("dispatch_point_id", "does_not_exist")
        if problems:
            raise ValidationFailed(problems.details)
        now = self.ctx.now()
        if address is None and point is not None:
            address = {k: v for k, v in point.address.items() if k != "id"}
        chosen = address or {k: v for k, v in organization.address.items()}
        if point is None or address_key(point.address) != address_key(chosen):
            contact = {"name": name, "phone": phone, "email": email, "office_hours": office_hours}
            point = self.points.at_address(account, organization, chosen, contact)
        chosen = {**chosen, "id": account.next_id("address")}
        order = DispatchOrder(
            id=account.next_id("dispatch_order"),
            organization_id=organization.id,
            shipment_ids=shipment_ids,
            address=chosen,
            name=name,
            phone=phone,
            email=email,
            comments=[],
            created_at=now,
            updated_at=now,
            dispatch_point_id=point.id,
        )
        if comment:
            order.comments.append(DispatchComment(account.next_id("comment"), comment, now))
        for sid in shipment_ids:
            account.shipments[sid].custom_attributes["dispatch_order_id"] = order.id
        account.dispatch_orders[order.id] = order
        self._plan(account, order)
        return order

    def get(self, account: Account, raw_id: str, organization: Organization | None = None) -> DispatchOrder:
        order_id = as_id(raw_id)
        order = account.dispatch_orders.get(order_id) if order_id is not None else None
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
            found = [o for o in found if o.status in wanted]
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
            found = [
                o
                for o in found
                if any(
                    account.shipments[s].tracking_number == number
                    for s in o.shipment_ids
                    if s in account.shipments
                )
            ]
        keys: dict[str, Callable[[DispatchOrder], Any]] = {
            "id": lambda o: o.id,
            "created_at": lambda o: (o.created_at, o.id),
            "address": lambda o: f"{o.address.get('street')} {o.address.get('building_number')}",
            "post_code": lambda o: o.address.get("post_code"),
            "country_code": lambda o: o.address.get("country_code"),
            "shipment_id": lambda o: min(o.shipment_ids, default=0),
            "tracking_number": lambda o: min(
                (
                    account.shipments[s].tracking_number or ""
                    for s in o.shipment_ids
                    if s in account.shipments
                ),
                default="",
            ),
        }
        return sort_and_page(found, page, keys)

    def cancel(self, account: Account, order: DispatchOrder) -> None:
        if order.status not in DISPATCH_CANCELABLE:
            raise InvalidAction("delete", order.status, allowed_statuses=list(DISPATCH_CANCELABLE))
        self.move(account, order, "canceled")

    # -- comments ----------------------------------------------------------------------
    def add_comment(self, account: Account, order: DispatchOrder, body: Any) -> DispatchComment:
        comment = _comment_text(body)
        entry = DispatchComment(account.next_id("comment"), comment, self.ctx.now())
        order.comments.append(entry)
        order.updated_at = entry.created_at
        return entry

    def update_comment(self, order: DispatchOrder, body: Any) -> DispatchComment:
        comment = _comment_text(body)
        raw = body.get("id")
        target = next((c for c in order.comments if isinstance(raw, int) and c.id == raw), None)
        if target is None:
            raise ValidationFailed({"id": ["required" if raw is None else "does_not_exist"]})
        target.comment = comment
        order.updated_at = self.ctx.now()
        return target

    def delete_comments(self, order: DispatchOrder, body: Any) -> None:
        ids = body.get("comment_ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids:
            raise ValidationFailed({"comment_ids": ["required" if ids in (None, []) else "invalid"]})
        known = {c.id for c in order.comments}
        if not all(isinstance(i, int) and not isinstance(i, bool) and i in known for i in ids):
            raise ValidationFailed({"comment_ids": ["does_not_exist"]})
        order.comments = [c for c in order.comments if c.id not in ids]
        order.updated_at = self.ctx.now()

    # -- the clock -----------------------------------------------------------------------
    def move(self, account: Account, order: DispatchOrder, status: str) -> None:
        DISPATCH_ORDER.check(order.status, status)
        if order.pending is not None:
            order.pending.cancel()
            order.pending = None
        order.status = status
        order.updated_at = self.ctx.now()
        self._plan(account, order)

    def force(self, account: Account, raw_id: Any, status: str) -> DispatchOrder:
        order_id = as_id(raw_id)
        order = account.dispatch_orders.get(order_id) if order_id is not None else None
        if order is None:
            raise UnknownResource(f"no dispatch_order {raw_id!r} in this account")
        self.move(account, order, status)
        return order

    def _plan(self, account: Account, order: DispatchOrder) -> None:
        following = NEXT_STEP.get(order.status)
        if following is None:
            return
        delay: timedelta = {
            "new": self.timeline.dispatch_sent_after,
            "sent": self.timeline.dispatch_accepted_after,
            "accepted": self.timeline.dispatch_done_after,
        }[order.status]
        target = following

        def run() -> None:
            order.pending = None
            if self.ctx.store.existing(PROVIDER, account.tenant) is account and DISPATCH_ORDER.allows(
                order.status, target
            ):
                self.move(account, order, target)

        order.pending = self.ctx.schedule(self.ctx.now() + delay, run, f"inpost dispatch order {order.id}")


def _comment_text(body: Any) -> str:
    comment = body.get("comment") if isinstance(body, dict) else None
    if comment is None or comment == "":
        raise ValidationFailed({"comment": ["required"]})
    if not isinstance(comment, str):
        raise ValidationFailed({"comment": ["invalid"]})
    if len(comment) > 500:
        raise ValidationFailed({"comment": ["too_long"]})
    return comment
