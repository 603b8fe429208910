"""Credentials -> tenant.

Open mode (the default): every distinct credential is its own isolated account, created on first
use. Strict mode (an accounts file), per provider: for a provider the file names, only listed
credentials work, and several credentials listed on one account (an API key and a
username/password, say) reach the same tenant; providers it does not name stay open.

A credential made of an identity and a secret (a client id and its secret, a login and its
password) is fixed by its first use: the same identity with another secret is refused (`admit`),
so nobody reaches an account by knowing only its name.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockpost.core.secrets import credential_label, same_secret


@dataclass
class Account:
    tenant_id: str
    name: str
    credentials: set[str] = field(default_factory=set)
    settings: dict[str, object] = field(default_factory=dict)


class Tenancy:
    def __init__(self) -> None:
        self._strict: set[str] = set()  # providers whose accounts are listed (strict mode)
        self._by_credential: dict[tuple[str, str], Account] = {}
        self._accounts: dict[tuple[str, str], Account] = {}
        self._secrets: dict[tuple[str, str], str] = {}  # (provider, identity) -> its fixed secret
        self._labels: dict[tuple[str, str], str] = {}  # (provider, tenant) -> masked credential
        self._raw: dict[tuple[str, str], str] = {}  # (provider, credential without its kind) -> tenant
        self.on_use: Callable[[str, str], None] | None = None  # open mode: told each account used

    def add_account(
        self, provider: str, name: str, credentials: set[str], settings: dict[str, object]
    ) -> Account:
        """Register an account (strict mode for its provider); its tenant id is derived from its
        first credential."""
        self._strict.add(provider)
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
        if provider in self._strict:
            return None
        tenant = tenant_id_for(provider, credential)
        if self.on_use is not None:
            self.on_use(provider, tenant)
        if (provider, tenant) not in self._labels:
            self._labels[(provider, tenant)] = credential_label(credential)
            self._raw[(provider, credential.partition(":")[2] or credential)] = tenant
        return tenant

    @property
    def strict(self) -> bool:
        """Whether any provider is in strict mode (an accounts file was given)."""
        return bool(self._strict)

    def is_strict(self, provider: str) -> bool:
        """Whether only the accounts file's credentials work for this provider."""
        return provider in self._strict

    def make_strict(self, provider: str) -> None:
        self._strict.add(provider)

    def strict_providers(self) -> list[str]:
        return sorted(self._strict)

    def label(self, provider: str, tenant_id: str) -> str:
        """The account's name in the accounts file, else its first credential masked."""
        account = self._accounts.get((provider, tenant_id))
        if account is not None:
            return account.name
        return self._labels.get((provider, tenant_id), tenant_id)

    def find(self, provider: str, text: str) -> str | None:
        """The tenant a filter names: a tenant id, an account's label, or a raw credential."""
        for (name, tenant), account in self._accounts.items():
            if name == provider and text in (tenant, account.name):
                return tenant
        for (name, tenant), label in self._labels.items():
            if name == provider and text in (tenant, label):
                return tenant
        for (name, credential), account in self._by_credential.items():
            if name == provider and text in (credential, credential.partition(":")[2]):
                return account.tenant_id
        return self._raw.get((provider, text))

    def admit(self, provider: str, identity: str, secret: str) -> bool:
        """Whether `secret` is the secret of `identity`: its first use fixes it (open mode)."""
        return same_secret(secret, self._secrets.setdefault((provider, identity), secret))

    def forget_secrets(self, provider: str) -> None:
        """After a provider's reset: its identities are unknown again."""
        for key in [key for key in self._secrets if key[0] == provider]:
            del self._secrets[key]

    # -- saving ---------------------------------------------------------------------
    def export(self, provider: str, tenant_id: str | None = None) -> dict[str, Any]:
        """What open mode learnt of a provider's accounts by their first use: each account's masked
        label and the raw credentials that name it, and (for the whole provider only) the secrets
        fixed by first use, so that a restart lets no other secret in. Accounts-file accounts come
        from the settings, not from here."""
        secrets = {} if tenant_id is not None else self._provider_items(self._secrets, provider)
        return {
            "labels": {
                tenant: label
                for tenant, label in self._provider_items(self._labels, provider).items()
                if tenant_id is None or tenant == tenant_id
            },
            "credentials": {
                raw: tenant
                for raw, tenant in self._provider_items(self._raw, provider).items()
                if tenant_id is None or tenant == tenant_id
            },
            "secrets": secrets,
        }

    def restore(self, provider: str, saved: dict[str, Any]) -> None:
        """Add what `export` saved (on top of what is known; `forget` first to replace it)."""
        for tenant, label in saved.get("labels", {}).items():
            self._labels[(provider, tenant)] = label
        for raw, tenant in saved.get("credentials", {}).items():
            self._raw[(provider, raw)] = tenant
        for identity, secret in saved.get("secrets", {}).items():
            self._secrets[(provider, identity)] = secret

    def forget(self, provider: str, tenant_id: str | None = None) -> None:
        """Forget open-mode accounts (all of a provider's, with its secrets, or one account's)."""
        if tenant_id is None:
            self.forget_secrets(provider)
        self._labels = {
            key: label
            for key, label in self._labels.items()
            if key[0] != provider or (tenant_id is not None and key[1] != tenant_id)
        }
        self._raw = {
            key: tenant
            for key, tenant in self._raw.items()
            if key[0] != provider or (tenant_id is not None and tenant != tenant_id)
        }

    @staticmethod
    def _provider_items(table: dict[tuple[str, str], str], provider: str) -> dict[str, str]:
        return {key: value for (name, key), value in table.items() if name == provider}

    def account(self, provider: str, tenant_id: str) -> Account | None:
        return self._accounts.get((provider, tenant_id))

    def accounts(self, provider: str) -> list[Account]:
        return [account for (name, _), account in self._accounts.items() if name == provider]


def secret_admitted(known: str, given: str) -> bool:
    """A secret kept with its account's data: an empty one is not fixed yet (its first use fixes
    it, the caller stores `given`); otherwise only the same secret is admitted."""
    return not known or same_secret(given, known)


@functools.lru_cache(maxsize=4096)  # every request asks it again; a digest per request is a cost
def tenant_id_for(provider: str, credential: str) -> str:
    """A stable, opaque tenant id: the same credential always lands in the same account."""
    return hashlib.sha256(f"{provider}\0{credential}".encode()).hexdigest()[:16]
