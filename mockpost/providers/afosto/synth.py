"""Documented examples -> plausible values.

The reference's examples are type placeholders (`"string (uuid)"`, `"integer"`, `"boolean"` ...).
A created object is its documented example with every placeholder replaced by a value chosen from
what the reference says of that field and from its name, drawn from the provider's seeded id stream
and Faker, so the same calls under the same `--seed` give the same objects:
- a field with a documented enum gets one of its values (the documented default, else the first);
- a placeholder's format decides the value (uuid, date-time, date, url, base64); a plain `string`
  takes the format the reference gives that field name elsewhere (`version` is a uuid);
- moments follow the object's lifecycle: created and updated now, events that have not happened
  yet (`paid_at`, `disabled_at` ...) null, deadlines (`expires_at`, `due_at` ...) ahead;
- other strings are chosen by field name (`fakes.py`); some objects are made whole, so their fields
  agree (a phone number's `number`, `national` and `country_code`).
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.afosto.catalog import FieldTable
from mockpost.providers.afosto.fakes import COMPOSITES, Fakes

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
        "disabled_at",
        "finished_at",
        "ended_at",
        "in_transit_at",
        "departure_at",
        "arrival_at",
        "printed_at",
        "paid_at",
        "prepaid_at",
        "invoiced_at",
        "canceled_at",
        "cancelled_at",
        "claimed_at",
        "handled_at",
        "accepted_at",
        "confirmed_at",
        "delivered_at",
        "shipped_at",
        "revoked_at",
        "verified_at",
        "read_at",
        "completed_at",
        "processed_at",
        "relayed_at",
        "attempted_at",
        "requested_at",
        "tracked_at",
        "last_connected_at",
        "last_miss_at",
        "last_processed_at",
    }
)
# Deadlines and plans: ahead of the moment the object is made.
AHEAD = {
    "expires_at": timedelta(days=1),
    "due_at": timedelta(days=14),
    "trial_ends_at": timedelta(days=30),
    "end_at": timedelta(days=30),
    "ship_at": timedelta(days=1),
    "estimated_ship_at": timedelta(days=1),
    "expected_at": timedelta(days=2),
    "delivery_at": timedelta(days=2),
}
MOMENTS = ("string (date-time)", "string (datetime)", "string (date)")


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value in PLACEHOLDERS


class Synthesizer:
    def __init__(self, ctx: ProviderContext, fields: FieldTable | None = None) -> None:
        self.ctx = ctx
        self.fields = fields or FieldTable()
        self.fakes = Fakes(ctx, lambda: self.faker, PLACEHOLDERS)

    @property
    def faker(self) -> Faker:
        return self.ctx.faker(LOCALE)

    def fill(self, example: Any, field: str = "") -> Any:
        """A copy of `example` with every placeholder replaced by a value fit for its field."""
        if isinstance(example, dict):
            return self.fill_object(example)
        if isinstance(example, list):
            return [self.fill(value, field) for value in example]
        if is_placeholder(example):
            return self.value(example, field)
        return example

    def fill_object(self, example: dict[str, Any]) -> dict[str, Any]:
        enums = self.fields.enums_of(example) or {}
        made = {key: self.field(example, key, enums) for key in example}
        for fits, complete in COMPOSITES:
            if fits(example):
                complete(self.fakes, made)
        return made

    def field(self, example: dict[str, Any], key: str, enums: dict[str, list[str]]) -> Any:
        """A value for one field of a documented object (`enums`: that object's documented enums)."""
        value = example[key]
        return self.choice(value, enums[key]) if key in enums else self.fill(value, key)

    def choice(self, example: Any, values: list[str]) -> Any:
        """A documented value of an enum field (its default or first one: lifecycles start there)."""
        if isinstance(example, list):
            return [self.choice(item, values) for item in example]
        if not (isinstance(example, str) and example.startswith("string")):
            return self.fill(example)
        return next((v for v in values if v not in PLACEHOLDERS), values[0])

    def value(self, placeholder: str, field: str) -> Any:
        name = field.lower()
        if placeholder == "string":
            placeholder = self.fields.formats.get(name, placeholder)
        if placeholder in MOMENTS:
            return self.moment(placeholder, name)
        if placeholder == "string (uuid)":
            return self.ctx.ids.uuid4()
        if placeholder in ("integer", "integer (int64)"):
            return self.fakes.integer(name)
        if placeholder.startswith("number"):
            return self.fakes.number(name)
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
        if name in NOT_YET:
            return None
        return self.fakes.named_string(name)

    def moment(self, placeholder: str, name: str) -> str | None:
        if name in NOT_YET:
            return None  # a new object has not been deleted, paid, finished ... yet
        moment = self.ctx.now() + AHEAD.get(name, timedelta())
        return moment.date().isoformat() if placeholder == "string (date)" else iso(moment)
