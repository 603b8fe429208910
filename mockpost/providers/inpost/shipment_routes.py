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
from mockpost.providers.inpost.plumbing import ORGANIZATION, PAGING, Answers, Http, filters
from mockpost.providers.inpost.state import Account, Batch, Shipment

SHIPMENTS = ORGANIZATION + "/shipments"
SHIPMENT = "/v1/shipments/{shipment_id}"
FORMAT = (Param("format", "Pdf (default), Zpl or Epl; any case"), Param("type", "normal or A6"))
IDS_AND_FORMAT = (Param("shipment_ids[]", "Shipment id (repeat)"), *FORMAT)
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
SEARCH_QUERY = (*PAGING, *filters(*SEARCH_FILTERS))
TABLE = Answers("Shipments")  # what this table's endpoints declare alike, by kind
LABELS = Answers("Labels")


class ShipmentRoutes:
    def __init__(self, http: Http) -> None:
        self.http = http
        self.shipments = http.backend.shipments

    def _shipment(self, request: Request) -> tuple[Account, Shipment]:
        account = self.http.account(request)
        return account, self.shipments.get(account, request.path_params["shipment_id"])

    @route(
        "POST",
        SHIPMENTS,
        "Create a shipment (simplified/offer mode)",
        body=models.ShipmentCreate,
        **TABLE.create,
    )
    async def create_shipment(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        shipment = self.shipments.create(account, organization, await self.http.body(request))
        return self.http.json(request, wire.shipment, shipment, 201)

    @route("GET", SHIPMENTS, "Search shipments", query=SEARCH_QUERY, **TABLE.list)
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
        "Select offers",
        body=models.BulkOffers,
        status=204,
        **TABLE.change,
    )
    async def bulk_select(self, request: Request) -> Response:
        return await self._bulk(request, "select_offer")

    @route("POST", SHIPMENTS + "/bulk_buy", "Buy offers", body=models.BulkOffers, status=204, **TABLE.change)
    async def bulk_buy(self, request: Request) -> Response:
        return await self._bulk(request, "buy")

    async def _bulk(self, request: Request, action: str) -> Response:
        account, organization = self.http.organization(request)
        self.shipments.bulk(account, organization, await self.http.body(request), action)
        return Response(status_code=204)

    @route(
        "GET",
        SHIPMENTS + "/labels",
        "Labels of several shipments in one file",
        query=IDS_AND_FORMAT,
        **LABELS.file,
    )
    async def bulk_labels(self, request: Request) -> Response:
        return await self._labels(request, returning=False)

    @route("GET", SHIPMENT, "Shipment", **TABLE.read)
    async def get_shipment(self, request: Request) -> Response:
        return self.http.json(request, wire.shipment, self._shipment(request)[1])

    @route("DELETE", SHIPMENT, "Cancel (created / offers_prepared only)", status=204, **TABLE.change)
    async def cancel_shipment(self, request: Request) -> Response:
        self.shipments.cancel(*self._shipment(request))
        return Response(status_code=204)

    @route("POST", SHIPMENT + "/select_offer", "Select an offer", body=models.OfferChoice, **TABLE.answer)
    async def select_offer(self, request: Request) -> Response:
        account, shipment = self._shipment(request)
        self.shipments.select_offer(account, shipment, await self.http.body(request))
        return self.http.json(request, wire.shipment, shipment)

    @route("POST", SHIPMENT + "/buy", "Pay for an offer", body=models.OfferChoice, **TABLE.answer)
    async def buy(self, request: Request) -> Response:
        account, shipment = self._shipment(request)
        self.shipments.buy(account, shipment, await self.http.body(request))
        return self.http.json(request, wire.shipment, shipment)

    @route("GET", SHIPMENT + "/label", "Label (from confirmed on)", query=FORMAT, **LABELS.file)
    async def label(self, request: Request) -> Response:
        label_format, label_type = labels.label_options(request.query_params)
        return self.http.file(labels.render([self._shipment(request)[1]], label_format, label_type))

    # -- what ShipX client libraries call besides the main documentation ------------------------
    @route("GET", SHIPMENTS + "/return_labels", "Return labels", query=IDS_AND_FORMAT, **LABELS.file)
    async def return_labels(self, request: Request) -> Response:
        return await self._labels(request, returning=True)

    async def _labels(self, request: Request, returning: bool) -> Response:
        account, organization = self.http.organization(request)
        label_format, label_type = labels.label_options(request.query_params)
        found = self.http.backend.shipments_for_labels(account, organization, self.http.shipment_ids(request))
        return self.http.file(labels.render(found, label_format, label_type, returning))

    # the older documentation's path; digits only, so it never shadows `.../shipments/labels`
    @route("GET", SHIPMENTS + "/{shipment_id:int}", "Shipment under its organization", **TABLE.read)
    async def get_organization_shipment(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        shipment_id = str(request.path_params["shipment_id"])
        return self.http.json(request, wire.shipment, self.shipments.get(account, shipment_id, organization))

    @route(
        "POST",
        ORGANIZATION + "/batches",
        "Batch of up to 100 shipments",
        body=models.BatchCreate,
        **TABLE.create,
    )
    async def create_batch(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        batch = self.http.backend.batches.create(account, organization, await self.http.body(request))
        return JSON(self._batch_json(request, account, batch), status_code=201)

    @route("GET", "/v1/batches/{batch_id}", "Shipment batch", **TABLE.read)
    async def get_batch(self, request: Request) -> Response:
        account = self.http.account(request)
        batch = self.http.backend.batches.get(account, request.path_params["batch_id"])
        return JSON(self._batch_json(request, account, batch))

    def _batch_json(self, request: Request, account: Account, batch: Batch) -> dict[str, Any]:
        state = self.http.backend.batches.status(account, batch)
        return wire.batch(self.http.base(request), batch, state, account.shipments)
