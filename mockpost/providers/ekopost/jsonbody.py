"""Request bodies as Ekopost reads them: JSON, with the trailing commas its .NET service accepts.

The reference's own sample for `POST /reachable/ebank_list` sends `{"sender": "...",}`. Ekopost is a
.NET service (a NuGet package, Newtonsoft.Json in its code samples, and `$type` that "must come
first", which is Json.NET's polymorphic-type metadata rule); Json.NET's reader accepts a trailing
comma in objects and arrays on purpose. So a comma before a closing `}` or `]` is ignored here too;
anything else that is not JSON is still refused.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from mockpost.core.http import MAX_JSON_DEPTH, BadJSON, read_body, too_deep

CLOSING = frozenset(b"}]")
BLANK = frozenset(b" \t\r\n")
QUOTE, ESCAPE, COMMA = ord('"'), ord("\\"), ord(",")


def without_trailing_commas(raw: bytes) -> bytes:
    """`raw` without the commas that directly (blanks aside) precede a `}` or `]`, outside strings."""
    kept = bytearray()
    in_string = escaped = False
    for index, byte in enumerate(raw):
        if in_string:
            escaped = not escaped and byte == ESCAPE
            in_string = escaped or byte != QUOTE
        elif byte == QUOTE:
            in_string = True
        elif byte == COMMA:
            following = index + 1
            while following < len(raw) and raw[following] in BLANK:  # each blank run is read once
                following += 1
            if following < len(raw) and raw[following] in CLOSING:
                continue
        kept.append(byte)
    return bytes(kept)


def parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        error = exc
    try:
        return orjson.loads(without_trailing_commas(raw))
    except orjson.JSONDecodeError:
        raise BadJSON(f"the body is not valid JSON: {error}") from None


async def read_body_json(request: Request, limit: int) -> Any:
    """The parsed body (None when there is none); BadJSON when it is not JSON, trailing commas aside."""
    raw = await read_body(request, limit)
    if not raw.strip():
        return None
    value = parse(raw)
    if too_deep(value, MAX_JSON_DEPTH):
        raise BadJSON(f"the body is nested more than {MAX_JSON_DEPTH} levels deep")
    return value
