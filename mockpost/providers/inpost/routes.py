"""HTTP <-> ShipX backend: authenticate, parse, call, render. No business rule lives here."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Endpoint, Param
from mockpost.core.http import JSON, read_json
from mockpost.core.middleware import TENANT_KEY
from mockpost.providers.inpost import (
    catalog,
    dispatch_points,
    labels,
    models,
    organizations,
    points,
    printouts,
    shipments,
    tracking,
    wire,
)
from mockpost.providers.inpost import dispatch as dispatch_module
from mockpost.providers.inpost.backend import CHANGING_METHODS, InpostBackend
from mockpost.providers.inpost.errors import InvalidParameter
from mockpost.providers.inpost.paging import collection, page_request, query_filters, query_list
from mockpost.providers.inpost.state import Account, Organization

AUTH = {401: "token_invalid: missing or invalid Bearer token"}
FORBIDDEN = {403: "forbidden: a read-only token asked for a change"}
BAD = {400: "validation_failed / invalid_parameter / invalid_action"}
NOT_FOUND = {404: "resource_not_found (also another account's resource)"}
PAGING = (
    Param("page", "Page number, from 1", "integer"),
    Param("per_page", "Items per page (default 30, at most 100)", "integer"),
    Param("sort_by", "Attribute to sort by (per-resource whitelist)"),
    Param("sort_order", "asc (default) or desc"),
)
STATUS_LANGS = {
    "pl_pl": "pl_PL",
    "pl": "pl_PL",
    "pl-pl": "pl_PL",
    "en_gb": "en_GB",
    "en": "en_GB",
    "en-gb": "en_GB",
}


def base_of(request: Request) -> str:
    """Everything before `/v1/`: the mock's mount as the client reached it."""
    url = request.url
    index = url.path.find("/v1/")
    prefix = url.path[:index] if index >= 0 else url.path.rstrip("/")
    return f"{url.scheme}://{url.netloc}{prefix}"


class InpostRoutes:
    def __init__(self, provider: Any, backend: InpostBackend, max_body: int) -> None:
        self.provider = provider
        self.backend = backend
        self.max_body = max_body

    # -- plumbing ------------------------------------------------------------------------
    def account(self, request: Request) -> Account:
        tenant = self.provider.authenticate(request)
        request.scope[TENANT_KEY] = tenant
        account: Account = self.provider.tenant_state(tenant)
        self.backend.authorize(account, request.method, request.url.path)
        return account

    def organization(self, request: Request) -> tuple[Account, Organization]:
        account = self.account(request)
        return account, self.backend.organizations.get(account, request.path_params["organization_id"])

    async def body(self, request: Request) -> Any:
        return await read_json(request, self.max_body)

    @staticmethod
    def filters(request: Request) -> dict[str, str]:
        return query_filters(request.query_params.multi_items())

    # -- public catalogue ------------------------------------------------------------------
    async def statuses(self, request: Request) -> Response:
        raw = request.query_params.get("lang") or "pl_PL"
        lang = STATUS_LANGS.get(raw.lower())
        if lang is None:
            raise InvalidParameter("lang", "invalid_value", allowed=["en_GB", "pl_PL"])
        shipment_type = request.query_params.get("shipment_type")
        if shipment_type and shipment_type not in catalog.SERVICES:
            raise InvalidParameter("shipment_type", "invalid_value")
        href = f"{base_of(request)}/v1/statuses"
        return JSON({"href": href, "items": [s.render(lang) for s in self.backend.statuses]})

    async def services(self, request: Request) -> Response:
        return JSON([catalog.render_service(s) for s in catalog.SERVICES])

    async def sending_methods(self, request: Request) -> Response:
        service = request.query_params.get("service") or None
        if service is not None and service not in catalog.SERVICES:
            raise InvalidParameter("service", "invalid_value")
        href = f"{base_of(request)}/v1/sending_methods"
        return JSON({"href": href, "items": catalog.sending_methods(service)})

    async def tracking(self, request: Request) -> Response:
        _, shipment = tracking.find(
            self.provider.ctx.store, self.backend.flow, request.path_params["tracking_number"]
        )
        now = self.provider.ctx.now()
        return JSON(tracking.render(base_of(request), shipment, self.backend.points, now))

    async def list_points(self, request: Request) -> Response:
        page = page_request(request.query_params, points.SORTABLE, "name", default_per_page=25)
        found, count = self.backend.points.search(self.filters(request), page)
        base = base_of(request)
        items = [wire.point(base, point, distance) for point, distance in found]
        pages = (count + page.per_page - 1) // page.per_page
        return JSON(collection(f"{base}/v1/points", page, items, count, total_pages=pages, meta={}))

    async def get_point(self, request: Request) -> Response:
        point = self.backend.points.get(request.path_params["name"])
        return JSON(wire.point(base_of(request), point))

    # -- organizations ----------------------------------------------------------------------
    async def list_organizations(self, request: Request) -> Response:
        account = self.account(request)
        page = page_request(request.query_params, organizations.SORTABLE, "id")
        found, count = self.backend.organizations.search(account, self.filters(request), page)
        base = base_of(request)
        items = [wire.organization(base, o) for o in found]
        return JSON(collection(f"{base}/v1/organizations", page, items, count))

    async def get_organization(self, request: Request) -> Response:
        _, organization = self.organization(request)
        return JSON(wire.organization(base_of(request), organization))

    async def statistics(self, request: Request) -> Response:
        account, organization = self.organization(request)
        return JSON(self.backend.organizations.statistics(account, organization))

    # -- shipments -------------------------------------------------------------------------
    async def create_shipment(self, request: Request) -> Response:
        account, organization = self.organization(request)
        shipment = self.backend.shipments.create(account, organization, await self.body(request))
        return JSON(wire.shipment(base_of(request), shipment), status_code=201)

    async def list_shipments(self, request: Request) -> Response:
        account, organization = self.organization(request)
        page = page_request(request.query_params, shipments.SORTABLE, "id")
        found, count = self.backend.shipments.search(account, organization, self.filters(request), page)
        base = base_of(request)
        items = [wire.shipment(base, s) for s in found]
        return JSON(collection(f"{base}/v1/organizations/{organization.id}/shipments", page, items, count))

    async def get_shipment(self, request: Request) -> Response:
        account = self.account(request)
        shipment = self.backend.shipments.get(account, request.path_params["shipment_id"])
        return JSON(wire.shipment(base_of(request), shipment))

    async def get_organization_shipment(self, request: Request) -> Response:
        account, organization = self.organization(request)
        shipment_id = str(request.path_params["shipment_id"])  # digits only: the route is `:int`
        shipment = self.backend.shipments.get(account, shipment_id, organization)
        return JSON(wire.shipment(base_of(request), shipment))

    async def cancel_shipment(self, request: Request) -> Response:
        account = self.account(request)
        shipment = self.backend.shipments.get(account, request.path_params["shipment_id"])
        self.backend.shipments.cancel(account, shipment)
        return Response(status_code=204)

    async def select_offer(self, request: Request) -> Response:
        account = self.account(request)
        shipment = self.backend.shipments.get(account, request.path_params["shipment_id"])
        self.backend.shipments.select_offer(account, shipment, await self.body(request))
        return JSON(wire.shipment(base_of(request), shipment))

    async def buy(self, request: Request) -> Response:
        account = self.account(request)
        shipment = self.backend.shipments.get(account, request.path_params["shipment_id"])
        self.backend.shipments.buy(account, shipment, await self.body(request))
        return JSON(wire.shipment(base_of(request), shipment))

    async def bulk_select(self, request: Request) -> Response:
        account, organization = self.organization(request)
        self.backend.shipments.bulk(account, organization, await self.body(request), "select_offer")
        return Response(status_code=204)

    async def bulk_buy(self, request: Request) -> Response:
        account, organization = self.organization(request)
        self.backend.shipments.bulk(account, organization, await self.body(request), "buy")
        return Response(status_code=204)

    # -- labels ----------------------------------------------------------------------------
    async def label(self, request: Request) -> Response:
        account = self.account(request)
        shipment = self.backend.shipments.get(account, request.path_params["shipment_id"])
        label_format, label_type = labels.label_options(request.query_params)
        return self._file(labels.render([shipment], label_format, label_type))

    @staticmethod
    def shipment_ids(request: Request) -> list[str]:
        """`shipment_ids[]=1&shipment_ids[]=2` (or `[0]`, `[1]`), or a comma list in `shipment_ids`."""
        return query_list(request.query_params.multi_items(), "shipment_ids")

    async def bulk_labels(self, request: Request) -> Response:
        return await self._labels(request, returning=False)

    async def return_labels(self, request: Request) -> Response:
        return await self._labels(request, returning=True)

    async def _labels(self, request: Request, returning: bool) -> Response:
        account, organization = self.organization(request)
        label_format, label_type = labels.label_options(request.query_params)
        found = self.backend.shipments_for_labels(account, organization, self.shipment_ids(request))
        return self._file(labels.render(found, label_format, label_type, returning))

    async def dispatch_printouts(self, request: Request) -> Response:
        account, organization = self.organization(request)
        printouts.check_format(request.query_params)
        order_id = request.query_params.get("dispatch_order_id")
        orders = self.backend.orders_for_printout(account, organization, order_id, self.shipment_ids(request))
        return self._file(printouts.render(account, orders))

    @staticmethod
    def _file(label: labels.Label) -> Response:
        return Response(
            label.content,
            media_type=label.media_type,
            headers={
                "Content-Transfer-Encoding": "binary",
                "Content-Disposition": f'attachment; filename="{label.filename}"',
            },
        )

    # -- dispatch orders ----------------------------------------------------------------------
    def _dispatch_json(self, request: Request, account: Account, order: Any) -> dict[str, Any]:
        return wire.dispatch_order(base_of(request), order, account.shipments)

    async def create_dispatch_order(self, request: Request) -> Response:
        account, organization = self.organization(request)
        order = self.backend.dispatch.create(account, organization, await self.body(request))
        return JSON(self._dispatch_json(request, account, order), status_code=201)

    async def list_dispatch_orders(self, request: Request) -> Response:
        account, organization = self.organization(request)
        page = page_request(request.query_params, dispatch_module.SORTABLE, "id")
        found, count = self.backend.dispatch.search(account, organization, self.filters(request), page)
        items = [self._dispatch_json(request, account, o) for o in found]
        href = f"{base_of(request)}/v1/organizations/{organization.id}/dispatch_orders"
        return JSON(collection(href, page, items, count))

    async def get_dispatch_order(self, request: Request) -> Response:
        account = self.account(request)
        order = self.backend.dispatch.get(account, request.path_params["dispatch_order_id"])
        return JSON(self._dispatch_json(request, account, order))

    async def delete_dispatch_order(self, request: Request) -> Response:
        account = self.account(request)
        order = self.backend.dispatch.get(account, request.path_params["dispatch_order_id"])
        self.backend.dispatch.cancel(account, order)
        return Response(status_code=204)

    def _batch_json(self, request: Request, account: Account, batch: Any) -> dict[str, Any]:
        status = self.backend.batches.status(account, batch)
        return wire.batch(base_of(request), batch, status, account.shipments)

    async def create_batch(self, request: Request) -> Response:
        account, organization = self.organization(request)
        batch = self.backend.batches.create(account, organization, await self.body(request))
        return JSON(self._batch_json(request, account, batch), status_code=201)

    async def get_batch(self, request: Request) -> Response:
        account = self.account(request)
        batch = self.backend.batches.get(account, request.path_params["batch_id"])
        return JSON(self._batch_json(request, account, batch))

    async def list_dispatch_points(self, request: Request) -> Response:
        account, organization = self.organization(request)
        page = page_request(request.query_params, dispatch_points.SORTABLE, "id")
        found, count = self.backend.dispatch_points.search(account, organization, page)
        base = base_of(request)
        items = [wire.dispatch_point(base, p) for p in found]
        return JSON(
            collection(f"{base}/v1/organizations/{organization.id}/dispatch_points", page, items, count)
        )

    async def get_dispatch_point(self, request: Request) -> Response:
        account = self.account(request)
        point = self.backend.dispatch_points.get(account, request.path_params["dispatch_point_id"])
        return JSON(wire.dispatch_point(base_of(request), point))

    async def _order_of_organization(self, request: Request) -> tuple[Account, Any]:
        account, organization = self.organization(request)
        order = self.backend.dispatch.get(account, request.path_params["dispatch_order_id"], organization)
        return account, order

    async def add_comment(self, request: Request) -> Response:
        account, order = await self._order_of_organization(request)
        self.backend.dispatch.add_comment(account, order, await self.body(request))
        return JSON(self._dispatch_json(request, account, order), status_code=201)

    async def update_comment(self, request: Request) -> Response:
        account, order = await self._order_of_organization(request)
        self.backend.dispatch.update_comment(order, await self.body(request))
        return JSON(self._dispatch_json(request, account, order))

    async def delete_comments(self, request: Request) -> Response:
        _, order = await self._order_of_organization(request)
        self.backend.dispatch.delete_comments(order, await self.body(request))
        return Response(status_code=204)

    # -- the table -----------------------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        """Every change can also be refused as `forbidden` (a read-only token)."""
        return [
            replace(e, errors={**e.errors, **FORBIDDEN})
            if e.method in CHANGING_METHODS and not e.public
            else e
            for e in self._table() + self._client_reads()
        ]

    def _client_reads(self) -> list[Endpoint]:
        """Calls ShipX client libraries make besides the main table: batches, return labels, dispatch
        order printouts and points, and a shipment under its organization (the older documentation's
        path). The shipment route takes digits only, so it never shadows `.../shipments/labels`."""
        org = "/v1/organizations/{organization_id}"
        ids = Param("shipment_ids[]", "Shipment id (repeat)")
        pdf: dict[str, Any] = {"response_type": "application/pdf"}
        doc: dict[str, Any] = {"response": dict[str, Any]}
        created: dict[str, Any] = {**doc, "body": dict[str, Any], "status": 201}
        label_query = (ids, Param("format", "Pdf (default), Zpl or Epl"), Param("type", "normal or A6"))
        printout_query = (Param("dispatch_order_id", "A dispatch order id"), ids, Param("format", "Pdf"))
        calls: list[tuple[str, str, Any, str, str, tuple[Param, ...], dict[str, Any]]] = [
            (
                "GET",
                org + "/shipments/return_labels",
                self.return_labels,
                "Return labels",
                "Labels",
                label_query,
                pdf,
            ),
            (
                "GET",
                org + "/shipments/{shipment_id:int}",
                self.get_organization_shipment,
                "Shipment",
                "Shipments",
                (),
                doc,
            ),
            (
                "POST",
                org + "/batches",
                self.create_batch,
                "Batch of shipments (at most 100)",
                "Shipments",
                (),
                created,
            ),
            ("GET", "/v1/batches/{batch_id}", self.get_batch, "Shipment batch", "Shipments", (), doc),
            (
                "GET",
                org + "/dispatch_orders/printouts",
                self.dispatch_printouts,
                "Printout",
                "Dispatch orders",
                printout_query,
                pdf,
            ),
            (
                "GET",
                org + "/dispatch_points",
                self.list_dispatch_points,
                "Dispatch points",
                "Dispatch orders",
                PAGING,
                doc,
            ),
            (
                "GET",
                "/v1/dispatch_points/{dispatch_point_id}",
                self.get_dispatch_point,
                "Dispatch point",
                "Dispatch orders",
                (),
                doc,
            ),
        ]
        errors = {**AUTH, **NOT_FOUND, **BAD}
        return [
            Endpoint(method, path, handler, summary, query=query, errors=errors, tag=tag, **extra)
            for method, path, handler, summary, tag, query, extra in calls
        ]

    def _table(self) -> list[Endpoint]:
        E = Endpoint
        org = "/v1/organizations/{organization_id}"
        shp = "/v1/shipments/{shipment_id}"
        dsp = org + "/dispatch_orders/{dispatch_order_id}/comment"
        both = {**AUTH, **NOT_FOUND}
        label_query = (Param("format", "Pdf (default), Zpl or Epl; any case"), Param("type", "normal or A6"))
        return [
            E(
                "GET",
                "/v1/statuses",
                self.statuses,
                "Shipment statuses",
                response=models.StatusList,
                query=(Param("lang", "pl_PL (default) or en_GB"), Param("shipment_type", "A service id")),
                errors={400: "invalid_parameter"},
                tag="Statuses",
                public=True,
            ),
            E(
                "GET",
                "/v1/services",
                self.services,
                "Services (a bare array)",
                response=list[dict[str, Any]],
                tag="Services",
                public=True,
            ),
            E(
                "GET",
                "/v1/sending_methods",
                self.sending_methods,
                "Sending methods (for a service)",
                query=(Param("service", "A service id"),),
                response=dict[str, Any],
                errors={400: "invalid_parameter"},
                tag="Services",
                public=True,
            ),
            E(
                "GET",
                "/v1/tracking/{tracking_number}",
                self.tracking,
                "Track a shipment (newest first)",
                response=dict[str, Any],
                errors=NOT_FOUND,
                tag="Tracking",
                public=True,
            ),
            E(
                "GET",
                "/v1/points",
                self.list_points,
                "Parcel lockers and PaczkoPunkts",
                query=(
                    *PAGING,
                    *(
                        Param(n, "filter")
                        for n in (
                            "name",
                            "type",
                            "functions",
                            "city",
                            "post_code",
                            "province",
                            "partner_id",
                            "is_next",
                            "payment_available",
                            "relative_point",
                            "relative_post_code",
                            "max_distance",
                            "limit",
                            "updated_from",
                            "updated_to",
                        )
                    ),
                ),
                response=models.Collection,
                errors={400: "invalid_parameter"},
                tag="Points",
                public=True,
            ),
            E(
                "GET",
                "/v1/points/{name}",
                self.get_point,
                "One point",
                response=dict[str, Any],
                errors=NOT_FOUND,
                tag="Points",
                public=True,
            ),
            E(
                "GET",
                "/v1/organizations",
                self.list_organizations,
                "Organizations the token can see",
                query=(*PAGING, *(Param(n, "filter (contains)") for n in organizations.TEXT_FILTERS)),
                response=models.Collection,
                errors={**AUTH, 400: "invalid_parameter"},
                tag="Organizations",
            ),
            E(
                "GET",
                org,
                self.get_organization,
                "Organization",
                response=models.Organization,
                errors=both,
                tag="Organizations",
            ),
            E(
                "GET",
                org + "/statistics",
                self.statistics,
                "Shipment counts by status group",
                response=models.Statistics,
                errors=both,
                tag="Organizations",
            ),
            E(
                "POST",
                org + "/shipments",
                self.create_shipment,
                "Create a shipment (simplified or offer mode)",
                body=models.ShipmentCreate,
                response=dict[str, Any],
                status=201,
                errors={**both, **BAD},
                tag="Shipments",
            ),
            E(
                "GET",
                org + "/shipments",
                self.list_shipments,
                "Search shipments",
                response=models.Collection,
                query=(
                    *PAGING,
                    *(
                        Param(n, "filter")
                        for n in (
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
                    ),
                ),
                errors={**both, **BAD},
                tag="Shipments",
            ),
            E(
                "POST",
                org + "/shipments/select_offers",
                self.bulk_select,
                "Select offers (at most 100)",
                body=models.BulkOffers,
                status=204,
                errors={**both, **BAD},
                tag="Shipments",
            ),
            E(
                "POST",
                org + "/shipments/bulk_buy",
                self.bulk_buy,
                "Buy offers (at most 100)",
                body=models.BulkOffers,
                status=204,
                errors={**both, **BAD},
                tag="Shipments",
            ),
            E(
                "GET",
                org + "/shipments/labels",
                self.bulk_labels,
                "Labels of several shipments in one file",
                query=(Param("shipment_ids[]", "Shipment id (repeat)"), *label_query),
                response_type="application/pdf",
                errors={**both, **BAD},
                tag="Labels",
            ),
            E(
                "GET",
                shp,
                self.get_shipment,
                "Shipment",
                response=dict[str, Any],
                errors=both,
                tag="Shipments",
            ),
            E(
                "DELETE",
                shp,
                self.cancel_shipment,
                "Cancel (created / offers_prepared only)",
                status=204,
                errors={**both, **BAD},
                tag="Shipments",
            ),
            E(
                "POST",
                shp + "/select_offer",
                self.select_offer,
                "Select an offer",
                body=models.OfferChoice,
                response=dict[str, Any],
                errors={**both, **BAD},
                tag="Shipments",
            ),
            E(
                "POST",
                shp + "/buy",
                self.buy,
                "Pay for an offer",
                body=models.OfferChoice,
                response=dict[str, Any],
                errors={**both, **BAD},
                tag="Shipments",
            ),
            E(
                "GET",
                shp + "/label",
                self.label,
                "Label (from confirmed on)",
                query=label_query,
                response_type="application/pdf",
                errors={**both, **BAD},
                tag="Labels",
            ),
            E(
                "POST",
                org + "/dispatch_orders",
                self.create_dispatch_order,
                "Create a dispatch order",
                body=models.DispatchOrderCreate,
                response=dict[str, Any],
                status=201,
                errors={**both, **BAD},
                tag="Dispatch orders",
            ),
            E(
                "GET",
                org + "/dispatch_orders",
                self.list_dispatch_orders,
                "Dispatch orders",
                query=(
                    *PAGING,
                    *(
                        Param(n, "filter")
                        for n in (
                            "id",
                            "status",
                            "shipment_id",
                            "tracking_number",
                            "post_code",
                            "country_code",
                            "city",
                        )
                    ),
                ),
                response=models.Collection,
                errors={**both, **BAD},
                tag="Dispatch orders",
            ),
            E(
                "GET",
                "/v1/dispatch_orders/{dispatch_order_id}",
                self.get_dispatch_order,
                "Dispatch order",
                response=dict[str, Any],
                errors=both,
                tag="Dispatch orders",
            ),
            E(
                "DELETE",
                "/v1/dispatch_orders/{dispatch_order_id}",
                self.delete_dispatch_order,
                "Delete (cancel) a dispatch order (new / sent only)",
                status=204,
                errors={**both, **BAD},
                tag="Dispatch orders",
            ),
            E(
                "POST",
                dsp,
                self.add_comment,
                "Add a comment",
                body=models.CommentCreate,
                response=dict[str, Any],
                status=201,
                errors={**both, **BAD},
                tag="Dispatch orders",
            ),
            E(
                "PUT",
                dsp,
                self.update_comment,
                "Change a comment",
                body=models.CommentUpdate,
                response=dict[str, Any],
                errors={**both, **BAD},
                tag="Dispatch orders",
            ),
            E(
                "DELETE",
                dsp,
                self.delete_comments,
                "Delete comments",
                body=models.CommentDelete,
                status=204,
                errors={**both, **BAD},
                tag="Dispatch orders",
            ),
        ]
