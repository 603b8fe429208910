"""The journal as an HTTP Archive (HAR 1.2): what browsers' developer tools, proxies and HAR viewers
read. Built when asked for, from the raw entries; nothing of it is on the request path.

What the journal does not keep is said rather than invented: header sizes are -1, a body the
journal cut short keeps its real size in `size`/`bodySize` and says so in `comment`, a body that is
not UTF-8 text is base64 (`encoding` on responses; `_encoding` on posted data, which HAR 1.2 lacks).
Times are the sandbox clock's (a frozen clock gives every entry the same start), and the whole
time in the app is `wait`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from mockpost.core.journal import BODY_LIMIT, Entry
from mockpost.core.numbers import parse_int
from mockpost.core.secrets import CREDENTIAL_HEADERS

RawHeaders = Iterable[tuple[bytes, bytes]]


def har_log(
    entries: Iterable[Entry], creator_version: str, mask: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """`mask`, when given, is applied to credential headers' values (and cookies go)."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "mockpost", "version": creator_version},
            "entries": [har_entry(entry, mask) for entry in entries],
            "comment": "Recorded by mockpost's journal; times on the sandbox clock; bodies kept up to "
            f"{BODY_LIMIT} bytes (requests) and {4 * BODY_LIMIT} bytes (responses).",
        }
    }


def har_entry(entry: Entry, mask: Callable[[str], str] | None = None) -> dict[str, Any]:
    request_headers = _decoded(entry.request_headers)
    if mask is not None:
        request_headers = [(name, _masked(name, value, mask)) for name, value in request_headers]
    response_headers = _decoded(entry.response_headers)
    host = _first(request_headers, "host") or "localhost"
    query = entry.query.decode("latin-1")
    url = f"http://{host}{entry.path}" + (f"?{query}" if query else "")
    request: dict[str, Any] = {
        "method": entry.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": _request_cookies(request_headers),
        "headers": [{"name": name, "value": value} for name, value in request_headers],
        "queryString": [
            {"name": name, "value": value} for name, value in parse_qsl(query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": _size(request_headers, entry.request_body, BODY_LIMIT),
    }
    if entry.request_body:
        request["postData"] = _posted(request_headers, entry.request_body, request["bodySize"])
    response_size = _size(response_headers, entry.response_body, 4 * BODY_LIMIT)
    response: dict[str, Any] = {
        "status": entry.status,
        "statusText": _phrase(entry.status),
        "httpVersion": "HTTP/1.1",
        "cookies": _response_cookies(response_headers),
        "headers": [{"name": name, "value": value} for name, value in response_headers],
        "content": _content(response_headers, entry.response_body, response_size),
        "redirectURL": _first(response_headers, "location") or "",
        "headersSize": -1,
        "bodySize": response_size,
    }
    elapsed = round(entry.duration_ms, 3)
    har: dict[str, Any] = {
        "startedDateTime": datetime.fromtimestamp(entry.at, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "time": elapsed,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": elapsed, "receive": 0},
        "_id": entry.id,
        "_provider": entry.provider,
        "_tenant": entry.tenant,
    }
    if entry.fault is not None:
        har["_fault"] = entry.fault
        har["comment"] = f"answered by fault rule {entry.fault}"
    return har


def _decoded(headers: RawHeaders) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]


def _first(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""  # 0: no answer (a dropped connection), or a status HTTP does not name


def _size(headers: list[tuple[str, str]], kept: bytes, bound: int) -> int:
    """The body's real size: Content-Length when given, else what was kept, unless the journal's
    bound may have cut it (then unknown: -1)."""
    declared = _first(headers, "content-length")
    size = parse_int(declared) if declared is not None else None
    if size is not None:
        return size
    return len(kept) if len(kept) < bound else -1


def _text(body: bytes) -> tuple[str, bool]:
    """(text, is_base64): UTF-8 text as it is, anything else base64."""
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def _truncation(kept: bytes, size: int) -> str | None:
    if size < 0 or size > len(kept):
        return f"the journal kept the first {len(kept)} bytes" + (f" of {size}" if size >= 0 else "")
    return None


def _posted(headers: list[tuple[str, str]], body: bytes, size: int) -> dict[str, Any]:
    text, encoded = _text(body)
    posted: dict[str, Any] = {"mimeType": _first(headers, "content-type") or "", "text": text}
    if encoded:
        posted["_encoding"] = "base64"
    if note := _truncation(body, size):
        posted["comment"] = note
    return posted


def _content(headers: list[tuple[str, str]], body: bytes, size: int) -> dict[str, Any]:
    content: dict[str, Any] = {
        "size": size if size >= 0 else len(body),
        "mimeType": _first(headers, "content-type") or "",
    }
    if body:
        content["text"], encoded = _text(body)
        if encoded:
            content["encoding"] = "base64"
    if note := _truncation(body, size):
        content["comment"] = note
    return content


def _masked(name: str, value: str, mask: Callable[[str], str]) -> str:
    """A credential header's value masked; a cookie header keeps its cookies' names."""
    if name.lower() == "cookie":
        pairs = (pair.strip().partition("=") for pair in value.split(";"))
        return "; ".join(f"{key}={mask(text)}" for key, _, text in pairs if key)
    return mask(value) if name.lower() in CREDENTIAL_HEADERS else value


def _request_cookies(headers: list[tuple[str, str]]) -> list[dict[str, Any]]:
    cookies = []
    for key, value in headers:
        if key.lower() == "cookie":
            for pair in value.split(";"):
                name, _, cookie_value = pair.strip().partition("=")
                if name:
                    cookies.append({"name": name, "value": cookie_value})
    return cookies


def _response_cookies(headers: list[tuple[str, str]]) -> list[dict[str, Any]]:
    cookies = []
    for key, value in headers:
        if key.lower() != "set-cookie":
            continue
        first, *attributes = (part.strip() for part in value.split(";"))
        name, _, cookie_value = first.partition("=")
        cookie: dict[str, Any] = {"name": name, "value": cookie_value}
        for attribute in attributes:
            attribute_name, _, attribute_value = attribute.partition("=")
            lowered = attribute_name.lower()
            if lowered in ("path", "domain"):
                cookie[lowered] = attribute_value
            elif lowered == "httponly":
                cookie["httpOnly"] = True
            elif lowered == "secure":
                cookie["secure"] = True
        cookies.append(cookie)
    return cookies
