"""Keeping the store up to date: what changed is noted as it happens, and written at most a second
later, in one transaction.

The request path only takes note: listeners of the sandbox's events (`request`, `transition`,
`control`, `reset`, `restored`), of the journal and of the scheduler's instants add keys to sets and
entries to a list. No I/O and no serialization happen there. Once a second, if anything changed,
`capture` reads what changed on the event loop (the accounts touched, with their timers; the small
sandbox-wide parts that differ from what was written; deliveries whose progress moved; new journal
entries; inboxes written to) and a worker thread writes it in one transaction. A graceful stop
writes what is left.

So after `kill -9` at most the last second of changes is lost (plus the few milliseconds a write
takes), and never part of one: a flush is read at one instant between two requests and committed
whole, or not at all.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from typing import TYPE_CHECKING, Any

import orjson

from mockpost.core.journal import Entry
from mockpost.core.scheduler import Timer
from mockpost.persist.capture import (
    AccountKey,
    account_part,
    delivery_part,
    provider_head,
    saved_timer,
    timers_by_account,
)
from mockpost.persist.errors import StoreRefused
from mockpost.persist.restore import SnapshotError, apply, read
from mockpost.persist.sqlite import PROVIDER_PART, Batch, SqliteStore

if TYPE_CHECKING:
    from mockpost.persist.snapshots import Snapshots
    from mockpost.sandbox import Sandbox

logger = logging.getLogger("mockpost")
FLUSH_INTERVAL = 1.0  # seconds: the most a crash can lose
CONTROL = "/_mockpost"
INBOX = "/inbox/"
# control routes that change only sandbox-wide parts (or publish their own event): no account to mark
SANDBOX_WIDE = ("/clock", "/faults", "/journal", "/webhooks", "/reset", "/snapshot", "/inbox")


class Persistence:
    def __init__(self, sandbox: Sandbox, store: SqliteStore, interval: float = FLUSH_INTERVAL) -> None:
        self.sandbox = sandbox
        self.snapshots: Snapshots = sandbox.snapshots
        self.store = store
        self.interval = interval
        self.saves = 0
        self.last_error: str | None = None
        self.last_capture_ms = 0.0  # reading the changed parts, on the event loop
        self.last_write_ms = 0.0  # writing them, in a worker thread
        # what changed since the last capture
        self._accounts: set[AccountKey] = set()
        self._sweeps: set[str | None] = set()  # providers whose every account changed (None: all)
        self._inboxes: set[str] = set()
        self._journal: list[Entry] = []
        self._journal_cleared = False
        self._everything = False
        self._touched = False
        # what the store holds
        self._saved_accounts: set[AccountKey] = set()
        self._saved_inboxes: set[str] = set()
        self._written_parts: dict[str, bytes] = {}
        self._delivery_marks: dict[str, tuple[str, int, int]] = {}
        self._journal_last_id = 0
        self._writing = False
        self._lock = asyncio.Lock()
        self._unsubscribe: list[Any] = []

    # -- start ---------------------------------------------------------------------------
    def load(self) -> bool:
        """Restore what the store holds (False when it is empty). StoreRefused when it cannot be
        read: damaged, or written by a version whose data this one cannot take."""
        try:
            if self.store.is_empty():
                return False
            document = self.store.document()
            content = read(self.sandbox, self.snapshots.codecs, document)
        except SnapshotError as exc:
            if self.store.written_by != _version():
                raise StoreRefused(
                    f"the store {self.store.path} was written by mockpost {self.store.written_by}, and "
                    f"mockpost {_version()} cannot read it ({exc}); save a snapshot with mockpost "
                    f"{self.store.written_by} first, or give another --data-dir"
                ) from None
            raise self.store.damaged(str(exc)) from None
        except (ValueError, sqlite3.Error) as exc:  # a row that is not JSON at all, a bad page
            raise self.store.damaged(str(exc)) from None
        apply(self.sandbox, content)
        self._saved_accounts = {
            (name, account) for name, part in content.providers.items() for account in part.accounts
        }
        self._saved_inboxes = set(content.inboxes or {})
        self._delivery_marks = {d.id: _mark(d) for d in self.sandbox.outbox.deliveries()}
        self._journal_last_id = content.journal.last_id if content.journal else 0
        return True

    def start(self) -> None:
        """Listen from now on (after load and any start-up restore)."""
        sandbox = self.sandbox
        self._unsubscribe = [
            sandbox.events.subscribe(self._on_event),
            sandbox.journal.subscribe(self._on_entry),
            sandbox.scheduler.after_instant(self._on_instant),
        ]

    def save_everything(self) -> None:
        """Write the whole sandbox at the next flush (a store filled from a snapshot, say)."""
        self._everything = True

    # -- taking note (on the request path: sets and lists only) ----------------------------
    def _on_event(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "control":
            self._on_control(data["method"], data["path"], data.get("account"))
            return
        self._touched = True
        if kind in ("request", "transition", "delivery"):  # a delivery's next attempt is its account's timer
            account = data.get("account")
            if account is not None:
                self._accounts.add((data["provider"], account))
        elif kind == "reset":
            self._on_reset(data.get("provider"), data.get("account"))
        elif kind == "restored":
            self._everything = True

    def _on_reset(self, provider: str | None, account: str | None) -> None:
        self._accounts.update(
            key
            for key in self._saved_accounts
            if (provider is None or key[0] == provider) and (account is None or key[1] == account)
        )
        self._sweeps.add(provider)  # fixtures were loaded again
        if provider is None and account is None:
            self._journal_cleared = True
            self._journal.clear()
            self._inboxes.update(self._saved_inboxes)

    def _on_control(self, method: str, path: str, account: str | None) -> None:
        """A control-plane request that may have changed something (reads are not published)."""
        rest = path[len(CONTROL) :]
        named = _provider_in(rest)
        self._touched = True
        if account is not None and named in self.sandbox.providers:
            self._accounts.add((named, account))
        if rest.startswith(INBOX):
            name = rest[len(INBOX) :]
            if name and "/" not in name:
                self._inboxes.add(name)
        elif rest == "/journal" and method == "DELETE":
            self._journal_cleared = True
            self._journal.clear()
        elif not rest.startswith(SANDBOX_WIDE) and account is None:
            # a route that may change accounts it does not name (a scenario's world, say)
            self._sweeps.add(named if named in self.sandbox.providers else None)

    def _on_entry(self, entry: Entry) -> None:
        self._journal.append(entry)

    def _on_instant(self, timers: list[Timer]) -> None:
        self._touched = True
        for timer in timers:
            if timer.account is not None:
                self._accounts.add((timer.provider, timer.account))

    @property
    def unsaved(self) -> bool:
        """Whether something changed that the store does not hold yet."""
        return bool(
            self._writing
            or self._touched
            or self._accounts
            or self._sweeps
            or self._inboxes
            or self._journal
            or self._journal_cleared
            or self._everything
        )

    # -- capturing (on the event loop, between two requests) --------------------------------
    def capture(self) -> Batch:
        sandbox = self.sandbox
        batch = Batch()
        if self._everything:
            self._start_over(batch)
        accounts, self._accounts = self._accounts, set()
        sweeps, self._sweeps = self._sweeps, set()
        for swept in sweeps:
            names = [swept] if swept is not None else [p.name for p in sandbox.providers.loaded()]
            for name in names:
                accounts.update((name, tenant) for tenant, _ in sandbox.store.tenants(name))
        touched, self._touched = self._touched, False
        if touched:  # accounts that went without a word (open mode's bound evicts the least used)
            accounts.update(key for key in self._saved_accounts if sandbox.store.existing(*key) is None)
        if accounts or touched:
            by_account, orphans = timers_by_account(sandbox.scheduler.live(), accounts)
            self._capture_accounts(batch, accounts, by_account)
            if touched:
                self._capture_parts(batch, orphans)
                self._capture_deliveries(batch)
        batch.journal, self._journal = self._journal, []
        batch.journal_cleared, self._journal_cleared = self._journal_cleared, False
        batch.journal_capacity = sandbox.journal.capacity
        inboxes, self._inboxes = self._inboxes, set()
        for name in inboxes:
            items = sandbox.inboxes.items(name)
            batch.inboxes[name] = orjson.dumps(items) if items else None
            (self._saved_inboxes.add if items else self._saved_inboxes.discard)(name)
        return batch

    def _start_over(self, batch: Batch) -> None:
        """Everything again: the store is rewritten from scratch in this batch."""
        sandbox = self.sandbox
        self._everything = False
        batch.everything = True
        self._saved_accounts, self._saved_inboxes = set(), set()
        self._written_parts, self._delivery_marks = {}, {}
        self._sweeps.add(None)
        self._touched = True
        self._journal = sandbox.journal.query()
        self._journal_cleared = True
        self._inboxes.update(name for name, _ in sandbox.inboxes.sizes())

    def _capture_accounts(
        self, batch: Batch, accounts: set[AccountKey], by_account: dict[AccountKey, list[Timer]]
    ) -> None:
        store, codecs = self.sandbox.store, self.snapshots.codecs
        for key in accounts:
            name, tenant = key
            if name not in self.sandbox.providers or not self.sandbox.providers.is_loaded(name):
                continue
            codec = codecs.codec(name)
            if codec is None:
                continue
            state = store.existing(name, tenant)
            if state is None:
                if key in self._saved_accounts:
                    batch.accounts[key] = None
                    self._saved_accounts.discard(key)
                continue
            try:
                batch.accounts[key] = account_part(codec, state, by_account.get(key, ()))
            except ValueError as exc:
                self._report(f"{name} account {tenant} not saved: {exc}")
                continue
            self._saved_accounts.add(key)

    def _capture_parts(self, batch: Batch, orphans: list[Timer]) -> None:
        sandbox = self.sandbox
        if self._journal:
            self._journal_last_id = self._journal[-1].id
        parts: dict[str, Any] = {
            "seed": sandbox.settings.seed,
            "clock": sandbox.clock.export(),
            "faults": sandbox.faults.export(),
            "outbox": sandbox.outbox.counters(),
            "journal": {"last_id": self._journal_last_id},
        }
        saved_providers = []
        for provider in sandbox.providers.loaded():
            if self.snapshots.codecs.codec(provider.name) is not None:
                saved_providers.append(provider.name)
                parts[PROVIDER_PART + provider.name] = provider_head(sandbox, provider.name)
        parts["timers"] = [saved_timer(t) for t in orphans if t.provider in saved_providers]
        for name, value in parts.items():
            body = orjson.dumps(value)
            if self._written_parts.get(name) != body:
                batch.parts[name] = body
                self._written_parts[name] = body

    def _capture_deliveries(self, batch: Batch) -> None:
        codecs = self.snapshots.codecs
        current = {}
        for delivery in self.sandbox.outbox.deliveries():
            if codecs.codec(delivery.provider) is None:
                continue
            current[delivery.id] = delivery
            mark = _mark(delivery)
            if self._delivery_marks.get(delivery.id) != mark:
                batch.deliveries[delivery.id] = delivery_part(delivery)
                self._delivery_marks[delivery.id] = mark
        for gone in [key for key in self._delivery_marks if key not in current]:
            batch.deliveries[gone] = None
            del self._delivery_marks[gone]

    # -- writing -------------------------------------------------------------------------
    async def flush(self) -> None:
        """Capture what changed now, and write it (in a worker thread) before returning."""
        async with self._lock:
            started = time.perf_counter()
            batch = self.capture()
            if not batch:
                return
            captured = time.perf_counter()
            self.last_capture_ms = round((captured - started) * 1000, 1)
            self._writing = True
            try:
                await asyncio.to_thread(self.store.write, batch)
                self.last_write_ms = round((time.perf_counter() - captured) * 1000, 1)
            except Exception as exc:
                self._everything = True  # what this batch held is written with everything next time
                self._report(f"could not write the store {self.store.path}: {exc}")
                return
            finally:
                self._writing = False
            self.saves += 1
            self.last_error = None

    async def run(self) -> None:
        """Flush once a second, start to start, for as long as the server runs: a change waits at
        most a second for the capture that writes it."""
        loop = asyncio.get_running_loop()
        due = loop.time() + self.interval
        while True:
            await asyncio.sleep(max(0.0, due - loop.time()))
            due = max(due + self.interval, loop.time())  # a flush longer than a second: the next at once
            try:
                await self.flush()
            except Exception:  # never let the flusher die: the next second tries again
                logger.exception("persistence: flush failed")

    async def close(self) -> None:
        """Write what is left and let go of the store (graceful stop)."""
        try:
            await self.flush()
        finally:
            for unsubscribe in self._unsubscribe:
                unsubscribe()
            self.store.close()

    def status(self) -> dict[str, Any]:
        return {
            "enabled": True,
            "path": str(self.store.path),
            "saves": self.saves,
            "unsaved": self.unsaved,
            "interval_seconds": self.interval,
            "last_capture_ms": self.last_capture_ms,
            "last_write_ms": self.last_write_ms,
            "last_error": self.last_error,
            "not_saved": dict(self.snapshots.codecs.refused),
        }

    def _report(self, message: str) -> None:
        if message != self.last_error:
            logger.error("persistence: %s", message)
        self.last_error = message


def _mark(delivery: Any) -> tuple[str, int, int]:
    """What changes when a delivery progresses (its attempts only grow)."""
    return (delivery.state, len(delivery.attempts), delivery.retries_left)


def _provider_in(rest: str) -> str:
    """The provider a control path names: /state/NAME, or /NAME/... for its own routes."""
    parts = rest.split("/")
    if len(parts) > 2 and parts[1] == "state":
        return parts[2]
    return parts[1] if len(parts) > 1 else ""


def _version() -> str:
    from mockpost import __version__

    return __version__
