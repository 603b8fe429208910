"""HTTP <-> Ekopost backend: parse, authenticate, call, render. No business rule lives here.

Each handler carries its endpoint (path, summary, documented answers); routes are matched in the
order they are written here."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import NO_BODY, Endpoint, Param, endpoints_of, route
from mockpost.core.http import JSON, read_json
from mockpost.core.offload import off_loop
from mockpost.providers.ekopost import models, reachability, wire
from mockpost.providers.ekopost.backend import EkopostBackend
from mockpost.providers.ekopost.documents import check_content_fields, encoded_size
from mockpost.providers.ekopost.jsonbody import without_trailing_commas
from mockpost.providers.ekopost.state import Account

ERRORS = {400: "Error object with a documented error_code"}
NOT_FOUND = {**ERRORS, 404: "Campaign (106) or envelope (111) not found"}
CAMPAIGN = "/campaigns/{campaign_id}"
ENVELOPE = "/campaigns/{campaign_id}/envelopes/{envelope_id}"
WINDOW = (
    Param("start", "Start of the created_at timespan (UTC); default today"),
    Param("stop", "End of the timespan (UTC); default tomorrow"),
    Param("name", "Exact campaign name"),
    Param("state", "Campaign state"),
)


class EkopostRoutes:
    def __init__(self, provider: Any, backend: EkopostBackend, max_body: int) -> None:
        self.provider = provider
        self.backend = backend
        self.max_body = max_body

    def endpoints(self) -> list[Endpoint]:
        return endpoints_of(self)

    def account(self, request: Request) -> Account:
        account: Account = self.provider.resolve(request)
        return account

    async def body(self, request: Request) -> Any:
        return await read_json(request, self.max_body, repair=without_trailing_commas)

    # -- campaigns ---------------------------------------------------------------------
    @route(
        "POST",
        "/campaigns",
        "Create campaign",
        body=models.CampaignCreate,
        response=models.CampaignOut,
        tag="Campaign",
        errors=ERRORS,
    )
    async def create_campaign(self, request: Request) -> Response:
        account = self.account(request)
        campaign = self.backend.create_campaign(account, await self.body(request))
        return JSON(wire.render_campaign(campaign))

    @route(
        "GET",
        "/campaigns",
        "Get campaigns (newest first)",
        query=WINDOW,
        response=list[models.CampaignOut],
        tag="Campaign",
        errors=ERRORS,
    )
    async def list_campaigns(self, request: Request) -> Response:
        account = self.account(request)
        q = request.query_params
        found = self.backend.list_campaigns(
            account,
            q.get("start") or None,
            q.get("stop") or None,
            q.get("name") or None,
            q.get("state") or None,
        )
        return JSON([wire.render_campaign(c) for c in found])

    @route("GET", CAMPAIGN, "Get campaign", response=models.CampaignOut, tag="Campaign", errors=NOT_FOUND)
    async def get_campaign(self, request: Request) -> Response:
        account = self.account(request)
        return JSON(wire.render_campaign(self.backend.campaign(account, request.path_params["campaign_id"])))

    @route("POST", CAMPAIGN + "/close", "Close campaign", tag="Campaign", errors=NOT_FOUND)
    async def close_campaign(self, request: Request) -> Response:
        account = self.account(request)
        self.backend.close_campaign(account, request.path_params["campaign_id"])
        return Response(status_code=200)

    @route("POST", CAMPAIGN + "/cancel", "Cancel campaign", tag="Campaign", errors=NOT_FOUND)
    async def cancel_campaign(self, request: Request) -> Response:
        account = self.account(request)
        self.backend.cancel_campaign(account, request.path_params["campaign_id"])
        return Response(status_code=200)

    # -- envelopes ---------------------------------------------------------------------
    @route(
        "POST",
        CAMPAIGN + "/envelopes",
        "Create envelope",
        body=models.EnvelopeCreate,
        response=models.EnvelopeOut,
        tag="Envelope",
        errors=NOT_FOUND,
    )
    async def create_envelope(self, request: Request) -> Response:
        account = self.account(request)
        envelope = self.backend.create_envelope(
            account, request.path_params["campaign_id"], await self.body(request)
        )
        return JSON(wire.render_envelope(envelope))

    @route(
        "GET",
        CAMPAIGN + "/envelopes",
        "Get envelopes",
        query=(Param("name", "Envelope name"), Param("state", "Envelope state")),
        response=list[models.EnvelopeOut],
        tag="Envelope",
        errors=NOT_FOUND,
    )
    async def list_envelopes(self, request: Request) -> Response:
        account = self.account(request)
        q = request.query_params
        found = self.backend.list_envelopes(
            account, request.path_params["campaign_id"], q.get("name") or None, q.get("state") or None
        )
        return JSON([wire.render_envelope(e) for e in found])

    @route("GET", ENVELOPE, "Get envelope", response=models.EnvelopeOut, tag="Envelope", errors=NOT_FOUND)
    async def get_envelope(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        return JSON(wire.render_envelope(self.backend.envelope(account, p["campaign_id"], p["envelope_id"])))

    @route("POST", ENVELOPE + "/close", "Close envelope", tag="Envelope", errors=NOT_FOUND)
    async def close_envelope(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        self.backend.close_envelope(account, p["campaign_id"], p["envelope_id"])
        return Response(status_code=200)

    @route("POST", ENVELOPE + "/cancel", "Cancel envelope", tag="Envelope", errors=NOT_FOUND)
    async def cancel_envelope(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        self.backend.cancel_envelope(account, p["campaign_id"], p["envelope_id"])
        return Response(status_code=200)

    # -- content -----------------------------------------------------------------------
    @route(
        "POST",
        ENVELOPE + "/content",
        "Create content",
        body=models.ContentCreate,
        response=models.ContentOut,
        tag="Content",
        errors=NOT_FOUND,
    )
    async def create_content(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        body = await self.body(request)
        # decoding and reading a large or crafted PDF can be slow
        checked = await off_loop(check_content_fields, body, size=encoded_size(body))
        content = self.backend.create_content(account, p["campaign_id"], p["envelope_id"], body, checked)
        return JSON(wire.render_content(content))

    @route(
        "GET",
        ENVELOPE + "/content/{content_id}",
        "Get content",
        response=models.ContentOut,
        tag="Content",
        errors={**ERRORS, 404: "Campaign, envelope or content not found"},
    )
    async def get_content(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        content = self.backend.content(account, p["campaign_id"], p["envelope_id"], p["content_id"])
        return JSON(wire.render_content(content))

    # -- reachable, sms (the literal paths before /reachable/{type}) ----------------------
    @route(
        "POST",
        "/reachable/ebank_list",
        "Check ebank list status",
        body=models.EbankListRequest,
        response=list[models.EbankReceiver],
        tag="Reachable",
        errors=ERRORS,
    )
    async def ebank_list(self, request: Request) -> Response:
        account = self.account(request)
        return JSON(reachability.ebank_list(account, await self.body(request)))

    @route(
        "POST",
        "/reachable/einvoiceready",
        "Check e-invoice compliance",
        body=models.EinvoiceReadyRequest,
        response=models.EinvoiceReadyOut,
        tag="Reachable",
        errors=ERRORS,
    )
    async def einvoice_ready(self, request: Request) -> Response:
        account = self.account(request)
        return JSON(reachability.einvoice_ready(account, await self.body(request)))

    @route(
        "POST",
        "/reachable/{type}",
        "Check reachable status (einbox, ebank, einvoice)",
        body=models.ReachableRequest,
        response=models.ReachableOut,
        tag="Reachable",
        errors={**ERRORS, 404: ("Recipient not reachable (no body)", NO_BODY)},
    )
    async def reachable(self, request: Request) -> Response:
        account = self.account(request)
        body = await self.body(request)
        return JSON(reachability.check_reachable(account, request.path_params["type"], body))

    @route(
        "POST",
        "/sms",
        "Direct sms",
        body=models.DirectSmsRequest,
        response=models.DirectSmsOut,
        tag="Sms",
        errors=ERRORS,
    )
    async def direct_sms(self, request: Request) -> Response:
        account = self.account(request)
        return JSON(self.backend.direct_sms(account, await self.body(request)))
