"""A document's pages as PNG images, for the console's letter preview.

PDFium (through `pypdfium2`, which bundles it) draws the pages; it is imported on the first preview
only, so start-up never pays for it. PDFium is not thread-safe, and drawing a page takes tens of
milliseconds: every call runs on one worker thread of its own, off the event loop, one at a time.
Images are kept in a small cache bounded in bytes, keyed by the document's digest, so a letter
looked at twice is drawn once and a document that changed is never shown stale.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
import zlib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

PDF_MIME = "application/pdf"
MAX_PAGES = 50  # pages previewed per document; the download has them all
DEFAULT_SCALE = 1.5  # 72 dpi * 1.5: an A4 page is 893 px wide
MAX_SCALE = 3.0
MAX_PIXELS = 12_000_000  # one image's budget, whatever the page size says
CACHE_BYTES = 48 * 1024 * 1024


class Unrenderable(ValueError):
    """A document PDFium cannot read, or a page it does not have; the message says which."""


class PageImages:
    def __init__(self, cache_bytes: int = CACHE_BYTES) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._cache: OrderedDict[tuple[str, int, float], bytes] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._kept = 0

    async def page_count(self, data: bytes) -> int:
        return await self._run(_page_count, data)

    async def page(self, data: bytes, number: int, scale: float = DEFAULT_SCALE) -> bytes:
        """Page `number` (1-based) as a PNG."""
        if not 1 <= number <= MAX_PAGES:
            raise Unrenderable(f"pages 1 to {MAX_PAGES} are previewed; download the document for the rest")
        scale = min(max(scale, 0.25), MAX_SCALE)
        key = (hashlib.blake2b(data, digest_size=16).hexdigest(), number, scale)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        image: bytes = await self._run(_render, data, number, scale)
        self._keep(key, image)
        return image

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def _run(self, fn: Any, *args: Any) -> Any:
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor  # the first preview pays for it

            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockpost-pdfium")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _keep(self, key: tuple[str, int, float], image: bytes) -> None:
        self._cache[key] = image
        self._kept += len(image)
        while self._kept > self._cache_bytes and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._kept -= len(dropped)


def _open(data: bytes) -> Any:
    import pypdfium2  # the first preview pays for it, never start-up

    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise Unrenderable(f"not a PDF that can be drawn: {exc}") from None


def _page_count(data: bytes) -> int:
    document = _open(data)
    try:
        return len(document)
    finally:
        document.close()


def _render(data: bytes, number: int, scale: float) -> bytes:
    document = _open(data)
    try:
        if number > len(document):
            raise Unrenderable(f"the document has {len(document)} pages, not {number}")
        page = document[number - 1]
        width, height = page.get_size()
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / max(width * height, 1.0)) ** 0.5
        bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB, as PNG wants it
        try:
            return encode_png(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride)
        finally:
            bitmap.close()
            page.close()
    finally:
        document.close()


def encode_png(pixels: bytes, width: int, height: int, stride: int) -> bytes:
    """8-bit RGB rows (each `stride` bytes apart) as a PNG file: the standard library is enough."""
    row = width * 3
    raw = b"".join(b"\x00" + pixels[y * stride : y * stride + row] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )
