"""HTTP <-> ShipX dispatch orders (courier pickups): create, read, list, delete, comments,
printouts, and the dispatch points they are made at. No business rule lives here; routes are
matched in the order they are written."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Param, route
from mockpost.core.http import JSON
from mockpost.providers.inpost import dispatch, dispatch_points, models, printouts, wire
from mockpost.providers.inpost.paging import collection, page_request
from mockpost.providers.inpost.plumbing import ORGANIZATION, PAGING, Answers, Http, filters
from mockpost.providers.inpost.state import Account, DispatchOrder

ORDERS = ORGANIZATION + "/dispatch_orders"
ORDER = "/v1/dispatch_orders/{dispatch_order_id}"
COMMENT = ORDERS + "/{dispatch_order_id}/comment"
ORDER_FILTERS = ("id", "status", "shipment_id", "tracking_number", "post_code", "country_code", "city")
PRINTOUT = (
    Param("dispatch_order_id", "A dispatch order id"),
    Param("shipment_ids[]", "Shipment id (repeat)"),
    Param("format", "Pdf"),
)
TABLE = Answers("Dispatch orders")  # what this table's endpoints declare alike, by kind


class DispatchRoutes:
    def __init__(self, http: Http) -> None:
        self.http = http
        self.orders = http.backend.dispatch

    def _order(self, request: Request) -> tuple[Account, DispatchOrder]:
        account = self.http.account(request)
        return account, self.orders.get(account, request.path_params["dispatch_order_id"])

    def _order_of_organization(self, request: Request) -> tuple[Account, DispatchOrder]:
        account, organization = self.http.organization(request)
        return account, self.orders.get(account, request.path_params["dispatch_order_id"], organization)

    @route("POST", ORDERS, "Create a dispatch order", body=models.DispatchOrderCreate, **TABLE.create)
    async def create_dispatch_order(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        order = self.orders.create(account, organization, await self.http.body(request))
        return self.http.json(request, wire.dispatch_order, order, 201)

    @route("GET", ORDERS, "Dispatch orders", query=(*PAGING, *filters(*ORDER_FILTERS)), **TABLE.list)
    async def list_dispatch_orders(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        page = page_request(request.query_params, dispatch.SORTABLE, "id")
        found, count = self.orders.search(account, organization, self.http.filters(request), page)
        base = self.http.base(request)
        items = [wire.dispatch_order(base, o) for o in found]
        return JSON(
            collection(f"{base}/v1/organizations/{organization.id}/dispatch_orders", page, items, count)
        )

    @route("GET", ORDER, "Dispatch order", **TABLE.read)
    async def get_dispatch_order(self, request: Request) -> Response:
        return self.http.json(request, wire.dispatch_order, self._order(request)[1])

    @route("DELETE", ORDER, "Delete (cancel) a dispatch order (new / sent only)", status=204, **TABLE.change)
    async def delete_dispatch_order(self, request: Request) -> Response:
        self.orders.cancel(*self._order(request))
        return Response(status_code=204)

    @route("POST", COMMENT, "Add a comment", body=models.CommentCreate, **TABLE.create)
    async def add_comment(self, request: Request) -> Response:
        account, order = self._order_of_organization(request)
        self.orders.add_comment(account, order, await self.http.body(request))
        return self.http.json(request, wire.dispatch_order, order, 201)

    @route("PUT", COMMENT, "Change a comment", body=models.CommentUpdate, **TABLE.answer)
    async def update_comment(self, request: Request) -> Response:
        _, order = self._order_of_organization(request)
        self.orders.update_comment(order, await self.http.body(request))
        return self.http.json(request, wire.dispatch_order, order)

    @route("DELETE", COMMENT, "Delete comments", body=models.CommentDelete, status=204, **TABLE.change)
    async def delete_comments(self, request: Request) -> Response:
        _, order = self._order_of_organization(request)
        self.orders.delete_comments(order, await self.http.body(request))
        return Response(status_code=204)

    # -- what ShipX client libraries call besides the main documentation ------------------------
    @route("GET", ORDERS + "/printouts", "Printout", query=PRINTOUT, **TABLE.file)
    async def dispatch_printouts(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        printouts.check_format(request.query_params)
        order_id = request.query_params.get("dispatch_order_id")
        shipment_ids = self.http.shipment_ids(request)
        orders = self.http.backend.orders_for_printout(account, organization, order_id, shipment_ids)
        return self.http.file(printouts.render(orders))

    @route("GET", ORGANIZATION + "/dispatch_points", "Dispatch points", query=PAGING, **TABLE.list)
    async def list_dispatch_points(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        page = page_request(request.query_params, dispatch_points.SORTABLE, "id")
        found, count = self.http.backend.dispatch_points.search(account, organization, page)
        base = self.http.base(request)
        items = [wire.dispatch_point(base, p) for p in found]
        href = f"{base}/v1/organizations/{organization.id}/dispatch_points"
        return JSON(collection(href, page, items, count))

    @route("GET", "/v1/dispatch_points/{dispatch_point_id}", "Dispatch point", **TABLE.read)
    async def get_dispatch_point(self, request: Request) -> Response:
        account = self.http.account(request)
        point = self.http.backend.dispatch_points.get(account, request.path_params["dispatch_point_id"])
        return self.http.json(request, wire.dispatch_point, point)
