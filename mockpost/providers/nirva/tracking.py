"""What the national post tells about a registered letter: tracking numbers, the TRACKING_DETAIL JSON
(in the style of La Poste's tracking API), the deposit (CERTIF) and acknowledgement (ACKN) proofs,
and the webhook payload."""

from __future__ import annotations

from datetime import UTC, datetime

from mockpost.core.clock import iso_utc
from mockpost.core.http import dumps
from mockpost.core.pdf import make_pdf
from mockpost.providers.nirva.lifecycle import SHIPMENT_LABELS
from mockpost.providers.nirva.state import Shipment

# Shipment code -> the post's own event (code, label), as La Poste reports them.
POST_EVENTS: dict[str, tuple[str, str]] = {
    "400": ("DR1", "Déclaratif réceptionné"),
    "600": ("PC1", "Pris en charge"),
    "610": ("DI1", "Distribué"),
    "-610": ("ND1", "Non distribuable"),
    "-611": ("RE1", "Retourné à l'expéditeur : non réclamé"),
    "-612": ("RE1", "Retourné à l'expéditeur : refusé par le destinataire"),
    "-613": ("ND1", "Destinataire inconnu à l'adresse"),
    "-614": ("ND1", "Adresse incorrecte"),
}
# Codes an external provider (the post, the e-mail platform) reports: their events carry eventDate.
EXTERNAL_CODES = {"600", "610", "700", "710", "711", "712", "713", "714", "715", "716", "730"} | {
    str(code) for code in SHIPMENT_LABELS if -720 <= code <= -610
}
TRACK_URLS = {
    "LaPoste_Fr": "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
    "LaPoste_Be": "https://track.bpost.cloud/btr/web/#/search?itemCode={}",
}


def post_of(address_block: str) -> str:
    return "LaPoste_Be" if "BELGI" in address_block.upper() else "LaPoste_Fr"


def s10_number(serial: str, country: str) -> str:
    """A UPU S10 registered-letter number: RR + 8 digits + check digit + country."""
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    check = 11 - sum(int(d) * w for d, w in zip(serial, weights, strict=True)) % 11
    check = 5 if check == 11 else 0 if check == 10 else check
    return f"RR{serial}{check}{country}"


def tracking_detail(shipment: Shipment) -> bytes:
    events = [
        {"code": POST_EVENTS[change.to][0], "label": POST_EVENTS[change.to][1], "date": iso_utc(change.at)}
        for change in shipment.history
        if change.to in POST_EVENTS
    ]
    delivered = next((change.at for change in shipment.history if change.to == "610"), None)
    number = shipment.tracking_number or ""
    return dumps(
        {
            "lang": "fr_BE" if shipment.post == "LaPoste_Be" else "fr_FR",
            "scope": "open",
            "returnCode": 200,
            "provider": shipment.post,
            "shipment": {
                "idShip": number,
                "holder": 4,
                "product": "Lettre recommandée",
                "isFinal": shipment.state == "610" or shipment.state.startswith("-"),
                "entryDate": events[0]["date"] if events else None,
                "deliveryDate": iso_utc(delivered) if delivered else None,
                "url": TRACK_URLS[shipment.post].format(number),
                "event": events[::-1],  # newest first, as La Poste lists them
            },
        }
    )


def proof_pdf(title: str, shipment: Shipment, at: datetime) -> bytes:
    return make_pdf(
        [
            [
                title,
                f"Shipment {shipment.id} - registered letter {shipment.tracking_number}",
                f"{shipment.post} - {iso_utc(at)}",
            ]
        ]
    )


def event_payload(
    kind: str, shipment: Shipment, name: str | None, value: str, at: datetime, external: bool
) -> bytes:
    return dumps(
        {
            "eventType": kind,
            "shipmentId": shipment.id,
            "shipmentExternalId": shipment.external_id,
            "name": name,
            "value": value,
            "serverTimestamp": millis(at),
            "eventDate": millis(at) if external else None,
        }
    )


def millis(at: datetime) -> int:
    return int(at.astimezone(UTC).timestamp() * 1000)
