"""Usage, computed from what the company actually did: one record per SendingEvent handed to a
channel (at SENT), with its pages; aggregated per channel for a period."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.easypost_connect import query
from mockpost.providers.easypost_connect.lifecycle import PRINT_TASKS
from mockpost.providers.easypost_connect.state import Company, SendingEvent, UsageRecord
from mockpost.providers.easypost_connect.wire import iso


@dataclass
class Usage:
    ctx: ProviderContext

    def record(self, company: Company, event: SendingEvent, channel: str, outcome: str) -> None:
        record = UsageRecord(
            id=self.ctx.ids.uuid4(),
            company_id=company.id,
            at=self.ctx.now(),
            channel=channel,
            job_id=event.job_id,
            sending_event_id=event.id,
            pages=event.page_count,
            outcome=outcome,
        )
        company.usage[record.id] = record
        company.usage_index.add(record.id, record.at)

    def summary(self, company: Company, params: Mapping[str, str]) -> dict[str, Any]:
        start, stop = query.window(params)
        channels: dict[str, dict[str, Any]] = {}
        totals = {"jobs": 0, "sendingEvents": 0, "pages": 0, "pagesPrinted": 0}
        for record_id in self._range(company, start, stop):
            record = company.usage[record_id]
            row = channels.setdefault(
                record.channel,
                {"channel": record.channel, "sendingEvents": 0, "pages": 0, "sent": 0, "failed": 0},
            )
            row["sendingEvents"] += 1
            row["pages"] += record.pages
            row["sent" if record.outcome == "SENT" else "failed"] += 1
            totals["sendingEvents"] += 1
            totals["pages"] += record.pages
            if record.channel in PRINT_TASKS:
                totals["pagesPrinted"] += record.pages
        totals["jobs"] = len(company.job_index.page(len(company.job_index) or 1, lower=start, upper=stop))
        return {
            "companyId": company.id,
            "from": iso(start),
            "until": iso(stop),
            "totals": totals,
            "channels": [channels[name] for name in sorted(channels)],
        }

    @staticmethod
    def _range(company: Company, start: datetime | None, stop: datetime | None) -> list[str]:
        index = company.usage_index
        return index.page(len(index) or 1, lower=start, upper=stop)

    def details(self, company: Company, params: Mapping[str, str]) -> list[UsageRecord]:
        paging = query.page(params)
        start, stop = query.window(params)
        channel = params.get("channel") or None
        ids = query.keyset(
            company.usage_index,
            paging,
            lower=start,
            upper=stop,
            accept=(lambda i: company.usage[i].channel == channel) if channel else None,
        )
        return [company.usage[i] for i in ids]
