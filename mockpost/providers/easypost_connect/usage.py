"""Usage, computed from what the company actually did: one record per SendingEvent handed to a
channel (at SENT), with its pages; aggregated per channel for a period."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockpost.providers.easypost_connect.base import BackendBase
from mockpost.providers.easypost_connect.lifecycle import PRINT_TASKS
from mockpost.providers.easypost_connect.render import iso
from mockpost.providers.easypost_connect.state import Company, UsageRecord


class UsagePart(BackendBase):
    def usage(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        start, stop = self.window(query)
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

    def _range(self, company: Company, start: Any, stop: Any) -> list[str]:
        index = company.usage_index
        return index.page(len(index) or 1, lower=start, upper=stop)

    def usage_details(self, company: Company, query: Mapping[str, str]) -> list[UsageRecord]:
        params = self.page(query)
        start, stop = self.window(query)
        channel = query.get("channel") or None
        ids = self.keyset(
            company.usage_index,
            params,
            lower=start,
            upper=stop,
            accept=(lambda i: company.usage[i].channel == channel) if channel else None,
        )
        return [company.usage[i] for i in ids]
