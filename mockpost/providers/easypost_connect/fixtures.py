"""Seed data from --fixtures (the part under `easypost-connect`), built through the API's own rules.

easypost-connect:
  accounts:
    - api_key: demo-key
      company_name: Demo Partner            # the account's own company
      workflows:                            # added to the seeded ones (the API cannot create them)
        - {name: Invoices by e-mail, inputSource: PAYLOAD_PDF, tasks: [{type: EMAIL}]}
      webhooks:
        - {name: Demo, url: "http://127.0.0.1:8000/_mockpost/inbox/demo",
           eventTypes: [job.status.changed], secret: whsec_demo}   # secret optional
      companies:                            # managed companies (each gets the seeded workflows)
        - {name: Client BV, vatNumber: BE0123456789}
      departments: [{name: Finance}]
      users: [{email: ann@example.com, firstName: Ann, lastName: Peeters}]
      peppol_documents: [{senderId: "0208:0123456789", documentId: INV-1}]
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mockpost.core.filemodels import FORBID, AccountName, FileModel
from mockpost.core.tenancy import tenant_id_for
from mockpost.providers.easypost_connect import models
from mockpost.providers.easypost_connect.backend import ConnectBackend
from mockpost.providers.easypost_connect.state import Account

SECTIONS = ("workflows", "webhooks", "companies", "departments", "users", "peppol_documents")


def load_fixtures(provider: Any, data: Any) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("accounts", []), list):
        raise ValueError("easypost-connect fixtures: expected {accounts: [...]}")
    backend: ConnectBackend = provider.backend
    for index, entry in enumerate(data.get("accounts") or []):
        if not isinstance(entry, dict) or not entry.get("api_key"):
            raise ValueError(f"easypost-connect fixtures: accounts[{index}] needs an api_key")
        credential = f"api-key:{entry['api_key']}"
        tenant = provider.ctx.tenancy.resolve(provider.name, credential) or tenant_id_for(
            provider.name, credential
        )
        account: Account = provider.tenant_state(tenant)
        if entry.get("company_name"):
            account.root.name = str(entry["company_name"])
        for section in SECTIONS:
            items = entry.get(section) or []
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise ValueError(
                    f"easypost-connect fixtures: accounts[{index}].{section} must be a list of mappings"
                )
        load_account(backend, account, entry)


def load_account(backend: ConnectBackend, account: Account, entry: dict[str, Any]) -> None:
    """One account's sections, each item as the API (or the control plane) would take it."""
    root = account.root
    for spec in entry.get("workflows") or []:
        backend.workflows.add(root, spec)
    for spec in entry.get("webhooks") or []:
        create = {k: v for k, v in spec.items() if k != "secret"}
        subscription = backend.hooks.create(root, models.parse(models.WebhookCreate, create))
        if spec.get("secret"):
            subscription.secret = str(spec["secret"])
    for spec in entry.get("companies") or []:
        backend.directory.create_company(account, models.parse(models.CompanyCreate, spec))
    for spec in entry.get("departments") or []:
        backend.directory.create_department(account, root, models.parse(models.DepartmentCreate, spec))
    for spec in entry.get("users") or []:
        backend.directory.create_user(account, root, models.parse(models.UserCreate, spec))
    for spec in entry.get("peppol_documents") or []:
        backend.peppol.inject(account, root, models.parse(models.PeppolInject, spec))


# -- the schema of the files (unknown keys are refused where the file is read) ----------------------
class WorkflowFixture(models.WorkflowInject):
    model_config = FORBID
    id: str | None = Field(default=None, description="Default: a new UUID")


class WebhookFixture(models.WebhookCreate):
    model_config = FORBID
    secret: str | None = Field(default=None, description="The signing secret (default: generated)")


class CompanyFixture(models.CompanyCreate):
    model_config = FORBID


class DepartmentFixture(models.DepartmentCreate):
    model_config = FORBID


class UserFixture(models.UserCreate):
    model_config = FORBID


class PeppolFixture(models.PeppolInject):
    model_config = FORBID


class AccountFixture(FileModel):
    api_key: str = Field(description="Sent as the x-api-key header")
    company_name: str | None = Field(default=None, description="The account's own company")
    workflows: list[WorkflowFixture] = Field(default_factory=list, description="Added to the seeded ones")
    webhooks: list[WebhookFixture] = Field(default_factory=list)
    companies: list[CompanyFixture] = Field(default_factory=list, description="Managed companies")
    departments: list[DepartmentFixture] = Field(default_factory=list)
    users: list[UserFixture] = Field(default_factory=list)
    peppol_documents: list[PeppolFixture] = Field(default_factory=list)


class Fixtures(FileModel):
    accounts: list[AccountFixture] = Field(default_factory=list)


class AccountEntry(AccountName):
    api_key: str = Field(description="Sent as the x-api-key header")
    client_id: str | None = Field(default=None, description="With client_secret: the token URL's only pair")
    client_secret: str | None = None
    require_bearer: bool = Field(default=False, description="Every call needs a bearer token too")
    company_name: str | None = Field(default=None, description="The account's own company")


FIXTURES, ACCOUNT = Fixtures, AccountEntry
