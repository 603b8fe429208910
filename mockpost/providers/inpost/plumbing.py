"""What every ShipX route does first: who calls (a read-only token changes nothing), which
organization, the body, the base URL hrefs are built on; file answers; the documented answers
the route tables share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Param
from mockpost.core.http import JSON, read_json
from mockpost.providers.inpost.backend import InpostBackend
from mockpost.providers.inpost.labels import Label
from mockpost.providers.inpost.models import Collection
from mockpost.providers.inpost.paging import query_filters, query_list
from mockpost.providers.inpost.state import Account, Organization

T = TypeVar("T")
AUTH = {401: "token_invalid: missing or invalid Bearer token"}
BAD = {400: "validation_failed / invalid_parameter / invalid_action"}
NOT_FOUND = {404: "resource_not_found (also another account's resource)"}
READ = {**AUTH, **NOT_FOUND}
SEARCH = {**READ, **BAD}
CHANGE = {**AUTH, **NOT_FOUND, **BAD, 403: "forbidden: a read-only token asked for a change"}
PAGING = (
    Param("page", "Page number, from 1", "integer"),
    Param("per_page", "Items per page (default 30, at most 100)", "integer"),
    Param("sort_by", "Attribute to sort by (per-resource whitelist)"),
    Param("sort_order", "asc (default) or desc"),
)
ORGANIZATION = "/v1/organizations/{organization_id}"


def filters(*names: str) -> tuple[Param, ...]:
    return tuple(Param(name, "filter") for name in names)


def answers(tag: str, errors: dict[int, str], **more: Any) -> dict[str, Any]:
    """What a group of endpoints declares alike (`@route(..., **answers(...))`): its tag, its
    documented error answers, and whatever else they share."""
    return {"tag": tag, "errors": errors, **more}


class Answers:
    """The documented answers of one table's endpoints by kind of endpoint, under the table's tag
    (`@route("GET", path, summary, **SHIPMENTS.read)`)."""

    def __init__(self, tag: str) -> None:
        self.read = answers(tag, READ, response=dict[str, Any])
        self.list = answers(tag, SEARCH, response=Collection)
        self.change = answers(tag, CHANGE)
        self.answer = answers(tag, CHANGE, response=dict[str, Any])
        self.create = answers(tag, CHANGE, response=dict[str, Any], status=201)
        self.file = answers(tag, SEARCH, response_type="application/pdf")


class Http:
    """What every ShipX handler does first: who calls, which organization, the body, the base URL."""

    def __init__(self, provider: Any, backend: InpostBackend, max_body: int) -> None:
        self.provider = provider
        self.backend = backend
        self.max_body = max_body

    def account(self, request: Request) -> Account:
        account: Account = self.provider.resolve(request)
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

    @staticmethod
    def shipment_ids(request: Request) -> list[str]:
        """`shipment_ids[]=1&shipment_ids[]=2` (or `[0]`, `[1]`), or a comma list in `shipment_ids`."""
        return query_list(request.query_params.multi_items(), "shipment_ids")

    @staticmethod
    def base(request: Request) -> str:
        """Everything before `/v1/`: the mock's mount as the client reached it."""
        url = request.url
        index = url.path.find("/v1/")
        prefix = url.path[:index] if index >= 0 else url.path.rstrip("/")
        return f"{url.scheme}://{url.netloc}{prefix}"

    def json(self, request: Request, render: Callable[[str, T], Any], item: T, status: int = 200) -> Response:
        """`item` rendered with hrefs on the base the client reached the mock at."""
        return JSON(render(self.base(request), item), status_code=status)

    @staticmethod
    def file(label: Label) -> Response:
        return Response(
            label.content,
            media_type=label.media_type,
            headers={
                "Content-Transfer-Encoding": "binary",
                "Content-Disposition": f'attachment; filename="{label.filename}"',
            },
        )
