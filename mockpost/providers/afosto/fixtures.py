"""Seed data from --fixtures: objects per account and collection.

```yaml
afosto:
  accounts:
    - token: demo-token              # a bearer token (open mode), or
      client_id: demo                # client credentials for POST /iam/oauth/authorize
      collections:
        /odr/orders: [{type: order, tags: [demo], lifecycle: confirmed}]
        /spl/hubs: [{name: Warehouse hub}]
```
Each object is the collection's documented example with the given fields laid over it, as if it
had been created through the API. `lifecycle` (orders, parcels, print jobs, batches ...) moves the
new object along its lifecycle table to that state, as the control plane's forced transition does;
loaded through `Provider.seed`, every such change is recorded with the cause `fixture`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from mockpost.core.filemodels import AccountName, FileModel
from mockpost.core.lifecycle import TransitionRefused, UnknownState
from mockpost.providers.afosto.lifecycle import BY_COLLECTION
from mockpost.providers.afosto.state import TenantState

if TYPE_CHECKING:
    from mockpost.providers.afosto.provider import AfostoProvider


class FixtureError(ValueError):
    pass


def move_to(
    provider: AfostoProvider, state: TenantState, collection: str, item: dict[str, Any], target: str
) -> None:
    kind = BY_COLLECTION.get(collection)
    if kind is None:
        raise FixtureError(
            f"afosto fixtures: {collection} has no lifecycle; lifecycles: {sorted(BY_COLLECTION)}"
        )
    key = str(item[provider.backend.store.key_field(collection)])
    try:
        provider.backend.objects.force(state, {"resource": kind.name, "id": key, "state": target})
    except (TransitionRefused, UnknownState) as exc:
        raise FixtureError(f"afosto fixtures: {exc}") from None


def load_fixtures(provider: AfostoProvider, data: Any) -> None:
    if not data:
        return
    if not isinstance(data, dict) or not isinstance(data.get("accounts", []), list):
        raise FixtureError("afosto fixtures: expected {accounts: [...]}")
    store = provider.backend.store
    for entry in data.get("accounts", []):
        credentials = sorted(provider.credentials_of(entry))
        if not credentials:
            raise FixtureError("afosto fixtures: an account needs a token or a client_id")
        tenant = provider.ctx.tenancy.resolve(provider.name, credentials[0])
        if tenant is None:
            raise FixtureError(f"afosto fixtures: {credentials[0]} is not in the accounts file")
        state = provider.tenant_state(tenant)
        for collection, objects in (entry.get("collections") or {}).items():
            if collection not in provider.catalog.collections:
                raise FixtureError(f"afosto fixtures: {collection!r} is not a collection of the catalog")
            store.items(state, collection, ())  # fixture items of read-only collections first
            for body in objects or []:
                if not isinstance(body, dict):
                    raise FixtureError(f"afosto fixtures: objects of {collection} must be mappings")
                fields = {k: v for k, v in body.items() if k != "lifecycle"}
                item = store.new_item(state, collection, (), fields)
                if "lifecycle" in body:
                    move_to(provider, state, collection, item, str(body["lifecycle"]))


# -- the schema of the files (unknown keys are refused where the file is read) ----------------------
class AccountSettings(FileModel):
    token: str | None = Field(default=None, description="A bearer token (open mode: any)")
    client_id: str | None = Field(default=None, description="For POST /iam/oauth/authorize")
    client_secret: str | None = Field(default=None, description="Checked when given")


class AccountFixture(AccountSettings):
    collections: dict[str, list[dict[str, Any]]] = Field(
        default_factory=dict,
        description="Catalog collection (/odr/orders) -> objects: the documented example with these "
        "fields over it; `lifecycle` moves the object to that state",
    )


class Fixtures(FileModel):
    accounts: list[AccountFixture] = Field(default_factory=list)


class AccountEntry(AccountSettings, AccountName):
    pass


FIXTURES, ACCOUNT = Fixtures, AccountEntry
