"""Comparing a secret a client sends with the one expected, in constant time.

`hmac.compare_digest` raises TypeError on a str holding anything but ASCII, so a signature or token
written with "é" would crash the request; comparing the UTF-8 bytes keeps the constant time and
simply says "not the same".
"""

from __future__ import annotations

import hmac


def same_secret(given: str | bytes | None, expected: str | bytes | None) -> bool:
    """Whether `given` equals `expected`, in time that does not depend on where they differ.
    None on either side is never a match."""
    if given is None or expected is None:
        return False
    given_bytes = given.encode("utf-8", "surrogatepass") if isinstance(given, str) else given
    expected_bytes = expected.encode("utf-8", "surrogatepass") if isinstance(expected, str) else expected
    return hmac.compare_digest(given_bytes, expected_bytes)
