"""Seed data from --fixtures: accounts with settings, and campaigns/envelopes in given states.

ekopost:
  accounts:
    - api_key: demo-key            # or username + password
      webhook: {url: http://localhost:9000/hooks, secret: s3cret}
      credit_limit: 500
      campaigns:
        - name: March invoices
          output_date: "2030-03-01T12:00:00"
          state: closed            # opened (default), closed, transferred, completed, cancelled, failed
          envelopes:
            - name: Invoice 1
              address: {"$type": "email", "recipient": "a@example.com", "subject": "Invoice"}
              state: closed        # any envelope state; a document is added for you
"""

from __future__ import annotations

import base64
from typing import Any

from pydantic import Field

from mockpost.core.filemodels import FORBID, AccountName, FileModel, WebhookSetting
from mockpost.core.pdf import make_pdf
from mockpost.providers.ekopost.lifecycle import CAMPAIGN, ENVELOPE
from mockpost.providers.ekopost.models import AccountSetting, CampaignCreate, EnvelopeCreate
from mockpost.providers.ekopost.state import SMS_CHANNEL, Account, Campaign, apply_settings


def load_accounts(provider: Any, data: Any) -> None:
    for _, entry, tenant in provider.fixture_accounts(data, "api_key or username + password"):
        account: Account = provider.tenant_state(tenant)
        apply_settings(account, entry)
        for campaign_data in entry.get("campaigns", []) or []:
            _load_campaign(provider.backend, account, campaign_data)


def _load_campaign(backend: Any, account: Account, data: dict[str, Any]) -> Campaign:
    """Build through the API's own rules as far as they go (close), then walk the lifecycle: the
    campaign up to transferred, the envelopes to their states, the campaign to its final state."""
    campaign = backend.create_campaign(
        account, {k: data.get(k) for k in ("name", "output_date", "cost_center")}
    )
    targets: list[tuple[Any, str, Any]] = []
    for envelope_data in data.get("envelopes", []) or []:
        fields = {k: v for k, v in envelope_data.items() if k not in ("state", "reason")}
        envelope = backend.create_envelope(account, campaign.id, fields)
        backend.create_content(account, campaign.id, envelope.id, _content_for(envelope))
        target = envelope_data.get("state", "opened")
        if target not in ("opened", "cancelled"):  # a failed envelope fails in production, after closing
            backend.close_envelope(account, campaign.id, envelope.id)
        targets.append((envelope, target, envelope_data.get("reason")))
    campaign_target = data.get("state", "opened")
    for step in CAMPAIGN.path(campaign.state, campaign_target):
        if step in ("completed", "failed"):
            break
        if step == "closed":
            backend.close_campaign(account, campaign.id)
        else:
            backend.force(account, "campaign", campaign.id, step, data.get("reason"))
    for envelope, target, reason in targets:
        for step in ENVELOPE.path(envelope.state, target):
            backend.force(account, "envelope", envelope.id, step, reason)
    for step in CAMPAIGN.path(campaign.state, campaign_target):
        backend.force(account, "campaign", campaign.id, step, data.get("reason"))
    return campaign


def _content_for(envelope: Any) -> dict[str, Any]:
    if envelope.channel == SMS_CHANNEL:
        text = (envelope.name or "Message").encode()
        return {
            "type": "sms",
            "mime": "text/plain",
            "data": base64.b64encode(text).decode(),
            "length": len(text),
        }
    if envelope.address_type == "einvoice":
        xml = b"<?xml version='1.0'?><Invoice/>"
        return {
            "type": "markup",
            "mime": "application/xml",
            "data": base64.b64encode(xml).decode(),
            "length": len(xml),
        }
    pdf = make_pdf([[envelope.name or "Letter"]])
    return {
        "type": "document",
        "mime": "application/pdf",
        "data": base64.b64encode(pdf).decode(),
        "length": len(pdf),
    }


# -- the schema of the files (unknown keys are refused where the file is read) ----------------------
class AccountSettings(AccountSetting):
    """An account's credentials and settings, in fixtures and in the accounts file."""

    model_config = FORBID
    api_key: str | None = Field(default=None, description="Sent as 'Authorization: api-key KEY'")
    username: str | None = Field(default=None, description="With password: Basic authentication")
    password: str | None = None
    fui: dict[str, list[Any] | None] | None = Field(
        default=None, description="e-bank FUIs -> their applicants (replaces the two defaults)"
    )
    webhook: WebhookSetting | None = None


class EnvelopeFixture(EnvelopeCreate):
    model_config = FORBID
    state: str = Field(default="opened", description="Any envelope state; a matching document is added")
    reason: str | None = Field(default=None, description="Why it failed (failed_reason)")


class CampaignFixture(CampaignCreate):
    model_config = FORBID
    state: str = Field(default="opened", description="Any campaign state")
    reason: str | None = None
    envelopes: list[EnvelopeFixture] = Field(default_factory=list)


class AccountFixture(AccountSettings):
    campaigns: list[CampaignFixture] = Field(default_factory=list)


class Fixtures(FileModel):
    accounts: list[AccountFixture] = Field(default_factory=list)


class AccountEntry(AccountSettings, AccountName):
    pass


FIXTURES, ACCOUNT = Fixtures, AccountEntry
