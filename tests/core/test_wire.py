"""Attributes shown as they are (core/wire.py): order, the API's spelling, names checked early."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mockpost.core.wire import Attributes, camel_case


@dataclass
class Parcel:
    id: str
    tracking_number: str
    sender_company_id: str | None = None

    @property
    def label(self) -> str:
        return f"#{self.id}"


def test_attributes_render_in_the_order_named_under_their_own_names() -> None:
    parcel = Parcel("p1", "RR123", "c9")
    assert list(Attributes(Parcel, "tracking_number id")(parcel).items()) == [
        ("tracking_number", "RR123"),
        ("id", "p1"),
    ]


def test_camel_case_apis_get_camel_case_keys() -> None:
    parcel = Parcel("p1", "RR123", "c9")
    assert Attributes(Parcel, "id sender_company_id label", camel=True)(parcel) == {
        "id": "p1",
        "senderCompanyId": "c9",
        "label": "#p1",
    }
    assert camel_case("return_tracking_number") == "returnTrackingNumber"


def test_a_name_the_class_does_not_have_fails_when_declared_not_when_rendered() -> None:
    with pytest.raises(AttributeError, match="Parcel has no attribute trackingnumber"):
        Attributes(Parcel, "id trackingnumber")
