"""HTTP <-> ShipX shipments: create (one or a batch), read, search, offers and payment, cancel,
labels. No business rule lives here; routes are matched in the order they are written."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Param, route
from mockpost.core.http import JSON
from mockpost.providers.inpost import labels, models, shipments, wire
from mockpost.providers.inpost.paging import collection, page_request
from mockpost.providers.inpost.plumbing import CHANGE, ORGANIZATION, PAGING, READ, SEARCH, Http, filters
from mockpost.providers.inpost.state import Account, Batch

SHIPMENTS = ORGANIZATION + "/shipments"
SHIPMENT = "/v1/shipments/{shipment_id}"
LABEL_QUERY = (Param("format", "Pdf (default), Zpl or Epl; any case"), Param("type", "normal or A6"))
IDS = Param("shipment_ids[]", "Shipment id (repeat)")
SEARCH_FILTERS = (
    "id",
    "status",
    "service",
    "tracking_number",
    "tracking_number_cont",
    "created_at_gteq",
    "created_at_lteq",
    "external_customer_id",
    "sending_method",
    "receiver_email",
    "receiver_name",
    "receiver_phone",
    "sender_email",
)


class ShipmentRoutes:
    def __init__(self, http: Http) -> None:
        self.http = http
        self.shipments = http.backend.shipments

    def _json(self, request: Request, shipment: Any, status_code: int = 200) -> Response:
        return JSON(wire.shipment(self.http.base(request), shipment), status_code=status_code)

    @route(
        "POST",
        SHIPMENTS,
        "Create a shipment (simplified or offer mode)",
        body=models.ShipmentCreate,
        response=dict[str, Any],
        status=201,
        errors=CHANGE,
        tag="Shipments",
    )
    async def create_shipment(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        shipment = self.shipments.create(account, organization, await self.http.body(request))
        return self._json(request, shipment, 201)

    @route(
        "GET",
        SHIPMENTS,
        "Search shipments",
        response=models.Collection,
        query=(*PAGING, *filters(*SEARCH_FILTERS)),
        errors=SEARCH,
        tag="Shipments",
    )
    async def list_shipments(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        page = page_request(request.query_params, shipments.SORTABLE, "id")
        found, count = self.shipments.search(account, organization, self.http.filters(request), page)
        base = self.http.base(request)
        items = [wire.shipment(base, s) for s in found]
        return JSON(collection(f"{base}/v1/organizations/{organization.id}/shipments", page, items, count))

    @route(
        "POST",
        SHIPMENTS + "/select_offers",
        "Select offers (at most 100)",
        body=models.BulkOffers,
        status=204,
        errors=CHANGE,
        tag="Shipments",
    )
    async def bulk_select(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        self.shipments.bulk(account, organization, await self.http.body(request), "select_offer")
        return Response(status_code=204)

    @route(
        "POST",
        SHIPMENTS + "/bulk_buy",
        "Buy offers (at most 100)",
        body=models.BulkOffers,
        status=204,
        errors=CHANGE,
        tag="Shipments",
    )
    async def bulk_buy(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        self.shipments.bulk(account, organization, await self.http.body(request), "buy")
        return Response(status_code=204)

    @route(
        "GET",
        SHIPMENTS + "/labels",
        "Labels of several shipments in one file",
        query=(IDS, *LABEL_QUERY),
        response_type="application/pdf",
        errors=SEARCH,
        tag="Labels",
    )
    async def bulk_labels(self, request: Request) -> Response:
        return await self._labels(request, returning=False)

    @route("GET", SHIPMENT, "Shipment", response=dict[str, Any], errors=READ, tag="Shipments")
    async def get_shipment(self, request: Request) -> Response:
        account = self.http.account(request)
        return self._json(request, self.shipments.get(account, request.path_params["shipment_id"]))

    @route(
        "DELETE",
        SHIPMENT,
        "Cancel (created / offers_prepared only)",
        status=204,
        errors=CHANGE,
        tag="Shipments",
    )
    async def cancel_shipment(self, request: Request) -> Response:
        account = self.http.account(request)
        shipment = self.shipments.get(account, request.path_params["shipment_id"])
        self.shipments.cancel(account, shipment)
        return Response(status_code=204)

    @route(
        "POST",
        SHIPMENT + "/select_offer",
        "Select an offer",
        body=models.OfferChoice,
        response=dict[str, Any],
        errors=CHANGE,
        tag="Shipments",
    )
    async def select_offer(self, request: Request) -> Response:
        account = self.http.account(request)
        shipment = self.shipments.get(account, request.path_params["shipment_id"])
        self.shipments.select_offer(account, shipment, await self.http.body(request))
        return self._json(request, shipment)

    @route(
        "POST",
        SHIPMENT + "/buy",
        "Pay for an offer",
        body=models.OfferChoice,
        response=dict[str, Any],
        errors=CHANGE,
        tag="Shipments",
    )
    async def buy(self, request: Request) -> Response:
        account = self.http.account(request)
        shipment = self.shipments.get(account, request.path_params["shipment_id"])
        self.shipments.buy(account, shipment, await self.http.body(request))
        return self._json(request, shipment)

    @route(
        "GET",
        SHIPMENT + "/label",
        "Label (from confirmed on)",
        query=LABEL_QUERY,
        response_type="application/pdf",
        errors=SEARCH,
        tag="Labels",
    )
    async def label(self, request: Request) -> Response:
        account = self.http.account(request)
        shipment = self.shipments.get(account, request.path_params["shipment_id"])
        label_format, label_type = labels.label_options(request.query_params)
        return self.http.file(labels.render([shipment], label_format, label_type))

    # -- what ShipX client libraries call besides the main documentation ------------------------
    @route(
        "GET",
        SHIPMENTS + "/return_labels",
        "Return labels",
        query=(IDS, *LABEL_QUERY),
        response_type="application/pdf",
        errors=SEARCH,
        tag="Labels",
    )
    async def return_labels(self, request: Request) -> Response:
        return await self._labels(request, returning=True)

    async def _labels(self, request: Request, returning: bool) -> Response:
        account, organization = self.http.organization(request)
        label_format, label_type = labels.label_options(request.query_params)
        found = self.http.backend.shipments_for_labels(account, organization, self.http.shipment_ids(request))
        return self.http.file(labels.render(found, label_format, label_type, returning))

    @route(
        "GET",
        SHIPMENTS + "/{shipment_id:int}",
        "Shipment (under its organization, the older documentation's path; digits only, so it never "
        "shadows `.../shipments/labels`)",
        response=dict[str, Any],
        errors=SEARCH,
        tag="Shipments",
    )
    async def get_organization_shipment(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        shipment_id = str(request.path_params["shipment_id"])  # digits only: the route is `:int`
        return self._json(request, self.shipments.get(account, shipment_id, organization))

    @route(
        "POST",
        ORGANIZATION + "/batches",
        "Batch of shipments (at most 100)",
        body=models.BatchCreate,
        response=dict[str, Any],
        status=201,
        errors=CHANGE,
        tag="Shipments",
    )
    async def create_batch(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        batch = self.http.backend.batches.create(account, organization, await self.http.body(request))
        return JSON(self._batch_json(request, account, batch), status_code=201)

    @route(
        "GET",
        "/v1/batches/{batch_id}",
        "Shipment batch",
        response=dict[str, Any],
        errors=SEARCH,
        tag="Shipments",
    )
    async def get_batch(self, request: Request) -> Response:
        account = self.http.account(request)
        batch = self.http.backend.batches.get(account, request.path_params["batch_id"])
        return JSON(self._batch_json(request, account, batch))

    def _batch_json(self, request: Request, account: Account, batch: Batch) -> dict[str, Any]:
        state = self.http.backend.batches.status(account, batch)
        return wire.batch(self.http.base(request), batch, state, account.shipments)
