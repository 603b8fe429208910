"""Validation of every documented address type, each failure with its documented error code.

`check_address` returns the address as stored and echoed (the client's fields, normalised), the
channel it goes through, and the warning the envelope carries (missing or incomplete postal address).
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

from mockpost.providers.ekopost.errors import AddressInvalid, EkopostError, InvalidData
from mockpost.providers.ekopost.state import ELECTRONIC_CHANNEL, PRINTED_CHANNEL, SMS_CHANNEL

if TYPE_CHECKING:
    from faker import Faker

COUNTRIES = frozenset(resources.files(__package__).joinpath("data/countries.txt").read_text().split())
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-\u00c0-\u024f]+@[A-Za-z0-9\-\u00c0-\u024f]+(\.[A-Za-z0-9\-\u00c0-\u024f]+)+$"
)
SMS_RECIPIENT = re.compile(r"^\+\S{6,}$")
DELIVERABLE_PHONE = re.compile(r"^\+\d{7,15}$")
REK_POSTAL_CODE = re.compile(r"^\d(\s?\d){4}$")
GIRO = re.compile(r"^\d+$")
MAX_SMS_RECIPIENTS = 100_000
MAX_REK_ROW = 35
MAX_SMS_FROM = 11

KIVRA_TYPES = {0: "letter", 1: "invoice", 2: "letter salary", 3: "booking", 4: "invoice renewal"}
EINVOICE_FORMATS = {"svefaktura-1.0", "svefaktura-2.0-invoice", "svefaktura-2.0-creditnote"}
IDENTIFIER_TYPES = {"SE.REGNO", "SE.SSNNO", "GS1.GLN"}
INTERMEDIATORS = (None, "peppol")
POSTAGES = ("priority", "economy", "rek")

INCOMPLETE_WARNING = "The postal address is not complete; an extra cost is added."
MISSING_WARNING = "Address is missing; the address must be embedded in the document."


@dataclass
class CheckedAddress:
    address: dict[str, Any] | None
    channel: str
    warning: str | None = None


def check_address(raw: Any, postage: str) -> CheckedAddress:
    if raw is None:
        return CheckedAddress(None, PRINTED_CHANNEL, MISSING_WARNING)
    if not isinstance(raw, dict):
        raise InvalidData("address must be an address object or null")
    kind = raw.get("$type", "postal")
    checker = _CHECKERS.get(kind) if isinstance(kind, str) else None
    if checker is None:
        raise InvalidData(f"address.$type {kind!r} is not one of {sorted(_CHECKERS)}")
    return checker(dict(raw), postage)


# -- helpers --------------------------------------------------------------------------
def _text(raw: dict[str, Any], key: str, where: str, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        if required:
            raise AddressInvalid(f"{where}.{key} is required")
        return None
    if not isinstance(value, str):
        raise AddressInvalid(f"{where}.{key} must be a string")
    return value


def _bool(raw: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = raw.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise AddressInvalid(f"{where}.{key} must be true or false")
    return value


def _rows(raw: dict[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        raise AddressInvalid(f"{where}.{key} must be an array of strings (one per address line)")
    if not isinstance(value, list) or not all(isinstance(row, str) for row in value):
        raise AddressInvalid(f"{where}.{key} must be an array of strings (one per address line)")
    return value


def _recipient(raw: dict[str, Any], where: str) -> str:
    value = raw.get("recipient")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise EkopostError("119", f"{where}.recipient is required")
    if not isinstance(value, str):
        raise AddressInvalid(f"{where}.recipient must be a string")
    return value


def check_email(value: Any, field: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise EkopostError("120", f"{field} is required")
    if not isinstance(value, str) or not EMAIL.match(value.strip()):
        raise EkopostError("123", f"{field} {value!r} is not a valid email address")
    return value


def _date(raw: dict[str, Any], key: str, where: str, required: bool = False) -> None:
    value = _text(raw, key, where, required)
    if value is None:
        return
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise AddressInvalid(f"{where}.{key} {value!r} is not a date (e.g. 2021-06-28)") from None


def _as_text(number: Any) -> str:
    if isinstance(number, str):
        return number
    return format(Decimal(repr(number)), "f")  # 499.99 -> "499.99", 500 -> "500", never 4.9999e2


def _amount(value: Any, field: str) -> float:
    if isinstance(value, bool) or value is None:
        raise AddressInvalid(f"{field} must be a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise AddressInvalid(f"{field} {value!r} is not a number") from None


# -- one checker per $type --------------------------------------------------------------
def _postal(raw: dict[str, Any], postage: str) -> CheckedAddress:
    where = "address"
    names = _rows(raw, "name", where)
    streets = _rows(raw, "street", where)
    postal_code = _text(raw, "postal_code", where)
    city = _text(raw, "city", where)
    country = _text(raw, "country", where)
    use_coverpage = _bool(raw, "use_coverpage", where)
    if country is not None and country.upper() not in COUNTRIES:
        raise EkopostError(
            "112", f"address.country {country!r} is not an ISO 3166-1 alpha-2 code such as 'SE'"
        )
    if postage == "rek":
        for key, rows in (("name", names), ("street", streets)):
            for row in rows:
                if len(row) > MAX_REK_ROW:
                    raise AddressInvalid(f"{key.capitalize()} too long (max {MAX_REK_ROW} characters)")
        if postal_code is not None and not REK_POSTAL_CODE.match(postal_code.strip()):
            raise AddressInvalid("Postal code must be five digits for registered mail (rek)")
    address = {"$type": "postal", **{k: v for k, v in raw.items() if k != "$type"}}
    address["use_coverpage"] = use_coverpage
    complete = bool(names and streets and postal_code and city and country)
    return CheckedAddress(address, PRINTED_CHANNEL, None if complete else INCOMPLETE_WARNING)


def _email(raw: dict[str, Any], postage: str) -> CheckedAddress:
    check_email(raw.get("recipient"), "address.recipient")
    _text(raw, "subject", "address")
    return CheckedAddress(raw, ELECTRONIC_CHANNEL)


def _sms(raw: dict[str, Any], postage: str) -> CheckedAddress:
    sender = raw.get("from_name", raw.get("from"))
    if sender is None or (isinstance(sender, str) and not sender.strip()):
        raise EkopostError("133", "address.from_name (or address.from) is required")
    if not isinstance(sender, str):
        raise AddressInvalid("address.from_name must be a string")
    if len(sender) > MAX_SMS_FROM:
        raise AddressInvalid(f"from_name too long (max {MAX_SMS_FROM} characters)")
    recipients = check_sms_recipients(raw.get("recipients"), "address.recipients")
    address = {k: v for k, v in raw.items() if k not in ("from", "from_name", "recipients")}
    address.update({"$type": "sms", "recipients": recipients, "from_name": sender})
    return CheckedAddress(address, SMS_CHANNEL)


def check_sms_recipients(value: Any, field: str) -> list[str]:
    if value is None or value == []:
        raise EkopostError("132", f"{field} must list at least one phone number")
    if not isinstance(value, list):
        raise InvalidData(f"{field} must be an array of phone numbers")
    if len(value) > MAX_SMS_RECIPIENTS:
        raise EkopostError("134", f"{field} has {len(value)} numbers")
    for number in value:
        if not isinstance(number, str) or not SMS_RECIPIENT.match(number):
            raise EkopostError(
                "131",
                f"{number!r} is not in international format (a leading + then the number, e.g. +46739112233)",
            )
    return value


def _einbox(raw: dict[str, Any], postage: str) -> CheckedAddress:
    _recipient(raw, "address")
    for key in ("template", "subject", "content", "sender_id"):
        _text(raw, key, "address")
    return CheckedAddress(raw, ELECTRONIC_CHANNEL)


def _einbox_kivra(raw: dict[str, Any], postage: str) -> CheckedAddress:
    where = "address"
    _recipient(raw, where)
    _text(raw, "subject", where)
    _text(raw, "sender_id", where)
    kivra_type = raw.get("kivra_type", 0)
    if not isinstance(kivra_type, int) or isinstance(kivra_type, bool) or kivra_type not in KIVRA_TYPES:
        raise AddressInvalid(f"address.kivra_type must be one of {sorted(KIVRA_TYPES)} ({KIVRA_TYPES})")
    if kivra_type == 3:
        booking = raw.get("booking")
        if not isinstance(booking, dict):
            raise AddressInvalid("address.booking is required for kivra_type 3 (booking)")
        _text(booking, "title", "address.booking", required=True)
        _date(booking, "start_time", "address.booking", required=True)
        _date(booking, "end_time", "address.booking")
        for key in ("location", "description", "info_url"):
            _text(booking, key, "address.booking")
    if kivra_type in (1, 4):
        invoice = raw.get("invoice")
        if not isinstance(invoice, dict):
            raise AddressInvalid(f"address.invoice is required for kivra_type {kivra_type}")
        _kivra_invoice(invoice)
    return CheckedAddress(raw, ELECTRONIC_CHANNEL)


def _kivra_invoice(invoice: dict[str, Any]) -> None:
    where = "address.invoice"
    _text(invoice, "reference", where, required=True)
    payable = _bool(invoice, "payable", where)
    _text(invoice, "currency", where, required=True)
    _date(invoice, "due_date", where, required=True)
    if invoice.get("total_owed") is None:
        raise AddressInvalid(f"{where}.total_owed is required")
    total = _amount(invoice["total_owed"], f"{where}.total_owed")
    if payable and total <= 0:
        raise AddressInvalid(f"{where}.total_owed must be greater than 0 when payable is true")
    _bool(invoice, "use_ocr", where)
    _bool(invoice, "use_bg", where)
    _text(invoice, "account", where)
    reference = _text(invoice, "payment_reference", where)
    if reference is not None and len(reference) > 25:
        raise AddressInvalid(f"{where}.payment_reference is longer than 25 characters")
    if _bool(invoice, "variable_amount", where):
        if invoice.get("min_amount") is None:
            raise AddressInvalid(f"{where}.min_amount is required when variable_amount is true")
        minimum = _amount(invoice["min_amount"], f"{where}.min_amount")
        if not 0 < minimum < total:
            raise AddressInvalid(f"{where}.min_amount must be greater than 0 and less than total_owed")


def _einbox_signer(raw: dict[str, Any], postage: str) -> CheckedAddress:
    if raw.get("info_mail") is not None:
        check_email(raw.get("info_mail"), "address.info_mail")
    _text(raw, "sender_id", "address")
    signers = raw.get("signers")
    if not signers:
        raise EkopostError("122", "address.signers must hold at least one signer")
    if not isinstance(signers, list) or not all(isinstance(s, dict) for s in signers):
        raise InvalidData("address.signers must be an array of signer objects")
    issuers = 0
    for index, signer in enumerate(signers):
        where = f"address.signers[{index}]"
        check_email(signer.get("email"), f"{where}.email")
        _recipient(signer, where)
        issuers += _bool(signer, "issuer", where)
    if issuers > 1:
        raise AddressInvalid("issuer can be true for one signer only")
    return CheckedAddress(raw, ELECTRONIC_CHANNEL)


def _einvoice(raw: dict[str, Any], postage: str) -> CheckedAddress:
    where = "address"
    _recipient(raw, where)
    fmt = _text(raw, "format", where, required=True)
    if fmt not in EINVOICE_FORMATS:
        raise AddressInvalid(f"address.format must be one of {sorted(EINVOICE_FORMATS)}")
    _text(raw, "sender", where, required=True)
    for key in ("sender_type", "recipient_type"):
        value = _text(raw, key, where, required=True)
        if value not in IDENTIFIER_TYPES:
            raise AddressInvalid(f"address.{key} must be one of {sorted(IDENTIFIER_TYPES)}")
    if raw.get("intermediator") not in INTERMEDIATORS:
        raise AddressInvalid("address.intermediator must be 'peppol' or null")
    return CheckedAddress(raw, ELECTRONIC_CHANNEL)


def _lookup(raw: dict[str, Any], postage: str) -> CheckedAddress:
    recipient = _recipient(raw, "address")
    return _postal(lookup_postal_address(recipient), postage)


def _ebank(raw: dict[str, Any], postage: str) -> CheckedAddress:
    where = "address"
    _recipient(raw, where)
    for key in (
        "customer_number",
        "customer_name",
        "invoice_number",
        "reference_value",
        "issuer",
        "presentation_reference",
    ):
        _text(raw, key, where)
    reference_type = _text(raw, "reference_type", where)
    if reference_type is not None and reference_type not in ("ocr", "message"):
        raise AddressInvalid("address.reference_type must be 'ocr' or 'message'")
    giro = raw.get("giro_number")
    if giro is not None and (not isinstance(giro, str) or not GIRO.match(giro)):
        raise AddressInvalid("address.giro_number must contain digits only (no dashes)")
    _bool(raw, "autogiro", where)
    if raw.get("amount") is not None:
        _amount(raw["amount"], "address.amount")
        # The field table types amount as String; the sample sends 499.99 and a .NET service reading it
        # into a string answers "499.99". Given as text, it is kept as sent.
        raw["amount"] = _as_text(raw["amount"])
    _date(raw, "invoice_date", where)
    _date(raw, "due_date", where)
    return CheckedAddress(raw, ELECTRONIC_CHANNEL)


_CHECKERS = {
    "postal": _postal,
    "email": _email,
    "sms": _sms,
    "einbox": _einbox,
    "einbox_kivra": _einbox_kivra,
    "einbox_signer": _einbox_signer,
    "einvoice": _einvoice,
    "lookup": _lookup,
    "ebank": _ebank,
}
ADDRESS_TYPES = tuple(_CHECKERS)


@functools.cache
def lookup_faker() -> Faker:
    """Built once (Faker is slow to import and construct); a server warms it in the background."""
    from faker import Faker

    return Faker("sv_SE")


def lookup_postal_address(recipient: str) -> dict[str, Any]:
    """The population-register (Navet) answer for a personal number: the same number always gives
    the same Swedish postal address, independent of any seed."""
    seed = int.from_bytes(hashlib.sha256(recipient.encode()).digest()[:8], "big")
    faker = lookup_faker()
    faker.seed_instance(seed)
    rng = random.Random(seed)
    return {
        "$type": "postal",
        "name": [faker.name()],
        "street": [faker.street_address()],
        "postal_code": f"{rng.randint(100, 999)} {rng.randint(10, 99)}",
        "city": faker.city(),
        "country": "SE",
        "use_coverpage": False,
    }


def deliverable(number: str) -> bool:
    return bool(DELIVERABLE_PHONE.match(number))
