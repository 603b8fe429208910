"""Calling an ASGI app directly, without a socket: the in-process fixture's transport and the
delivery of webhooks addressed to the mock itself. (httpx's ASGITransport probes for trio with an
import on every request, which costs more than the request.)"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message

# A scope key no client can set: the request comes from the sandbox itself (a webhook addressed to
# its own inbox), so a control token guard lets it through.
INTERNAL = "mockpost.internal"
# An httpx request extension: traffic of the sandbox itself (webhooks leaving it) or of a handle's
# control calls, which `intercept()` always lets through.
DIRECT = "mockpost.direct"


@dataclass
class AsgiResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


async def call_asgi(
    app: ASGIApp,
    method: str,
    raw_path: bytes,
    query: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    host: str = "mockpost",
    port: int = 80,
    scheme: str = "http",
    internal: bool = False,
) -> AsgiResponse:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": (host, port),
        "extensions": {},
    }
    if internal:
        scope[INTERNAL] = True
    body_sent = False
    finished = asyncio.Event()
    status = 500
    response_headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await finished.wait()  # like a client that stays connected until the answer is complete
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, response_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                finished.set()

    try:
        await app(scope, receive, send)
    finally:
        finished.set()
    return AsgiResponse(status, response_headers, b"".join(chunks))
