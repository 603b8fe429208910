"""Values chosen by field name: Faker providers and a few formats of Afosto's own.

The synthesizer asks here when the reference gives a field nothing but a type: the name decides
(`email`, `postal_code`, `lat`, `position` ...), and whole objects whose fields must agree (a phone
number's E.164 `number` and its `national` form) are completed together.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockpost.core.provider import ProviderContext

if TYPE_CHECKING:
    from faker import Faker

# The Netherlands, roughly: coordinates of a Dutch address.
LATITUDE = (50.75, 53.55)
LONGITUDE = (3.36, 7.22)
AREA_CODES = ("20", "10", "30", "70", "40", "50", "24", "26", "38", "43")
VAT_RATE = 21
FIXED = {"country": "NL", "currency": "EUR", "locale": "nl_NL", "mime": "application/json"}


def mentions(name: str, key: str) -> bool:
    """Whether `key` is one of the underscore-separated words of `name` (`width` does not mention `id`)."""
    return name == key or name.startswith(key + "_") or name.endswith("_" + key) or f"_{key}_" in name


class Fakes:
    def __init__(self, ctx: ProviderContext, faker: Callable[[], Faker], reserved: frozenset[str]) -> None:
        self.ctx = ctx
        self.faker = faker  # called when needed: Faker is built lazily, off the request path
        self.reserved = reserved  # placeholder words a made-up word must not be

    def integer(self, name: str) -> int:
        if name in ("page", "offset") or name.startswith("is_"):
            return 0
        if name in ("rank", "sorting", "order", "position", "version"):
            return 1
        if mentions(name, "quantity") or mentions(name, "count"):
            return self.ctx.rng.randint(1, 5)
        if mentions(name, "percentage") or name in ("rate", "vat_rate"):
            return VAT_RATE
        return self.ctx.rng.randint(1, 100)

    def number(self, name: str) -> float:
        if name in ("lat", "latitude"):
            return round(self.ctx.rng.uniform(*LATITUDE), 6)
        if name in ("long", "lng", "lon", "longitude", "longtitude"):
            return round(self.ctx.rng.uniform(*LONGITUDE), 6)
        return round(self.ctx.rng.uniform(1, 100), 2)

    def named_string(self, name: str) -> str:
        kind = kind_of(name)
        if kind in FIXED:
            return FIXED[kind]
        own: Callable[[], str] | None = getattr(self, f"make_{kind}", None)
        if own is not None:
            return own()
        return self.unreserved(getattr(self.faker(), kind))

    def make_token(self) -> str:
        return self.ctx.ids.token(32)

    def make_digits13(self) -> str:
        return self.ctx.ids.digits(13)

    def make_digits8(self) -> str:
        return self.ctx.ids.digits(8)

    def make_uuid(self) -> str:
        return self.ctx.ids.uuid4()

    def make_path(self) -> str:
        return f"/{self.make_word()}/{self.make_word()}.json"

    def make_vat_number(self) -> str:
        return f"NL{self.ctx.ids.digits(9)}B01"

    def make_hs_code(self) -> str:
        return self.ctx.ids.digits(6)

    def make_phone_number(self) -> str:
        return self.phone()[0]

    def make_word(self) -> str:
        return self.unreserved(self.faker().word)

    def unreserved(self, make: Callable[[], str]) -> str:
        value = make()
        while value in self.reserved:  # a Dutch word can be "object": it would read as a leaked placeholder
            value = make()
        return value

    def make_position(self) -> str:
        """A warehouse position as Afosto writes them (`A3.32435`): aisle letter, rack, slot."""
        rng = self.ctx.rng
        return f"{rng.choice(string.ascii_uppercase[:8])}{rng.randint(1, 40)}.{rng.randint(100, 99999)}"

    def phone(self, mobile: bool = False) -> tuple[str, str]:
        """A Dutch number as (E.164, national): `+31201234567` and `020 123 4567`."""
        rng = self.ctx.rng
        if mobile:
            local = "6" + "".join(str(rng.randint(0, 9)) for _ in range(8))
            return f"+31{local}", f"06 {local[1:]}"
        area = rng.choice(AREA_CODES)
        subscriber = "".join(str(rng.randint(0, 9)) for _ in range(9 - len(area)))
        return f"+31{area}{subscriber}", f"0{area} {subscriber[:3]} {subscriber[3:]}"


def is_phone_number(example: dict[str, Any]) -> bool:
    return "national" in example and "number" in example


def complete_phone_number(fakes: Fakes, made: dict[str, Any]) -> None:
    """`number` (E.164), `national` and `country_code` of one phone number, agreeing with its `type`."""
    number, national = fakes.phone(mobile=made.get("type") == "mobile")
    made.update(number=number, national=national)
    if "country_code" in made:
        made["country_code"] = "NL"


# Objects made whole: (does the documented example describe one?, complete the filled copy).
COMPOSITES: list[tuple[Callable[[dict[str, Any]], bool], Callable[[Fakes, dict[str, Any]], None]]] = [
    (is_phone_number, complete_phone_number),
]

# Field-name words -> the kind of value (a Faker method, or a kind named in `Fakes.named_string`).
NAME_KINDS: list[tuple[tuple[str, ...], str]] = [
    (("email", "requester", "signer"), "email"),
    (("phone", "mobile"), "phone_number"),
    (("first_name", "given_name"), "first_name"),
    (("last_name", "family_name"), "last_name"),
    (("company", "organisation"), "company"),
    (("street", "thoroughfare"), "street_name"),
    (("house_number",), "building_number"),
    (("postal_code", "postcode", "zipcode", "zip"), "postcode"),
    (("city", "locality"), "city"),
    (("country",), "country"),
    (("currency",), "currency"),
    (("locale", "language"), "locale"),
    (("url", "uri", "href", "link"), "url"),
    (("domain", "host"), "domain_name"),
    (("secret", "token", "signature"), "token"),
    (("iban",), "iban"),
    (("vat_number",), "vat_number"),
    (("hs_code",), "hs_code"),
    (("sku", "barcode", "ean", "gtin"), "digits13"),
    (("number", "reference"), "digits8"),
    (("id",), "uuid"),
    (("position",), "position"),
    (("name", "label", "title"), "catch_phrase"),
    (("description", "message", "content", "note", "comment"), "sentence"),
    (("code", "key", "slug", "type", "status"), "slug"),
    (("path",), "path"),
    (("mime", "content_type"), "mime"),
]


@functools.lru_cache(maxsize=4096)
def kind_of(name: str) -> str:
    if name == "id" or name.endswith("_id"):
        return "uuid"  # a reference (`organisation_id` names an organisation, it is not one)
    for words, kind in NAME_KINDS:
        if any(mentions(name, word) for word in words):
            return kind
    return "word"
