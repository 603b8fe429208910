"""EasyPost Connect's rules over one tenant's state, assembled from one part per resource.
Pure Python; no HTTP in here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext
from mockpost.providers.easypost_connect.directory import DirectoryPart
from mockpost.providers.easypost_connect.hooks import HooksPart
from mockpost.providers.easypost_connect.jobs import JobsPart
from mockpost.providers.easypost_connect.lifecycle import JOB, SENDING_EVENT, Timeline
from mockpost.providers.easypost_connect.peppol import PeppolPart
from mockpost.providers.easypost_connect.sending import SendingPart
from mockpost.providers.easypost_connect.signing import Signer
from mockpost.providers.easypost_connect.state import Account, Company
from mockpost.providers.easypost_connect.usage import UsagePart


class ConnectBackend(JobsPart, SendingPart, DirectoryPart, PeppolPart, HooksPart, UsagePart):
    def __init__(
        self, ctx: ProviderContext, timeline: Timeline, signer: Signer, workflows: list[dict[str, Any]]
    ) -> None:
        super().__init__(ctx, timeline, signer)
        self.workflow_specs = workflows

    def new_account(self, tenant: str, settings: dict[str, Any]) -> Account:
        account = Account(tenant=tenant, root_id="", settings=dict(settings))
        root = self.new_company(account, str(settings.get("company_name") or "Partner company"), None, {})
        account.root_id = root.id
        return account

    def seed_workflows(self, company: Company) -> None:
        now = self.now()
        count = len(self.workflow_specs)
        for index, spec in enumerate(self.workflow_specs):
            created = now - timedelta(milliseconds=count - index)
            self.add_workflow(company, {k: v for k, v in spec.items() if k not in ("key", "id")}, created)

    # -- control plane -----------------------------------------------------------------------
    def find_owner(self, account: Account, kind: str, item_id: str) -> Company:
        for company in account.companies.values():
            if item_id in (company.jobs if kind == "job" else company.sending_events):
                return company
        raise UnknownResource(f"no {kind} {item_id!r} in this account")

    def force(self, account: Account, resource: str, item_id: str, state: str, reason: str | None) -> Any:
        if resource == "job":
            company = self.find_owner(account, "job", item_id)
            job = company.jobs[item_id]
            JOB.check(job.status, state)
            self.force_job(account, company, job, state, reason)
            return job
        if resource in ("sending-event", "sending_event", "sendingEvent"):
            company = self.find_owner(account, "sending-event", item_id)
            event = company.sending_events[item_id]
            SENDING_EVENT.check(event.business_status, state)
            self.force_sending_event(account, company, event, state, reason)
            return event
        raise UnknownResource(f"resource must be 'job' or 'sending-event', not {resource!r}")
