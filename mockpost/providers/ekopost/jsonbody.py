"""Request bodies as Ekopost reads them: JSON, with the trailing commas its .NET service accepts.

The reference's own sample for `POST /reachable/ebank_list` sends `{"sender": "...",}`. Ekopost is a
.NET service (a NuGet package, Newtonsoft.Json in its code samples, and `$type` that "must come
first", which is Json.NET's polymorphic-type metadata rule); Json.NET's reader accepts a trailing
comma in objects and arrays on purpose. So a comma before a closing `}` or `]` is ignored here too;
anything else that is not JSON is still refused. Routes read bodies with
`core.http.read_json(..., repair=without_trailing_commas)`, so every bound on JSON bodies holds.
"""

from __future__ import annotations

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
