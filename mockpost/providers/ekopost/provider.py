"""Ekopost (Sweden): campaigns, envelopes, content, reachable checks, sms. Mounted at /ekopost.

The provider: credentials, the error envelope, resource kinds and timed steps, control routes."""

from __future__ import annotations

import base64
import binascii
from importlib import resources
from typing import Any, ClassVar

import yaml
from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.account_webhook import webhook_endpoints
from mockpost.core.api import Endpoint
from mockpost.core.control import validate_body
from mockpost.core.http import JSON, ApiError, read_json, request_header
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider, ProviderContext, TimerAction
from mockpost.core.resources import ResourceKind
from mockpost.providers import registered
from mockpost.providers.ekopost import models, wire
from mockpost.providers.ekopost.addresses import lookup_faker
from mockpost.providers.ekopost.backend import EkopostBackend
from mockpost.providers.ekopost.documents import address_block, envelope_documents
from mockpost.providers.ekopost.errors import EkopostError, GenericError, InvalidData, Unauthorized
from mockpost.providers.ekopost.fixtures import load_accounts
from mockpost.providers.ekopost.lifecycle import CAMPAIGN, ENVELOPE, Timeline
from mockpost.providers.ekopost.routes import EkopostRoutes
from mockpost.providers.ekopost.state import Account, Campaign, Envelope, apply_settings

BAD_CREDENTIALS = "Please verify that the account is activated and the username and password are valid."


@registered("ekopost")
class EkopostProvider(Provider):
    description: ClassVar[str] = (
        "Campaigns, envelopes, content, reachable checks and sms. Authorization: `api-key KEY` or "
        "`Basic base64(user:pass)`; every distinct credential is its own account."
    )
    timeline_class = Timeline

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.defaults: dict[str, Any] = yaml.safe_load(
            resources.files(__package__).joinpath("data/defaults.yaml").read_text(encoding="utf-8")
        )
        self.backend = EkopostBackend(ctx)
        self.routes = EkopostRoutes(self, self.backend, ctx.max_body)
        ctx.store.register(self.name, self.new_account)

    def warm_up(self) -> None:
        super().warm_up()
        lookup_faker()  # the Navet-lookup Faker, before the first `lookup` address needs it
        for model in (models.CampaignCreate, models.EnvelopeCreate):
            model.model_rebuild()  # request models validate every create: built before the first one

    # -- accounts -----------------------------------------------------------------------
    def new_account(self, tenant: str) -> Account:
        account = Account(tenant=tenant)
        account.fui = {fui: [dict(a) for a in applicants] for fui, applicants in self.defaults["fui"].items()}
        account.unreachable = set(self.defaults.get("unreachable") or [])
        account.credit_limit = self.defaults.get("credit_limit")
        settings = self.ctx.tenancy.account(self.name, tenant)
        if settings is not None:
            apply_settings(account, settings.settings)
        return account

    def authenticate(self, request: Request) -> str:
        header = request_header(request, "authorization")
        if not header:
            raise Unauthorized(
                "Send an Authorization header: 'api-key KEY' or 'Basic base64(username:password)'."
            )
        scheme, _, value = header.strip().partition(" ")
        credential = credential_from(scheme.lower(), value.strip())
        if credential is None:
            raise Unauthorized(
                "The Authorization header must be 'api-key KEY' or 'Basic base64(username:password)'."
            )
        tenant = self.ctx.tenancy.resolve(self.name, credential)
        if tenant is None or not self._password_admitted(credential):
            raise Unauthorized(BAD_CREDENTIALS)
        return tenant

    def _password_admitted(self, credential: str) -> bool:
        """Open mode: a username's first Basic request fixes its password (strict mode lists both)."""
        if not credential.startswith("basic:") or self.ctx.tenancy.is_strict(self.name):
            return True
        username, _, password = credential.removeprefix("basic:").partition(":")
        return self.ctx.tenancy.admit(self.name, f"basic:{username}", password)

    def credentials_of(self, entry: dict[str, Any]) -> set[str]:
        found = set()
        if entry.get("api_key"):
            found.add(f"api-key:{entry['api_key']}")
        if entry.get("username") is not None and entry.get("password") is not None:
            found.add(f"basic:{entry['username']}:{entry['password']}")
        return found

    # -- what the sandbox asks of a provider --------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        return self.routes.endpoints()

    def error(self, status: int, message: str) -> ApiError:
        if status in (400, 413):  # unreadable or oversized bodies are Ekopost's "Invalid data"
            return InvalidData(message) if status == 400 else EkopostError("127", message, status=413)
        return GenericError(status, message)

    def error_schema(self) -> Any:
        return models.ErrorObject

    def credentials_refused(self) -> dict[int, tuple[str, Any]]:
        return {400: ('Credentials missing or refused: Ekopost\'s error_code "0"', models.ErrorObject)}

    def security_schemes(self) -> dict[str, Any]:
        return {
            "apiKey": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`api-key KEY`",
            },
            "basic": {"type": "http", "scheme": "basic"},
        }

    def lifecycles(self) -> list[Lifecycle]:
        return [CAMPAIGN, ENVELOPE]

    def resource_kinds(self) -> list[ResourceKind]:
        def envelopes(account: Account) -> list[Envelope]:
            return [e for c in account.campaigns.values() for e in c.envelopes.values()]

        def find_envelope(account: Account, envelope_id: str) -> Envelope | None:
            campaign = account.campaigns.get(account.envelope_index.get(envelope_id, ""))
            return campaign.envelopes.get(envelope_id) if campaign is not None else None

        def campaign_related(account: Account, campaign: Campaign) -> list[tuple[str, str]]:
            return [("envelope", envelope_id) for envelope_id in campaign.envelopes]

        return [
            ResourceKind(
                "campaign",
                objects=lambda account: account.campaigns.values(),
                find=lambda account, campaign_id: account.campaigns.get(campaign_id),
                wire=wire.render_campaign,
                related=campaign_related,
                lifecycle=CAMPAIGN,
            ),
            ResourceKind(
                "envelope",
                objects=envelopes,
                find=find_envelope,
                wire=wire.render_envelope,
                related=lambda account, envelope: [("campaign", envelope.campaign_id)],
                lifecycle=ENVELOPE,
                documents=envelope_documents,
                address=address_block,
            ),
        ]

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return self.backend.timer_actions()

    def dump(self, tenant: str) -> dict[str, Any]:
        account: Account = self.tenant_state(tenant)
        return {
            "webhook": {"url": account.webhook.url} if account.webhook else None,
            "credit_limit": account.credit_limit,
            "monthly_envelopes": account.monthly_envelopes,
            "timeline": {k: v.total_seconds() for k, v in self.ctx.timeline.__dict__.items()},
            "campaigns": [
                {
                    **wire.render_campaign(campaign),
                    "envelopes": [
                        {
                            **wire.render_envelope(e),
                            "contents": [wire.render_content(c) for c in e.contents],
                        }
                        for e in campaign.envelopes.values()
                    ],
                }
                for campaign in account.campaigns.values()
            ],
        }

    def transition(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        account: Account = self.tenant_state(tenant)
        moved = self.backend.force(
            account, request["resource"], request["id"], request["state"], request.get("reason")
        )
        if request["resource"] == "campaign":
            return wire.render_campaign(moved)
        return wire.render_envelope(moved)

    def load_fixtures(self, data: Any) -> None:
        load_accounts(self, data)

    def control_endpoints(self) -> list[Endpoint]:
        return [
            *webhook_endpoints(self.account_of, self.ctx.max_body),
            Endpoint(
                "PUT",
                "/account",
                self.put_account,
                "Account settings: credit_limit, unreachable",
                body=models.AccountSetting,
            ),
        ]

    # -- control routes -------------------------------------------------------------------
    def account_of(self, request: Request) -> Account:
        account: Account = self.resolve(request)
        return account

    async def put_account(self, request: Request) -> Response:
        account = self.account_of(request)
        setting = validate_body(models.AccountSetting, await read_json(request, self.ctx.max_body, empty={}))
        apply_settings(account, setting.model_dump(exclude_unset=True))
        return JSON({"credit_limit": account.credit_limit, "unreachable": sorted(account.unreachable)})


def credential_from(scheme: str, value: str) -> str | None:
    if scheme == "api-key" and value:
        return f"api-key:{value}"
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return None
        username, colon, password = decoded.partition(":")
        if colon and username:
            return f"basic:{username}:{password}"
    return None
