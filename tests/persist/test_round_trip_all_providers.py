"""A snapshot of every provider's accounts restored in a fresh sandbox: the same listings, the same
timers, and the same future (advancing both clocks gives the same objects and the same webhooks).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from easypost_connect_support import KEY as EASYPOST_KEY
from easypost_connect_support import payload_pdf_job, single_file_job
from inpost_support import TOKEN as INPOST_TOKEN
from inpost_support import locker_body
from nirva_support import BRUSSELS, PARIS, create_job, letter, pdf_of, sign_in
from persist_support import EKO, START, listings, without_timing
from persist_support import letter as ekopost_letter

from mockpost.testing import Mockpost


def ekopost(mock: Mockpost) -> None:
    eko = mock.client("ekopost", headers=EKO)
    ekopost_letter(eko, "March")
    ekopost_letter(eko, "April", output_date="2030-04-01T08:00:00")


def easypost_connect(mock: Mockpost) -> None:
    client = mock.client("easypost-connect", headers=EASYPOST_KEY)
    single_file_job(client)  # awaits its file: deleted after two hours
    payload_pdf_job(client, [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}])


def nirva(mock: Mockpost) -> None:
    client = mock.client("nirva")
    headers = sign_in(client)
    create_job(client, headers, pdf_of(letter(PARIS), letter(BRUSSELS)))


def inpost(mock: Mockpost) -> None:
    client = mock.client("inpost", headers=INPOST_TOKEN)
    organization = client.get("/v1/organizations").json()["items"][0]["id"]
    created = client.post(f"/v1/organizations/{organization}/shipments", json=locker_body())
    assert created.status_code == 201, created.text


def afosto(mock: Mockpost) -> None:
    client = mock.client("afosto", headers={"Authorization": "Bearer round-trip-token"})
    order = client.post("/odr/orders", json={"type": "order"}).json()
    client.post(f"/odr/orders/{order['id']}/calculation", json={})


FLOWS: dict[str, Callable[[Mockpost], None]] = {
    "ekopost": ekopost,
    "easypost-connect": easypost_connect,
    "nirva": nirva,
    "inpost": inpost,
    "afosto": afosto,
}


@pytest.mark.parametrize("provider", list(FLOWS))
def test_a_providers_accounts_round_trip_through_a_snapshot(provider: str) -> None:
    with Mockpost(seed=11) as built:
        built.clock.freeze(START)
        FLOWS[provider](built)
        snapshot = built.snapshot()
        assert snapshot["skipped"] == {}, snapshot["skipped"]
        assert snapshot["providers"][provider]["accounts"], "the flow made an account"
        with Mockpost(seed=11) as fresh:
            fresh.restore(snapshot)
            assert listings(fresh) == listings(built)
            for sandbox in (built, fresh):
                sandbox.clock.advance(duration="3h")
            assert listings(fresh) == listings(built)
            for sandbox in (built, fresh):
                sandbox.clock.advance(duration="10d")
            assert listings(fresh) == listings(built)
            assert without_timing(fresh.deliveries()) == without_timing(built.deliveries())
            assert fresh.snapshot()["providers"] == built.snapshot()["providers"]
