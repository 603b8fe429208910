"""OAuth2 client credentials (RFC 6749 section 4.4): the mock's token URL issues access tokens, and
a bearer token sent beside an API key must be one of them, unexpired, issued to that account."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson

from mockpost.core.provider import ProviderContext
from mockpost.core.secrets import same_secret
from mockpost.providers.easypost_connect.errors import OAuthError, Unauthorized

MAX_TOKENS = 100_000


@dataclass
class Token:
    expires: float
    tenant: str | None  # bound to an account in strict mode; any API key's in open mode
    client_id: str


class Tokens:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx
        self.issued: dict[str, Token] = {}

    def clear(self) -> None:
        self.issued.clear()

    def issue(self, fields: dict[str, str], authorization: str) -> dict[str, Any]:
        """A token for the client credentials in the form `fields` or a Basic `authorization`."""
        grant = fields.get("grant_type")
        if not grant:
            raise OAuthError(400, "invalid_request", "grant_type is required (client_credentials)")
        if grant != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", f"grant_type {grant[:50]!r} is not supported")
        client_id, secret = fields.get("client_id"), fields.get("client_secret")
        if authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError, UnicodeDecodeError):
                raise OAuthError(
                    401, "invalid_client", "the Basic credentials are not valid base64"
                ) from None
            client_id, _, secret = decoded.partition(":")
        if not client_id or not secret:
            raise OAuthError(401, "invalid_client", "client_id and client_secret are required")
        tenancy = self.ctx.tenancy
        tenant: str | None = None
        if tenancy.is_strict(self.ctx.name):
            tenant = self._client_tenant(client_id, secret)
            if tenant is None:
                raise OAuthError(401, "invalid_client", "unknown client_id or wrong client_secret")
        elif not tenancy.admit(self.ctx.name, f"client:{client_id}", secret):
            # open mode: a client's first token request fixes its secret
            raise OAuthError(401, "invalid_client", "wrong client_secret for this client_id")
        now = self.ctx.clock.timestamp()
        if len(self.issued) >= MAX_TOKENS:
            self.issued = {k: v for k, v in self.issued.items() if v.expires > now}
        ttl = int(self.ctx.timeline.token_ttl.total_seconds())
        access = self.ctx.ids.token(48)
        self.issued[access] = Token(now + ttl, tenant, client_id)
        answer: dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": ttl}
        if fields.get("scope"):
            answer["scope"] = fields["scope"]
        return answer

    def _client_tenant(self, client_id: str, secret: str) -> str | None:
        for account in self.ctx.tenancy.accounts(self.ctx.name):
            settings = account.settings
            if str(settings.get("client_id")) == client_id and same_secret(
                secret, str(settings.get("client_secret"))
            ):
                return account.tenant_id
        return None

    def check(self, authorization: str, tenant: str) -> None:
        """An Authorization header sent with the API key of `tenant`: a bearer token of ours."""
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("The Authorization header must be 'Bearer <access_token>'")
        token = self.issued.get(value.strip())
        if token is None:
            raise Unauthorized("Invalid access token")
        if token.expires <= self.ctx.clock.timestamp():
            raise Unauthorized("The access token has expired")
        if token.tenant is not None and token.tenant != tenant:
            raise Unauthorized("The access token was not issued to the account of this API key")


def form_fields(content_type: str, raw: bytes) -> dict[str, str]:
    """The token request's fields: a form (the standard) or a JSON object."""
    try:
        if "json" in content_type:
            value = orjson.loads(raw) if raw.strip() else {}
            if not isinstance(value, dict):
                raise ValueError("not an object")
            return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except (ValueError, UnicodeDecodeError):
        raise OAuthError(
            400, "invalid_request", "the body must be application/x-www-form-urlencoded"
        ) from None
