"""Helpers of the black-box EasyPost Connect client: constants, error and signature checks."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

MOUNT = "/easypost-connect"
KEY = {"x-api-key": "acceptance-key"}
START = "2030-03-04T09:00:00Z"
EVENT_TYPES = [
    "job.status.changed",
    "sending.event.status.changed",
    "sending.event.file.ready",
    "peppol.document.received",
]
JOB_STATUSES = {"AWAITING_FOR_FILE", "PROCESSING", "IN_PROGRESS", "COMPLETED", "FAILED"}
BUSINESS_STATUSES = {"SCHEDULED", "PROCESSING", "SENT", "DELIVERED", "FAILED"}
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    415: "Unsupported Media Type",
}


Workflow = Callable[..., dict[str, Any]]
JobFactory = Callable[..., dict[str, Any]]
Upload = Callable[[str, bytes], httpx.Response]
Subscribe = Callable[..., dict[str, Any]]
EventsOf = Callable[[str], list[dict[str, Any]]]
EventAfter = Callable[[str, str], dict[str, Any]]

ADDRESS_PARTS = {
    "ADDRESS_LAST_NAME": "Peeters",
    "ADDRESS_STREET": "Wetstraat",
    "ADDRESS_STREET_NUMBER": "16",
    "ADDRESS_POSTAL_CODE": "1000",
    "ADDRESS_CITY": "Brussel",
    "ADDRESS_COUNTRY_CODE": "BE",
}
PRINT_ADDRESS = [{"kind": kind, "value": value} for kind, value in ADDRESS_PARTS.items()]


def parse_instant(text: str) -> datetime:
    assert isinstance(text, str), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def is_iso_utc(text: Any) -> bool:
    if not isinstance(text, str) or not text.endswith("Z"):
        return False
    return parse_instant(text).tzinfo is not None


def assert_nest_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The NestJS HttpException body: statusCode, message (a string or a list of strings), error."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["statusCode"] == status
    assert body["error"] == REASONS[status]
    message = body["message"]
    assert isinstance(message, str) or (
        isinstance(message, list) and message and all(isinstance(m, str) for m in message)
    ), body
    return body


def message_text(response: httpx.Response) -> str:
    message = response.json()["message"]
    return " ".join(message) if isinstance(message, list) else str(message)


def signature_of(secret: str, raw_body: str | bytes) -> str:
    raw = raw_body.encode() if isinstance(raw_body, str) else raw_body
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def recipients_pdf(*emails: str) -> bytes:
    """One page per recipient, each carrying its channel identifier as a `KIND: value` line."""
    return make_pdf([[f"EMAIL_ADDRESS: {email}", "Your letter"] for email in emails])


def inbox_events(sandbox: Mockpost, name: str = "hooks") -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(parsed body, headers) of every webhook the inbox received, oldest first."""
    return [(json.loads(item["body"]), item["headers"]) for item in sandbox.inbox(name)]


def now_of(sandbox: Mockpost) -> datetime:
    return sandbox.clock.now().astimezone(UTC)


class Receiver:
    """A real HTTP receiver on a free local port that answers the statuses it is told, in order
    (the last one repeats), and records what it received."""

    def __init__(self) -> None:
        self.statuses: list[int] = [200]
        self.received: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                receiver.received.append(self.rfile.read(length))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
