"""Users and services from package data, fixtures and strict accounts; failures by scenario rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from nirva_acceptance_client import PARIS, Nirva, assert_error, letters

REPOSITORY = Path(__file__).resolve().parents[3]
DEMO_FIXTURES = REPOSITORY / "fixtures" / "nirva-demo.yaml"

ACCOUNTS = """
nirva:
  - name: acme
    organisation: {id: 7, name: Acme}
    users:
      - {id: 1, login: boss, password: s3cret, administrator: true}
      - {id: 2, login: clerk, password: pw, services: ["101"]}
  - name: globex
    organisation: {id: 8, name: Globex}
    users:
      - {id: 1, login: hank, password: pw2}
"""


def test_package_data_gives_the_documented_demo_users(clocked):
    demo = Nirva(clocked).authenticate("demo", "demo")
    admin = Nirva(clocked).authenticate("admin", "admin")
    assert admin.profile["administrator"] is True
    assert demo.profile["administrator"] is False


@pytest.mark.mockpost(fixtures=[DEMO_FIXTURES])
def test_fixture_users_jobs_and_ready_token(clocked):
    # the clock was frozen at a later date before the ready token was first used: it still works
    http = clocked.client("nirva", headers={"X-Auth-Token": "demo-token"})
    assert http.get("/options").status_code == 200
    mailroom = Nirva(clocked).authenticate("mailroom", "mailroom")
    assert {s["id"] for s in mailroom.profile["services"]} == {"101", "102"}
    clocked.clock.advance(duration="31d")  # then idle like any other token
    assert_error(http.get("/options"), 401)


@pytest.fixture
def accounts_file(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.yaml"
    path.write_text(ACCOUNTS)
    return path


def test_strict_accounts_check_passwords(accounts_file):
    from mockpost.testing import Mockpost

    with Mockpost(accounts=accounts_file) as mock:
        http = mock.client("nirva")
        wrong = http.post("/authentication/authenticate", json={"login": "clerk", "password": "nope"})
        assert_error(wrong, 401)
        unknown = http.post("/authentication/authenticate", json={"login": "demo", "password": "demo"})
        assert_error(unknown, 401)
        clerk = Nirva(mock).authenticate("clerk", "pw")
        assert [s["id"] for s in clerk.profile["services"]] == ["101"]
        boss = Nirva(mock).authenticate("boss", "s3cret")
        job = boss.create_job(letters(PARIS), targetOwnerId=clerk.profile["id"])
        assert job["ownerId"] == clerk.profile["id"]
        # another organisation does not see it, even with the same numeric ids
        hank = Nirva(mock).authenticate("hank", "pw2")
        assert_error(hank.get(f"/jobs/{boss.job_id(job)}"), 404)


RULES = """
name: Letters to Dupont come back, incorrect recipient
providers: [nirva]
rules:
  - provider: nirva
    resource: shipment
    where: {recipient: "*Dupont*"}
    when: "600"
    then: {state: "-613"}
"""


def test_scenario_rule_sends_a_shipment_to_a_failure_code(nirva):
    loaded = nirva.mock.client().post(
        "/_mockpost/scenarios",
        params={"reset": "false"},
        content=RULES,
        headers={"content-type": "application/yaml"},
    )
    assert loaded.status_code == 200, loaded.text
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    nirva.mock.clock.advance(duration="7d")
    (shipment,) = nirva.shipments(job_id)
    assert shipment["status"] == -613
