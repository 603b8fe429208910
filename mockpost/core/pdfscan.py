"""Reading what a mock needs from a PDF (its page objects, the text its pages show) in linear time.

Uploaded documents are read with byte searches that never look at a byte more than a few times,
whatever the file holds: a regular expression such as `stream\\r?\\n(.*?)\\r?\\nendstream` retries from
every `stream` keyword to the end of the file when no `endstream` follows, which made a 80 KB
crafted file cost seconds. Decompressed object streams share one byte budget, so a small
compressed stream cannot unpack into gigabytes.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from itertools import islice

PAGE_BUDGET = 10_000  # page objects counted at most; a file with more is refused by its reader
INFLATE_BUDGET = 16 * 1024 * 1024  # bytes unpacked from a file's compressed streams, together

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_STREAM = b"stream"
_END = b"\nendstream"
_SHOWN_BY = re.compile(rb"\s*(?:Tj|')")  # the operators that show a string literal
# after "(": the rest of a string literal, up to its unescaped ")"; unrolled and possessive, so a
# literal that never closes is given up in one pass instead of backtracking byte by byte
_LITERAL_REST = re.compile(rb"[^\\)]*+(?:\\.[^\\)]*+)*+\)", re.DOTALL)


def count_page_objects(data: bytes, budget: int = PAGE_BUDGET) -> int:
    """The `/Type /Page` objects written in the file's own bytes (not inside compressed streams),
    counted up to `budget` + 1: more than `budget` means "too many"."""
    return sum(1 for _ in islice(PAGE_OBJECT.finditer(data), budget + 1))


def streams(data: bytes) -> Iterator[bytes]:
    """The content of each `stream ... endstream` in the file, in order. The same streams the
    regular expression above finds, each byte searched at most twice; the search stops at the first
    `stream` keyword no `endstream` follows, since none after it can have one either."""
    position = 0
    while True:
        start = data.find(_STREAM, position)
        if start < 0:
            return
        body = start + len(_STREAM)
        if data.startswith(b"\r\n", body):
            body += 2
        elif data.startswith(b"\n", body):
            body += 1
        else:
            position = body
            continue
        newline = data.find(_END, body)
        if newline < 0:
            return
        end = newline - 1 if newline > body and data[newline - 1] == 0x0D else newline  # "\r\nendstream"
        yield data[body:end]
        position = newline + len(_END)


def page_in_object_streams(data: bytes, budget: int = INFLATE_BUDGET) -> bool:
    """Whether a compressed object stream holds a `/Type /Page` object. Streams that do not unpack
    are skipped; once `budget` bytes were unpacked the search gives up (False)."""
    if b"/ObjStm" not in data:
        return False
    for stream in streams(data):
        if len(stream) < 2 or (stream[0] << 8 | stream[1]) % 31 or stream[0] & 0x0F != 8:
            continue  # no zlib header (RFC 1950): not a compressed stream
        inflater = zlib.decompressobj()
        try:
            unpacked = inflater.decompress(stream, budget + 1)
        except zlib.error:
            continue
        budget -= len(unpacked)
        if budget < 0:
            return False
        if inflater.eof and PAGE_OBJECT.search(unpacked):
            return True
    return False


def shown_strings(content: bytes) -> list[bytes]:
    """The string literals a content stream shows with `Tj` or `'`, raw (escapes kept). A literal
    without its closing parenthesis ends the search: no later one can close either."""
    found: list[bytes] = []
    position = 0
    while True:
        opening = content.find(b"(", position)
        if opening < 0:
            return found
        literal = _LITERAL_REST.match(content, opening + 1)
        if literal is None:
            return found
        closing = literal.end()
        if _SHOWN_BY.match(content, closing):
            found.append(content[opening + 1 : closing - 1])
        position = closing
