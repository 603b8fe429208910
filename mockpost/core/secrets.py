"""Comparing and showing secrets: control tokens, API keys, passwords, session tokens.

`same_secret` compares in constant time and never raises, whatever the caller sent (non-ASCII
text, bytes, nothing). `mask` shows a secret as `ab…yz`: enough to tell two apart in a list, too
little to use one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SHOWN = 2  # characters shown at each end of a masked secret
MIN_SHOWN_LENGTH = 4 * SHOWN  # shorter secrets show nothing: the ends would be half of it
HIDDEN = "…"
# request headers whose values are credentials (the providers' and the control plane's own)
CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "x-auth-token", "x-mockpost-token", "cookie"}
)


def _raw(value: str | bytes) -> bytes:
    # surrogatepass: every str has exactly one encoding, so two different secrets never compare equal
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def same_secret(given: str | bytes | None, expected: str | bytes | None) -> bool:
    """Whether `given` is `expected`, in time that depends on neither (both are hashed first).
    None on either side is never a match."""
    if given is None or expected is None:
        return False
    return hmac.compare_digest(hashlib.sha256(_raw(given)).digest(), hashlib.sha256(_raw(expected)).digest())


def mask(secret: str) -> str:
    """`abcdefghyz` -> `ab…yz`; a secret shorter than 8 characters -> `…`."""
    if len(secret) < MIN_SHOWN_LENGTH:
        return HIDDEN
    return f"{secret[:SHOWN]}{HIDDEN}{secret[-SHOWN:]}"


def mask_credential(value: str) -> str:
    """A credential header's value masked, its scheme kept: `api-key ab…yz`, `Bearer ab…yz`."""
    scheme, space, rest = value.strip().partition(" ")
    if space and rest.strip() and scheme.replace("-", "").isalnum():
        return f"{scheme} {mask(rest.strip())}"
    return mask(value.strip())


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Request headers with every credential's value masked (names compared case-insensitively)."""
    return {
        name: mask_credential(value) if name.lower() in CREDENTIAL_HEADERS else value
        for name, value in headers.items()
    }


def credential_label(credential: str) -> str:
    """A readable, masked form of a credential key `kind:secret` (`basic:user:password` shows
    the user name, which is not secret): `api-key ab…yz`, `basic alice`."""
    kind, _, rest = credential.partition(":")
    if not rest:
        return mask(kind)
    if kind in ("basic", "login"):
        return f"{kind} {rest.partition(':')[0]}"
    return f"{kind} {mask(rest)}"
