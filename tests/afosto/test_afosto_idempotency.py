"""Each of the 6 endpoints that take `x-idempotency-key` replays its first answer for the same key."""

from __future__ import annotations

from typing import Any

import pytest
from afosto_support import START, TOKEN, Walker

from mockpost.providers.afosto.catalog import load_catalog

TAKING_THE_KEY = sorted(op.key for op in load_catalog().operations if op.takes_header("x-idempotency-key"))


def test_the_reference_names_six_endpoints_that_take_the_key() -> None:
    assert TAKING_THE_KEY == [
        ("POST", "/odr/balance/apply"),
        ("POST", "/odr/orders"),
        ("POST", "/odr/orders/{id}/authorize"),
        ("POST", "/odr/orders/{id}/calculation"),
        ("POST", "/odr/orders/{id}/items"),
        ("POST", "/odr/orders/{id}/stacks"),
    ]


@pytest.mark.parametrize("key", TAKING_THE_KEY, ids=lambda key: f"{key[0]} {key[1]}")
def test_the_same_key_replays_the_first_answer(mockpost: Any, key: tuple[str, str]) -> None:
    mockpost.clock.freeze(START)
    walker = Walker(mockpost, mockpost.client("afosto", headers=TOKEN))
    op = walker.catalog.by_key[key]
    path, _ = walker.fill_path(op)
    body = walker.body_for(op)
    if key == ("POST", "/odr/orders/{id}/authorize"):
        body = {
            "calculation_id": walker.client.post(path.replace("/authorize", "/calculation"), json={}).json()[
                "id"
            ]
        }
    headers = {"x-idempotency-key": "retry-1"}
    first = walker.client.post(path, json=body, headers=headers)
    assert first.status_code == op.success, first.text
    mockpost.clock.advance(60)  # a retry a minute later
    again = walker.client.post(path, json=body, headers=headers)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    other = walker.client.post(path, json=body, headers={"x-idempotency-key": "retry-2"})
    if key == ("POST", "/odr/orders/{id}/authorize"):
        assert other.status_code == 400  # a second key is a second authorization: the order is locked
    else:
        assert other.status_code == op.success
