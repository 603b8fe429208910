"""OAuth2 bearer tokens, the flows that issue and revoke them, and the scope each endpoint needs.

`POST /iam/oauth/authorize` (client credentials) issues a token for the client's tenant with the
scopes it asked for; `GET /iam/jwt/extend` another one for the caller's; `GET /iam/jwt/revoke`
revokes the caller's (or all of its account's). In open mode any other bearer token is accepted
too and is its own tenant.
Scope enforcement is off by default (the reference names no per-endpoint requirement); with
`--option afosto.enforce_scopes=true` every call needs the scope the mapping in `scope_for` infers:
`<service>:<resource>:<verb>` with the alias table in data/scopes.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from starlette.requests import Request

from mockpost.core.http import request_header
from mockpost.core.provider import ProviderContext
from mockpost.core.secrets import same_secret
from mockpost.providers.afosto.catalog import Operation, template
from mockpost.providers.afosto.errors import AfostoError, bad_request
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState

READ_METHODS = frozenset({"GET"})
TOKEN_LIFETIME = 3600  # seconds, the `expires_in` an issued token announces
GRANT_TYPES = ("client_credentials",)


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


def bearer_token(request: Request) -> str:
    """The token of an `Authorization: Bearer TOKEN` header ("" for none or another scheme)."""
    scheme, _, token = (request_header(request, "authorization") or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


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


class Credentials:
    """Who a bearer token is, what it may do, and the endpoints that issue and revoke tokens.
    Tokens are global to the provider: a token is how a caller names its account."""

    def __init__(self, ctx: ProviderContext, provider: str, scopes: dict[str, str], enforce: bool) -> None:
        self.ctx = ctx
        self.provider = provider
        self.scopes = scopes
        self.enforce_scopes = enforce
        self.tokens = Tokens()

    def reset(self) -> None:
        self.tokens = Tokens()

    def credential_of(self, token: str) -> str:
        grant = self.tokens.grants.get(token)
        return grant.tenant_credential if grant else f"bearer:{token}"

    def tenant_of(self, token: str) -> str:
        """The account a bearer token reaches, or Afosto's 401."""
        if not token:
            raise AfostoError(401, "Send an OAuth2 access token: 'Authorization: Bearer TOKEN'")
        if token in self.tokens.revoked:
            raise AfostoError(401, "this access token was revoked")
        tenant = self.ctx.tenancy.resolve(self.provider, self.credential_of(token))
        if tenant is None:
            raise AfostoError(401, "invalid or expired access token")
        return tenant

    def check_scope(self, op: Operation, token: str) -> None:
        """With enforcement on, the token must be one this mock issued, granted the op's scope."""
        if not self.enforce_scopes:
            return
        grant = self.tokens.grants.get(token)
        if grant is None or not satisfied(op.scope, grant.scopes):
            raise AfostoError(403, f"insufficient scopes: this endpoint needs {op.scope}")

    def authorize(self, body: Any) -> tuple[str, Answer]:
        """Client credentials -> the client's account and an access token for it, with the scopes
        asked for."""
        if not isinstance(body, dict):
            raise bad_request("send client_id, client_secret, grant_type and scope", invalid=["body"])
        missing = [f for f in ("client_id", "client_secret", "grant_type") if not body.get(f)]
        if missing:
            raise bad_request("client credentials are incomplete", required=missing)
        invalid = [f for f in ("client_id", "client_secret", "grant_type") if not isinstance(body[f], str)]
        if not invalid and body["grant_type"] not in GRANT_TYPES:
            invalid.append("grant_type")
        scope = body.get("scope") or ""
        requested = frozenset(scope.split()) if isinstance(scope, str) else None
        if requested is None or not requested <= set(self.scopes):
            invalid.append("scope")
        if invalid:
            raise bad_request(f"invalid value for {', '.join(invalid)}", invalid=invalid)
        assert requested is not None
        client_id, secret = body["client_id"], body["client_secret"]
        credential = f"client:{client_id}"
        tenant = self.ctx.tenancy.resolve(self.provider, credential)
        account = self.ctx.tenancy.account(self.provider, tenant) if tenant else None
        expected = account.settings.get("client_secret") if account else None
        if expected is not None:
            admitted = same_secret(secret, str(expected))
        else:  # open mode, or an account listed without one: the client's first use fixes it
            admitted = self.ctx.tenancy.admit(self.provider, credential, secret)
        if tenant is None or not admitted:
            raise AfostoError(401, "unknown client or wrong client secret")
        scopes = requested or frozenset(self.scopes)
        return tenant, Answer(200, self.new_token(credential, scopes, client_id))

    def new_token(self, credential: str, scopes: frozenset[str], client_id: str = "") -> dict[str, Any]:
        token = self.ctx.ids.token(40)
        self.tokens.issue(token, credential, scopes, client_id)
        return {
            "access_token": token,
            "expires_in": TOKEN_LIFETIME,
            "refresh_token": self.ctx.ids.token(40),
            "token_type": "Bearer",
        }

    def extend(self, state: TenantState, call: Call) -> Answer:
        """A fresh token for the caller's account and scopes; the current one stays valid."""
        grant = self.tokens.grants.get(call.token)
        scopes = grant.scopes if grant else frozenset(self.scopes)
        return Answer(call.op.success, self.new_token(self.credential_of(call.token), scopes))

    def revoke(self, state: TenantState, call: Call) -> Answer:
        """`tokens=current` (default): the caller's token; `jwt`, `all`: every token of its account."""
        which = call.query.get("tokens") or "current"
        everything = self.credential_of(call.token) if which in ("jwt", "all") else None
        self.tokens.revoke(call.token, everything)
        return Answer(
            call.op.success,
            {"access_token": "", "expires_in": 0, "refresh_token": "", "token_type": "Bearer"},
        )
