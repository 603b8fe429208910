"""Seed data from --fixtures for the default (open-mode) organisation.

nirva:
  users: [...]              # replace the package users (same format as data/defaults.yaml)
  services: [...]           # replace the package services
  webhook: {url: ...}
  jobs:                     # made at start-up and after every reset, already split
    - login: demo           # the owner
      jobName: March invoices
      serviceId: "101"
      autocreateDeliveryCommand: true
      documents:            # one document per entry: its address block lines
        - ["Jean Dupont", "12 rue de la Paix", "75002 PARIS"]
"""

from __future__ import annotations

from typing import Any

from mockpost.core.pdf import make_pdf
from mockpost.providers.nirva.backend import NirvaBackend
from mockpost.providers.nirva.jobs import Upload
from mockpost.providers.nirva.models import JobCreationParameter
from mockpost.providers.nirva.state import MAIN_BOX, Organisation


def load_jobs(backend: NirvaBackend, org: Organisation, entries: Any) -> None:
    if not isinstance(entries, list):
        raise ValueError("nirva fixtures: jobs must be a list")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValueError(f"nirva fixtures: jobs[{index}] must be a mapping")
        user = org.user_by_login(str(entry.get("login", "")))
        if user is None:
            raise ValueError(f"nirva fixtures: jobs[{index}]: no user with login {entry.get('login')!r}")
        service = org.services.get(str(entry.get("serviceId", "")))
        if service is None:
            raise ValueError(f"nirva fixtures: jobs[{index}]: unknown serviceId {entry.get('serviceId')!r}")
        box = next(b for b in service.boxes if b.type == MAIN_BOX)
        documents = entry.get("documents") or [["Jean Dupont", "12 rue de la Paix", "75002 PARIS"]]
        pages = [
            [*map(str, lines), f"Page 1/1 - {entry.get('jobName', 'Fixture')} {n + 1}"]
            for n, lines in enumerate(documents)
        ]
        parameters = JobCreationParameter.parse(
            {
                key: entry[key]
                for key in ("jobName", "serviceId", "autocreateDeliveryCommand", "options")
                if key in entry
            }
        )
        upload = Upload(f"file_main{box.id}_0", "fixture.pdf", make_pdf(pages))
        job = backend.jobs.create_job(org, user, parameters, [upload])
        # already split: processed now rather than on the clock, and with autocreate and every
        # packGroup eligible, its deliveries made now too (they wait for the output trigger)
        backend.jobs.force(org, job, "PACK_GROUP_CREATED", None)
        if backend.jobs.delivery_planned(org, job):
            backend.jobs.force(org, job, "CREATED", None)
