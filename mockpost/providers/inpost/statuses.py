"""ShipX's shipment statuses as its catalogue shows them (`GET /v1/statuses`: a title and a
description in English and Polish, package data) and as its statistics count them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

from mockpost.providers.inpost.errors import InvalidParameter
from mockpost.providers.inpost.lifecycle import PROGRESS

LANGUAGES = {
    "pl_pl": "pl_PL",
    "pl": "pl_PL",
    "pl-pl": "pl_PL",
    "en_gb": "en_GB",
    "en": "en_GB",
    "en-gb": "en_GB",
}

# The seed's statistics groups: up to confirmed, then every logistics status but delivered (and
# the problems a parcel still travels with), then delivered.
TO_SEND = PROGRESS[: PROGRESS.index("confirmed") + 1]
IN_LOGISTICS = (
    *PROGRESS[PROGRESS.index("dispatched_by_sender") : PROGRESS.index("delivered")],
    "pickup_time_expired",
    "claimed",
    "returned_to_sender",
)
DELIVERED = ("delivered",)


@dataclass(frozen=True)
class Status:
    name: str
    titles: tuple[str, str]  # en_GB, pl_PL
    descriptions: tuple[str, str]


@functools.cache
def load_statuses() -> tuple[Status, ...]:
    """Parsed once per process (the data never changes; every sandbox shares it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = resources.files(__package__).joinpath("data/statuses.yaml").read_text(encoding="utf-8")
    rows: list[list[str]] = yaml.load(text, Loader=loader)
    return tuple(Status(name, (en, pl), (den, dpl)) for name, en, pl, den, dpl in rows)


def language(raw: str | None) -> str:
    """The catalogue's language from `?lang=` (Polish by default), else invalid_parameter."""
    lang = LANGUAGES.get((raw or "pl_PL").lower())
    if lang is None:
        raise InvalidParameter("lang", "invalid_value", allowed=["en_GB", "pl_PL"])
    return lang
