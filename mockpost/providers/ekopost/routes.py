"""HTTP <-> Ekopost backend: parse, authenticate, call, render. No business rule lives here."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import NO_BODY, Endpoint, Param
from mockpost.core.http import JSON, read_json
from mockpost.core.middleware import TENANT_KEY
from mockpost.core.offload import off_loop
from mockpost.providers.ekopost import models, reachability
from mockpost.providers.ekopost.backend import EkopostBackend
from mockpost.providers.ekopost.documents import check_content_fields
from mockpost.providers.ekopost.state import Account

ERRORS = {400: "Error object with a documented error_code"}
NOT_FOUND = {404: "Campaign (106) or envelope (111) not found"}


class EkopostRoutes:
    def __init__(self, provider: Any, backend: EkopostBackend, max_body: int) -> None:
        self.provider = provider
        self.backend = backend
        self.max_body = max_body

    def account(self, request: Request) -> Account:
        tenant = self.provider.authenticate(request)
        request.scope[TENANT_KEY] = tenant
        account: Account = self.provider.tenant_state(tenant)
        return account

    async def body(self, request: Request) -> Any:
        return await read_json(request, self.max_body)

    # -- campaigns ---------------------------------------------------------------------
    async def create_campaign(self, request: Request) -> Response:
        account = self.account(request)
        campaign = self.backend.create_campaign(account, await self.body(request))
        return JSON(models.render_campaign(campaign))

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
        return JSON([models.render_campaign(c) for c in found])

    async def get_campaign(self, request: Request) -> Response:
        account = self.account(request)
        return JSON(
            models.render_campaign(self.backend.campaign(account, request.path_params["campaign_id"]))
        )

    async def close_campaign(self, request: Request) -> Response:
        account = self.account(request)
        self.backend.close_campaign(account, request.path_params["campaign_id"])
        return Response(status_code=200)

    async def cancel_campaign(self, request: Request) -> Response:
        account = self.account(request)
        self.backend.cancel_campaign(account, request.path_params["campaign_id"])
        return Response(status_code=200)

    # -- envelopes ---------------------------------------------------------------------
    async def create_envelope(self, request: Request) -> Response:
        account = self.account(request)
        envelope = self.backend.create_envelope(
            account, request.path_params["campaign_id"], await self.body(request)
        )
        return JSON(models.render_envelope(envelope))

    async def list_envelopes(self, request: Request) -> Response:
        account = self.account(request)
        q = request.query_params
        found = self.backend.list_envelopes(
            account, request.path_params["campaign_id"], q.get("name") or None, q.get("state") or None
        )
        return JSON([models.render_envelope(e) for e in found])

    async def get_envelope(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        return JSON(
            models.render_envelope(self.backend.envelope(account, p["campaign_id"], p["envelope_id"]))
        )

    async def close_envelope(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        self.backend.close_envelope(account, p["campaign_id"], p["envelope_id"])
        return Response(status_code=200)

    async def cancel_envelope(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        self.backend.cancel_envelope(account, p["campaign_id"], p["envelope_id"])
        return Response(status_code=200)

    # -- content -----------------------------------------------------------------------
    async def create_content(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        body = await self.body(request)
        checked = await off_loop(check_content_fields, body)  # decoding and reading the PDF can be slow
        content = self.backend.create_content(account, p["campaign_id"], p["envelope_id"], body, checked)
        return JSON(models.render_content(content))

    async def get_content(self, request: Request) -> Response:
        account = self.account(request)
        p = request.path_params
        content = self.backend.content(account, p["campaign_id"], p["envelope_id"], p["content_id"])
        return JSON(models.render_content(content))

    # -- reachable, sms ------------------------------------------------------------------
    async def reachable(self, request: Request) -> Response:
        account = self.account(request)
        body = await self.body(request)
        return JSON(reachability.check_reachable(account, request.path_params["type"], body))

    async def ebank_list(self, request: Request) -> Response:
        account = self.account(request)
        return JSON(reachability.ebank_list(account, await self.body(request)))

    async def einvoice_ready(self, request: Request) -> Response:
        account = self.account(request)
        return JSON(reachability.einvoice_ready(account, await self.body(request)))

    async def direct_sms(self, request: Request) -> Response:
        account = self.account(request)
        return JSON(self.backend.direct_sms(account, await self.body(request)))

    # -- the table ---------------------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        E = Endpoint
        c, e = "/campaigns/{campaign_id}", "/campaigns/{campaign_id}/envelopes/{envelope_id}"
        window = (
            Param("start", "Start of the created_at timespan (UTC); default today"),
            Param("stop", "End of the timespan (UTC); default tomorrow"),
            Param("name", "Exact campaign name"),
            Param("state", "Campaign state"),
        )
        return [
            E(
                "POST",
                "/campaigns",
                self.create_campaign,
                "Create campaign",
                body=models.CampaignCreate,
                response=models.CampaignOut,
                tag="Campaign",
                errors=ERRORS,
            ),
            E(
                "GET",
                "/campaigns",
                self.list_campaigns,
                "Get campaigns (newest first)",
                query=window,
                response=list[models.CampaignOut],
                tag="Campaign",
                errors=ERRORS,
            ),
            E(
                "GET",
                c,
                self.get_campaign,
                "Get campaign",
                response=models.CampaignOut,
                tag="Campaign",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "POST",
                c + "/close",
                self.close_campaign,
                "Close campaign",
                tag="Campaign",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "POST",
                c + "/cancel",
                self.cancel_campaign,
                "Cancel campaign",
                tag="Campaign",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "POST",
                c + "/envelopes",
                self.create_envelope,
                "Create envelope",
                body=models.EnvelopeCreate,
                response=models.EnvelopeOut,
                tag="Envelope",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "GET",
                c + "/envelopes",
                self.list_envelopes,
                "Get envelopes",
                query=(Param("name", "Envelope name"), Param("state", "Envelope state")),
                response=list[models.EnvelopeOut],
                tag="Envelope",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "GET",
                e,
                self.get_envelope,
                "Get envelope",
                response=models.EnvelopeOut,
                tag="Envelope",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "POST",
                e + "/close",
                self.close_envelope,
                "Close envelope",
                tag="Envelope",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "POST",
                e + "/cancel",
                self.cancel_envelope,
                "Cancel envelope",
                tag="Envelope",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "POST",
                e + "/content",
                self.create_content,
                "Create content",
                body=models.ContentCreate,
                response=models.ContentOut,
                tag="Content",
                errors={**ERRORS, **NOT_FOUND},
            ),
            E(
                "GET",
                e + "/content/{content_id}",
                self.get_content,
                "Get content",
                response=models.ContentOut,
                tag="Content",
                errors={**ERRORS, 404: "Campaign, envelope or content not found"},
            ),
            E(
                "POST",
                "/reachable/ebank_list",
                self.ebank_list,
                "Check ebank list status",
                body=models.EbankListRequest,
                response=list[models.EbankReceiver],
                tag="Reachable",
                errors=ERRORS,
            ),
            E(
                "POST",
                "/reachable/einvoiceready",
                self.einvoice_ready,
                "Check e-invoice compliance",
                body=models.EinvoiceReadyRequest,
                response=models.EinvoiceReadyOut,
                tag="Reachable",
                errors=ERRORS,
            ),
            E(
                "POST",
                "/reachable/{type}",
                self.reachable,
                "Check reachable status (einbox, ebank, einvoice)",
                body=models.ReachableRequest,
                response=models.ReachableOut,
                tag="Reachable",
                errors={**ERRORS, 404: ("Recipient not reachable (no body)", NO_BODY)},
            ),
            E(
                "POST",
                "/sms",
                self.direct_sms,
                "Direct sms",
                body=models.DirectSmsRequest,
                response=models.DirectSmsOut,
                tag="Sms",
                errors=ERRORS,
            ),
        ]
