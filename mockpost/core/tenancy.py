"""Credentials -> tenant.

Open mode (the default): every distinct credential is its own isolated account, created on first
use. Strict mode (an accounts file): only listed credentials work, and several credentials listed
on one account (an API key and a username/password, say) reach the same tenant.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Account:
    tenant_id: str
    name: str
    credentials: set[str] = field(default_factory=set)
    settings: dict[str, object] = field(default_factory=dict)


class Tenancy:
    def __init__(self) -> None:
        self.strict = False
        self._by_credential: dict[tuple[str, str], Account] = {}
        self._accounts: dict[tuple[str, str], Account] = {}
        self.on_use: Callable[[str, str], None] | None = None  # open mode: told each account used

    def add_account(
        self, provider: str, name: str, credentials: set[str], settings: dict[str, object]
    ) -> Account:
        """Register an account (strict mode); its tenant id is derived from its first credential."""
        self.strict = True
        tenant_id = tenant_id_for(provider, sorted(credentials)[0]) if credentials else name
        account = Account(tenant_id, name, set(credentials), dict(settings))
        self._accounts[(provider, tenant_id)] = account
        for credential in credentials:
            self._by_credential[(provider, credential)] = account
        return account

    def resolve(self, provider: str, credential: str) -> str | None:
        """The tenant for a credential, or None when strict mode does not know it."""
        account = self._by_credential.get((provider, credential))
        if account is not None:
            return account.tenant_id
        if self.strict:
            return None
        tenant_id = tenant_id_for(provider, credential)
        if self.on_use is not None:
            self.on_use(provider, tenant_id)
        return tenant_id

    def account(self, provider: str, tenant_id: str) -> Account | None:
        return self._accounts.get((provider, tenant_id))

    def accounts(self, provider: str) -> list[Account]:
        return [account for (name, _), account in self._accounts.items() if name == provider]


@functools.lru_cache(maxsize=4096)
def tenant_id_for(provider: str, credential: str) -> str:
    """A stable, opaque tenant id: the same credential always lands in the same account."""
    return hashlib.sha256(f"{provider}\0{credential}".encode()).hexdigest()[:16]
