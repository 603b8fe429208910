"""Reading PDFs in linear time: the same streams and shown text as the regular expressions it
replaced, and answers (not stalls) on files crafted against those expressions."""

from __future__ import annotations

import itertools
import re
import zlib

import pytest

from mockpost.core import pdfscan
from mockpost.core.pdf import make_pdf

STREAM_REGEX = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
SHOWN_REGEX = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*(?:Tj|')", re.DOTALL)


def every_text(atoms: list[bytes], length: int) -> list[bytes]:
    return [b"".join(parts) for n in range(length + 1) for parts in itertools.product(atoms, repeat=n)]


def test_streams_are_those_the_regular_expression_finds() -> None:
    for data in every_text([b"stream", b"\n", b"\r", b"endstream", b"x"], 5):
        assert list(pdfscan.streams(data)) == [m.group(1) for m in STREAM_REGEX.finditer(data)], data


def test_shown_strings_are_those_the_regular_expression_finds() -> None:
    for data in every_text([b"(", b")", b"\\", b"Tj", b"'", b" ", b"a"], 5):
        assert pdfscan.shown_strings(data) == [m.group(1) for m in SHOWN_REGEX.finditer(data)], data


def test_a_made_pdf_shows_its_pages_text() -> None:
    data = make_pdf([["Hello (world)"], ["Page two"]])
    shown = [pdfscan.shown_strings(stream) for stream in pdfscan.streams(data)]
    assert [s for s in shown if s] == [[rb"Hello \(world\)"], [b"Page two"]]
    assert pdfscan.count_page_objects(data) == 2


def test_page_objects_are_counted_up_to_one_more_than_the_budget() -> None:
    assert pdfscan.count_page_objects(b"/Type /Page " * 50, budget=10) == 11


def test_a_page_inside_a_compressed_object_stream_is_found() -> None:
    packed = zlib.compress(b"<< /Type /Page /Parent 2 0 R >>")
    data = b"%PDF-1.5\n1 0 obj << /Type /ObjStm >> stream\n" + packed + b"\nendstream\n"
    assert pdfscan.page_in_object_streams(data)


def test_a_compression_bomb_stops_at_the_budget() -> None:
    bomb = zlib.compress(b"\0" * (4 * 1024 * 1024) + b"/Type /Page", 9)
    data = b"%PDF-1.5\n1 0 obj << /Type /ObjStm >> stream\n" + bomb + b"\nendstream\n"
    assert not pdfscan.page_in_object_streams(data, budget=1024 * 1024)
    assert pdfscan.page_in_object_streams(data, budget=8 * 1024 * 1024)


@pytest.mark.parametrize(
    "crafted",
    [
        b"%PDF-1.4\n" + b"stream\n" * 150_000,  # no endstream: the old expression retried to the end
        b"%PDF-1.4\nstream\n" + b"(" * 1_000_000 + b"\nendstream\n",  # a literal that never closes
        b"%PDF-1.4\nstream\n" + b"(\\" * 500_000 + b"\nendstream\n",
    ],
)
def test_crafted_files_are_read_through(crafted: bytes) -> None:
    for stream in pdfscan.streams(crafted):
        assert pdfscan.shown_strings(stream) == []
    assert not pdfscan.page_in_object_streams(crafted)
