"""OAuth2 bearer tokens and the scope each endpoint needs.

`POST /iam/oauth/authorize` (client credentials) issues a token for the client's tenant with the
scopes it asked for. In open mode any other bearer token is accepted too and is its own tenant.
Scope enforcement is off by default (the reference names no per-endpoint requirement); with
`--option afosto.enforce_scopes=true` every call needs the scope the mapping in `scope_for` infers:
`<service>:<resource>:<verb>` with the alias table in data/scopes.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

from mockpost.providers.afosto.catalog import Operation, template

READ_METHODS = frozenset({"GET"})
TOKEN_LIFETIME = 3600  # seconds, the `expires_in` an issued token announces


@dataclass
class Grant:
    tenant_credential: str  # what tenancy resolves: "client:<id>"
    scopes: frozenset[str]
    client_id: str


@dataclass
class Tokens:
    """Tokens this mock issued, and revoked ones (global: a token is how a caller names its tenant)."""

    grants: dict[str, Grant] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)

    def issue(self, token: str, credential: str, scopes: frozenset[str], client_id: str = "") -> Grant:
        grant = Grant(credential, scopes, client_id)
        self.grants[token] = grant
        return grant

    def revoke(self, token: str, every_token_of: str | None = None) -> None:
        """Revoke `token`, and with `every_token_of` every token issued for that credential."""
        self.revoked.add(token)
        if every_token_of is not None:
            self.revoked.update(t for t, g in self.grants.items() if g.tenant_credential == every_token_of)


class ScopeMap:
    def __init__(self, scopes: dict[str, str]) -> None:
        self.scopes = set(scopes)
        self.families: dict[str, set[str]] = {}
        for scope in scopes:
            if scope.count(":") == 2:
                family, verb = scope.rsplit(":", 1)
                self.families.setdefault(family, set()).add(verb)
        data = json.loads(resources.files(__package__).joinpath("data/scopes.json").read_text("utf-8"))
        self.aliases: dict[str, str] = data["aliases"]
        self.exact: dict[str, str] = data["endpoints"]

    def family(self, op: Operation) -> str:
        segments = op.segments
        service = segments[0]
        key = template(segments).strip("/")
        variants = [key, key.replace("/search", "", 1)]
        for variant in variants:
            parts = variant.split("/")
            for length in range(len(parts), 1, -1):
                alias = self.aliases.get("/".join(parts[:length]))
                if alias:
                    return alias
        resource = [s for s in segments[1:] if s != "search"][:1] or [""]
        for candidate in (resource[0], resource[0].rstrip("s")):
            if f"{service}:{candidate}" in self.families:
                return f"{service}:{candidate}"
        return f"{service}:{resource[0]}"

    def scope_for(self, op: Operation) -> str:
        exact = self.exact.get(f"{op.method} {op.path}")
        if exact:
            return exact
        family = self.family(op)
        reading = op.method in READ_METHODS or op.pattern == "search"
        verb = "read" if reading else "write"
        verbs = self.families.get(family, set())
        if verb not in verbs:
            wanted = ["create"] if op.method == "POST" else ["update"]
            for candidate in [*wanted, "register", "write", "read", "create", "update"]:
                if candidate in verbs:
                    verb = candidate
                    break
        return f"{family}:{verb}"


def satisfied(needed: str, granted: frozenset[str]) -> bool:
    """A granted `write` covers the create/update verbs of its family (they are writes)."""
    if needed in granted:
        return True
    family, _, verb = needed.rpartition(":")
    return verb in ("create", "update", "register") and f"{family}:write" in granted
