"""Pre-signed URLs on the mock itself (uploads and downloads), like S3's: the path and an expiry
instant, signed with HMAC-SHA256 under a per-sandbox secret. No API key travels with them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import urlencode

from mockpost.core.ids import derive_seed
from mockpost.core.numbers import parse_int
from mockpost.core.secrets import same_secret


class Signer:
    def __init__(self, seed: int | None) -> None:
        derived = derive_seed(seed, "easypost-connect:url-secret")
        self.secret = derived.to_bytes(8, "big") * 4 if derived is not None else secrets.token_bytes(32)

    def signature(self, method: str, path: str, expires: int) -> str:
        message = f"{method.upper()}\n{path}\n{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def url(self, base: str, method: str, path: str, expires_at: datetime) -> str:
        expires = int(expires_at.timestamp())
        query = urlencode({"expires": expires, "signature": self.signature(method, path, expires)})
        return f"{base.rstrip('/')}{path}?{query}"

    def problem(self, method: str, path: str, expires: str | None, signature: str | None, now: float) -> str:
        """Why the URL may not be used, or '' when it may."""
        if not expires or not signature:
            return "The URL is not signed (expires and signature are required)"
        expiry = parse_int(expires, max_digits=12)
        if expiry is None:
            return "The URL's expires parameter is invalid"
        if not same_secret(signature.strip().lower(), self.signature(method, path, expiry)):
            return "The request signature does not match (the URL was altered)"
        if now >= expiry:
            return "The pre-signed URL has expired"
        return ""
