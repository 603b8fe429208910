"""Ekopost's objects on the wire: snake_case JSON, dates as UTC `YYYY-MM-DDTHH:MM:SS`, exactly as
the API documentation shows them."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from mockpost.core.wire import Attributes
from mockpost.providers.ekopost.state import Campaign, Content, Envelope


def wire_date(at: datetime | None) -> str | None:
    """UTC, to the second, no zone suffix."""
    return _wire_date(at) if at is not None else None


@functools.lru_cache(maxsize=8192)
def _wire_date(at: datetime) -> str:
    # a stored resource shows the same few instants on every read: formatting each once per
    # process takes a tenth of a GET campaign's server time off it
    return at.astimezone(UTC).isoformat(timespec="seconds")[:19]


def render_campaign(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "output_date": wire_date(campaign.output_date),
        "cost_center": campaign.cost_center,
        "envelope_count": len(campaign.envelopes),
        "state": campaign.state,
        "state_changed_at": wire_date(campaign.updated_at),
        "created_at": wire_date(campaign.created_at),
        "signing": campaign.signing,
    }


def render_envelope(envelope: Envelope) -> dict[str, Any]:
    # written out, not `Attributes`: envelopes are rendered in bulk (a campaign's list), where the
    # microsecond a generic render adds to each would show
    changed = wire_date(envelope.updated_at)
    out: dict[str, Any] = {
        "id": envelope.id,
        "name": envelope.name,
        "address": envelope.address,
        "postage": envelope.postage,
        "plex": envelope.plex,
        "color": envelope.color,
        "state": envelope.state,
        "state_changed_at": changed,
        "created_at": wire_date(envelope.created_at),
        # the last state change, applied synchronously by the mock, hence always completed
        "transaction": {"state": "completed", "state_changed_at": changed},
    }
    for key in ("warning", "agent", "unique_id", "failed_reason", "tracking"):
        value = getattr(envelope, key)
        if value is not None:
            out[key] = value
    return out


CONTENT = Attributes(Content, "id mime length type")


def render_content(content: Content) -> dict[str, Any]:
    return {
        **CONTENT(content),
        "created_at": wire_date(content.created_at),
        "return_address": content.return_address,
    }
