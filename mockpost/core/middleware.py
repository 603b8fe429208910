"""The request path's own machinery: journal recording and fault injection.

A pure ASGI middleware (no BaseHTTPMiddleware) so the cost per request stays small: it reads the
provider from the path prefix, applies a matching fault, and records the exchange in the journal.
A request whose header block is larger than `max_header_bytes` is answered 431 in the envelope of
the provider its path names (the control plane's otherwise) and goes no further.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockpost.core.clip import clip
from mockpost.core.clock import Clock
from mockpost.core.control import ControlError
from mockpost.core.events import Events
from mockpost.core.faults import FaultRule, Faults
from mockpost.core.http import dumps
from mockpost.core.journal import BODY_LIMIT, HEADER_BLOCK_KEPT, Journal, header_bytes, kept_headers
from mockpost.core.scheduler import Scheduler

TENANT_KEY = "mockpost.tenant"
QUIET_PATHS = frozenset({"/", "/favicon.ico"})  # the console's own pages: never journalled
MAX_HEADER_BYTES = 64 * 1024


class ConnectionDropped(Exception):
    """Raised to cut a connection on purpose (a `drop` fault)."""


class SandboxMiddleware:
    """Journal, faults and due work around every request; provider requests go straight to their
    provider's app (the mount table is known here, so Starlette's router, mount and exception
    layers, which a provider's own boundary makes redundant, are skipped)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        clock: Clock,
        scheduler: Scheduler,
        journal: Journal,
        faults: Faults,
        owner_of: Callable[[str], tuple[str, str]],
        error_body: Callable[[str, int, str], tuple[Any, dict[str, str]]],
        provider_apps: dict[str, ASGIApp] | None = None,
        events: Events | None = None,
        max_header_bytes: int = MAX_HEADER_BYTES,
    ) -> None:
        self.app = app
        self.clock = clock
        self.scheduler = scheduler
        self.journal = journal
        self.faults = faults
        self.provider_of = owner_of  # path -> (provider, path below its mount)
        self.provider_apps = provider_apps or {}
        self.error_body = error_body
        self.events = events if events is not None else Events()
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        provider, sub_path = self.provider_of(path)
        headers_size = header_bytes(scope.get("headers", ()))
        too_large = headers_size > self.max_header_bytes
        if not provider and (path.startswith("/_mockpost") or path in QUIET_PATHS):
            if too_large:
                await self._refuse_headers(None, headers_size, send)
                return
            try:
                await self.app(scope, receive, send)  # the control plane and the console are not journalled
            finally:
                # what the control plane changed
                if self.events.listening and scope["method"] not in ("GET", "HEAD"):
                    self.events.publish(
                        "control",
                        {"method": scope["method"], "path": path, "account": scope.get(TENANT_KEY)},
                    )
            return
        target = self.app
        if provider and not too_large:  # too large: answered below, recorded like any other request
            if self.scheduler.has_due() and not self.scheduler.busy:
                # a step that fell due a moment ago shows in this answer, as in-process, even if
                # the server's ticker has not woken yet
                await self.scheduler.run_due()
            direct = self.provider_apps.get(provider)
            prefix_length = len(path) - len(sub_path)
            if direct is not None and path[prefix_length : prefix_length + 1] == "/":
                # what Mount does: the mount joins the root path (a bare `/ekopost` is left to
                # Starlette, which redirects it)
                root_path = scope.get("root_path", "")
                scope["app_root_path"] = scope.get("app_root_path", root_path)
                scope["root_path"] = root_path + path[:prefix_length]
                target = direct
        started = time.perf_counter()
        at = self.clock.timestamp()
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        status_holder = [0]
        response_headers: list[Any] = [()]
        captured = [0, 0]  # request and response bytes seen (only the first BODY_LIMIT are kept)

        async def receive_recorded() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                if captured[0] < BODY_LIMIT:
                    request_chunks.append(chunk[: BODY_LIMIT - captured[0]])
                captured[0] += len(chunk)
            return message

        async def send_recorded(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                response_headers[0] = message.get("headers", ())
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if captured[1] < BODY_LIMIT:
                    response_chunks.append(chunk[: BODY_LIMIT - captured[1]])
                captured[1] += len(chunk)
            await send(message)

        fault: FaultRule | None = None
        if provider and self.faults and not too_large:
            fault = self.faults.match(provider, scope["method"], sub_path)
        try:
            if too_large:
                await self._refuse_headers(provider, headers_size, send_recorded)
            elif fault is not None:
                await self._apply_fault(
                    fault, provider, sub_path, scope, receive_recorded, send_recorded, target
                )
            else:
                await target(scope, receive_recorded, send_recorded)
        finally:
            headers = scope.get("headers", ())
            whole = headers_size <= HEADER_BLOCK_KEPT  # the usual case: kept as sent, size known
            request_body, response_body = b"".join(request_chunks), b"".join(response_chunks)
            if captured[0] > BODY_LIMIT:
                request_body = clip(request_body, BODY_LIMIT, captured[0])
            if captured[1] > BODY_LIMIT:
                response_body = clip(response_body, BODY_LIMIT, captured[1])
            # a plain tuple in Entry's field order (building the NamedTuple costs more than the rest)
            entry_id = self.journal.next_id()
            tenant = scope.get(TENANT_KEY)
            self.journal.record_row(
                (
                    entry_id,
                    at,
                    provider,
                    tenant,
                    scope["method"],
                    path,
                    scope.get("query_string", b""),
                    status_holder[0],
                    (time.perf_counter() - started) * 1000,
                    tuple(headers) if whole else kept_headers(headers, headers_size),
                    request_body,
                    response_body,
                    fault.id if fault is not None else None,
                    tuple(response_headers[0]),  # a tuple: rows of atoms are not tracked by the GC
                ),
                headers_size if whole else None,
            )
            if self.events.listening:  # the console's live view; one attribute read when nobody listens
                self.events.publish(
                    "request",
                    {
                        "id": entry_id,
                        "provider": provider,
                        "account": tenant,
                        "method": scope["method"],
                        "path": path,
                        "status": status_holder[0],
                    },
                )

    async def _refuse_headers(self, provider: str | None, size: int, send: Send) -> None:
        message = f"the request's headers are {size} bytes; at most {self.max_header_bytes} are accepted"
        if provider:
            payload, extra = self.error_body(provider, 431, message)
        else:
            payload, extra = ControlError(431, message).body(), {}
        await _send_raw(send, 431, dumps(payload), {"content-type": "application/json", **extra})

    async def _apply_fault(
        self,
        rule: FaultRule,
        provider: str,
        sub_path: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        target: ASGIApp,
    ) -> None:
        delay = self.faults.delay_seconds(rule)
        if delay:
            await asyncio.sleep(delay)
        if rule.action == "drop":
            # Headers go out, then the connection is cut before the body: the client sees a broken
            # response, as with a reset in the middle of an exchange.
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]}
            )
            raise ConnectionDropped(f"fault {rule.id} dropped the connection")
        if rule.action == "malformed":
            body = b'{"truncated": '
            await _send_raw(
                send, rule.status or 200, body, {"content-type": "application/json", **rule.headers}
            )
            return
        if rule.status is None:
            await target(scope, receive, send)  # latency only
            return
        if rule.body is None:
            payload, extra = self.error_body(provider, rule.status, f"Injected fault {rule.id}")
        else:
            payload, extra = rule.body, {}
        raw = payload.encode() if isinstance(payload, str) else dumps(payload)
        headers = {"content-type": "application/json", **extra, **rule.headers}
        await _send_raw(send, rule.status, raw, headers)


async def _send_raw(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
    raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
