"""Secrets shown to people: masked, never whole."""

from __future__ import annotations


def mask(secret: str) -> str:
    """`ab…yz` for a long secret, `…` for a short one (too short to show any of it safely)."""
    if len(secret) < 8:
        return "…"
    return f"{secret[:2]}…{secret[-2:]}"


def credential_label(credential: str) -> str:
    """A readable, masked form of a credential key `kind:secret` (`basic:user:password` shows
    the user name, which is not secret): `api-key ab…yz`, `basic alice`."""
    kind, _, rest = credential.partition(":")
    if not rest:
        return mask(kind)
    if kind in ("basic", "login"):
        return f"{kind} {rest.partition(':')[0]}"
    return f"{kind} {mask(rest)}"
