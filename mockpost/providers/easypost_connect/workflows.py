"""Workflows: seeded for every company from package data (the real API cannot create them; the
control plane can add one), read-only through the API, and the rules a job's workflow must meet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.easypost_connect import models, query
from mockpost.providers.easypost_connect.errors import BadRequest, found
from mockpost.providers.easypost_connect.state import Company, Workflow


@dataclass
class Workflows:
    ctx: ProviderContext
    seeded: list[dict[str, Any]]  # data/workflows.yaml

    def seed(self, company: Company) -> None:
        """The seeded workflows, created a millisecond apart just before now (listed in file order)."""
        now = self.ctx.now()
        count = len(self.seeded)
        for index, spec in enumerate(self.seeded):
            created = now - timedelta(milliseconds=count - index)
            self.add(company, {k: v for k, v in spec.items() if k not in ("key", "id")}, created)

    def add(self, company: Company, spec: Mapping[str, Any], created_at: datetime | None = None) -> Workflow:
        """A workflow as the portal would make it (created now, unless said otherwise)."""
        tasks = [dict(t) if isinstance(t, dict) else {"type": str(t)} for t in spec.get("tasks") or []]
        workflow = Workflow(
            id=str(spec.get("id") or self.ctx.ids.uuid4()),
            name=str(spec.get("name") or "Workflow"),
            company_id=company.id,
            input_source=str(spec.get("inputSource", "SINGLE_FILE")),
            tasks=tasks,
            enabled=bool(spec.get("enabled", True)),
            validated=bool(spec.get("validated", True)),
            created_at=created_at or self.ctx.now(),
            description=str(spec.get("description") or ""),
            accepted_file_types=[str(x).upper() for x in spec.get("acceptedFileTypes") or []]
            or (["PDF"] if spec.get("inputSource") != "PAYLOAD_WORD" else []),
            pages_per_sending_event=int(spec.get("pagesPerSendingEvent", 0) or 0),
        )
        if workflow.input_source not in models.INPUT_SOURCES:
            raise ValueError(f"inputSource must be one of {models.INPUT_SOURCES}")
        company.workflows[workflow.id] = workflow
        company.workflow_index.add(workflow.id, workflow.created_at)
        return workflow

    def get(self, company: Company, workflow_id: str) -> Workflow:
        return found(company.workflows, workflow_id, "Workflow")

    def page(self, company: Company, params: Mapping[str, str]) -> list[Workflow]:
        paging = query.page(params)
        source = query.choice_param(params, "inputSource", models.INPUT_SOURCES)

        def accept(workflow_id: str) -> bool:
            return source is None or company.workflows[workflow_id].input_source == source

        ids = query.keyset(company.workflow_index, paging, accept=accept if source else None)
        return [company.workflows[i] for i in ids]

    def usable(self, company: Company, workflow_id: str, source: str) -> Workflow:
        """The job-creation rules: the workflow exists, is enabled, validated, of this input source."""
        workflow = self.get(company, workflow_id)
        if not workflow.enabled:
            raise BadRequest(f"Workflow '{workflow.id}' is disabled")
        if not workflow.validated:
            raise BadRequest(
                f"Workflow '{workflow.id}' is not validated; only validated workflows can be used"
            )
        if workflow.input_source != source:
            raise BadRequest(
                f"Workflow '{workflow.id}' has input source {workflow.input_source}; "
                f"this endpoint needs a {source} workflow"
            )
        return workflow
