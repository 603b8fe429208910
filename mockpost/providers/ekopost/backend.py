"""Ekopost's rules: campaigns, envelopes, content, the production timeline and the completion
webhook. Pure Python over one account's state; no HTTP in here."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from mockpost.core.clock import parse_instant
from mockpost.core.http import dumps
from mockpost.core.lifecycle import Lifecycle, TransitionRefused, UnknownResource
from mockpost.core.offload import Outcome
from mockpost.core.provider import ProviderContext
from mockpost.core.webhooks import RetryPolicy
from mockpost.providers.ekopost.addresses import POSTAGES, check_address, check_sms_recipients, deliverable
from mockpost.providers.ekopost.documents import CheckedContent, check_content_fields, decode_data
from mockpost.providers.ekopost.errors import (
    AddressInvalid,
    CampaignNotFound,
    ContentNotFound,
    EkopostError,
    EnvelopeNotFound,
    InvalidData,
)
from mockpost.providers.ekopost.lifecycle import CAMPAIGN, ENVELOPE, Timeline
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
PLEXES = ("simplex", "duplex")
TRACK_URL = "https://tracking.postnord.com/se/?id={}"


class EkopostBackend:
    def __init__(self, ctx: ProviderContext, timeline: Timeline) -> None:
        self.ctx = ctx
        self.timeline = timeline

    # -- campaigns ---------------------------------------------------------------------
    def create_campaign(self, account: Account, body: Any) -> Campaign:
        if not isinstance(body, dict):
            raise InvalidData("the body must be a campaign object with name, output_date and cost_center")
        name = optional_text(body, "name")
        cost_center = optional_text(body, "cost_center")
        output = body.get("output_date")
        now = self.ctx.now()
        output_date = parse_date(output, "output_date") if output not in (None, "") else now
        campaign = Campaign(
            id=self.ctx.ids.uuid4(),
            name=name,
            output_date=output_date,
            cost_center=cost_center,
            created_at=now,
            state_changed_at=now,
        )
        account.add_campaign(campaign)
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
        self._set(campaign, CAMPAIGN, "closed")
        self._schedule_transfer(account, campaign)
        return campaign

    def cancel_campaign(self, account: Account, campaign_id: str) -> Campaign:
        campaign = self.campaign(account, campaign_id)
        if campaign.state == "cancelled":
            return campaign
        self._refuse_unless(CAMPAIGN, campaign.state, "cancelled")
        self._cancel_campaign(campaign)
        return campaign

    # -- envelopes ---------------------------------------------------------------------
    def create_envelope(self, account: Account, campaign_id: str, body: Any) -> Envelope:
        campaign = self.campaign(account, campaign_id)
        if campaign.state != "opened":
            raise EkopostError(
                "121", f"the campaign is {campaign.state}; envelopes can only be added while opened"
            )
        if not isinstance(body, dict):
            raise InvalidData("the body must be an envelope object")
        name = optional_text(body, "name")
        postage = choice(body, "postage", POSTAGES, default="economy")
        plex = choice(body, "plex", PLEXES, default="simplex")
        color = body.get("color", False)
        if color is None:
            color = False
        if not isinstance(color, bool):
            raise InvalidData("color must be true or false")
        agent = optional_text(body, "agent")
        unique_id = optional_text(body, "unique_id")
        checked = check_address(body.get("address"), postage)
        if unique_id is not None and unique_id in account.unique_ids:
            raise EkopostError(
                "126", f"unique_id {unique_id!r} is already used by envelope {account.unique_ids[unique_id]}"
            )
        now = self.ctx.now()
        month = now.strftime("%Y-%m")
        if (
            account.credit_limit is not None
            and account.monthly_envelopes.get(month, 0) >= account.credit_limit
        ):
            raise EkopostError("113", f"the account's limit is {account.credit_limit} envelopes in {month}")
        envelope = Envelope(
            id=self.ctx.ids.uuid4(),
            campaign_id=campaign.id,
            name=name,
            packed_address=pack_address(checked.address),
            channel=checked.channel,
            postage=postage,
            plex=plex,
            color=color,
            created_at=now,
            state_changed_at=now,
            agent=agent,
            unique_id=unique_id,
            warning=checked.warning,
        )
        campaign.envelopes[envelope.id] = envelope
        if envelope.address_type == "einbox_signer":
            campaign.signer_envelopes += 1
        account.envelope_index[envelope.id] = campaign.id
        account.monthly_envelopes[month] = account.monthly_envelopes.get(month, 0) + 1
        if unique_id is not None:
            account.unique_ids[unique_id] = envelope.id
        return envelope

    def _check_credit(self, account: Account) -> str:
        """The current month, or 113 when the account's monthly envelope allowance is used up."""
        month = self.ctx.now().strftime("%Y-%m")
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
        self._set(envelope, ENVELOPE, "closed")
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
        self._check_credit(account)  # every check before the first write: nothing half-created
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
                envelope.failed_reason = reason or "Failed in production (forced)"
            self._move_envelope(account, campaign, envelope, state)
            return envelope
        raise UnknownResource(f"resource must be 'campaign' or 'envelope', not {resource!r}")

    def _force_campaign(self, account: Account, campaign: Campaign, state: str, reason: str | None) -> None:
        if state == "closed":
            self._set(campaign, CAMPAIGN, "closed")
            self._schedule_transfer(account, campaign)
        elif state == "transferred":
            self._transfer(account, campaign)
        elif state == "cancelled":
            self._cancel_campaign(campaign)
        elif state == "failed":
            campaign.failed_reason = reason or "Failed in production (forced)"
            self._cancel_job(campaign)
            for envelope in campaign.envelopes.values():
                if not ENVELOPE.is_final(envelope.state):
                    envelope.failed_reason = campaign.failed_reason
                    self._cancel_job(envelope)
                    self._set(envelope, ENVELOPE, "failed")
            self._set(campaign, CAMPAIGN, "failed")
        elif state == "completed":
            self._set(campaign, CAMPAIGN, "completed")
            self._send_completed(account, campaign)

    # -- the production timeline ---------------------------------------------------------
    def _schedule_transfer(self, account: Account, campaign: Campaign) -> None:
        due = max(campaign.output_date, self.ctx.now())
        campaign.pending = self.ctx.schedule(
            due,
            self._job(account, lambda: self._transfer(account, campaign)),
            f"ekopost transfer {campaign.id}",
        )

    def _transfer(self, account: Account, campaign: Campaign) -> None:
        self._cancel_job(campaign)
        if campaign.state != "closed":
            return
        live = [e for e in campaign.envelopes.values() if e.state == "closed"]
        if not live:
            self._cancel_campaign(campaign)
            return
        self._set(campaign, CAMPAIGN, "transferred")
        for envelope in live:
            self._move_envelope(account, campaign, envelope, "transferred")

    def _move_envelope(self, account: Account, campaign: Campaign, envelope: Envelope, state: str) -> None:
        """Enter a state, with its side effects and the next timed step; the one place envelopes move."""
        self._cancel_job(envelope)
        self._set(envelope, ENVELOPE, state)
        timeline = self.timeline
        if state == "transferred":
            if envelope.channel == PRINTED_CHANNEL:
                self._later(
                    account,
                    envelope,
                    timeline.print_after,
                    lambda: self._move_envelope(account, campaign, envelope, "printed"),
                )
            else:
                self._later(
                    account,
                    envelope,
                    timeline.electronic_after,
                    lambda: self._move_envelope(account, campaign, envelope, "posted"),
                )
        elif state == "printed":
            if envelope.postage == "rek":
                parcel = s10_number(self.ctx.ids.digits(8))
                envelope.tracking = {
                    "tracking_state": "Init",
                    "track_url": TRACK_URL.format(parcel),
                    "parcel_no": parcel,
                }
            self._later(
                account,
                envelope,
                timeline.post_after,
                lambda: self._move_envelope(account, campaign, envelope, "posted"),
            )
        elif state == "posted":
            if envelope.tracking is not None:
                envelope.tracking["tracking_state"] = "InTransit"
                self._later(
                    account,
                    envelope,
                    timeline.registered_delivered_after,
                    lambda: self._deliver_registered(envelope),
                )
            address = envelope.address
            if envelope.channel == SMS_CHANNEL and address is not None:
                envelope.address = {**address, "delivery_report": self._delivery_report(account, envelope)}
        if ENVELOPE.is_final(state):
            self._check_completion(account, campaign)

    def _deliver_registered(self, envelope: Envelope) -> None:
        envelope.pending = None
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
            self._set(campaign, CAMPAIGN, "completed")
            self._send_completed(account, campaign)
        else:
            campaign.failed_reason = "No envelope in the campaign could be produced"
            self._set(campaign, CAMPAIGN, "failed")

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

    def _cancel_campaign(self, campaign: Campaign) -> None:
        self._cancel_job(campaign)
        for envelope in campaign.envelopes.values():
            if envelope.state in ("opened", "closed"):
                self._cancel_job(envelope)
                self._set(envelope, ENVELOPE, "cancelled")
        self._set(campaign, CAMPAIGN, "cancelled")

    # -- small mechanics ----------------------------------------------------------------
    def _set(self, obj: Campaign | Envelope, lifecycle: Lifecycle, state: str) -> None:
        lifecycle.check(obj.state, state)
        obj.state = state
        obj.state_changed_at = self.ctx.now()

    @staticmethod
    def _refuse_unless(lifecycle: Lifecycle, current: str, target: str) -> None:
        try:
            lifecycle.check(current, target)
        except TransitionRefused:
            verb = {"closed": "closed", "cancelled": "cancelled"}.get(target, f"moved to {target}")
            raise InvalidData(f"the {lifecycle.resource} is {current} and can no longer be {verb}") from None

    def _later(
        self, account: Account, envelope: Envelope, delay: timedelta, step: Callable[[], None]
    ) -> None:
        envelope.pending = self.ctx.schedule(
            self.ctx.now() + delay, self._job(account, step), f"ekopost {envelope.id}"
        )

    def _job(self, account: Account, step: Callable[[], None]) -> Callable[[], None]:
        """A timed step that does nothing if its account was reset in the meantime."""

        def run() -> None:
            if self.ctx.store.existing(PROVIDER, account.tenant) is account:
                step()

        return run

    @staticmethod
    def _cancel_job(obj: Campaign | Envelope) -> None:
        if obj.pending is not None:
            obj.pending.cancel()
            obj.pending = None


# -- wire helpers ------------------------------------------------------------------------
def optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidData(f"{key} must be a string")
    return value


def choice(body: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(key)
    if value is None:
        return default
    if value not in allowed:
        raise InvalidData(f"{key} must be one of {list(allowed)}, got {value!r}")
    return str(value)


def parse_date(value: Any, key: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidData(f"{key} must be a date in UTC, e.g. 2015-06-01T12:00:00")
    try:
        return parse_instant(value)
    except ValueError:
        raise InvalidData(f"{key} {value!r} is not a date, e.g. 2015-06-01T12:00:00") from None


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


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def s10_number(serial: str) -> str:
    """A UPU S10 registered-mail number (RR + 8 digits + check digit + SE)."""
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    check = 11 - sum(int(d) * w for d, w in zip(serial, weights, strict=True)) % 11
    check = 5 if check == 11 else 0 if check == 10 else check
    return f"RR{serial}{check}SE"


def wire_date(at: datetime | None) -> str | None:
    """UTC, to the second, no zone suffix."""
    return _wire_date(at) if at is not None else None


@functools.lru_cache(maxsize=8192)
def _wire_date(at: datetime) -> str:
    # a stored resource shows the same few instants on every read: formatting each once per
    # process takes a tenth of a GET campaign's server time off it
    return at.astimezone(UTC).isoformat(timespec="seconds")[:19]


__all__ = ["EkopostBackend", "decode_data", "sign", "wire_date"]
