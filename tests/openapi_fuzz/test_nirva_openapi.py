"""Nirva's OpenAPI document, fuzzed (see openapi_fuzz_support): no 5xx, answers as documented.

Logout ends the session it is sent with, so its operations run on their own: every one of their
cases signs in first and logs out a session of its own, and the rest keep theirs."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from openapi_fuzz_support import FuzzTarget, fuzz_sandbox, known, operations, session_per_case

pytestmark = pytest.mark.fuzz
MAX_EXAMPLES = 30
LOGOUT = ("POST /authentication/logout", "GET /authentication/logout")
# Nirva's documented tracking file names
TRACKING_NAMES = ["ACKN", "CERTIF", "TRACKING_DETAIL"]


def sign_in(client: httpx.Client, login: str) -> dict[str, str]:
    """A session of a user of fixtures/nirva-demo.yaml (its password is its login)."""
    answer = client.post("/authentication/authenticate", json={"login": login, "password": login})
    assert answer.status_code == 200, answer.text
    return {"X-Auth-Token": answer.json()["token"]}


@pytest.fixture(scope="module")
def nirva() -> Iterator[FuzzTarget]:
    with fuzz_sandbox("nirva-demo.yaml") as mock:
        client = mock.client("nirva")
        mock.clock.advance(duration="3d")  # the demo job's letters are posted: shipments exist
        session = sign_in(client, "demo")
        objects = mock.objects("nirva", "default")

        def ids(kind: str) -> list[str]:
            return known(o["id"] for o in objects if o["kind"] == kind)

        yield FuzzTarget(
            mock,
            "/nirva",
            headers=session,
            ids={
                "jobId": ids("job"),
                "packGroupId": ids("packGroup"),
                "shipmentId": ids("shipment"),
                "trackingName": TRACKING_NAMES,
            },
        )


@pytest.mark.parametrize("operation", operations("/nirva", exclude=LOGOUT))
def test_nirva_answers_as_documented(nirva: FuzzTarget, operation: str) -> None:
    nirva.fuzz(operation, MAX_EXAMPLES)


@pytest.fixture(scope="module")
def nirva_logout() -> Iterator[FuzzTarget]:
    with session_per_case("nirva", lambda client: sign_in(client, "mailroom"), "nirva-demo.yaml") as target:
        yield target


@pytest.mark.parametrize("operation", LOGOUT)
def test_nirva_logout_answers_as_documented(nirva_logout: FuzzTarget, operation: str) -> None:
    nirva_logout.fuzz(operation, MAX_EXAMPLES)
