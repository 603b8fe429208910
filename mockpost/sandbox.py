"""The running sandbox: one clock, scheduler, store, journal, fault list and outbox, shared by
every provider, plus the operations the control plane and the pytest fixture expose.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mockpost.config import Settings
from mockpost.configfiles import ConfigError, YamlFile, read_checked
from mockpost.core.asgi import DIRECT, call_asgi
from mockpost.core.clock import Clock, iso_utc, parse_instant, reachable
from mockpost.core.events import Events
from mockpost.core.faults import Faults
from mockpost.core.ids import derive_seed
from mockpost.core.inbox import Inboxes
from mockpost.core.journal import Journal
from mockpost.core.provider import Provider, ProviderContext
from mockpost.core.registry import ProviderEntry, Providers
from mockpost.core.scheduler import Scheduler, Timer
from mockpost.core.store import Store
from mockpost.core.tenancy import Tenancy
from mockpost.core.tenant_cap import TenantCap
from mockpost.core.webhooks import DELIVERY, INBOX_PREFIX, Outbox, refuse_control_plane

if TYPE_CHECKING:
    import httpx

    from mockpost.persist.snapshots import Snapshots

logger = logging.getLogger("mockpost")
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"}


class Sandbox:
    def __init__(self, settings: Settings, providers: Iterable[ProviderEntry | type[Provider]]) -> None:
        self.settings = settings
        self.clock = Clock()
        self.scheduler = Scheduler(self.clock, self._run_timer)
        self.store = Store()
        self.tenancy = Tenancy()
        self.events = Events()
        self.tenant_cap = TenantCap(settings.max_tenants, self._forget_account)
        self.tenancy.on_use = self.tenant_cap.touch
        self.journal = Journal(settings.journal_size, settings.journal_max_bytes)
        self.faults = Faults(self._fault_rng())
        self.inboxes = Inboxes(settings.inbox_max_bytes, settings.max_inboxes)
        self.outbox = Outbox(
            self.clock,
            self.scheduler,
            self._send_webhook,
            max_bytes=int(settings.outbox_max_mb * 1024 * 1024),
            timeout=settings.webhook_timeout,
            concurrency=settings.webhook_concurrency,
            events=self.events,
        )
        self.app: Any = None  # the ASGI app, set by create_app, for deliveries addressed to the mock
        self.persistence: Any = None  # the store writer, set by create_app with a data directory
        self.self_origins: set[tuple[str, int]] = set()  # (host, port) where the server listens
        self._http: httpx.AsyncClient | None = None
        self.providers = Providers(
            (item if isinstance(item, ProviderEntry) else ProviderEntry.of(item) for item in providers),
            self._build_provider,
        )
        for name in settings.options:  # options are checked when a provider is built: build now
            if name not in self.providers:
                raise ConfigError(f"unknown provider {name!r}; known: {sorted(self.providers)}", "options")
            try:
                self.providers[name]
            except ConfigError:
                raise
            except ValueError as exc:
                raise ConfigError(f"{name}: {exc}", "options") from None
        entries = self.providers.entries()
        self._fixtures = [read_checked(path, "fixtures", entries) for path in settings.fixtures]
        if settings.accounts is not None:
            self._load_accounts(read_checked(settings.accounts, "accounts", entries))
        self._start_clock()
        self._apply_fixtures()

    def _build_provider(self, cls: type[Provider]) -> Provider:
        ctx = ProviderContext(
            name=cls.name,
            clock=self.clock,
            scheduler=self.scheduler,
            outbox=self.outbox,
            tenancy=self.tenancy,
            store=self.store,
            seed=self.settings.seed,
            options=dict(self.settings.options.get(cls.name, {})),
            max_body=self.settings.max_body_bytes,
            events=self.events,
        )
        return cls(ctx)

    def _run_timer(self, timer: Timer) -> Any:
        """Who does a due timer's work: the outbox for webhook attempts, else its provider."""
        if timer.kind == DELIVERY:
            return self.outbox.run_timer(timer)
        return self.providers[timer.provider].run_timer(timer)

    # -- clock --------------------------------------------------------------------
    def _start_clock(self) -> None:
        self.clock.reset()
        if self.settings.freeze_at:
            self.clock.freeze(parse_instant(self.settings.freeze_at))

    async def freeze(self, at: datetime | None = None) -> None:
        """Stop time (at an instant: moving there like `set_clock`, due work applied on the way)."""
        if at is not None:
            at = reachable(at)  # refuse before anything moves
        self.clock.freeze()
        if at is not None:
            await self.set_clock(at)
        self.scheduler.wakeup.set()
        self._clock_moved()

    def unfreeze(self) -> None:
        self.clock.unfreeze()
        self.scheduler.wakeup.set()
        self._clock_moved()

    async def set_clock(self, at: datetime) -> None:
        """Move to an instant: forward applies due work on the way, backward just jumps."""
        at = reachable(at)  # refuse before anything moves
        if at.timestamp() >= self.clock.timestamp():
            await self.scheduler.run_until(at.timestamp())
        else:
            self.clock.set(at)
        self.scheduler.wakeup.set()
        self._clock_moved()

    async def advance(self, seconds: float) -> datetime:
        """Move time forward, applying every due transition and delivering its webhooks first."""
        if seconds < 0:
            raise ValueError("the clock only advances forward")
        target = self.clock.timestamp() + seconds
        reachable(target, f"{seconds:g} seconds forward")  # refuse before anything moves
        await self.scheduler.run_until(target)
        self.scheduler.wakeup.set()
        self._clock_moved()
        return self.clock.now()

    def _clock_moved(self) -> None:
        """Tell listeners (the console's clock) where time stands now."""
        if self.events:
            self.events.publish("clock", self.describe_clock())

    async def run_due(self) -> int:
        return await self.scheduler.run_due()

    # -- reset --------------------------------------------------------------------
    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        """Empty state. A full reset also empties journal, faults, inboxes, deliveries and puts the
        clock back to real time; fixtures given at start-up are loaded again, after a full reset or
        a provider's. A reset of one account only empties it: the fixtures hold the other accounts
        too, which are still there."""
        self.clear(provider, tenant)
        if tenant is None:
            self._apply_fixtures(only=provider)
        self.events.publish("reset", {"provider": provider, "account": tenant})

    def clear(self, provider: str | None = None, tenant: str | None = None) -> None:
        """A reset without loading the fixtures again (and without telling anyone): what restoring a
        snapshot replaces."""
        names = [provider] if provider else list(self.providers)
        for name in names:
            self._forget_account(name, tenant)
            self.tenant_cap.forget(name, tenant)
            if tenant is None:
                self.tenancy.forget_secrets(name)
            if self.providers.is_loaded(name):  # one never loaded has nothing else to forget
                if tenant is None:
                    self.providers[name].ctx.reseed()
                self.providers[name].on_reset()
        if provider is None and tenant is None:
            self.scheduler.clear()
            self.journal.clear()
            self.faults.clear()
            self.faults.rng = self._fault_rng()
            self.inboxes.clear()
            self._start_clock()

    def _forget_account(self, provider: str, tenant: str | None) -> None:
        """Drop an account's (or, with no tenant, a provider's) state, timers and deliveries: what
        a reset does, and what the open-mode account cap does to the least recently used."""
        self.store.reset(provider, tenant)
        self.scheduler.clear(provider, tenant)
        self.outbox.clear(provider, tenant)

    def _fault_rng(self) -> random.Random:
        return random.Random(derive_seed(self.settings.seed, "faults"))

    # -- accounts and fixtures ----------------------------------------------------
    def _load_accounts(self, file: YamlFile) -> None:
        """Strict mode for each provider the file names (its shape was checked when it was read)."""
        missing = []
        for name, entries in file.data.items():
            provider = self.providers[name]
            for index, entry in enumerate(entries or []):
                credentials = provider.credentials_of(entry)
                if not credentials:
                    problem = f"{name}[{index}]: no credentials in {sorted(entry)}"
                    missing.append(file.error("accounts", problem, name, index))
                    continue
                label = str(entry.get("name", f"{name}-{index}"))
                settings = {k: v for k, v in entry.items() if k not in {"name"}}
                self.tenancy.add_account(name, label, credentials, settings)
            self.tenancy.make_strict(name)  # even with no entry: none of its credentials work
        if missing:
            raise ConfigError("\n".join(str(error) for error in missing), "accounts")

    def _apply_fixtures(self, only: str | None = None) -> None:
        for file in self._fixtures:  # each file's shape was checked when it was read
            for name, section in file.data.items():
                if section is not None and (only is None or only == name):
                    try:
                        self.providers[name].seed(section)
                    except Exception as exc:  # a provider's own refusal, e.g. an invalid address
                        raise file.error("fixtures", f"{name}: {exc}", name) from None

    # -- webhooks -----------------------------------------------------------------
    def addressed_to_self(self, url: str) -> bool:
        parts = urlsplit(url)
        if not parts.path.startswith(INBOX_PREFIX):
            return False
        if not self.self_origins:
            return True  # in-process: there is no socket, the inbox is ours
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if (host, port) in self.self_origins:
            return True
        return host in LOOPBACK_HOSTS and any(p == port for h, p in self.self_origins)

    async def _send_webhook(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        parts = urlsplit(url)
        refuse_control_plane(parts.path)
        if self.app is not None and self.addressed_to_self(url):
            raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
            raw_headers.append((b"content-length", str(len(body)).encode()))
            answer = await call_asgi(
                self.app,
                "POST",
                parts.path.encode(),
                parts.query.encode(),
                raw_headers,
                body,
                parts.hostname or "",
                internal=True,  # the sandbox's own delivery: no control token needed
            )
            return answer.status
        if self._http is None:
            import httpx  # only once a webhook leaves the process: keeps start-up lean

            self._http = httpx.AsyncClient(timeout=self.settings.webhook_timeout, follow_redirects=False)
        # DIRECT: a webhook leaving the sandbox is never caught by the sandbox's own `intercept()`
        response = await self._http.post(url, content=body, headers=headers, extensions={DIRECT: True})
        return response.status_code

    async def aclose(self) -> None:
        if self._http is not None:
            with contextlib.suppress(Exception):
                await self._http.aclose()
            self._http = None

    def warm_up(self) -> None:
        """Load every provider and build what it needs but need not block start-up for (a server
        runs this in a thread once it answers)."""
        for name in self.providers:
            try:
                self.providers[name].warm_up()
            except Exception:  # warming is an optimisation; the first real use builds it again
                logger.exception("%s: warm-up failed", name)

    # -- real-time progress -------------------------------------------------------
    async def ticker(self, max_wait: float = 1.0) -> None:
        """Apply due work as real time passes (server mode): wakes when work is added or due."""
        while True:
            try:
                await self.scheduler.run_due()
            except Exception:  # a failing job must not stop time for everyone else
                logger.exception("scheduled job failed")
            due = self.scheduler.next_due()
            wait = max_wait if due is None else max(0.0, min(max_wait, due - self.clock.timestamp()))
            self.scheduler.wakeup.clear()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.scheduler.wakeup.wait(), wait)

    @functools.cached_property
    def snapshots(self) -> Snapshots:
        """Export and restore snapshots of this sandbox (built on first use)."""
        from mockpost.persist.snapshots import Snapshots

        return Snapshots(self)

    def describe_clock(self) -> dict[str, Any]:
        return {"now": iso_utc(self.clock.now()), "frozen": self.clock.frozen}
