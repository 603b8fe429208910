"""What the console shows of Afosto's paperwork, from what its API records:

- a parcel's label, once `POST /lcs/parcels/{id}/label` (or `/slip`) asked for one (`label.requested_at`);
  a shipment shows the labels of its parcels;
- an invoice as the PDF `POST /odr/invoices/{id}/print` ("Generate PDF invoice") makes of it;
- a print job's `job` as it was queued: the file it carries (base64 PDF, PNG or printer text),
  else the text itself;
- the delivery address block: a shipment's `addressing.to` (an address, or a location and its
  address), else its order's; an order's shipping address; an invoice's address.

Everything is read from the stored objects as they are, without the store's lookups (which make
and keep objects on first read): looking at a letter changes nothing.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from typing import Any

from mockpost.core.pdf import make_pdf
from mockpost.core.resources import Document
from mockpost.providers.afosto.objects import Found
from mockpost.providers.afosto.state import TenantState

ADDRESSES = "/rel/addresses"
LOCATIONS = ("/lcs/locations", "/wms/locations")  # a shipment's `location` entity: fulfilment, warehouse
PARCELS, SHIPMENTS, ORDERS = "/lcs/parcels", "/lcs/shipments", "/odr/orders"
LABEL_SIZE = (298, 420)  # A6, in points
LINES_PER_PAGE = 50  # of make_pdf's 14 pt lines on an A4 page
FILE_SIGNATURES = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"))
PRINTER_TEXT = (("^XA", "text/zpl", "zpl"), ("N\n", "text/epl", "epl"))  # how ZPL and EPL jobs begin

Documents = Callable[[TenantState, Found], list[Document]]
Address = Callable[[TenantState, Found], list[str] | None]


# -- documents ------------------------------------------------------------------------------------
def parcel_documents(state: TenantState, parcel: Found) -> list[Document]:
    return _label(state, parcel.item)


def shipment_documents(state: TenantState, shipment: Found) -> list[Document]:
    """The labels of the shipment's parcels."""
    parcels = _stored(state, PARCELS).values()
    return [doc for item in parcels if item.get("shipment_id") == shipment.id for doc in _label(state, item)]


def invoice_documents(state: TenantState, invoice: Found) -> list[Document]:
    """The invoice as it stands, on A4 pages: its amounts are printed as the invoice holds them."""
    item = invoice.item
    currency = str(item.get("currency") or "")
    number = item.get("number") or invoice.id
    lines = [f"Invoice {number}", f"Reference: {item.get('reference') or '-'}", ""]
    lines.extend([*(_address(state, _invoice_address_id(item)) or []), ""])
    for entry in _dicts(item.get("items")):
        what = entry.get("description") or entry.get("sku") or ""
        lines.append(f"{entry.get('quantity', 1)} x {what}  {_amount(entry.get('total'), currency)}")
    for entry in _dicts(item.get("services")):
        what = entry.get("description") or entry.get("type") or "service"
        lines.append(f"{what}  {_amount(entry.get('total'), currency)}")
    lines.extend(["", f"Subtotal: {_amount(item.get('subtotal'), currency)}"])
    for vat in _dicts(item.get("vat")):
        lines.append(f"VAT {vat.get('rate')}%: {_amount(vat.get('amount'), currency)}")
    lines.append(f"Total: {_amount(item.get('total'), currency)}")
    if invoice.state == "paid":
        lines.append(f"Paid {item.get('paid_at') or ''}".rstrip())
    pages = [lines[start : start + LINES_PER_PAGE] for start in range(0, len(lines), LINES_PER_PAGE)]
    return [Document(f"invoice {number}.pdf", "application/pdf", make_pdf(pages), "invoice")]


def print_job_documents(state: TenantState, job: Found) -> list[Document]:
    """The job as queued: the file its `job` carries in base64 (PDF, PNG, ZPL or EPL), else its text."""
    text = job.item.get("job")
    if not isinstance(text, str) or not text:
        return []
    name = f"print job {job.id}"
    data = _base64(text)
    for signature, mime, extension in FILE_SIGNATURES:
        if data is not None and data.startswith(signature):
            return [Document(f"{name}.{extension}", mime, data, "print job")]
    printed = data.decode("utf-8", "replace") if data is not None and _is_text(data) else text
    for start, mime, extension in PRINTER_TEXT:
        if printed.lstrip().startswith(start):
            return [Document(f"{name}.{extension}", mime, printed.encode(), "print job")]
    return [Document(f"{name}.txt", "text/plain", text.encode(), "print job")]


def _label(state: TenantState, parcel: dict[str, Any]) -> list[Document]:
    """A parcel's label, once one was asked for: an A6 page naming the parcel and where it goes."""
    label = parcel.get("label")
    if not isinstance(label, dict) or not label.get("requested_at"):
        return []
    number = parcel.get("number") or parcel.get("id")
    lines = [f"Parcel {number}"]
    lines.extend(
        f"{caption}: {value}"
        for caption, value in (
            ("Tracking code", parcel.get("tracking_code")),
            ("Reference", label.get("reference")),
        )
        if value not in (None, "")
    )
    lines.extend(line for line in [str(label.get("label_text") or "")] if line)
    to = _shipment_address(state, _stored(state, SHIPMENTS).get(str(parcel.get("shipment_id"))))
    lines.extend(["", "To:", *(to or ["(no address)"])])
    pdf = make_pdf([lines], *LABEL_SIZE)
    return [Document(f"label {number}.pdf", "application/pdf", pdf, "label")]


# -- address blocks -------------------------------------------------------------------------------
def shipment_address(state: TenantState, shipment: Found) -> list[str] | None:
    return _shipment_address(state, shipment.item)


def parcel_address(state: TenantState, parcel: Found) -> list[str] | None:
    return _shipment_address(state, _stored(state, SHIPMENTS).get(str(parcel.item.get("shipment_id"))))


def order_address(state: TenantState, order: Found) -> list[str] | None:
    return _order_address(state, order.item)


def invoice_address(state: TenantState, invoice: Found) -> list[str] | None:
    return _address(state, _invoice_address_id(invoice.item))


def _shipment_address(state: TenantState, shipment: dict[str, Any] | None) -> list[str] | None:
    """Where `addressing.to` points (an address; a location: its name and address; a carrier's
    pick-up point by its reference), else the shipping address of the shipment's order."""
    if shipment is None:
        return None
    addressing = shipment.get("addressing")
    to = addressing.get("to") if isinstance(addressing, dict) else None
    lines: list[str] = []
    if isinstance(to, dict):
        entity = str(to.get("entity_id") or "")
        if to.get("entity_type") == "location":
            location = next((found for c in LOCATIONS if (found := _stored(state, c).get(entity))), None)
            if location is not None:
                lines = [str(location["name"])] if location.get("name") else []
                lines.extend(_address(state, location.get("address_id")) or [])
        else:
            lines = _address(state, entity) or []
        carrier = to.get("carrier")
        if lines and isinstance(carrier, dict) and carrier.get("is_carrier_location"):
            lines.append(f"Carrier location {carrier.get('carrier_location_reference') or ''}".rstrip())
    if not lines:
        lines = _order_address(state, _stored(state, ORDERS).get(str(shipment.get("order_id")))) or []
    return lines or None


def _order_address(state: TenantState, order: dict[str, Any] | None) -> list[str] | None:
    settings = order.get("settings") if order is not None else None
    shipping = settings.get("shipping") if isinstance(settings, dict) else None
    return _address(state, shipping.get("address_id")) if isinstance(shipping, dict) else None


def _invoice_address_id(invoice: dict[str, Any]) -> Any:
    customer = invoice.get("customer")
    contact = customer.get("contact") if isinstance(customer, dict) else None
    return invoice.get("address_id") or (contact.get("address_id") if isinstance(contact, dict) else None)


def _address(state: TenantState, address_id: Any) -> list[str] | None:
    """An address of the account (`/rel/addresses`) as a block; None when the id names none."""
    address = _stored(state, ADDRESSES).get(str(address_id)) if address_id else None
    if address is None:
        return None
    return address_lines(address) or None


def address_lines(address: dict[str, Any]) -> list[str]:
    """Organisation, name, street and number (or the address lines), post code and town, country."""

    def joined(*keys: str) -> str:
        return " ".join(str(address[key]) for key in keys if address.get(key) not in (None, ""))

    number = joined("premise_number")
    suffix = str(address.get("premise_number_suffix") or "")
    if number and suffix:
        number += suffix if suffix.isalpha() else f"-{suffix}"
    street = " ".join(part for part in (joined("thoroughfare"), number) if part)
    lines = [
        joined("organisation"),
        joined("given_name", "additional_name", "family_name"),
        *([street] if street else [joined("address_line_1"), joined("address_line_2")]),
        joined("postal_code", "locality"),
        joined("country_code"),
    ]
    return [line for line in lines if line]


# -- small readers --------------------------------------------------------------------------------
def _stored(state: TenantState, collection: str) -> dict[str, dict[str, Any]]:
    """A top-level collection's stored objects, as they are (never seeded or made on read)."""
    return state.items.get((collection, ()), {})


def _dicts(value: Any) -> Iterable[dict[str, Any]]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _amount(value: Any, currency: str) -> str:
    return f"{value} {currency}".strip() if value not in (None, "") else "-"


def _base64(text: str) -> bytes | None:
    try:
        return base64.b64decode("".join(text.split()), validate=True) or None
    except (binascii.Error, ValueError):
        return None


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


DOCUMENTS: dict[str, Documents] = {
    "parcels": parcel_documents,
    "shipments": shipment_documents,
    "invoices": invoice_documents,
    "print_jobs": print_job_documents,
}
ADDRESS_BLOCKS: dict[str, Address] = {
    "parcels": parcel_address,
    "shipments": shipment_address,
    "orders": order_address,
    "invoices": invoice_address,
}


def documents_for(kind: str) -> Documents:
    """The kind's documents (none for a kind that makes or receives no file)."""
    return DOCUMENTS.get(kind, lambda state, found: [])


def address_for(kind: str) -> Address:
    """The kind's address block (None for a kind that is not sent anywhere)."""
    return ADDRESS_BLOCKS.get(kind, lambda state, found: None)
