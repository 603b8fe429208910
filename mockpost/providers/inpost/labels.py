"""Labels: a real one-page PDF per shipment (A4 `normal` or `A6`; courier services always A6), or
ZPL/EPL printer text, showing the tracking number. Only from `confirmed` on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mockpost.core.pdf import make_pdf
from mockpost.providers.inpost import services
from mockpost.providers.inpost.errors import InvalidAction, InvalidParameter
from mockpost.providers.inpost.flow import is_confirmed
from mockpost.providers.inpost.state import Shipment

FORMATS = {"pdf": "Pdf", "zpl": "Zpl", "epl": "Epl"}
TYPES = {"normal": "normal", "a6": "A6"}
A4 = (595, 842)
A6 = (298, 420)


@dataclass(frozen=True)
class Label:
    content: bytes
    media_type: str
    filename: str


def label_options(query: Mapping[str, str]) -> tuple[str, str]:
    """(format, type) from the query, case-insensitive; defaults Pdf and normal."""
    raw_format = (query.get("format") or "Pdf").strip().lower()
    raw_type = (query.get("type") or "normal").strip().lower()
    if raw_format not in FORMATS:
        raise InvalidParameter("format", "invalid_value", allowed=list(FORMATS.values()))
    if raw_type not in TYPES:
        raise InvalidParameter("type", "invalid_value", allowed=list(TYPES.values()))
    return FORMATS[raw_format], TYPES[raw_type]


def check_printable(shipment: Shipment) -> None:
    if not is_confirmed(shipment) or not shipment.tracking_number:
        raise InvalidAction("label", shipment.state, shipment_id=shipment.id)


def _lines(shipment: Shipment, returning: bool = False) -> list[str]:
    """What a label shows; a return label is addressed back to the sender."""
    receiver = (shipment.sender if returning else shipment.receiver) or {}
    address = receiver.get("address") or {}
    name = (
        receiver.get("company_name")
        or receiver.get("name")
        or " ".join(str(receiver.get(k) or "") for k in ("first_name", "last_name")).strip()
    )
    lines = [
        "InPost return label" if returning else "InPost",
        f"Tracking number: {shipment.tracking_number}",
        f"Service: {shipment.service}",
        f"Receiver: {name}",
    ]
    if returning and shipment.return_tracking_number:
        lines.insert(2, f"Return tracking number: {shipment.return_tracking_number}")
    target = shipment.custom_attributes.get("target_point")
    if target and not returning:
        lines.append(f"Target point: {target}")
    if address:
        lines.append(
            f"{address.get('street') or address.get('line1') or ''} {address.get('building_number') or ''}"
        )
        lines.append(f"{address.get('post_code') or ''} {address.get('city') or ''}")
    if shipment.reference:
        lines.append(f"Reference: {shipment.reference}")
    return lines


def _zpl(lines: list[str], barcode: str | None) -> str:
    body = "".join(f"^FO40,{40 + 40 * i}^A0N,30,30^FD{line}^FS" for i, line in enumerate(lines))
    return f"^XA{body}^FO40,400^BCN,120,Y,N,N^FD{barcode}^FS^XZ\n"


def _epl(lines: list[str], barcode: str | None) -> str:
    rows = "".join(f'A40,{40 + 40 * i},0,3,1,1,N,"{line}"\n' for i, line in enumerate(lines))
    return f'\nN\n{rows}B40,400,0,1,2,6,120,B,"{barcode}"\nP1\n'


def render(
    shipments: Sequence[Shipment], label_format: str, label_type: str, returning: bool = False
) -> Label:
    """One label per shipment in one file; `returning` makes return labels (to the sender)."""
    for shipment in shipments:
        check_printable(shipment)
    pages = [_lines(s, returning) for s in shipments]
    barcodes = [(s.return_tracking_number if returning else None) or s.tracking_number for s in shipments]
    kind = "return_label" if returning else "label"
    name = f"{kind}_{shipments[0].id}" if len(shipments) == 1 else f"{kind}s"
    if label_format == "Zpl":
        return Label("".join(map(_zpl, pages, barcodes)).encode(), "text/zpl", f"{name}.zpl")
    if label_format == "Epl":
        return Label("".join(map(_epl, pages, barcodes)).encode(), "text/epl", f"{name}.epl")
    courier_only = all(s.service and not services.is_locker(s.service) for s in shipments)
    width, height = A6 if label_type == "A6" or courier_only else A4
    return Label(make_pdf(pages, width, height), "application/pdf", f"{name}.pdf")
