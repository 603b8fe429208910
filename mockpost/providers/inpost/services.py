"""ShipX's services and what goes with them: additional services, carriers, sending methods and
parcel templates (the fixed vocabulary a shipment request is checked against and offers are made
of)."""

from __future__ import annotations

from dataclasses import dataclass

from mockpost.providers.inpost.errors import InvalidParameter

LOCKER_SERVICES = (
    "inpost_locker_standard",
    "inpost_locker_allegro",
    "inpost_locker_pass_thru",
    "inpost_locker_standard_smart",
    "inpost_locker_allegro_smart",
    "inpost_locker_customer_service_point",
)
COURIER_SERVICES = (
    "inpost_letter_allegro",
    "inpost_courier_allegro",
    "inpost_courier_c2c",
    "inpost_courier_standard",
    "inpost_courier_express_1000",
    "inpost_courier_express_1200",
    "inpost_courier_express_1700",
    "inpost_courier_palette",
    "inpost_courier_local_standard",
    "inpost_courier_local_express",
    "inpost_courier_local_super_express",
)
SERVICES = LOCKER_SERVICES + COURIER_SERVICES
# The documentation makes insurance mandatory for these (option require_insurance enforces it).
INSURANCE_REQUIRED = (
    "inpost_courier_standard",
    "inpost_courier_express_1000",
    "inpost_courier_express_1200",
    "inpost_courier_express_1700",
)
SERVICE_NAMES: dict[str, tuple[str, str]] = {
    "inpost_locker_standard": ("Paczkomatowa Standardowa", "Przesyłka paczkomatowa - standardowa"),
    "inpost_locker_allegro": ("Paczkomatowa Allegro", "Przesyłka paczkomatowa Allegro Paczkomaty InPost"),
    "inpost_locker_pass_thru": ("Paczkomatowa Przechodnia", "Przesyłka paczkomatowa - przechodnia"),
    "inpost_locker_standard_smart": ("Paczkomatowa Smart", "Przesyłka paczkomatowa - Smart"),
    "inpost_locker_allegro_smart": ("Paczkomatowa Allegro Smart", "Przesyłka paczkomatowa Allegro Smart"),
    "inpost_locker_customer_service_point": ("PaczkoPunkt", "Przesyłka do PaczkoPunktu"),
    "inpost_letter_allegro": ("List Allegro", "List polecony Allegro"),
    "inpost_courier_allegro": ("Kurier Allegro", "Przesyłka kurierska Allegro Kurier InPost"),
    "inpost_courier_c2c": ("Kurier C2C", "Przesyłka kurierska C2C"),
    "inpost_courier_standard": ("Kurier Standard", "Przesyłka kurierska standardowa"),
    "inpost_courier_express_1000": ("Kurier Express 10:00", "Przesyłka kurierska z doręczeniem do 10:00"),
    "inpost_courier_express_1200": ("Kurier Express 12:00", "Przesyłka kurierska z doręczeniem do 12:00"),
    "inpost_courier_express_1700": ("Kurier Express 17:00", "Przesyłka kurierska z doręczeniem do 17:00"),
    "inpost_courier_palette": ("Kurier Paleta", "Przesyłka kurierska paletowa"),
    "inpost_courier_local_standard": ("Kurier Lokalny Standard", "Przesyłka kurierska lokalna standardowa"),
    "inpost_courier_local_express": ("Kurier Lokalny Express", "Przesyłka kurierska lokalna expresowa"),
    "inpost_courier_local_super_express": ("Kurier Lokalny Super Express", "Przesyłka lokalna super expres"),
}
ADDITIONAL_SERVICES: dict[str, str] = {
    "insurance": "Ubezpieczenie",
    "cod": "Pobranie",
    "sms": "Powiadomienie SMS",
    "email": "Powiadomienie e-mail",
    "saturday": "Doręczenie w sobotę",
    "dor1720": "Doręczenie w godzinach 17-20",
    "rod": "Zwrot dokumentów",
    **{f"forhour_{h}": f"Doręczenie na godzinę {h}:00" for h in range(9, 18)},
}
LOCKER_EXTRAS = ("insurance", "cod", "sms", "email")
COURIER_EXTRAS = tuple(ADDITIONAL_SERVICES)
CARRIERS = {
    "inpost_locker": ("InPost Paczkomaty", "Przesyłki do automatów Paczkomat InPost"),
    "inpost_courier": ("InPost Kurier", "Przesyłki kurierskie InPost"),
}
SENDING_METHODS = ("parcel_locker", "pok", "courier_pok", "branch", "dispatch_order", "pop")
SENDING_METHOD_NAMES: dict[str, tuple[str, str]] = {
    "parcel_locker": ("Nadanie w automacie Paczkomat", "Drop the parcel off in a parcel locker"),
    "pok": ("Nadanie w POK", "Drop the parcel off at a customer service point"),
    "courier_pok": ("Nadanie w POK (kurier)", "Courier parcel dropped off at a customer service point"),
    "branch": ("Nadanie w Oddziale", "Drop the parcel off at an InPost branch"),
    "dispatch_order": ("Odbiór przez kuriera", "A courier collects the parcel (dispatch order)"),
    "pop": ("Nadanie w PaczkoPunkcie", "Drop the parcel off at a PaczkoPunkt"),
}
LOCKER_SENDING_METHODS = SENDING_METHODS
COURIER_SENDING_METHODS = ("dispatch_order", "pop", "pok", "courier_pok", "branch")


@dataclass(frozen=True)
class Template:
    name: str
    height: int  # mm; every locker template is 380 x 640 mm across
    width: int
    length: int
    max_weight: float  # kg
    size: str


TEMPLATES: dict[str, Template] = {
    "small": Template("small", 80, 380, 640, 25, "A"),
    "medium": Template("medium", 190, 380, 640, 25, "B"),
    "large": Template("large", 410, 380, 640, 25, "C"),
    "xlarge": Template("xlarge", 500, 500, 800, 25, "D"),
    "letter_a": Template("letter_a", 20, 160, 230, 10, "A"),
    "letter_b": Template("letter_b", 20, 250, 353, 10, "B"),
    "letter_c": Template("letter_c", 20, 250, 353, 10, "C"),
}
LOCKER_TEMPLATES = ("small", "medium", "large")
XLARGE_SERVICES = ("inpost_courier_c2c",)
LETTER_SERVICES = ("inpost_letter_allegro",)
COURIER_MAX_WEIGHT = 50.0  # kg, the heaviest parcel a courier service takes here
NON_STANDARD_LONGEST = 1200  # mm: longer than this (or sides summing over 2200 mm) is non-standard
NON_STANDARD_SUM = 2200


def is_locker(service: str) -> bool:
    return service in LOCKER_SERVICES


def carrier_of(service: str) -> str:
    return "inpost_locker" if is_locker(service) else "inpost_courier"


def check_parameter(name: str, value: str | None) -> str | None:
    """A query parameter naming a service: the service, None when not given, else invalid_parameter."""
    if not value:
        return None
    if value not in SERVICES:
        raise InvalidParameter(name, "invalid_value")
    return value


def template_fits_service(template: str, service: str) -> bool:
    if template.startswith("letter_"):
        return service in LETTER_SERVICES
    if template == "xlarge":
        return service in XLARGE_SERVICES
    return True


def smallest_locker_template(sides: list[float]) -> Template | None:
    """The smallest locker compartment a parcel of these sides (mm) fits in, if any."""
    wanted = sorted(sides)
    for name in LOCKER_TEMPLATES:
        t = TEMPLATES[name]
        if all(a <= b for a, b in zip(wanted, sorted((t.height, t.width, t.length)), strict=True)):
            return t
    return None
