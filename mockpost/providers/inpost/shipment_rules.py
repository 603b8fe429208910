"""A create-shipment request: its shape from `models.ShipmentCreate`, then ShipX's rules across
fields, every problem collected in ShipX's `details`, nothing applied.

The rules: the service must be one of the organization's; a locker service needs a target point
that exists, a receiver's phone and e-mail, and parcels that fit a locker (a template, or sizes
that fit one); a courier service needs a receiver's name and complete address, and each parcel's
weight (or a template); templates must suit the service, weights their template or the courier
limit; a PaczkoPunkt target turns the standard locker service into the PaczkoPunkt service; the
documented insurance rule applies when the option asks for it. A request that passes becomes the
fields of a new shipment, in the form ShipX shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockpost.providers.inpost import models, services
from mockpost.providers.inpost.problems import Details, Path, check
from mockpost.providers.inpost.state import Shipment

PointTypes = Callable[[str], list[str] | None]  # a point's types, or None when there is no such point


def check_shipment(
    body: Any, organization_services: list[str], point_types: PointTypes, require_insurance: bool
) -> tuple[dict[str, Any] | None, Details]:
    """The new shipment's fields, or None and ShipX's details saying what is wrong."""
    request, details = check(models.ShipmentCreate, body, "shipment")
    if request is None:
        return None, details
    service = request.service
    if service is not None and service not in organization_services:
        details.add(("service",), "not_available")
    locker = service is not None and services.is_locker(service)
    attributes = request.custom_attributes
    target_types = None
    if attributes.target_point is None:
        if locker:
            details.add(("custom_attributes", "target_point"), "required")
    else:
        target_types = point_types(attributes.target_point)
        if target_types is None:
            details.add(("custom_attributes", "target_point"), "does_not_exist")
    if attributes.dropoff_point is not None and point_types(attributes.dropoff_point) is None:
        details.add(("custom_attributes", "dropoff_point"), "does_not_exist")
    if service == "inpost_locker_standard" and target_types and "pop" in target_types:
        service = "inpost_locker_customer_service_point"  # documented service switch for PaczkoPunkts
    courier = service is not None and not locker
    _check_receiver(details, request, locker, courier)
    templates = [
        _check_parcel(details, ("parcels", index), parcel, service)
        for index, parcel in enumerate(request.parcels or [])
    ]
    if (
        require_insurance
        and service in services.INSURANCE_REQUIRED
        and (request.insurance or models.Money()).amount is None
    ):
        details.add(("insurance", "amount"), "required")
    allowed = services.LOCKER_EXTRAS if locker else services.COURIER_EXTRAS
    if any(extra not in allowed for extra in request.additional_services or []):
        details.add(("additional_services",), "invalid")
    if details:
        return None, details
    return _fields(request, service, templates), details


def _check_receiver(details: Details, request: models.ShipmentCreate, locker: bool, courier: bool) -> None:
    """Lockers reach the receiver by phone and e-mail, couriers by name and address; a return
    shipment needs neither (its receiver is the sender)."""
    receiver = request.receiver
    if request.is_return:
        return
    if receiver is None:
        details.add(("receiver",), "required")
        return
    if locker:
        for field in ("email", "phone"):
            if getattr(receiver, field) is None:
                details.add(("receiver", field), "required")
    if courier:
        if not receiver.named():
            for field in ("first_name", "last_name"):
                if not getattr(receiver, field):
                    details.add(("receiver", field), "required")
        check_complete_address(details, ("receiver", "address"), receiver.address, required=True)


def check_complete_address(
    details: Details, path: Path, address: models.Address | None, required: bool
) -> None:
    """An address a courier can drive to: street (or line1), city and post code."""
    if address is None:
        if required:
            details.add(path, "required")
        return
    if address.post_code is None:
        details.add((*path, "post_code"), "required")
    if not address.city:
        details.add((*path, "city"), "required")
    if not address.street and not address.line1:
        details.add((*path, "street"), "required")


def _check_parcel(
    details: Details, path: Path, parcel: models.Parcel, service: str | None
) -> services.Template | None:
    """The parcel's template: given, or for lockers the smallest that its sizes fit."""
    template = services.TEMPLATES[parcel.template] if parcel.template is not None else None
    if (
        template is not None
        and service is not None
        and not services.template_fits_service(template.name, service)
    ):
        details.add((*path, "template"), "invalid")
        template = None
    elif template is not None or service is None or details.touches((*path, "template")):
        pass  # a template that is there, or wrong already, or no service to judge by
    elif services.is_locker(service):
        if parcel.dimensions is None:
            details.add((*path, "template"), "required")
        else:
            template = services.smallest_locker_template(parcel.dimensions.sides())
            if template is None:
                details.add((*path, "template"), "invalid")
    elif parcel.weight is None:
        # a courier parcel needs its weight; its sides are optional, as the documentation marks
        # them and as clients send them (a weight-only parcel when sizes are unknown)
        details.add((*path, "weight"), "required")
    limit = template.max_weight if template else services.COURIER_MAX_WEIGHT
    if parcel.weight is not None and parcel.weight.amount > limit:
        details.add((*path, "weight", "amount"), "invalid")
    return template


# -- a request that passed, as the new shipment's fields -------------------------------------------
def _fields(
    request: models.ShipmentCreate, service: str | None, templates: list[services.Template | None]
) -> dict[str, Any]:
    attributes = request.custom_attributes
    sender = _peer(request.sender)
    if sender is not None and sender["address"] is None:
        del sender["address"]
    return {
        "service": service,
        "receiver": _peer(request.receiver),
        "sender": sender,
        "parcels": [_parcel(p, t) for p, t in zip(request.parcels, templates, strict=True)],
        "custom_attributes": {
            "target_point": attributes.target_point,
            "dropoff_point": attributes.dropoff_point,
            "sending_method": attributes.sending_method,
            "dispatch_order_id": None,
            **attributes.others(),
        },
        "cod": _money(request.cod),
        "insurance": _money(request.insurance),
        "additional_services": request.additional_services or [],
        "reference": request.reference,
        "is_return": request.is_return,
        "external_customer_id": request.external_customer_id,
        "mpk": request.mpk,
        "comments": request.comments,
        "only_choice_of_offer": request.only_choice_of_offer,
        "end_of_week_collection": request.end_of_week_collection,
    }


def address_fields(address: models.Address | None) -> dict[str, Any] | None:
    return None if address is None else {"id": None, **address.model_dump()}


def _peer(peer: models.Peer | None) -> dict[str, Any] | None:
    if peer is None:
        return None
    return {"id": None, **peer.model_dump(exclude={"address"}), "address": address_fields(peer.address)}


def _money(money: models.Money | None) -> dict[str, Any]:
    if money is None or money.amount is None:
        return {"amount": None, "currency": None}
    return {"amount": round(money.amount, 2), "currency": "PLN"}


def _parcel(parcel: models.Parcel, template: services.Template | None) -> dict[str, Any]:
    if parcel.dimensions is not None:
        sides = parcel.dimensions.sides()
    elif template is not None:
        sides = [template.length, template.width, template.height]
    else:
        sides = []
    weight = parcel.weight.amount if parcel.weight is not None else template.max_weight if template else None
    non_standard = bool(sides) and (
        max(sides) > services.NON_STANDARD_LONGEST or sum(sides) > services.NON_STANDARD_SUM
    )
    return {
        "id": parcel.id,
        "template": template.name if template else None,
        "dimensions": (
            {
                "length": _number_text(sides[0]),
                "width": _number_text(sides[1]),
                "height": _number_text(sides[2]),
                "unit": "mm",
            }
            if sides
            else None
        ),
        "weight": {"amount": _number_text(weight) if weight is not None else None, "unit": "kg"},
        "is_non_standard": parcel.is_non_standard if parcel.is_non_standard is not None else non_standard,
    }


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


# -- offer mode -------------------------------------------------------------------------------------
def services_fitting(shipment: Shipment, names: list[str]) -> dict[str, list[dict[str, str]] | None]:
    """Offer mode: each organization service -> None when it can carry the shipment, else reasons."""
    result: dict[str, list[dict[str, str]] | None] = {}
    receiver = shipment.receiver or {}
    for service in names:
        reasons: list[dict[str, str]] = []
        if services.is_locker(service):
            if not shipment.custom_attributes.get("target_point"):
                reasons.append({"key": "target_point_missing", "message": "A target point is required."})
            if not receiver.get("phone") or not receiver.get("email"):
                reasons.append({"key": "receiver_contact_missing", "message": "Receiver phone and email."})
            if any(p["template"] not in services.LOCKER_TEMPLATES for p in shipment.parcels):
                reasons.append({"key": "parcel_too_big", "message": "The parcel does not fit a locker."})
        else:
            if not receiver.get("address"):
                reasons.append({"key": "receiver_address_missing", "message": "Receiver address required."})
            if any(
                p["template"] and not services.template_fits_service(p["template"], service)
                for p in shipment.parcels
            ):
                reasons.append({"key": "template_not_supported", "message": "Template not supported."})
        result[service] = reasons or None
    return result
