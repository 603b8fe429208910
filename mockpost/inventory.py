"""What the sandbox holds, asked the same way of every provider: accounts, their objects, each
object's history and timers, and all pending timed work. Built on the resource model only
(`Provider.kinds`, the scheduler's timers), so it knows no provider. The control plane serves it
over HTTP; the pytest handle calls it directly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mockpost.core.clock import iso_utc
from mockpost.core.http import dumps

if TYPE_CHECKING:
    from mockpost.core.provider import Provider
    from mockpost.core.resources import Document, ResourceKind
    from mockpost.sandbox import Sandbox


class NotFound(LookupError):
    """An account, kind or object the sandbox does not have; the message says which."""


def accounts(sandbox: Sandbox, provider: str | None = None) -> list[dict[str, Any]]:
    """Every account that holds state, with a readable label and its object counts per kind."""
    found = []
    for loaded in sandbox.providers.loaded():
        if provider is not None and loaded.name != provider:
            continue
        for tenant, state in list(sandbox.store.tenants(loaded.name)):
            found.append(
                {
                    "provider": loaded.name,
                    "account": tenant,
                    "label": loaded.account_label(tenant),
                    "objects": {
                        kind.name: sum(1 for _ in kind.objects(state)) for kind in loaded.kinds.values()
                    },
                }
            )
    return found


def objects(
    sandbox: Sandbox,
    provider: str,
    account: str,
    kind: str | None = None,
    state: str | None = None,
    text: str | None = None,
) -> list[dict[str, Any]]:
    """An account's objects (of one kind, in one state, whose id or wire JSON holds `text`, any
    case), oldest first."""
    loaded, _, tenant_state = _account(sandbox, provider, account)
    kinds = list(loaded.kinds.values())
    if kind is not None:
        if kind not in loaded.kinds:
            raise NotFound(f"{provider} has no kind {kind!r}; kinds: {sorted(loaded.kinds)}")
        kinds = [loaded.kinds[kind]]
    needle = text.lower() if text else None
    found = [
        resource_kind.summary(obj)
        for resource_kind in kinds
        for obj in resource_kind.objects(tenant_state)
        if (state is None or str(obj.state) == state)
        and (needle is None or _mentions(resource_kind, obj, needle))
    ]
    found.sort(key=lambda item: item["created_at"])
    return found


def describe(sandbox: Sandbox, provider: str, account: str, kind: str, object_id: str) -> dict[str, Any]:
    """One object: `{kind, id, state, created_at, updated_at, wire, history, timers, related, ...}`,
    with its account's id and readable `label`."""
    loaded, tenant, _ = _account(sandbox, provider, account)
    if kind not in loaded.kinds:
        raise NotFound(f"{provider} has no kind {kind!r}; kinds: {sorted(loaded.kinds)}")
    described = loaded.describe_object(tenant, kind, object_id)
    if described is None:
        raise NotFound(f"no {kind} {object_id!r} in this account")
    return {**described, "account": tenant, "label": loaded.account_label(tenant)}


def documents(sandbox: Sandbox, provider: str, account: str, kind: str, object_id: str) -> list[Document]:
    """The files an object holds or made (a letter's PDF, a label), as `Document`s."""
    loaded, tenant, _ = _account(sandbox, provider, account)
    found = loaded.object_documents(tenant, kind, object_id)
    if found is None:
        raise NotFound(f"no {kind} {object_id!r} in this account")
    return found


def delete(sandbox: Sandbox, provider: str, account: str, kind: str, object_id: str) -> bool:
    """Delete an object as its API would; False when its kind cannot be deleted."""
    loaded, tenant, _ = _account(sandbox, provider, account)
    deleted = loaded.delete_object(tenant, kind, object_id)
    if deleted is None:
        raise NotFound(f"no {kind} {object_id!r} in this account")
    return deleted


def timers(sandbox: Sandbox) -> list[dict[str, Any]]:
    """Every pending timer, by due time (ties in the order they run)."""
    return [{**timer.as_dict(), "due": _iso(timer.due)} for timer in sandbox.scheduler.pending()]


def delivery_attempts(sandbox: Sandbox, provider: str | None = None) -> list[dict[str, Any]]:
    """Every webhook delivery attempt (with its delivery's provider, event, account and state),
    oldest first."""
    items = [
        {
            **delivery.attempt_dict(attempt),
            "provider": delivery.provider,
            "event": delivery.event,
            "tenant": delivery.tenant,
            "delivery_state": delivery.state,
        }
        for delivery in sandbox.outbox.deliveries(provider)
        for attempt in delivery.attempts
    ]
    items.sort(key=lambda item: item["id"])
    return items


def tenant_named(sandbox: Sandbox, text: str, provider: str | None = None) -> str:
    """The tenant id a filter names, by id, label or raw credential (unchanged when unknown)."""
    names = [provider] if provider else list(sandbox.providers)
    for name in names:
        tenant = sandbox.tenancy.find(name, text)
        if tenant is not None:
            return tenant
    return text


def _account(sandbox: Sandbox, provider: str, account: str) -> tuple[Provider, str, Any]:
    if provider not in sandbox.providers:
        raise NotFound(f"unknown provider {provider!r}; known: {sorted(sandbox.providers)}")
    loaded = sandbox.providers[provider]
    tenant = tenant_named(sandbox, account, provider)
    state = sandbox.store.existing(provider, tenant)
    if state is None:
        raise NotFound(f"{provider} has no account {account!r}")
    return loaded, tenant, state


def _mentions(kind: ResourceKind, obj: Any, needle: str) -> bool:
    if needle in kind.id_of(obj).lower():
        return True
    return needle in dumps(kind.wire(obj)).decode("utf-8", "replace").lower()


def _iso(epoch: float) -> str:
    return iso_utc(datetime.fromtimestamp(epoch, UTC))
