"""InPost ShipX v1 (Poland): organizations and statistics, shipments, labels, tracking, points,
dispatch orders. Mounted at /inpost; every path starts with /v1/.

The provider: credentials, the error envelope, resource kinds and timed steps, control routes, and
the per-request conventions of every answer (X-Request-ID, the error language)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockpost.core.account_webhook import webhook_endpoints, webhook_from
from mockpost.core.api import Endpoint
from mockpost.core.http import ApiError, request_header
from mockpost.core.ids import Ids
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider, ProviderContext, TimerAction
from mockpost.core.resources import ResourceKind
from mockpost.providers import registered
from mockpost.providers.inpost import letters, models, wire
from mockpost.providers.inpost.backend import InpostBackend
from mockpost.providers.inpost.errors import TokenInvalid, generic_error, language, language_from
from mockpost.providers.inpost.fixtures import load_accounts
from mockpost.providers.inpost.lifecycle import DISPATCH_ORDER, OFFER, SHIPMENT, Timeline
from mockpost.providers.inpost.routes import InpostRoutes
from mockpost.providers.inpost.state import Account, DispatchOrder, Offer, Shipment

REQUEST_ID_LIMIT = 200
REPEATED_SLASHES = re.compile("/{2,}")
REPEATED_SLASHES_RAW = re.compile(b"/{2,}")


@registered("inpost")
class InpostProvider(Provider):
    faker_locales: ClassVar[tuple[str, ...]] = ("pl_PL",)  # warmed off the request path
    description: ClassVar[str] = (
        "Organizations and statistics, shipments (simplified and offer mode), labels, tracking, points, "
        "dispatch orders. `Authorization: Bearer <token>`; every distinct token is its own account."
    )
    timeline_class = Timeline

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.backend = InpostBackend(ctx)
        self.actions = self.backend.timer_actions()
        self.routes = InpostRoutes(self, self.backend, ctx.max_body)
        self.request_ids = Ids(ctx.seed, "inpost:request-id")
        ctx.store.register(self.name, self.new_account)

    # -- accounts -----------------------------------------------------------------------
    def new_account(self, tenant: str) -> Account:
        settings = self.ctx.tenancy.account(self.name, tenant)
        organizations: list[dict[str, Any]] | None = None
        given = settings.settings.get("organizations") if settings is not None else None
        if isinstance(given, list):
            organizations = [dict(o) for o in given if isinstance(o, dict)]
        read_only = settings is not None and settings.settings.get("read_only") is True
        account = self.backend.new_account(tenant, organizations, read_only)
        if settings is not None and settings.settings.get("webhook") is not None:
            account.webhook = webhook_from(settings.settings["webhook"])
        return account

    def authenticate(self, request: Request) -> str:
        header = request_header(request, "authorization")
        if not header or not header.strip():
            raise TokenInvalid("missing Authorization header: send 'Authorization: Bearer <token>'")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise TokenInvalid("the Authorization header must be 'Bearer <token>'")
        tenant = self.ctx.tenancy.resolve(self.name, f"bearer:{token}")
        if tenant is None:
            raise TokenInvalid("unknown token")
        return tenant

    def credentials_of(self, entry: dict[str, Any]) -> set[str]:
        token = entry.get("token")
        return {f"bearer:{token}"} if token else set()

    # -- what the sandbox asks of a provider ------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        return self.routes.endpoints()

    def error(self, status: int, message: str) -> ApiError:
        return generic_error(status, message)

    def error_schema(self) -> Any:
        return models.ErrorBody

    def security_schemes(self) -> dict[str, Any]:
        return {"bearer": {"type": "http", "scheme": "bearer", "description": "The ShipX API token"}}

    def lifecycles(self) -> list[Lifecycle]:
        return [SHIPMENT, OFFER, DISPATCH_ORDER]

    def resource_kinds(self) -> list[ResourceKind]:
        """`shipment` (its labels, the receiver's address block), `offer`, `dispatch_order` (its
        printout, the pickup address)."""
        points = self.backend.points
        kinds = (
            (SHIPMENT, _shipments, self.backend.flow.find, _shipment_wire, _shipment_related),
            (OFFER, _offers, _find_offer, wire.offer, _offer_related),
            (DISPATCH_ORDER, _dispatch_orders, self.backend.dispatch.find, _order_wire, _order_related),
        )
        paperwork: dict[str, dict[str, Any]] = {
            SHIPMENT.resource: {
                "documents": letters.shipment_documents,
                "address": lambda account, shipment: letters.shipment_address(points, shipment),
            },
            DISPATCH_ORDER.resource: {
                "documents": letters.dispatch_order_documents,
                "address": letters.dispatch_order_address,
            },
        }
        return [
            ResourceKind(
                lifecycle.resource,
                objects,
                find,
                render,
                related=related,
                lifecycle=lifecycle,
                **paperwork.get(lifecycle.resource, {}),
            )
            for lifecycle, objects, find, render, related in kinds
        ]

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return self.actions  # asked once per due timer: built once

    def on_reset(self) -> None:
        self.request_ids = Ids(self.ctx.seed, "inpost:request-id")

    def dump(self, tenant: str) -> dict[str, Any]:
        account: Account = self.tenant_state(tenant)
        base = wire.RENDER_BASE
        return {
            "webhook": {"url": account.webhook.url} if account.webhook else None,
            "organizations": [wire.organization(base, o) for o in account.organizations.values()],
            "shipments": [
                {
                    **wire.shipment(base, s),
                    "history": [{"status": change.to, "at": wire.ts(change.at)} for change in s.history],
                }
                for s in account.shipments.values()
            ],
            "dispatch_orders": [wire.dispatch_order(base, o) for o in account.dispatch_orders.values()],
            "dispatch_points": [wire.dispatch_point(base, p) for p in account.dispatch_points.values()],
            "batches": [
                wire.batch(base, b, self.backend.batches.status(account, b), account.shipments)
                for b in account.batches.values()
            ],
        }

    def transition(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        account: Account = self.tenant_state(tenant)
        moved = self.backend.force(account, request["resource"], str(request["id"]), request["state"])
        if isinstance(moved, Shipment):
            return wire.shipment(wire.RENDER_BASE, moved)
        return wire.dispatch_order(wire.RENDER_BASE, moved)

    def load_fixtures(self, data: Any) -> None:
        load_accounts(self, data)

    def control_endpoints(self) -> list[Endpoint]:
        return webhook_endpoints(self.account_of, self.ctx.max_body)

    def account_of(self, request: Request) -> Account:
        account: Account = self.resolve(request)
        return account

    # -- every answer: X-Request-ID, and the error language --------------------------------
    def asgi_app(self) -> ASGIApp:
        inner = super().asgi_app()

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return
            scope = _merge_slashes(scope)
            given = accept = None
            for key, value in scope.get("headers", ()):
                if key == b"x-request-id":
                    given = value
                elif key == b"accept-language":
                    accept = value.decode("latin-1")
            request_id = given if _usable_request_id(given) else self.request_ids.uuid4().encode()

            async def send_with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                    message = {**message, "headers": [*headers, (b"x-request-id", request_id)]}
                await send(message)

            token = language.set(language_from(accept))
            try:
                await inner(scope, receive, send_with_id)
            finally:
                language.reset(token)

        return app


# -- the resource kinds' questions, over one account -------------------------------------------
def _shipments(account: Account) -> Iterable[Shipment]:
    return account.shipments.values()


def _shipment_wire(shipment: Shipment) -> dict[str, Any]:
    return wire.shipment(wire.RENDER_BASE, shipment)


def _shipment_related(account: Account, shipment: Shipment) -> list[tuple[str, str]]:
    related = [(OFFER.resource, str(offer.id)) for offer in shipment.offers]
    order_id = shipment.custom_attributes.get("dispatch_order_id")
    return related if order_id is None else [*related, (DISPATCH_ORDER.resource, str(order_id))]


def _offers(account: Account) -> list[Offer]:
    return [offer for shipment in account.shipments.values() for offer in shipment.offers]


def _find_offer(account: Account, raw_id: str) -> Offer | None:
    return next((offer for offer in _offers(account) if str(offer.id) == raw_id), None)


def _offer_related(account: Account, offer: Offer) -> list[tuple[str, str]]:
    return [(SHIPMENT.resource, str(offer.shipment_id))]


def _dispatch_orders(account: Account) -> Iterable[DispatchOrder]:
    return account.dispatch_orders.values()


def _order_wire(order: DispatchOrder) -> dict[str, Any]:
    return wire.dispatch_order(wire.RENDER_BASE, order)


def _order_related(account: Account, order: DispatchOrder) -> list[tuple[str, str]]:
    return [(SHIPMENT.resource, str(shipment_id)) for shipment_id in order.shipment_ids]


def _merge_slashes(scope: Scope) -> Scope:
    """`/inpost//v1/...` as `/inpost/v1/...`: clients that join a base URL ending in `/` with a
    path starting with `/` (string concatenation) reach ShipX's front server, which merges them."""
    path = scope.get("path", "")
    if "//" not in path:
        return scope
    raw = scope.get("raw_path") or path.encode()
    return {**scope, "path": REPEATED_SLASHES.sub("/", path), "raw_path": REPEATED_SLASHES_RAW.sub(b"/", raw)}


def _usable_request_id(value: bytes | None) -> bool:
    return bool(value) and len(value or b"") <= REQUEST_ID_LIMIT and all(33 <= b < 127 for b in value or b"")
