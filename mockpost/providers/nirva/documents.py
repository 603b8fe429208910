"""Reading uploaded PDFs: page texts, the split into documents, the address block.

The address block is the first six non-empty text lines of a document's first page (split-marker
lines left out, unless they are all the page holds).

Split rule (the documentation leaves it to each service's configuration): a page whose text holds a
"page 1/N" marker (any case, e.g. "Page 1/3") starts a new document. In a file with no such marker,
the first page and every later page that starts with a recipient (a valid postal address block or an
e-mail address in its top lines) start a new document, so a file of one-page letters gives one
document each and a long letter addressed on its first page only stays one. A file whose first page
carries no marker while later pages do cannot be split. The job parameter `pagesPerDocument` (ours)
splits every N pages instead; a page count that is not a multiple of N cannot be split either.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

SPLIT_MARKER = re.compile(r"page\s*1\s*/\s*\d+", re.IGNORECASE)
ADDRESS_LINES = 6  # the address block is at most the first six text lines of a document
MAX_PAGES = 5000


class CannotProcess(Exception):
    """The file is not a readable PDF, or cannot be split: the job ends in PROCESSING_ERROR."""


@dataclass(frozen=True)
class Split:
    first_page: int  # 1-based
    page_count: int
    address_block: str


def page_texts(data: bytes, file_name: str) -> list[str]:
    """The text of each page, or CannotProcess saying why."""
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise CannotProcess(f"{file_name}: not a PDF file (no %PDF- header)")
    from pypdf import PdfReader  # imported on first use: it costs start-up time for every server

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise CannotProcess(f"{file_name}: the PDF is encrypted")
        count = len(reader.pages)
        if count == 0:
            raise CannotProcess(f"{file_name}: the PDF has no page")
        if count > MAX_PAGES:
            raise CannotProcess(f"{file_name}: more than {MAX_PAGES} pages")
        return [page.extract_text() or "" for page in reader.pages]
    except CannotProcess:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files; all mean "cannot read it"
        raise CannotProcess(f"{file_name}: the PDF cannot be read ({type(exc).__name__})") from None


def split(
    texts: list[str],
    file_name: str,
    pages_per_document: int | None = None,
    addresses_someone: Callable[[str], bool] = lambda top_lines: False,
) -> list[Split]:
    if pages_per_document is not None:
        if len(texts) % pages_per_document:
            raise CannotProcess(
                f"{file_name}: {len(texts)} pages cannot be split into documents of {pages_per_document}"
            )
        starts = list(range(0, len(texts), pages_per_document))
    else:
        starts = [index for index, text in enumerate(texts) if SPLIT_MARKER.search(text)]
        if not starts:
            starts = [0] + [i for i in range(1, len(texts)) if addresses_someone(address_block(texts[i]))]
        elif starts[0] != 0:
            raise CannotProcess(
                f"{file_name}: pages 1-{starts[0]} come before the first 'Page 1/N' marker and belong "
                "to no document"
            )
    ends = [*starts[1:], len(texts)]
    return [
        Split(start + 1, end - start, address_block(texts[start]))
        for start, end in zip(starts, ends, strict=True)
    ]


def address_block(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    without_markers = [line for line in lines if not SPLIT_MARKER.search(line)]
    lines = without_markers or lines  # a page holding only its marker still has that text
    return "\n".join(lines[:ADDRESS_LINES])
