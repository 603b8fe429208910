"""One Ekopost account's data: campaigns, envelopes, contents, settings."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from mockpost.core.account_webhook import AccountWebhook, webhook_from
from mockpost.core.http import dumps
from mockpost.core.resources import Stateful

PRINTED_CHANNEL = "print"  # postal (and lookup, which resolves to postal)
ELECTRONIC_CHANNEL = "electronic"
SMS_CHANNEL = "sms"


@dataclass(slots=True)
class Content:
    id: str
    type: str
    mime: str
    length: int
    data: bytes
    created_at: datetime
    return_address: bool = False
    address: dict[str, Any] | None = None


@dataclass(slots=True)
class Envelope(Stateful):
    id: str
    campaign_id: str
    name: str | None
    packed_address: bytes | None  # the address as compact JSON: a third of the memory of a dict
    channel: str
    postage: str
    plex: str
    color: bool
    agent: str | None = None
    unique_id: str | None = None
    warning: str | None = None
    failed_reason: str | None = None
    tracking: dict[str, Any] | None = None
    contents: tuple[Content, ...] = ()  # most envelopes hold one or two: no list per envelope

    @property
    def address(self) -> dict[str, Any] | None:
        """A fresh copy each time: change it by assigning a whole address."""
        return None if self.packed_address is None else orjson.loads(self.packed_address)

    @address.setter
    def address(self, value: dict[str, Any] | None) -> None:
        self.packed_address = pack_address(value)

    @property
    def address_type(self) -> str | None:
        address = self.address
        return None if address is None else address.get("$type")

    def has_content(self, kind: str) -> bool:
        return any(content.type == kind for content in self.contents)


def pack_address(address: dict[str, Any] | None) -> bytes | None:
    return None if address is None else dumps(address)  # compact, in an exact-size object


@dataclass(slots=True)
class Campaign(Stateful):
    id: str
    name: str | None
    output_date: datetime
    cost_center: str | None
    failed_reason: str | None = None
    envelopes: dict[str, Envelope] = field(default_factory=dict)
    signer_envelopes: int = 0  # kept by the backend: reading a campaign never scans its envelopes

    @property
    def signing(self) -> bool:
        return self.signer_envelopes > 0


@dataclass
class Account:
    tenant: str
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    # (created_at epoch, creation number, id), sorted: the list window is found by bisection, so
    # listing costs what it returns, not what the account holds
    created_index: list[tuple[float, int, str]] = field(default_factory=list)
    # the same entries per campaign name: listing by name costs what the name holds
    name_index: dict[str, list[tuple[float, int, str]]] = field(default_factory=dict)
    unique_ids: dict[str, str] = field(default_factory=dict)  # unique_id -> envelope id
    envelope_index: dict[str, str] = field(default_factory=dict)  # envelope id -> campaign id
    webhook: AccountWebhook | None = None
    credit_limit: int | None = None
    monthly_envelopes: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> count
    fui: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unreachable: set[str] = field(default_factory=set)
    report_seq: int = 1000  # sms delivery report ids

    def add_campaign(self, campaign: Campaign) -> None:
        self.campaigns[campaign.id] = campaign
        entry = (campaign.created_at.timestamp(), len(self.campaigns), campaign.id)
        bisect.insort(self.created_index, entry)
        if campaign.name is not None:
            bisect.insort(self.name_index.setdefault(campaign.name, []), entry)

    def campaigns_created(self, begin: datetime, end: datetime, named: str | None = None) -> list[Campaign]:
        """Campaigns created in [begin, end], newest first (ties: the later created first); only
        those named `named` when it is given."""
        index = self.created_index if named is None else self.name_index.get(named, [])
        low = bisect.bisect_left(index, (begin.timestamp(),))
        high = bisect.bisect_right(index, (end.timestamp(), math.inf))
        return [self.campaigns[entry[2]] for entry in reversed(index[low:high])]


def apply_settings(account: Account, settings: dict[str, Any]) -> None:
    if "credit_limit" in settings:
        account.credit_limit = settings["credit_limit"]
    if settings.get("unreachable") is not None:
        account.unreachable = set(settings["unreachable"])
    if settings.get("fui") is not None:
        account.fui = {str(k): list(v or []) for k, v in settings["fui"].items()}
    if settings.get("webhook") is not None:
        account.webhook = webhook_from(settings["webhook"])
