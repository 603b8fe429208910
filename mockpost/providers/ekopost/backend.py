"""Ekopost's rules: campaigns, envelopes, content, the production timeline and the completion
webhook. Pure Python over one account's state; no HTTP in here."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

from mockpost.core.clock import parse_instant
from mockpost.core.http import dumps
from mockpost.core.lifecycle import Lifecycle, TransitionRefused, UnknownResource
from mockpost.core.offload import Outcome
from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.core.validation import Problem, validated
from mockpost.core.webhooks import RetryPolicy
from mockpost.providers.ekopost import models
from mockpost.providers.ekopost.addresses import check_address, check_sms_recipients, deliverable
from mockpost.providers.ekopost.documents import CheckedContent, check_content_fields, decode_data
from mockpost.providers.ekopost.errors import (
    AddressInvalid,
    CampaignNotFound,
    ContentNotFound,
    EkopostError,
    EnvelopeNotFound,
    InvalidData,
)
from mockpost.providers.ekopost.lifecycle import CAMPAIGN, ENVELOPE
from mockpost.providers.ekopost.state import (
    PRINTED_CHANNEL,
    SMS_CHANNEL,
    Account,
    Campaign,
    Content,
    Envelope,
    pack_address,
)

PROVIDER = "ekopost"
# Undocumented by Ekopost; chosen here and written in README: 6 attempts over about 8.5 hours.
WEBHOOK_RETRY = RetryPolicy(delays=(60, 300, 1800, 7200, 21600))
TRACK_URL = "https://tracking.postnord.com/se/?id={}"


class EkopostBackend:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        """The production timeline's timed steps, by (kind, action)."""

        def envelope_to(state: str) -> TimerAction:
            def step(account: Account, envelope: Envelope) -> None:
                self._move_envelope(account, account.campaigns[envelope.campaign_id], envelope, state)

            return step

        return {
            ("campaign", "transfer"): self._transfer,
            ("envelope", "print"): envelope_to("printed"),
            ("envelope", "post"): envelope_to("posted"),
            ("envelope", "deliver"): self._deliver_registered,
        }

    # -- campaigns ---------------------------------------------------------------------
    def create_campaign(self, account: Account, body: Any) -> Campaign:
        request = validated(models.CampaignCreate, body, invalid_data)
        now = self.ctx.now()
        campaign = Campaign(
            **self.ctx.fresh(now),
            name=request.name,
            output_date=parse_instant(request.output_date) if request.output_date else now,
            cost_center=request.cost_center,
            state=CAMPAIGN.initial,
        )
        account.add_campaign(campaign)
        self.ctx.begin(account.tenant, CAMPAIGN, campaign)
        return campaign

    def campaign(self, account: Account, campaign_id: str) -> Campaign:
        campaign = account.campaigns.get(campaign_id)
        if campaign is None:
            raise CampaignNotFound(campaign_id)
        return campaign

    def list_campaigns(
        self, account: Account, start: str | None, stop: str | None, name: str | None, state: str | None
    ) -> list[Campaign]:
        today = self.ctx.now().replace(hour=0, minute=0, second=0, microsecond=0)
        begin = parse_window(start, "start", end_of_day=False) if start else today
        end = parse_window(stop, "stop", end_of_day=True) if stop else today + timedelta(days=1)
        if begin > end:
            raise EkopostError("116", f"start ({begin.isoformat()}) is after stop ({end.isoformat()})")
        if state is not None and state not in CAMPAIGN.states:
            raise EkopostError("115", f"state {state!r} is not one of {CAMPAIGN.states}")
        found = account.campaigns_created(begin, end, name)
        return found if state is None else [c for c in found if c.state == state]

    def close_campaign(self, account: Account, campaign_id: str) -> Campaign:
        campaign = self.campaign(account, campaign_id)
        if campaign.state == "closed":
            return campaign
        self._refuse_unless(CAMPAIGN, campaign.state, "closed")
        live = [e for e in campaign.envelopes.values() if e.state != "cancelled"]
        if not live:
            raise EkopostError("101", "add an envelope before closing the campaign")
        still_open = [e.id for e in live if e.state == "opened"]
        if still_open:
            raise EkopostError("102", f"envelopes still opened: {', '.join(still_open)}")
        self._set(account, campaign, CAMPAIGN, "closed")
        self._schedule_transfer(account, campaign)
        return campaign

    def cancel_campaign(self, account: Account, campaign_id: str) -> Campaign:
        campaign = self.campaign(account, campaign_id)
        if campaign.state == "cancelled":
            return campaign
        self._refuse_unless(CAMPAIGN, campaign.state, "cancelled")
        self._cancel_campaign(account, campaign)
        return campaign

    # -- envelopes ---------------------------------------------------------------------
    def create_envelope(self, account: Account, campaign_id: str, body: Any) -> Envelope:
        campaign = self.campaign(account, campaign_id)
        if campaign.state != "opened":
            raise EkopostError(
                "121", f"the campaign is {campaign.state}; envelopes can only be added while opened"
            )
        request = validated(models.EnvelopeCreate, body, invalid_data)
        postage = request.postage or "economy"
        unique_id = request.unique_id
        checked = check_address(request.address, postage)
        if unique_id is not None and unique_id in account.unique_ids:
            raise EkopostError(
                "126", f"unique_id {unique_id!r} is already used by envelope {account.unique_ids[unique_id]}"
            )
        now = self.ctx.now()
        month = self._check_credit(account, now)
        envelope = Envelope(
            **self.ctx.fresh(now),
            campaign_id=campaign.id,
            name=request.name,
            packed_address=pack_address(checked.address),
            channel=checked.channel,
            postage=postage,
            plex=request.plex or "simplex",
            color=bool(request.color),
            state=ENVELOPE.initial,
            agent=request.agent,
            unique_id=unique_id,
            warning=checked.warning,
        )
        campaign.envelopes[envelope.id] = envelope
        self.ctx.begin(account.tenant, ENVELOPE, envelope, at=now)
        if checked.address is not None and checked.address.get("$type") == "einbox_signer":
            campaign.signer_envelopes += 1
        account.envelope_index[envelope.id] = campaign.id
        account.monthly_envelopes[month] = account.monthly_envelopes.get(month, 0) + 1
        if unique_id is not None:
            account.unique_ids[unique_id] = envelope.id
        return envelope

    def _check_credit(self, account: Account, now: datetime) -> str:
        """`now`'s month, or 113 when the account's monthly envelope allowance is used up."""
        month = f"{now.year:04d}-{now.month:02d}"  # strftime costs ten times as much
        if (
            account.credit_limit is not None
            and account.monthly_envelopes.get(month, 0) >= account.credit_limit
        ):
            raise EkopostError("113", f"the account's limit is {account.credit_limit} envelopes in {month}")
        return month

    def envelope(self, account: Account, campaign_id: str, envelope_id: str) -> Envelope:
        campaign = self.campaign(account, campaign_id)
        envelope = campaign.envelopes.get(envelope_id)
        if envelope is None:
            raise EnvelopeNotFound(envelope_id)
        return envelope

    def list_envelopes(
        self, account: Account, campaign_id: str, name: str | None, state: str | None
    ) -> list[Envelope]:
        campaign = self.campaign(account, campaign_id)
        if state is not None and state not in ENVELOPE.states:
            raise EkopostError("115", f"state {state!r} is not one of {ENVELOPE.states}")
        return [
            e
            for e in campaign.envelopes.values()
            if (name is None or e.name == name) and (state is None or e.state == state)
        ]

    def close_envelope(self, account: Account, campaign_id: str, envelope_id: str) -> Envelope:
        envelope = self.envelope(account, campaign_id, envelope_id)
        if envelope.state == "closed":
            return envelope
        self._refuse_unless(ENVELOPE, envelope.state, "closed")
        address_type = envelope.address_type
        if envelope.channel == SMS_CHANNEL:
            if not envelope.has_content("sms"):
                raise EkopostError(
                    "129", "an sms envelope needs its message: create content of type 'sms' first"
                )
        elif address_type == "einvoice":
            if not envelope.has_content("markup"):
                raise EkopostError(
                    "100B", "an einvoice envelope needs its markup (application/xml) before closing"
                )
        elif not envelope.has_content("document"):
            raise EkopostError("100A", "create content of type 'document' (a PDF) before closing")
        self._set(account, envelope, ENVELOPE, "closed")
        return envelope

    def cancel_envelope(self, account: Account, campaign_id: str, envelope_id: str) -> Envelope:
        envelope = self.envelope(account, campaign_id, envelope_id)
        if envelope.state == "cancelled":
            return envelope
        self._refuse_unless(ENVELOPE, envelope.state, "cancelled")
        self._move_envelope(account, self.campaign(account, campaign_id), envelope, "cancelled")
        return envelope

    # -- content -----------------------------------------------------------------------
    def create_content(
        self,
        account: Account,
        campaign_id: str,
        envelope_id: str,
        body: Any,
        checked_ahead: Outcome[CheckedContent] | None = None,
    ) -> Content:
        """Add content to an opened envelope. `checked_ahead`: the body already checked (off the
        event loop); its error, if any, is raised where the check belongs among the others."""
        envelope = self.envelope(account, campaign_id, envelope_id)
        if envelope.state != "opened":
            raise InvalidData(
                f"the envelope is {envelope.state}; content can only be added while it is opened"
            )
        checked = checked_ahead.get() if checked_ahead is not None else check_content_fields(body)
        is_sms = envelope.channel == SMS_CHANNEL
        if is_sms != (checked.type == "sms"):
            expected = "'sms'" if is_sms else "'document', 'attachment' or 'markup'"
            raise InvalidData(f"this envelope takes content of type {expected}")
        if checked.type == "document" and envelope.has_content("document"):
            raise EkopostError("103", "the envelope already has its document; add attachments instead")
        if checked.type == "markup" and envelope.has_content("markup"):
            raise EkopostError("110", "the envelope already has its markup")
        if checked.type == "sms" and envelope.has_content("sms"):
            raise InvalidData("the envelope already has its sms text")
        if checked.address is not None:
            if not isinstance(checked.address, dict) or checked.address.get("$type", "postal") != "postal":
                raise AddressInvalid("the return address must be a postal address object")
            checked.address = check_address(checked.address, "economy").address
        content = Content(
            id=self.ctx.ids.uuid4(),
            type=checked.type,
            mime=checked.mime,
            length=checked.length,
            data=checked.data,
            created_at=self.ctx.now(),
            return_address=checked.return_address,
            address=checked.address,
        )
        envelope.contents = (*envelope.contents, content)
        return content

    def content(self, account: Account, campaign_id: str, envelope_id: str, content_id: str) -> Content:
        envelope = self.envelope(account, campaign_id, envelope_id)
        for content in envelope.contents:
            if content.id == content_id:
                return content
        raise ContentNotFound(content_id[:100])

    # -- direct sms --------------------------------------------------------------------
    def direct_sms(self, account: Account, body: Any) -> dict[str, Any]:
        """One sms sent at once: a campaign with one closed sms envelope, output now."""
        if not isinstance(body, dict):
            raise InvalidData("the body must be an object with From, Recipient, Text, Title, Cost_Center")
        fields = {str(key).lower(): value for key, value in body.items()}
        sender = fields.get("from")
        if sender is None or (isinstance(sender, str) and not sender.strip()):
            raise EkopostError("133", "From is required")
        recipient = fields.get("recipient")
        check_sms_recipients([recipient] if recipient not in (None, "") else None, "Recipient")
        text = fields.get("text")
        if text is None or text == "":
            raise EkopostError("129", "Text is required")
        title = fields.get("title")
        cost_center = fields.get("cost_center")
        for key, value in (("From", sender), ("Text", text), ("Title", title), ("Cost_Center", cost_center)):
            if value is not None and not isinstance(value, str):
                raise InvalidData(f"{key} must be a string")
        check_address({"$type": "sms", "from_name": sender, "recipients": [recipient]}, "economy")
        # every check before the first write: nothing half-created
        self._check_credit(account, self.ctx.now())
        campaign = self.create_campaign(account, {"name": title or "Direct sms", "cost_center": cost_center})
        envelope = self.create_envelope(
            account,
            campaign.id,
            {
                "name": title or "Direct sms",
                "address": {"$type": "sms", "from_name": sender, "recipients": [recipient]},
            },
        )
        encoded = base64.b64encode(text.encode()).decode()
        self.create_content(
            account,
            campaign.id,
            envelope.id,
            {"type": "sms", "mime": "text/plain", "data": encoded, "length": len(text.encode())},
        )
        self.close_envelope(account, campaign.id, envelope.id)
        self.close_campaign(account, campaign.id)
        return {
            "campaign_id": campaign.id,
            "envelope_id": envelope.id,
            "error": "",
            "from": sender,
            "recipient": recipient,
            "text": text,
            "title": title,
            "cost_center": cost_center,
        }

    # -- forced transitions (control plane) ----------------------------------------------
    def force(self, account: Account, resource: str, target_id: str, state: str, reason: str | None) -> Any:
        if resource == "campaign":
            campaign = account.campaigns.get(target_id)
            if campaign is None:
                raise UnknownResource(f"no campaign {target_id!r} in this account")
            CAMPAIGN.check(campaign.state, state)
            self._force_campaign(account, campaign, state, reason)
            return campaign
        if resource == "envelope":
            campaign_id = account.envelope_index.get(target_id)
            if campaign_id is None:
                raise UnknownResource(f"no envelope {target_id!r} in this account")
            campaign = account.campaigns[campaign_id]
            envelope = campaign.envelopes[target_id]
            ENVELOPE.check(envelope.state, state)
            if state == "failed":
                envelope.failed_reason = reason = reason or "Failed in production (forced)"
            self._move_envelope(account, campaign, envelope, state, reason)
            return envelope
        raise UnknownResource(f"resource must be 'campaign' or 'envelope', not {resource!r}")

    def _force_campaign(self, account: Account, campaign: Campaign, state: str, reason: str | None) -> None:
        if state == "closed":
            self._set(account, campaign, CAMPAIGN, "closed", reason)
            self._schedule_transfer(account, campaign)
        elif state == "transferred":
            self._transfer(account, campaign)
        elif state == "cancelled":
            self._cancel_campaign(account, campaign)
        elif state == "failed":
            campaign.failed_reason = reason or "Failed in production (forced)"
            self._cancel_job(account, "campaign", campaign)
            for envelope in campaign.envelopes.values():
                if not ENVELOPE.is_final(envelope.state):
                    envelope.failed_reason = campaign.failed_reason
                    self._cancel_job(account, "envelope", envelope)
                    self._set(account, envelope, ENVELOPE, "failed", campaign.failed_reason)
            self._set(account, campaign, CAMPAIGN, "failed", campaign.failed_reason)
        elif state == "completed":
            self._set(account, campaign, CAMPAIGN, "completed", reason)
            self._send_completed(account, campaign)

    # -- the production timeline ---------------------------------------------------------
    def _schedule_transfer(self, account: Account, campaign: Campaign) -> None:
        """Closed campaigns are transferred to production at their output date."""
        self.ctx.schedule(account.tenant, "campaign", campaign.id, campaign.output_date, "transfer")

    def _transfer(self, account: Account, campaign: Campaign) -> None:
        self._cancel_job(account, "campaign", campaign)
        if campaign.state != "closed":
            return
        live = [e for e in campaign.envelopes.values() if e.state == "closed"]
        if not live:
            self._cancel_campaign(account, campaign)
            return
        self._set(account, campaign, CAMPAIGN, "transferred")
        for envelope in live:
            self._move_envelope(account, campaign, envelope, "transferred")

    def _move_envelope(
        self, account: Account, campaign: Campaign, envelope: Envelope, state: str, reason: str | None = None
    ) -> None:
        """Enter a state, with its side effects and the next timed step; the one place envelopes move."""
        self._cancel_job(account, "envelope", envelope)
        self._set(account, envelope, ENVELOPE, state, reason)
        timeline = self.ctx.timeline
        if state == "transferred":
            if envelope.channel == PRINTED_CHANNEL:
                self._later(account, envelope, timeline.print_after, "print")
            else:
                self._later(account, envelope, timeline.electronic_after, "post")
        elif state == "printed":
            if envelope.postage == "rek":
                parcel = s10_number(self.ctx.ids.digits(8))
                envelope.tracking = {
                    "tracking_state": "Init",
                    "track_url": TRACK_URL.format(parcel),
                    "parcel_no": parcel,
                }
            self._later(account, envelope, timeline.post_after, "post")
        elif state == "posted":
            if envelope.tracking is not None:
                envelope.tracking["tracking_state"] = "InTransit"
                self._later(account, envelope, timeline.registered_delivered_after, "deliver")
            address = envelope.address
            if envelope.channel == SMS_CHANNEL and address is not None:
                envelope.address = {**address, "delivery_report": self._delivery_report(account, envelope)}
        if ENVELOPE.is_final(state):
            self._check_completion(account, campaign)

    def _deliver_registered(self, account: Account, envelope: Envelope) -> None:
        if envelope.tracking is not None:
            envelope.tracking["tracking_state"] = "Delivered"

    def _delivery_report(self, account: Account, envelope: Envelope) -> list[dict[str, Any]]:
        report = []
        for number in (envelope.address or {}).get("recipients", []):
            account.report_seq += 1
            ok = deliverable(number)
            report.append(
                {
                    "id": account.report_seq,
                    "phone_number": number,
                    "status": "Delivered" if ok else "Failed",
                    "status_reason": "" if ok else "Invalid destination number",
                }
            )
        return report

    def _check_completion(self, account: Account, campaign: Campaign) -> None:
        if campaign.state != "transferred":
            return
        envelopes = list(campaign.envelopes.values())
        if not all(ENVELOPE.is_final(e.state) for e in envelopes):
            return
        if any(e.state == "posted" for e in envelopes):
            self._set(account, campaign, CAMPAIGN, "completed")
            self._send_completed(account, campaign)
        else:
            campaign.failed_reason = "No envelope in the campaign could be produced"
            self._set(account, campaign, CAMPAIGN, "failed", campaign.failed_reason)

    def _send_completed(self, account: Account, campaign: Campaign) -> None:
        if account.webhook is None:
            return
        body = dumps([{"ObjectId": e.id, "StatusName": e.state} for e in campaign.envelopes.values()])
        self.ctx.send_webhook(
            account.tenant,
            "campaign.completed",
            account.webhook.url,
            body,
            {"X-Ekopost-Signature": sign(body, account.webhook.secret)},
            WEBHOOK_RETRY,
        )

    def _cancel_campaign(self, account: Account, campaign: Campaign) -> None:
        self._cancel_job(account, "campaign", campaign)
        for envelope in campaign.envelopes.values():
            if envelope.state in ("opened", "closed"):
                self._cancel_job(account, "envelope", envelope)
                self._set(account, envelope, ENVELOPE, "cancelled")
        self._set(account, campaign, CAMPAIGN, "cancelled")

    # -- small mechanics ----------------------------------------------------------------
    def _set(
        self,
        account: Account,
        obj: Campaign | Envelope,
        lifecycle: Lifecycle,
        state: str,
        reason: str | None = None,
    ) -> None:
        self.ctx.move(account.tenant, lifecycle, obj, state, reason)

    @staticmethod
    def _refuse_unless(lifecycle: Lifecycle, current: str, target: str) -> None:
        try:
            lifecycle.check(current, target)
        except TransitionRefused:
            verb = {"closed": "closed", "cancelled": "cancelled"}.get(target, f"moved to {target}")
            raise InvalidData(f"the {lifecycle.resource} is {current} and can no longer be {verb}") from None

    def _later(self, account: Account, envelope: Envelope, delay: timedelta, action: str) -> None:
        self.ctx.schedule(account.tenant, "envelope", envelope.id, self.ctx.now() + delay, action)

    def _cancel_job(self, account: Account, kind: str, obj: Campaign | Envelope) -> None:
        self.ctx.cancel(account.tenant, kind, obj.id)


# -- wire helpers ------------------------------------------------------------------------






def parse_window(value: str, key: str, end_of_day: bool) -> datetime:
    try:
        instant = parse_instant(value)
    except ValueError:
        raise EkopostError(
            "116", f"{key} {value!r} is not a date, e.g. 2015-06-01 or 2015-06-01T12:00:00"
        ) from None
    if end_of_day and len(value.strip()) == 10:  # a bare date as stop covers that whole day
        instant += timedelta(days=1) - timedelta(microseconds=1)
    return instant


def invalid_data(problems: list[Problem]) -> InvalidData:
    """What the request models refuse is Ekopost's 127, naming each field and what is wrong."""
    return InvalidData("; ".join(problem.describe() for problem in problems))


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def s10_number(serial: str) -> str:
    """A UPU S10 registered-mail number (RR + 8 digits + check digit + SE)."""
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    check = 11 - sum(int(d) * w for d, w in zip(serial, weights, strict=True)) % 11
    check = 5 if check == 11 else 0 if check == 10 else check
    return f"RR{serial}{check}SE"


__all__ = ["EkopostBackend", "decode_data", "sign"]
