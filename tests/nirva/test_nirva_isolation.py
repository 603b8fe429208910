"""Open mode keeps accounts apart: a login's password is fixed, and a login nobody listed is the one
user of its own organisation, so neither `admin` nor anyone else sees its jobs or its webhook."""

from __future__ import annotations

import httpx
import pytest
from nirva_support import PARIS, create_job, is_envelope, letter, pdf_of, sign_in

from mockpost.testing import Mockpost


def authenticate(client: httpx.Client, login: str, password: str) -> httpx.Response:
    return client.post("/authentication/authenticate", json={"login": login, "password": password})


@pytest.mark.parametrize(("login", "wrong"), [("admin", "x"), ("demo", "guess"), ("admin", "")])
def test_a_known_login_with_a_wrong_password_is_401(nirva, login, wrong):
    assert is_envelope(authenticate(nirva, login, wrong), 401)


def test_the_first_sign_in_of_a_new_login_fixes_its_password(nirva):
    assert authenticate(nirva, "alice", "first").status_code == 200
    assert is_envelope(authenticate(nirva, "alice", "second"), 401)
    assert authenticate(nirva, "alice", "first").status_code == 200


def test_the_administrator_does_not_see_jobs_of_logins_outside_its_organisation(nirva, admin):
    alice = sign_in(nirva, "alice", "pw")
    job = create_job(nirva, alice, pdf_of(letter(PARIS)))
    assert is_envelope(nirva.get(f"/jobs/{job['id']}", headers=admin), 404)
    assert is_envelope(nirva.get(f"/jobs/{job['id']}/packGroups", headers=admin), 404)
    assert is_envelope(nirva.get("/deliveries", params={"jobId": job["id"]}, headers=admin), 404)
    assert nirva.get(f"/jobs/{job['id']}", headers=alice).status_code == 200


def test_two_new_logins_never_see_each_others_jobs(nirva):
    alice = sign_in(nirva, "alice", "pw")
    bob = sign_in(nirva, "bob", "pw")
    job = create_job(nirva, alice, pdf_of(letter(PARIS)))
    assert is_envelope(nirva.get(f"/jobs/{job['id']}", headers=bob), 404)


def test_a_new_login_is_the_only_user_of_its_organisation(nirva_mock, nirva):
    alice = sign_in(nirva, "alice", "pw")
    users = nirva_mock.state("nirva", alice)["users"]
    assert [user["login"] for user in users] == ["alice"]
    assert users[0]["administrator"] is False


def test_each_organisation_has_its_own_webhook(nirva_mock, nirva, admin):
    alice = sign_in(nirva, "alice", "pw")
    control = nirva_mock.client()
    url = nirva_mock.inbox_url("alice")
    assert control.put("/_mockpost/nirva/webhook", json={"url": url}, headers=alice).status_code == 200
    assert control.get("/_mockpost/nirva/webhook", headers=admin).json() is None
    assert control.get("/_mockpost/nirva/webhook", headers=alice).json()["url"] == url


def test_the_administrator_still_sees_its_own_organisations_jobs(nirva, admin, demo):
    job = create_job(nirva, demo, pdf_of(letter(PARIS)))
    assert nirva.get(f"/jobs/{job['id']}", headers=admin).status_code == 200


def test_a_fixture_user_without_a_password_gets_one_at_its_first_sign_in(tmp_path):
    data = tmp_path / "nirva.yaml"
    data.write_text("nirva:\n  users:\n    - {id: 1, login: clerk}\n")
    with Mockpost(fixtures=[data]) as mock:
        client = mock.client("nirva")
        assert authenticate(client, "clerk", "chosen").status_code == 200
        assert is_envelope(authenticate(client, "clerk", "other"), 401)
        assert authenticate(client, "clerk", "chosen").status_code == 200


def test_a_reset_forgets_a_new_logins_password(nirva_mock, nirva):
    assert authenticate(nirva, "alice", "first").status_code == 200
    nirva_mock.reset("nirva")
    assert authenticate(nirva, "alice", "second").status_code == 200
