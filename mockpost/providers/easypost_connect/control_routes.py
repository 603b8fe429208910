"""/_mockpost/easypost-connect/...: what the real API cannot do (deliver an incoming Peppol document,
change one, add a workflow), answered in the control plane's envelope."""

from __future__ import annotations

from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import route
from mockpost.core.control import ControlError
from mockpost.core.http import JSON
from mockpost.providers.easypost_connect import models, wire
from mockpost.providers.easypost_connect.errors import ConnectError, Invalid
from mockpost.providers.easypost_connect.routes import AUTH_ERRORS, HEADERS, Http, pid
from mockpost.providers.easypost_connect.state import Account, Company

B = TypeVar("B", bound=models.Body)
# what the acting company can refuse, answered in the control plane's envelope
ACTING = {403: AUTH_ERRORS[403]}


class ControlRoutes:
    """/_mockpost/easypost-connect/...: what the real API cannot do, in the control plane's envelope.
    The tenant is the x-api-key sent; x-managed-company-id is honoured."""

    def __init__(self, http: Http) -> None:
        self.http = http
        self.backend = http.backend

    async def _acting(self, request: Request, model: type[B]) -> tuple[Account, Company, B]:
        try:
            account, company = self.http.caller(request)
        except ConnectError as exc:
            raise ControlError(exc.status, str(exc)) from None
        try:
            data = await self.http.body(request, model, empty={})
        except Invalid as exc:
            raise ControlError(422, "invalid request body", exc.message) from None
        return account, company, data

    @route(
        "POST",
        "/peppol-incoming-documents",
        "Deliver an incoming Peppol document to the account (tenant; fields optional)",
        body=models.PeppolInject,
        response=models.PeppolDocumentOut,
        status=201,
        headers=HEADERS,
        errors=ACTING,
    )
    async def inject_peppol(self, request: Request) -> Response:
        account, company, data = await self._acting(request, models.PeppolInject)
        return JSON(wire.peppol(self.backend.peppol.inject(account, company, data)), status_code=201)

    @route(
        "PATCH",
        "/peppol-incoming-documents/{id}",
        "Modify an incoming Peppol document: lastModifiedAt becomes now (or the given instant)",
        body=models.PeppolTouch,
        response=models.PeppolDocumentOut,
        headers=HEADERS,
        errors={**ACTING, 404: "No such Peppol document in the acting company"},
    )
    async def touch_peppol(self, request: Request) -> Response:
        _, company, data = await self._acting(request, models.PeppolTouch)
        try:
            document = self.backend.peppol.touch(company, pid(request), data)
        except ConnectError as exc:
            raise ControlError(exc.status, str(exc)) from None
        return JSON(wire.peppol(document))

    @route(
        "POST",
        "/workflows",
        "Add a workflow to the acting company (the real API cannot create workflows)",
        body=models.WorkflowInject,
        response=models.WorkflowOut,
        status=201,
        headers=HEADERS,
        errors=ACTING,
    )
    async def add_workflow(self, request: Request) -> Response:
        _, company, data = await self._acting(request, models.WorkflowInject)
        workflow = self.backend.workflows.add(company, data.model_dump(exclude_none=True))
        return JSON(wire.workflow(workflow), status_code=201)
