"""HTTP <-> ShipX backend: authenticate, parse, call, render. No business rule lives here.

Each handler carries its endpoint (path, summary, documented answers); routes are matched in the
order they are written here. The public catalogue and the organizations are here; shipments and
dispatch orders have their own tables (shipment_routes.py, dispatch_routes.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Endpoint, Param, endpoints_of, route
from mockpost.core.http import JSON
from mockpost.providers.inpost import models, organizations, points, services, statuses, wire
from mockpost.providers.inpost.backend import InpostBackend
from mockpost.providers.inpost.dispatch_routes import DispatchRoutes
from mockpost.providers.inpost.paging import collection, page_request
from mockpost.providers.inpost.plumbing import (
    AUTH,
    NOT_FOUND,
    ORGANIZATION,
    PAGING,
    READ,
    Http,
    answers,
    filters,
)
from mockpost.providers.inpost.shipment_routes import ShipmentRoutes

POINT_FILTERS = (
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

STATUS_QUERY = (Param("lang", "pl_PL (default) or en_GB"), Param("shipment_type", "A service id"))
SERVICE_QUERY = (Param("service", "A service id"),)
POINT_QUERY = (*PAGING, *filters(*POINT_FILTERS))
ORGANIZATION_QUERY = (*PAGING, *(Param(n, "filter (contains)") for n in organizations.TEXT_FILTERS))
PARAMETER = {400: "invalid_parameter"}
STATUSES = answers("Statuses", PARAMETER, public=True)
SERVICES = answers("Services", PARAMETER, public=True)
METHODS = answers("Services", PARAMETER, public=True, response=dict[str, Any])
TRACKING = answers("Tracking", NOT_FOUND, public=True, response=dict[str, Any])
POINT_LIST = answers("Points", PARAMETER, public=True, response=models.Collection)
POINT = answers("Points", NOT_FOUND, public=True, response=dict[str, Any])
LIST = answers("Organizations", {**AUTH, **PARAMETER}, response=models.Collection)
ORGANIZATIONS = answers("Organizations", READ)
STATISTICS = answers("Organizations", READ, response=models.Statistics)


class InpostRoutes:
    """Every ShipX endpoint: this table's, then the shipments' and the dispatch orders'."""

    def __init__(self, provider: Any, backend: InpostBackend, max_body: int) -> None:
        self.http = http = Http(provider, backend, max_body)
        self.backend = backend
        self.tables = (self, ShipmentRoutes(http), DispatchRoutes(http))

    def endpoints(self) -> list[Endpoint]:
        return [endpoint for table in self.tables for endpoint in endpoints_of(table)]

    # -- public catalogue (no token needed) -------------------------------------------------
    @route(
        "GET", "/v1/statuses", "Shipment statuses", query=STATUS_QUERY, response=models.StatusList, **STATUSES
    )
    async def statuses(self, request: Request) -> Response:
        lang = statuses.language(request.query_params.get("lang"))
        services.check_parameter("shipment_type", request.query_params.get("shipment_type"))
        href = f"{self.http.base(request)}/v1/statuses"
        return JSON({"href": href, "items": [wire.status(s, lang) for s in self.backend.statuses]})

    @route("GET", "/v1/services", "Services (a bare array)", response=list[dict[str, Any]], **SERVICES)
    async def services(self, request: Request) -> Response:
        return JSON([wire.service(s) for s in services.SERVICES])

    @route("GET", "/v1/sending_methods", "Sending methods (of a service)", query=SERVICE_QUERY, **METHODS)
    async def sending_methods(self, request: Request) -> Response:
        service = services.check_parameter("service", request.query_params.get("service"))
        href = f"{self.http.base(request)}/v1/sending_methods"
        return JSON({"href": href, "items": wire.sending_methods(service)})

    @route("GET", "/v1/tracking/{tracking_number}", "Track a shipment (newest first)", **TRACKING)
    async def tracking(self, request: Request) -> Response:
        shipment = self.backend.shipments.tracked(request.path_params["tracking_number"])
        return JSON(wire.tracking(self.http.base(request), shipment, self.backend.points.by_name))

    @route("GET", "/v1/points", "Parcel lockers and PaczkoPunkts", query=POINT_QUERY, **POINT_LIST)
    async def list_points(self, request: Request) -> Response:
        page = page_request(request.query_params, points.SORTABLE, "name", default_per_page=25)
        found, count = self.backend.points.search(self.http.filters(request), page)
        base = self.http.base(request)
        items = [wire.point(base, point, distance) for point, distance in found]
        pages = (count + page.per_page - 1) // page.per_page
        return JSON(collection(f"{base}/v1/points", page, items, count, total_pages=pages, meta={}))

    @route("GET", "/v1/points/{name}", "One point", **POINT)
    async def get_point(self, request: Request) -> Response:
        point = self.backend.points.get(request.path_params["name"])
        return JSON(wire.point(self.http.base(request), point))

    # -- organizations ----------------------------------------------------------------------
    @route("GET", "/v1/organizations", "Organizations the token can see", query=ORGANIZATION_QUERY, **LIST)
    async def list_organizations(self, request: Request) -> Response:
        account = self.http.account(request)
        page = page_request(request.query_params, organizations.SORTABLE, "id")
        found, count = self.backend.organizations.search(account, self.http.filters(request), page)
        base = self.http.base(request)
        items = [wire.organization(base, o) for o in found]
        return JSON(collection(f"{base}/v1/organizations", page, items, count))

    @route("GET", ORGANIZATION, "Organization", response=models.Organization, **ORGANIZATIONS)
    async def get_organization(self, request: Request) -> Response:
        _, organization = self.http.organization(request)
        return JSON(wire.organization(self.http.base(request), organization))

    @route("GET", ORGANIZATION + "/statistics", "Shipment counts by status group", **STATISTICS)
    async def statistics(self, request: Request) -> Response:
        account, organization = self.http.organization(request)
        return JSON(self.backend.organizations.statistics(account, organization))
