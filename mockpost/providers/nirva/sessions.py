"""Session tokens: open one at sign-in, find a token's organisation (with its idle expiry on the
clock), logout.

Tokens are global (a token names its organisation), so the provider keeps an index token -> tenant;
the session itself lives in the organisation, so a reset of the organisation revokes its tokens.
"""

from __future__ import annotations

from mockpost.core.provider import ProviderContext
from mockpost.providers.nirva.errors import Unauthorized
from mockpost.providers.nirva.lifecycle import Timeline
from mockpost.providers.nirva.state import Organisation, Session, User

PROVIDER = "nirva"


def credential(login: str, password: str) -> str:
    return f"login:{login}:{password}"


class Sessions:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx
        self.index: dict[str, str] = {}  # token -> tenant

    @property
    def timeline(self) -> Timeline:
        timeline: Timeline = self.ctx.timeline
        return timeline

    def open_session(self, org: Organisation, user: User, token: str | None = None) -> Session:
        """A new session; with a `token` given in the data, its idle window starts at first use."""
        session = Session(token or self.ctx.ids.token(40), user.id, None if token else self.ctx.now())
        org.sessions[session.token] = session
        self.index[session.token] = org.tenant
        return session

    def tenant_of(self, token: str | None) -> str:
        """The organisation of a live token, whose idle window starts again; 401 when the token is
        missing, unknown or expired."""
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
        return org.tenant

    @staticmethod
    def user_of(org: Organisation, token: str) -> User:
        """The user of a session `tenant_of` accepted."""
        return org.users[org.sessions[token].user_id]

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
