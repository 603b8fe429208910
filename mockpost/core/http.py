"""HTTP helpers shared by every provider: fast JSON, bounded body reading, error base class."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from mockpost.core.numbers import parse_int
from mockpost.core.offload import off_loop

MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_JSON_DEPTH = 64  # far beyond any documented body; keeps rendering and copying bounded
PARSE_OFF_LOOP_BYTES = 256 * 1024  # larger bodies are parsed in a worker thread
MAX_JSON_CONTAINERS = 100_000  # arrays and objects in one body (orjson builds 100,000 in ~40 ms)
MAX_JSON_ITEMS = 500_000  # commas in one body: 100,000 sms recipients (Ekopost's limit) fit


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        status = self.status_code
        if headers is not None or self.media_type != JSON.media_type or status < 200 or status in (204, 304):
            super().init_headers(headers)
            return
        # the usual answer: Starlette's two headers, in its order, without its general case's work
        length = b"%d" % len(self.body)
        self.raw_headers = [(b"content-length", length), (b"content-type", b"application/json")]


class ApiError(Exception):
    """An error a provider answers with, in its own envelope. Subclasses define `body()`."""

    status: int = 400
    headers: dict[str, str] | None = None

    def body(self) -> Any:
        raise NotImplementedError

    def response(self) -> Response:
        body = self.body()
        if body is None:
            return Response(status_code=self.status, headers=self.headers, media_type="application/json")
        return JSON(body, status_code=self.status, headers=self.headers)


class ClientGone(ApiError):
    """The client closed the connection before its request was read. Nobody is left to answer: it
    is recorded with status 499 (as proxies log it) and is not an error of the mock."""

    status = 499

    def body(self) -> Any:
        return None


def request_header(request: Request, name: str) -> str | None:
    """The value of a request header (the first of that name; `name` in lower case, as ASGI servers
    pass names): a scan of the raw list, which costs a fraction of building Starlette's `Headers`
    and asking it (every authenticated request asks for one)."""
    wanted = name.encode("latin-1")
    raw: list[tuple[bytes, bytes]] = request.scope["headers"]
    for key, value in raw:
        if key == wanted:
            return value.decode("latin-1")
    return None


class BodyTooLarge(Exception):
    pass


class BadJSON(Exception):
    pass


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = parse_int(request_header(request, "content-length"))
    if declared is not None and declared > limit:
        raise BodyTooLarge(f"request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(f"request body is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise ClientGone("the client closed the connection before sending the whole body") from None
    return b"".join(chunks)


async def read_json(
    request: Request,
    limit: int = MAX_BODY_BYTES,
    empty: Any = None,
    repair: Callable[[bytes], bytes] | None = None,
) -> Any:
    """The parsed JSON body; `empty` when there is no body; BadJSON when it does not parse.
    A large body is parsed in a worker thread: the event loop answers other requests meanwhile.
    `repair`: what a provider's own parser tolerates (trailing commas), tried when JSON fails."""
    raw = await read_body(request, limit)
    if not raw.strip():
        return empty
    parsed = await off_loop(parse_json, raw, repair, size=len(raw), inline_below=PARSE_OFF_LOOP_BYTES + 1)
    return parsed.get()


def parse_json(raw: bytes, repair: Callable[[bytes], bytes] | None = None) -> Any:
    """The JSON value, or BadJSON: not JSON, nested too deep, or more arrays, objects or items than
    any API here takes (building millions of them would hold the interpreter for seconds)."""
    if len(raw) > PARSE_OFF_LOOP_BYTES:
        containers = raw.count(b"[") + raw.count(b"{")  # an upper bound: brackets in strings count too
        if containers > MAX_JSON_CONTAINERS or raw.count(b",") > MAX_JSON_ITEMS:
            raise BadJSON(
                f"the body holds more than {MAX_JSON_CONTAINERS} arrays and objects or "
                f"{MAX_JSON_ITEMS} items; no request to this API is that large"
            )
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if repair is None:
            raise BadJSON(f"the body is not valid JSON: {exc}") from None
        try:
            value = orjson.loads(repair(raw))
        except orjson.JSONDecodeError:
            raise BadJSON(f"the body is not valid JSON: {exc}") from None
    # nesting deeper than the limit takes more opening brackets than that (most bodies have a few)
    if raw.count(b"{") + raw.count(b"[") > MAX_JSON_DEPTH and too_deep(value, MAX_JSON_DEPTH):
        raise BadJSON(f"the body is nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def too_deep(value: Any, limit: int) -> bool:
    """Whether arrays/objects nest deeper than `limit` (iterative: no recursion on hostile input)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


COMPACT_BELOW = 64 * 1024


def dumps(value: Any) -> bytes:
    """orjson, copied into an exact-size object when small: orjson's own result keeps a buffer of
    4 KiB or more behind even a tiny document, and bodies are kept (journal, outbox, replays)."""
    raw = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    return memoryview(raw).tobytes() if len(raw) < COMPACT_BELOW else raw
