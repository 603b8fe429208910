"""One rule for whole numbers a client sends, one for comparing secrets: both refuse, never crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mockpost.core.numbers import is_digits, parse_int
from mockpost.core.secrets import same_secret

PACKAGE = Path(__file__).resolve().parents[2] / "mockpost"


@pytest.mark.parametrize("text", ["0", "7", "0042", "123456789012345678"])
def test_ascii_digits_are_a_number(text: str) -> None:
    assert parse_int(text) == int(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " 7",
        "7 ",
        "+7",
        "1_000",
        "\u00b2",
        "\u0663",
        "1\u00b2",
        "7.0",
        "1e3",
        "-",
        "--1",
        "-7",
        None,
        7,
        7.0,
    ],
)
def test_anything_but_ascii_digits_is_not_a_number(text: object) -> None:
    assert parse_int(text) is None


def test_a_sign_is_read_only_where_negative_numbers_are_allowed() -> None:
    assert parse_int("-12", signed=True) == -12
    assert parse_int("-\u00b2", signed=True) is None
    assert parse_int("-12") is None


def test_a_number_longer_than_its_bound_is_not_read() -> None:
    assert parse_int("9" * 12, max_digits=12) == 10**12 - 1
    assert parse_int("9" * 13, max_digits=12) is None
    assert parse_int("9" * 5000) is None  # int() itself would raise on more than 4,300 digits


def test_digit_codes_keep_their_leading_zeros_and_refuse_superscripts() -> None:
    assert is_digits("000123")
    assert not is_digits("\u00b2\u00b2\u00b2\u00b2\u00b2\u00b2")


@pytest.mark.parametrize(
    ("given", "expected", "same"),
    [
        ("abc", "abc", True),
        ("abc", "abd", False),
        ("\u00e9", "e9", False),
        ("\u00e9", "\u00e9", True),
        (b"\xff", b"\xff", True),
        ("", "x", False),
        (None, "x", False),
        ("x", None, False),
        ("\ud800", "x", False),
    ],
)
def test_secrets_compare_without_raising_on_any_text(
    given: str | None, expected: str | None, same: bool
) -> None:
    assert same_secret(given, expected) is same


def test_the_package_reads_numbers_and_compares_secrets_only_through_core() -> None:
    """str.isdigit() accepts "²" and hmac.compare_digest() raises on "é": neither is used directly."""
    allowed = {PACKAGE / "core" / "numbers.py", PACKAGE / "core" / "secrets.py"}
    pattern = re.compile(r"\.(isdigit|isdecimal|isnumeric)\(|compare_digest\(")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        if path not in allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
