"""EasyPost Connect's rules over one account's state, one object per resource, each given what it
needs: workflows, jobs, sending events, the directory (companies, departments, users), Peppol
documents, usage and webhook hooks. Pure Python; no HTTP in here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.providers.easypost_connect.directory import Directory
from mockpost.providers.easypost_connect.hooks import Hooks
from mockpost.providers.easypost_connect.jobs import Jobs
from mockpost.providers.easypost_connect.peppol import Peppol
from mockpost.providers.easypost_connect.sending import SendingEvents
from mockpost.providers.easypost_connect.signing import Signer
from mockpost.providers.easypost_connect.state import Account, Job, SendingEvent
from mockpost.providers.easypost_connect.usage import Usage
from mockpost.providers.easypost_connect.workflows import Workflows

SENDING_EVENT_NAMES = ("sending_event", "sending-event", "sendingEvent")  # as a forced transition names it


class ConnectBackend:
    def __init__(self, ctx: ProviderContext, signer: Signer, workflows: list[dict[str, Any]]) -> None:
        self.ctx = ctx
        self.signer = signer
        self.hooks = Hooks(ctx)
        self.usage = Usage(ctx)
        self.workflows = Workflows(ctx, workflows)
        self.directory = Directory(ctx, self.workflows)
        self.peppol = Peppol(ctx, self.hooks, signer)
        # a job completes when its last SendingEvent is final: the events tell the jobs
        self.sending = SendingEvents(
            ctx,
            self.hooks,
            self.usage,
            signer,
            settled=lambda account, company, job_id: self.jobs.settle(account, company, job_id),
        )
        self.jobs = Jobs(ctx, self.workflows, self.sending, self.hooks, signer)

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return {**self.jobs.timer_actions(), **self.sending.timer_actions()}

    # -- an account's stateful objects, whatever company holds them ------------------------------
    @staticmethod
    def all_jobs(account: Account) -> Iterator[Job]:
        for company in account.companies.values():
            yield from company.jobs.values()

    @staticmethod
    def all_sending_events(account: Account) -> Iterator[SendingEvent]:
        for company in account.companies.values():
            yield from company.sending_events.values()

    @staticmethod
    def find_job(account: Account, job_id: str) -> Job | None:
        for company in account.companies.values():
            job = company.jobs.get(job_id)
            if job is not None:
                return job
        return None

    @staticmethod
    def find_sending_event(account: Account, event_id: str) -> SendingEvent | None:
        for company in account.companies.values():
            event = company.sending_events.get(event_id)
            if event is not None:
                return event
        return None

    # -- forced transitions (control plane, scenario rules) -----------------------------------------
    def force(self, account: Account, resource: str, item_id: str, state: str, reason: str | None) -> Any:
        if resource == "job":
            job = self.find_job(account, item_id)
            if job is None:
                raise UnknownResource(f"no job {item_id!r} in this account")
            self.jobs.force(account, job, state, reason)
            return job
        if resource in SENDING_EVENT_NAMES:
            event = self.find_sending_event(account, item_id)
            if event is None:
                raise UnknownResource(f"no sending-event {item_id!r} in this account")
            self.sending.force(account, event, state, reason)
            return event
        raise UnknownResource(f"resource must be 'job' or 'sending-event', not {resource!r}")
