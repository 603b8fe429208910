"""The one check for a URL the sandbox will send requests to (a webhook): an absolute http or https
URL with a host, of bounded length, with no spaces or control characters (a CR/LF would split the
request line it ends up in)."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
SCHEMES = ("http", "https")


def check_url(value: str) -> str:
    """`value` if it is a usable webhook URL, else ValueError saying what is wrong with it."""
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(f"must be at most {MAX_URL_LENGTH} characters long (got {len(value)})")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in value):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - an invalid port raises here
    except ValueError:
        raise ValueError("is not a valid URL") from None
    if parts.scheme.lower() not in SCHEMES:
        raise ValueError("must be an http or https URL")
    if not parts.hostname:
        raise ValueError("must be an absolute URL with a host, e.g. https://example.com/hooks")
    return value
