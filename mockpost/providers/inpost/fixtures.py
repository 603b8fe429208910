"""Seed data from --fixtures: tokens with their organizations, webhook and shipments in any status.

inpost:
  accounts:
    - token: demo-token
      read_only: false                  # true: reads answer, every change is 403 forbidden
      webhook: {url: "http://127.0.0.1:8000/_mockpost/inbox/inpost"}
      organizations:
        - id: 1234                      # optional; every field optional (fake Polish data fills in)
          name: Sklep Demo Sp. z o.o.
          tax_id: "5252248481"
          services: [inpost_locker_standard, inpost_courier_standard]
          shipments:
            - request: {...}            # a ShipX create-shipment body (validated as the API does)
              status: delivered         # walked through the usual statuses up to this one
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mockpost.core.account_webhook import webhook_from
from mockpost.core.filemodels import AccountName, FileModel, WebhookSetting
from mockpost.providers.inpost.errors import ShipxError
from mockpost.providers.inpost.lifecycle import SHIPMENT


def load_accounts(provider: Any, data: Any) -> None:
    backend = provider.backend
    for index, entry, tenant in provider.fixture_accounts(data, "a token"):
        organizations = entry.get("organizations") or [{}]
        if not isinstance(organizations, list) or not all(isinstance(o, dict) for o in organizations):
            raise ValueError(f"inpost fixtures: accounts[{index}].organizations must be a list of objects")
        read_only = entry.get("read_only", False)
        if not isinstance(read_only, bool):
            raise ValueError(f"inpost fixtures: accounts[{index}].read_only must be true or false")
        account = provider.tenant_state(tenant)
        account.organizations.clear()  # the fixture's organizations replace the made-up one
        for given in organizations:
            backend.organizations.fake(account, {k: v for k, v in given.items() if k != "shipments"})
        for org, given in zip(account.organizations.values(), organizations, strict=True):
            for number, item in enumerate(given.get("shipments") or []):
                _load_shipment(backend, account, org, item, f"accounts[{index}] shipments[{number}]")
        account.read_only = read_only  # after the seed shipments, which the fixture itself creates
        if entry.get("webhook") is not None:  # after the seed shipments: their history sends no events
            account.webhook = webhook_from(entry["webhook"])


def _load_shipment(backend: Any, account: Any, organization: Any, item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise ValueError(f"inpost fixtures: {where} must be an object with request and status")
    try:
        shipment = backend.shipments.create(account, organization, item.get("request"))
    except ShipxError as exc:
        raise ValueError(f"inpost fixtures: {where} is not a valid shipment: {exc.details}") from None
    status = item.get("status", "created")
    if status not in SHIPMENT.states:
        raise ValueError(f"inpost fixtures: {where} status {status!r} is not one of {SHIPMENT.states}")
    if status != "created":
        backend.flow.walk_to(account, shipment, status)


# -- the schema of the files (unknown keys are refused where the file is read) ----------------------
class ShipmentFixture(FileModel):
    request: dict[str, Any] = Field(description="A ShipX create-shipment body (validated as the API does)")
    status: str = Field(default="created", description="Walked through the usual statuses up to this one")


class OrganizationFixture(FileModel):
    """Every field optional: Polish fake data fills the rest."""

    id: int | None = None
    name: str | None = None
    tax_id: str | None = None
    services: list[str] | None = None
    address: dict[str, Any] | None = None
    contact_person: dict[str, Any] | None = None
    bank_account_number: str | None = None
    shipments: list[ShipmentFixture] = Field(default_factory=list)


class AccountSettings(FileModel):
    token: str = Field(description="Sent as 'Authorization: Bearer TOKEN'")
    read_only: bool = Field(default=False, description="Reads answer, every change is 403 forbidden")
    webhook: WebhookSetting | None = None
    organizations: list[OrganizationFixture] | None = None


class Fixtures(FileModel):
    accounts: list[AccountSettings] = Field(default_factory=list)


class AccountEntry(AccountSettings, AccountName):
    pass


FIXTURES, ACCOUNT = Fixtures, AccountEntry
