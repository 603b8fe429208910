"""The shipment request's rules: every field checked, every problem collected, nothing applied.

Errors come back as ShipX's `details`: each field maps to a list of error keys; a nested object's
errors are an array holding one object (`{"receiver": [{"phone": ["required"]}]}`), and a list's are
an array of objects aligned with the list (`{"parcels": [{}, {"template": ["invalid"]}]}`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockpost.core.numbers import parse_int
from mockpost.providers.inpost import catalog

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{9,20}$")
POST_CODE_PL = re.compile(r"^\d{2}-?\d{3}$")
COUNTRY = re.compile(r"^[A-Za-z]{2,3}$")
TEXT_LIMIT = 255
PEER_TEXT = ("company_name", "first_name", "last_name", "name")
ADDRESS_TEXT = ("street", "building_number", "flat_number", "line1", "line2", "city")

ID_DIGITS = 12  # more digits than any id the mock hands out

Details = dict[str, Any]


def as_id(raw: object) -> int | None:
    """An id from the wire: a whole number, or its digits as text; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw < 10**ID_DIGITS else None
    return parse_int(raw, max_digits=ID_DIGITS)


class Problems:
    """Error keys per field, in insertion order; nested objects attach their own Problems."""

    def __init__(self) -> None:
        self.details: Details = {}

    def add(self, field: str, key: str) -> None:
        keys = self.details.setdefault(field, [])
        if isinstance(keys, list) and key not in keys and all(isinstance(k, str) for k in keys):
            keys.append(key)

    def nest(self, field: str, nested: Details) -> None:
        if nested:
            self.details[field] = [nested]

    def nest_list(self, field: str, aligned: list[Details]) -> None:
        if any(aligned):
            self.details[field] = aligned

    def __bool__(self) -> bool:
        return bool(self.details)


def number(value: Any) -> float | None:
    """A finite number from a JSON number or a numeric string (clients send both); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str) and len(value) <= 30:
        try:
            result = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def number_text(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def text(value: Any, field: str, problems: Problems, limit: int = TEXT_LIMIT) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(field, "invalid")
        return None
    if len(value) > limit:
        problems.add(field, "too_long")
        return None
    return value


def flag(value: Any, field: str, problems: Problems) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        problems.add(field, "invalid")
        return False
    return value


# -- receiver / sender ----------------------------------------------------------------------
@dataclass(frozen=True)
class PeerRules:
    need_contact: bool = False  # phone and email (locker services)
    need_name_and_address: bool = False  # courier services


def check_address(value: Any, required: bool, complete: bool = True) -> tuple[dict[str, Any] | None, Details]:
    """An address; `complete` asks for street (or line1), city and post code, else only formats."""
    problems = Problems()
    if value is None:
        if required:
            return None, {"address": ["required"]}
        return None, {}
    if not isinstance(value, dict):
        return None, {"address": ["invalid"]}
    out: dict[str, Any] = {"id": None}
    for field in ADDRESS_TEXT:
        out[field] = text(value.get(field), field, problems)
    country = value.get("country_code", "PL")
    if country is None or country == "":
        country = "PL"
    if not isinstance(country, str) or not COUNTRY.match(country):
        problems.add("country_code", "invalid_format")
        country = "PL"
    out["country_code"] = country.upper()
    post_code = value.get("post_code")
    out["post_code"] = None
    if post_code is None or post_code == "":
        if complete:
            problems.add("post_code", "required")
    elif not isinstance(post_code, str):
        problems.add("post_code", "invalid")
    elif out["country_code"] == "PL" and not POST_CODE_PL.match(post_code.strip()):
        problems.add("post_code", "invalid_format")
    else:
        code = post_code.strip()
        out["post_code"] = f"{code[:2]}-{code[-3:]}" if out["country_code"] == "PL" else code
    if complete and not out["city"] and "city" not in problems.details:
        problems.add("city", "required")
    if complete and not out["street"] and not out["line1"] and "street" not in problems.details:
        problems.add("street", "required")
    return out, ({"address": [problems.details]} if problems else {})


def check_peer(value: Any, field: str, rules: PeerRules) -> tuple[dict[str, Any] | None, Details]:
    """A receiver or sender: (normalized, details for the parent)."""
    if value is None:
        return None, ({field: ["required"]} if rules.need_contact or rules.need_name_and_address else {})
    if not isinstance(value, dict):
        return None, {field: ["invalid"]}
    problems = Problems()
    out: dict[str, Any] = {"id": None}
    for key in PEER_TEXT:
        out[key] = text(value.get(key), key, problems)
    email = text(value.get("email"), "email", problems)
    if email is not None and not EMAIL.match(email):
        problems.add("email", "invalid_format")
    phone_raw = value.get("phone")
    phone = text(
        str(phone_raw) if isinstance(phone_raw, int) and not isinstance(phone_raw, bool) else phone_raw,
        "phone",
        problems,
        40,
    )
    if phone is not None and not PHONE.match(phone.strip()):
        problems.add("phone", "invalid_format")
    out["email"], out["phone"] = email, phone
    if rules.need_contact:
        if not email and "email" not in problems.details:
            problems.add("email", "required")
        if not phone and "phone" not in problems.details:
            problems.add("phone", "required")
    if rules.need_name_and_address:
        has_name = out["company_name"] or out["name"] or (out["first_name"] and out["last_name"])
        if not has_name:
            if not out["first_name"]:
                problems.add("first_name", "required")
            if not out["last_name"]:
                problems.add("last_name", "required")
    courier = rules.need_name_and_address  # only a courier's receiver must be complete and present
    address, address_problems = check_address(value.get("address"), courier, complete=courier)
    problems.details.update(address_problems)
    out["address"] = address
    return out, ({field: [problems.details]} if problems else {})


# -- parcels ------------------------------------------------------------------------------
def check_measure(value: Any, fields: tuple[str, ...], unit: str) -> tuple[dict[str, Any] | None, Details]:
    if not isinstance(value, dict):
        return None, {"": ["invalid"]}
    problems = Problems()
    out: dict[str, Any] = {}
    for field in fields:
        raw = value.get(field)
        amount = number(raw)
        if raw is None:
            problems.add(field, "required")
        elif amount is None or amount <= 0 or amount > 1e6:
            problems.add(field, "invalid")
        else:
            out[field] = amount
    given_unit = value.get("unit", unit)
    if given_unit not in (None, unit):
        problems.add("unit", "invalid")
    out["unit"] = unit
    return out, problems.details


def check_parcel(value: Any, service: str | None) -> tuple[dict[str, Any] | None, Details]:
    if not isinstance(value, dict):
        return None, {"parcel": ["invalid"]}
    problems = Problems()
    label = value.get("id")
    if (label is not None and not isinstance(label, str | int)) or isinstance(label, bool):
        problems.add("id", "invalid")
        label = None
    template_name = value.get("template")
    template: catalog.Template | None = None
    if template_name is not None:
        if (
            not isinstance(template_name, str)
            or template_name not in catalog.TEMPLATES
            or (service is not None and not template_fits_service(template_name, service))
        ):
            problems.add("template", "invalid")
        else:
            template = catalog.TEMPLATES[template_name]
    dimensions = weight = None
    if value.get("dimensions") is not None:
        dimensions, nested = check_measure(value["dimensions"], ("length", "width", "height"), "mm")
        if nested:
            problems.details["dimensions"] = nested.get("", [nested])
            dimensions = None
    if value.get("weight") is not None:
        weight, nested = check_measure(value["weight"], ("amount",), "kg")
        if nested:
            problems.details["weight"] = nested.get("", [nested])
            weight = None
    non_standard = value.get("is_non_standard")
    if non_standard is not None and not isinstance(non_standard, bool):
        problems.add("is_non_standard", "invalid")
    locker = service is not None and catalog.is_locker(service)
    if template is None and "template" not in problems.details:
        if locker:
            template = smallest_locker_template(dimensions) if dimensions else None
            if template is None:
                problems.add("template", "required" if dimensions is None else "invalid")
        elif service is not None and weight is None and "weight" not in problems.details:
            # a courier parcel needs its weight; its sides are optional, as the documentation
            # marks them and as clients send them (a weight-only parcel when sizes are unknown)
            problems.add("weight", "required")
    limit = template.max_weight if template else catalog.COURIER_MAX_WEIGHT
    if weight is not None and weight["amount"] > limit:
        problems.details["weight"] = [{"amount": ["invalid"]}]
    if problems:
        return None, problems.details
    if dimensions is None and template is not None:
        dimensions = {"length": template.length, "width": template.width, "height": template.height}
    if weight is None:
        weight = {"amount": template.max_weight if template else None}
    sides = [dimensions[k] for k in ("length", "width", "height")] if dimensions else []
    computed = bool(sides) and (
        max(sides) > catalog.NON_STANDARD_LONGEST or sum(sides) > catalog.NON_STANDARD_SUM
    )
    return {
        "id": str(label) if label is not None else None,
        "template": template.name if template else None,
        "dimensions": (
            {k: number_text(dimensions[k]) for k in ("length", "width", "height")} | {"unit": "mm"}
            if dimensions
            else None
        ),
        "weight": {
            "amount": number_text(weight["amount"]) if weight["amount"] is not None else None,
            "unit": "kg",
        },
        "is_non_standard": non_standard if isinstance(non_standard, bool) else computed,
    }, {}


def template_fits_service(template: str, service: str) -> bool:
    if template.startswith("letter_"):
        return service in catalog.LETTER_SERVICES
    if template == "xlarge":
        return service in catalog.XLARGE_SERVICES
    return True


def smallest_locker_template(dimensions: dict[str, Any]) -> catalog.Template | None:
    sides = sorted(dimensions[k] for k in ("length", "width", "height"))
    for name in catalog.LOCKER_TEMPLATES:
        t = catalog.TEMPLATES[name]
        if all(a <= b for a, b in zip(sides, sorted((t.height, t.width, t.length)), strict=True)):
            return t
    return None


def check_parcels(value: Any, service: str | None) -> tuple[list[dict[str, Any]], Details]:
    if value is None:
        return [], {"parcels": ["required"]}
    items = [value] if isinstance(value, dict) else value
    if not isinstance(items, list):
        return [], {"parcels": ["invalid"]}
    if not items:
        return [], {"parcels": ["required"]}
    if len(items) > 1000:
        return [], {"parcels": ["too_long"]}
    out, aligned = [], []
    for item in items:
        parcel, problems = check_parcel(item, service)
        aligned.append(problems)
        if parcel is not None:
            out.append(parcel)
    return out, ({"parcels": aligned} if any(aligned) else {})


# -- money ---------------------------------------------------------------------------------
def check_money(value: Any, field: str, required: bool) -> tuple[dict[str, Any], Details]:
    empty = {"amount": None, "currency": None}
    if value is None:
        return empty, ({field: [{"amount": ["required"]}]} if required else {})
    if not isinstance(value, dict):
        return empty, {field: ["invalid"]}
    problems = Problems()
    raw = value.get("amount")
    amount = number(raw)
    if raw is None:
        if required:
            problems.add("amount", "required")
    elif amount is None or amount < 0 or amount > 1e9:
        problems.add("amount", "invalid")
    currency = value.get("currency") or "PLN"
    if currency != "PLN":
        problems.add("currency", "invalid")
    if problems:
        return empty, {field: [problems.details]}
    if amount is None:
        return empty, {}
    return {"amount": round(amount, 2), "currency": "PLN"}, {}


# -- the whole request ------------------------------------------------------------------------
@dataclass
class ShipmentRequest:
    service: str | None
    receiver: dict[str, Any] | None
    sender: dict[str, Any] | None
    parcels: list[dict[str, Any]]
    custom_attributes: dict[str, Any]
    cod: dict[str, Any]
    insurance: dict[str, Any]
    additional_services: list[str]
    reference: str | None
    is_return: bool
    external_customer_id: str | None
    mpk: str | None
    comments: str | None
    only_choice_of_offer: bool
    end_of_week_collection: bool


def check_shipment(
    body: Any,
    organization_services: list[str],
    point_type: Callable[[str], list[str] | None],
    require_insurance: bool,
) -> tuple[ShipmentRequest | None, Details]:
    """The normalized request, or ShipX details saying what is wrong. `point_type(name)` is the
    point's types, or None when no such point exists."""
    if not isinstance(body, dict):
        return None, {"shipment": ["invalid"]}
    problems = Problems()
    service = body.get("service")
    if service is not None:
        if not isinstance(service, str) or service not in catalog.SERVICES:
            problems.add("service", "invalid")
            service = None
        elif service not in organization_services:
            problems.add("service", "not_available")
    is_return = flag(body.get("is_return"), "is_return", problems)
    attributes_raw = body.get("custom_attributes")
    attributes: dict[str, Any] = {
        "target_point": None,
        "dropoff_point": None,
        "sending_method": None,
        "dispatch_order_id": None,
    }
    nested = Problems()
    if attributes_raw is not None and not isinstance(attributes_raw, dict):
        problems.add("custom_attributes", "invalid")
        attributes_raw = {}
    attributes_raw = attributes_raw or {}
    for key, value in attributes_raw.items():
        if key in ("target_point", "dropoff_point", "sending_method", "dispatch_order_id"):
            continue
        if isinstance(value, str | int | float | bool) or value is None:
            attributes[str(key)[:64]] = value
    locker = service is not None and catalog.is_locker(service)
    target_types: list[str] | None = None
    target = attributes_raw.get("target_point")
    if target is None or target == "":
        if locker:
            nested.add("target_point", "required")
    elif not isinstance(target, str) or len(target) > 64:
        nested.add("target_point", "invalid")
    else:
        target_types = point_type(target)
        if target_types is None:
            nested.add("target_point", "does_not_exist")
        else:
            attributes["target_point"] = target
    dropoff = attributes_raw.get("dropoff_point")
    if dropoff not in (None, ""):
        if not isinstance(dropoff, str) or len(dropoff) > 64 or point_type(dropoff) is None:
            nested.add("dropoff_point", "does_not_exist")
        else:
            attributes["dropoff_point"] = dropoff
    method = attributes_raw.get("sending_method")
    if method is not None:
        if method not in catalog.SENDING_METHODS:
            nested.add("sending_method", "invalid")
        else:
            attributes["sending_method"] = method
    problems.nest("custom_attributes", nested.details)
    if locker and service == "inpost_locker_standard" and target_types and "pop" in target_types:
        service = "inpost_locker_customer_service_point"  # documented service switch for PaczkoPunkts
    courier = service is not None and not catalog.is_locker(service)
    receiver_rules = PeerRules(
        need_contact=locker and not is_return, need_name_and_address=courier and not is_return
    )
    receiver, details = check_peer(body.get("receiver"), "receiver", receiver_rules)
    if receiver is None and not details and not is_return:
        details = {"receiver": ["required"]}
    problems.details.update(details)
    sender, details = check_peer(body.get("sender"), "sender", PeerRules())
    if sender is not None and sender.get("address") is None:
        sender.pop("address")
    problems.details.update(details)
    parcels, details = check_parcels(body.get("parcels"), service)
    problems.details.update(details)
    must_insure = require_insurance and service in catalog.INSURANCE_REQUIRED
    insurance, details = check_money(body.get("insurance"), "insurance", must_insure)
    problems.details.update(details)
    cod, details = check_money(body.get("cod"), "cod", False)
    problems.details.update(details)
    extras_raw = body.get("additional_services")
    extras: list[str] = []
    if extras_raw is not None:
        allowed = catalog.LOCKER_EXTRAS if locker else catalog.COURIER_EXTRAS
        if not isinstance(extras_raw, list) or not all(
            isinstance(x, str) and x in allowed for x in extras_raw
        ):
            problems.add("additional_services", "invalid")
        else:
            extras = list(dict.fromkeys(extras_raw))
    reference = text(body.get("reference"), "reference", problems, 100)
    if reference is not None and len(reference) < 3:
        problems.add("reference", "too_short")
    external = body.get("external_customer_id")
    if isinstance(external, int) and not isinstance(external, bool):
        external = str(external)
    request = ShipmentRequest(
        service=service,
        receiver=receiver,
        sender=sender,
        parcels=parcels,
        custom_attributes=attributes,
        cod=cod,
        insurance=insurance,
        additional_services=extras,
        reference=reference,
        is_return=is_return,
        external_customer_id=text(external, "external_customer_id", problems),
        mpk=text(body.get("mpk"), "mpk", problems),
        comments=text(body.get("comments"), "comments", problems, 100),
        only_choice_of_offer=flag(body.get("only_choice_of_offer"), "only_choice_of_offer", problems),
        end_of_week_collection=flag(body.get("end_of_week_collection"), "end_of_week_collection", problems),
    )
    if problems:
        return None, problems.details
    return request, {}


def services_fitting(request: ShipmentRequest, services: list[str]) -> dict[str, list[dict[str, str]] | None]:
    """Offer mode: each organization service -> None when it can carry the shipment, else reasons."""
    result: dict[str, list[dict[str, str]] | None] = {}
    for service in services:
        reasons: list[dict[str, str]] = []
        if catalog.is_locker(service):
            if not request.custom_attributes.get("target_point"):
                reasons.append({"key": "target_point_missing", "message": "A target point is required."})
            receiver = request.receiver or {}
            if not receiver.get("phone") or not receiver.get("email"):
                reasons.append({"key": "receiver_contact_missing", "message": "Receiver phone and email."})
            if any(p["template"] not in catalog.LOCKER_TEMPLATES for p in request.parcels):
                reasons.append({"key": "parcel_too_big", "message": "The parcel does not fit a locker."})
        else:
            receiver = request.receiver or {}
            if not receiver.get("address"):
                reasons.append({"key": "receiver_address_missing", "message": "Receiver address required."})
            if any(
                p["template"] and not template_fits_service(p["template"], service) for p in request.parcels
            ):
                reasons.append({"key": "template_not_supported", "message": "Template not supported."})
        result[service] = reasons or None
    return result
