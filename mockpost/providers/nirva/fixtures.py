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

from pydantic import Field, StrictBool, StrictInt, StrictStr

from mockpost.core.filemodels import AccountName, FileModel, WebhookSetting
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


# -- the schema of the files (unknown keys are refused where the file is read) ----------------------
class OrganisationInfo(FileModel):
    id: int = 1
    name: str = "Organisation"


class UserEntry(FileModel):
    id: int | None = Field(default=None, description="Default: its position in the list, from 1")
    login: str
    password: str = ""
    firstName: str = ""
    lastName: str = ""
    email: str = ""
    administrator: bool = Field(default=False, description="May create jobs for another user")
    services: list[str] | None = Field(default=None, description="Service ids; default: every service")
    token: str | None = Field(default=None, description="A session open with this token from the start")


class BoxEntry(FileModel):
    id: str | int
    name: str
    type: str = Field(default="MAIN", description="MAIN (split into documents) or ATTACHMENT")
    channel: str = Field(default="MAIL", description="MAIL, REGISTERED_MAIL, EMAIL or MULTICHANNEL")


class ServiceEntry(FileModel):
    id: str | int
    name: str = ""
    defaultOptions: list[int] = Field(default_factory=list)
    boxes: list[BoxEntry]


class OrganisationEntry(FileModel):
    """An organisation's users, services and webhook (replacing the package defaults' parts)."""

    organisation: OrganisationInfo | None = None
    users: list[UserEntry] | None = None
    services: list[ServiceEntry] | None = None
    webhook: WebhookSetting | None = None


class JobFixture(FileModel):
    login: str = Field(description="The owner's login")
    jobName: StrictStr | None = None
    serviceId: StrictStr | StrictInt
    autocreateDeliveryCommand: StrictBool = False
    options: list[StrictInt | StrictStr] | None = None
    documents: list[list[str]] | None = Field(
        default=None, description="One document per entry: its address block lines"
    )


class Fixtures(OrganisationEntry):
    jobs: list[JobFixture] = Field(default_factory=list, description="Made already split")


class AccountEntry(OrganisationEntry, AccountName):
    """An organisation of the accounts file: only its users' login/password pairs sign in."""


FIXTURES, ACCOUNT = Fixtures, AccountEntry
