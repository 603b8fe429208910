"""Documented examples -> realistic values.

The reference's examples are type placeholders (`"string (uuid)"`, `"integer"`, `"boolean"` ...).
A created object is its documented example with every placeholder replaced by a plausible value,
chosen by the placeholder and the field's name, from the provider's seeded id stream and Faker, so
the same calls under the same `--seed` give the same objects.
"""

from __future__ import annotations

import base64
import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mockpost.core.provider import ProviderContext

if TYPE_CHECKING:
    from faker import Faker

LOCALE = "nl_NL"  # Afosto is a Dutch platform: addresses, names and phone numbers look Dutch
PLACEHOLDERS = frozenset(
    {
        "string",
        "string (uuid)",
        "string (date-time)",
        "string (datetime)",
        "string (date)",
        "string (base64)",
        "string (url)",
        "string (string)",
        "integer",
        "integer (int64)",
        "number",
        "number (float64)",
        "number (double)",
        "boolean",
        "object",
        "file",
    }
)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# Moments a new object has not reached: null until its lifecycle (or a client) sets them.
NOT_YET = frozenset(
    {
        "deleted_at",
        "finished_at",
        "in_transit_at",
        "printed_at",
        "paid_at",
        "canceled_at",
        "cancelled_at",
        "handled_at",
        "accepted_at",
        "confirmed_at",
        "delivered_at",
        "shipped_at",
        "revoked_at",
        "verified_at",
        "read_at",
        "completed_at",
    }
)


def mentions(name: str, key: str) -> bool:
    """Whether `key` is one of the underscore-separated words of `name` (`width` does not mention `id`)."""
    return name == key or name.startswith(key + "_") or name.endswith("_" + key) or f"_{key}_" in name


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value in PLACEHOLDERS


class Synthesizer:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

    @property
    def faker(self) -> Faker:
        return self.ctx.faker(LOCALE)

    def fill(self, example: Any, field: str = "") -> Any:
        """A copy of `example` with every placeholder replaced by a value fit for its field."""
        if isinstance(example, dict):
            return {key: self.fill(value, key) for key, value in example.items()}
        if isinstance(example, list):
            return [self.fill(value, field) for value in example]
        if is_placeholder(example):
            return self.value(example, field)
        return example

    def value(self, placeholder: str, field: str) -> Any:
        name = field.lower()
        if name in NOT_YET and placeholder.startswith("string"):
            return None  # a new object has not been deleted, paid, finished ... yet
        if placeholder == "string (uuid)":
            return self.ctx.ids.uuid4()
        if placeholder in ("string (date-time)", "string (datetime)"):
            return iso(self.ctx.now())
        if placeholder == "string (date)":
            return self.ctx.now().date().isoformat()
        if placeholder in ("integer", "integer (int64)"):
            if name in ("page", "offset") or name.startswith("is_"):
                return 0
            return self.ctx.rng.randint(1, 100)
        if placeholder.startswith("number"):
            return round(self.ctx.rng.uniform(1, 100), 2)
        if placeholder == "boolean":
            return False  # lifecycle flags (is_locked, is_finished, ...) start unset
        if placeholder == "object":
            return {}
        if placeholder == "string (base64)":
            return base64.b64encode(self.faker.sentence().encode()).decode()
        if placeholder == "string (url)":
            return self.faker.url()
        if placeholder == "file":
            return ""
        return self.named_string(name)

    def named_string(self, name: str) -> str:
        kind = kind_of(name)
        ids = self.ctx.ids
        if kind == "country":
            return "NL"
        if kind == "currency":
            return "EUR"
        if kind == "locale":
            return "nl_NL"
        if kind == "mime":
            return "application/json"
        if kind == "token":
            return ids.token(32)
        if kind == "digits13":
            return ids.digits(13)
        if kind == "digits8":
            return ids.digits(8)
        if kind == "uuid":
            return ids.uuid4()
        if kind == "path":
            return f"/{self.faker.word()}/{self.faker.word()}.json"
        value: str = getattr(self.faker, kind)()
        while value in PLACEHOLDERS:  # a Dutch word can be "object": it would read as a leaked placeholder
            value = getattr(self.faker, kind)()
        return value


# Field-name words -> the kind of value (a Faker method, or a kind named in `named_string`).
NAME_KINDS: list[tuple[tuple[str, ...], str]] = [
    (("email",), "email"),
    (("phone", "mobile"), "phone_number"),
    (("first_name", "given_name"), "first_name"),
    (("last_name", "family_name"), "last_name"),
    (("company", "organisation"), "company"),
    (("street",), "street_name"),
    (("house_number",), "building_number"),
    (("postal_code", "postcode", "zipcode", "zip"), "postcode"),
    (("city", "locality"), "city"),
    (("country",), "country"),
    (("currency",), "currency"),
    (("locale", "language"), "locale"),
    (("url", "uri", "href", "link"), "url"),
    (("domain", "host"), "domain_name"),
    (("secret", "token", "signature"), "token"),
    (("sku", "barcode", "ean", "gtin"), "digits13"),
    (("number", "reference"), "digits8"),
    (("id",), "uuid"),
    (("name", "label", "title"), "catch_phrase"),
    (("description", "message", "content", "note", "comment"), "sentence"),
    (("code", "key", "slug", "type", "status"), "slug"),
    (("path",), "path"),
    (("mime", "content_type"), "mime"),
]


@functools.lru_cache(maxsize=4096)
def kind_of(name: str) -> str:
    for words, kind in NAME_KINDS:
        if any(mentions(name, word) for word in words):
            return kind
    return "word"
