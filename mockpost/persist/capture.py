"""Reading the sandbox into saved parts (JSON), for the snapshot document and the store alike.

Everything here runs on the event loop between two requests, so each part is read at one instant;
it only reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from mockpost import __version__
from mockpost.core.clock import iso_utc
from mockpost.core.codec import Codec
from mockpost.core.scheduler import Timer
from mockpost.core.webhooks import Delivery
from mockpost.persist.codecs import StateCodecs
from mockpost.persist.model import FORMAT, journal_json

if TYPE_CHECKING:
    from mockpost.sandbox import Sandbox

AccountKey = tuple[str, str]  # (provider, account)
DELIVERIES: Codec[Delivery] = Codec(Delivery)


def account_timer(timer: Timer) -> dict[str, Any]:
    return {"kind": timer.kind, "id": timer.id, "due": timer.due, "action": timer.action, "seq": timer.seq}


def saved_timer(timer: Timer) -> dict[str, Any]:
    return {**account_timer(timer), "provider": timer.provider, "account": timer.account}


def account_part(codec: Codec[Any], state: Any, timers: Iterable[Timer]) -> bytes:
    """One account: its state (the provider's class, through the generic codec) and its timers."""
    timer_list = orjson.dumps([account_timer(timer) for timer in timers])
    return b"".join((b'{"state":', codec.dump(state), b',"timers":', timer_list, b"}"))


def timers_by_account(
    timers: Iterable[Timer], wanted: set[AccountKey] | None = None
) -> tuple[dict[AccountKey, list[Timer]], list[Timer]]:
    """Pending timers grouped by account (only the `wanted` ones, if given), and those of no
    account."""
    by_account: dict[AccountKey, list[Timer]] = {}
    orphans: list[Timer] = []
    for timer in timers:
        if timer.account is None:
            orphans.append(timer)
            continue
        key = (timer.provider, timer.account)
        if wanted is None or key in wanted:
            by_account.setdefault(key, []).append(timer)
    return by_account, orphans


def provider_head(sandbox: Sandbox, name: str, account: str | None = None) -> dict[str, Any]:
    """A provider's part besides its accounts: id streams (whole provider only) and what open mode
    learnt of its credentials."""
    ctx = sandbox.providers[name].ctx
    return {
        "streams": ctx.streams() if account is None else None,
        "tenancy": sandbox.tenancy.export(name, account),
    }


def delivery_part(delivery: Delivery) -> bytes:
    return DELIVERIES.dump(delivery)


def journal_last_id(entries: list[Any]) -> int:
    return max((entry.id for entry in entries), default=0)


def export_document(
    sandbox: Sandbox, codecs: StateCodecs, provider: str | None = None, account: str | None = None
) -> bytes:
    """The snapshot document of the whole sandbox, one provider or one account (see model.py)."""
    names = [provider] if provider is not None else [p.name for p in sandbox.providers.loaded()]
    by_account, orphans = timers_by_account(sandbox.scheduler.live())
    providers: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for name in names:
        codec = codecs.codec(name)
        if codec is None:
            skipped[name] = codecs.refused[name]
            continue
        tenants = (
            [(account, sandbox.store.existing(name, account))]
            if account is not None
            else list(sandbox.store.tenants(name))
        )
        providers[name] = {
            **provider_head(sandbox, name, account),
            "accounts": {
                tenant: orjson.Fragment(account_part(codec, state, by_account.get((name, tenant), ())))
                for tenant, state in tenants
                if state is not None
            },
        }
    whole = provider is None
    deliveries = [
        orjson.Fragment(delivery_part(delivery))
        for delivery in sandbox.outbox.deliveries(provider, account)
        if delivery.provider in providers
    ]
    document: dict[str, Any] = {
        "mockpost_snapshot": FORMAT,
        "mockpost_version": __version__,
        "taken_at": iso_utc(sandbox.clock.now()),
        "seed": sandbox.settings.seed,
        "scope": {"provider": provider, "account": account},
        "clock": sandbox.clock.export(),
        "providers": providers,
        "skipped": skipped,
        "timers": [saved_timer(t) for t in orphans if account is None and t.provider in providers],
        "outbox": {**sandbox.outbox.counters(), "deliveries": deliveries},
    }
    if whole:
        entries = sandbox.journal.query()
        document["faults"] = sandbox.faults.export()
        document["journal"] = {
            "last_id": journal_last_id(entries),
            "entries": orjson.Fragment(journal_json(entries)),
        }
        document["inboxes"] = {name: sandbox.inboxes.items(name) for name, _ in sandbox.inboxes.sizes()}
    return orjson.dumps(document)
