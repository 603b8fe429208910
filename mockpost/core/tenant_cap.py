"""Open mode's bound on accounts: at most `limit` per provider, the least recently used dropped.

In open mode every distinct credential is an account, so a client that invents keys (a fuzzer, a
test suite that uses a fresh key per test) would otherwise grow the sandbox without end. Each use
of an account marks it recent; when a new one would pass the limit, the least recently used one is
evicted, exactly as a tenant reset drops it: its state goes, its credentials keep working and meet
an empty account. Eviction rather than refusal, so a long-running sandbox never starts turning
credentials away; strict mode (an accounts file) lists its accounts and is not capped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

DEFAULT_LIMIT = 1_000


class TenantCap:
    def __init__(self, limit: int = DEFAULT_LIMIT, evict: Callable[[str, str], None] | None = None) -> None:
        self.limit = limit
        self.evict = evict or (lambda provider, tenant: None)
        self._used: dict[str, OrderedDict[str, None]] = {}  # per provider, least recent first

    def touch(self, provider: str, tenant: str) -> None:
        """`tenant` of `provider` was just used; evict the least recent ones past the limit.
        Runs on every authenticated request: the known account is the fast path."""
        used = self._used.get(provider)
        if used is None:
            used = self._used[provider] = OrderedDict()
        try:
            used.move_to_end(tenant)
            return
        except KeyError:
            used[tenant] = None
        while len(used) > self.limit:
            oldest, _ = used.popitem(last=False)
            self.evict(provider, oldest)

    def forget(self, provider: str | None = None, tenant: str | None = None) -> None:
        """Stop counting what a reset dropped: everything, a provider's accounts, or one account."""
        if provider is None:
            self._used.clear()
        elif tenant is None:
            self._used.pop(provider, None)
        else:
            self._used.get(provider, OrderedDict()).pop(tenant, None)

    def count(self, provider: str) -> int:
        return len(self._used.get(provider, ()))
