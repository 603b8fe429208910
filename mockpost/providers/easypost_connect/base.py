"""What every part of the EasyPost Connect backend shares: context, timeline, acting company,
query helpers, timed steps and outgoing webhook events. No HTTP in here."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from mockpost.core.clock import parse_instant
from mockpost.core.http import dumps
from mockpost.core.paging import KeysetIndex, PageParams, UnknownCursor, page_params
from mockpost.core.provider import ProviderContext
from mockpost.core.scheduler import Timer as TimedJob
from mockpost.core.webhooks import RetryPolicy
from mockpost.providers.easypost_connect.errors import Forbidden, Invalid
from mockpost.providers.easypost_connect.lifecycle import Timeline
from mockpost.providers.easypost_connect.render import iso
from mockpost.providers.easypost_connect.signing import Signer
from mockpost.providers.easypost_connect.state import Account, Company

PROVIDER = "easypost-connect"
# Undocumented; chosen here and written in the docs: 6 attempts over about 8.5 hours.
WEBHOOK_RETRY = RetryPolicy(delays=(60, 300, 1800, 7200, 21600))
USER_AGENT = "EasyPost-Connect-Webhooks/1.0 (mockpost)"


def sign_body(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class BackendBase:
    def __init__(self, ctx: ProviderContext, timeline: Timeline, signer: Signer) -> None:
        self.ctx = ctx
        self.timeline = timeline
        self.signer = signer

    # -- who acts --------------------------------------------------------------------------
    @staticmethod
    def acting(account: Account, managed_company_id: str | None) -> Company:
        """The caller's own company, or the managed company named by x-managed-company-id."""
        if managed_company_id is None:
            return account.root
        company = account.companies.get(managed_company_id.strip())
        if company is None or (company.id != account.root_id and company.managed_by != account.root_id):
            raise Forbidden(
                f"Company '{managed_company_id[:100]}' is not managed by the caller (x-managed-company-id)"
            )
        return company

    # -- time ------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.ctx.now()

    def later(
        self, account: Account, delay: timedelta | datetime, step: Callable[[], None], label: str
    ) -> TimedJob:
        due = delay if isinstance(delay, datetime) else self.now() + delay
        return self.ctx.call_later(max(due, self.now()), self.alive(account, step), f"{PROVIDER} {label}")

    def alive(self, account: Account, step: Callable[[], None]) -> Callable[[], None]:
        """A timed step that does nothing if its account was reset in the meantime."""

        def run() -> None:
            if self.ctx.store.existing(PROVIDER, account.tenant) is account:
                step()

        return run

    # -- query helpers -----------------------------------------------------------------------
    @staticmethod
    def page(query: Mapping[str, str]) -> PageParams:
        params, problems = page_params(query)
        if problems:
            raise Invalid(problems)
        return params

    @staticmethod
    def instant_param(query: Mapping[str, str], name: str, end_of_day: bool = False) -> datetime | None:
        raw = query.get(name)
        if raw is None or raw == "":
            return None
        try:
            value = parse_instant(raw)
        except (ValueError, TypeError, OverflowError):
            raise Invalid([f"{name} must be a valid ISO 8601 date string"]) from None
        if end_of_day and len(raw.strip()) == 10:
            with contextlib.suppress(OverflowError):
                value += timedelta(days=1) - timedelta(milliseconds=1)
        return value

    def window(self, query: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
        problems: list[str] = []
        values: list[datetime | None] = []
        for name, end in (("from", False), ("until", True)):
            try:
                values.append(self.instant_param(query, name, end))
            except Invalid as exc:
                problems += list(exc.message)
                values.append(None)
        if problems:
            raise Invalid(problems)
        start, stop = values
        if start is not None and stop is not None and start > stop:
            raise Invalid(["from must be before or equal to until"])
        return start, stop

    @staticmethod
    def choice_param(query: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
        raw = query.get(name)
        if raw is None or raw == "":
            return None
        if raw not in allowed:
            raise Invalid([f"{name} must be one of the following values: {', '.join(allowed)}"])
        return raw

    @staticmethod
    def keyset(
        index: KeysetIndex,
        params: PageParams,
        *,
        descending: bool = False,
        lower: Any = None,
        upper: Any = None,
        accept: Callable[[str], bool] | None = None,
    ) -> list[str]:
        try:
            return index.page(
                params.limit, params.after, descending=descending, lower=lower, upper=upper, accept=accept
            )
        except UnknownCursor:
            shown = params.after[:100] if params.after else ""
            raise Invalid([f"after must be the id of an item of this list ('{shown}' is not)"]) from None

    # -- outgoing events -----------------------------------------------------------------------
    def emit(self, account: Account, company: Company, event_type: str, data: dict[str, Any]) -> None:
        targets = [s for s in company.webhooks.values() if s.enabled and event_type in s.event_types]
        if not targets:
            return
        event = {
            "id": self.ctx.ids.uuid4(),
            "type": event_type,
            "createdAt": iso(self.now()),
            "companyId": company.id,
            "data": data,
        }
        body = dumps(event)
        for subscription in targets:
            self.ctx.send_webhook(
                account.tenant,
                event_type,
                subscription.url,
                body,
                self.event_headers(body, event, subscription.secret),
                WEBHOOK_RETRY,
            )

    @staticmethod
    def event_headers(body: bytes, event: dict[str, Any], secret: str) -> dict[str, str]:
        return {
            "x-webhook-signature": sign_body(body, secret),
            "x-webhook-id": str(event["id"]),
            "x-webhook-event": str(event["type"]),
            "user-agent": USER_AGENT,
        }

    # -- cross-part hooks (implemented by the parts) ---------------------------------------------
    def start_sending_events(
        self, account: Account, company: Company, job: Any, recipients: list[Any]
    ) -> None:
        raise NotImplementedError

    def sending_event_final(self, account: Account, company: Company, event: Any) -> None:
        raise NotImplementedError
