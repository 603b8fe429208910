"""Session tokens: authenticate, look a token up (with its idle expiry on the clock), logout.

Tokens are global (a token names its organisation), so the provider keeps an index token -> tenant;
the session itself lives in the organisation, so a reset of the organisation revokes its tokens.
"""

from __future__ import annotations

from typing import Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.nirva.errors import BadRequest, Unauthorized
from mockpost.providers.nirva.lifecycle import Timeline
from mockpost.providers.nirva.state import Organisation, Session, User

PROVIDER = "nirva"


def credential(login: str, password: str) -> str:
    return f"login:{login}:{password}"


class Sessions:
    def __init__(self, ctx: ProviderContext, timeline: Timeline) -> None:
        self.ctx = ctx
        self.timeline = timeline
        self.index: dict[str, str] = {}  # token -> tenant

    @staticmethod
    def read_credentials(body: Any, query_detail: str | None) -> tuple[str, str, bool]:
        if not isinstance(body, dict):
            raise BadRequest('send a JSON object {"login", "password", "withProfileDetail"}')
        # `login` as the issue pins it; `username` and `email` as other clients of IHM-like APIs send
        login = next((body[k] for k in ("login", "username", "email") if body.get(k) is not None), None)
        password = body.get("password")
        if not isinstance(login, str) or not login.strip():
            raise BadRequest("login is required (a non-empty string)")
        if not isinstance(password, str):
            raise BadRequest("password is required (a string)")
        detail = body.get("withProfileDetail", query_detail)
        return login, password, flag(detail, "withProfileDetail")

    def open_session(self, org: Organisation, user: User, token: str | None = None) -> Session:
        """A new session; with a `token` given in the data, its idle window starts at first use."""
        session = Session(token or self.ctx.ids.token(40), user.id, None if token else self.ctx.now())
        org.sessions[session.token] = session
        self.index[session.token] = org.tenant
        return session

    def resolve(self, token: str | None) -> tuple[Organisation, User, Session]:
        """The organisation and user of a live token; 401 when missing, unknown or expired."""
        if not token:
            raise Unauthorized(
                "send the X-Auth-Token header with the token from /authentication/authenticate"
            )
        tenant = self.index.get(token)
        if tenant is None:
            tenant = self._find(token)
        org = self.ctx.store.existing(PROVIDER, tenant) if tenant is not None else None
        session = org.sessions.get(token) if org is not None else None
        if org is None or session is None or session.user_id not in org.users:
            raise Unauthorized("the X-Auth-Token is unknown or was logged out; authenticate again")
        ttl = self.timeline.token_idle_ttl
        now = self.ctx.now()
        idle = now - session.last_used if session.last_used is not None else None
        if ttl.total_seconds() > 0 and idle is not None and idle > ttl:
            self.close(org, token)
            raise Unauthorized("the X-Auth-Token expired after being idle; authenticate again")
        session.last_used = now
        return org, org.users[session.user_id], session

    def _find(self, token: str) -> str | None:
        """A token missing from the index (state restored from a snapshot): look in every
        organisation, and index it again."""
        for tenant, org in self.ctx.store.tenants(PROVIDER):
            if token in org.sessions:
                self.index[token] = tenant
                return tenant
        return None

    def close(self, org: Organisation, token: str) -> None:
        org.sessions.pop(token, None)
        self.index.pop(token, None)


def flag(value: Any, name: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise BadRequest(f"{name} must be true or false")
