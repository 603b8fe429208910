"""Authentication and logout, as the simple-mode page spells them."""

from __future__ import annotations

import pytest
from nirva_acceptance_client import PARIS, Nirva, assert_error, letters

AUTH = "/authentication/authenticate"


def test_authenticate_with_profile_detail_returns_token_services_and_main_boxes(clocked):
    http = clocked.client("nirva")
    response = http.post(AUTH, json={"login": "demo", "password": "demo", "withProfileDetail": True})
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["token"], str) and body["token"]
    services = body["profile"]["services"]
    assert services, "the service array is what a client parses to create jobs"
    for service in services:
        assert service["id"]
        for box in service["boxes"]:
            assert {"id", "name", "type", "channel"} <= set(box)
    main_boxes = [b for s in services for b in s["boxes"] if b["type"] == "MAIN"]
    assert main_boxes
    channels = {b["channel"] for b in main_boxes}
    assert {"MAIL", "EMAIL"} <= channels


def test_without_profile_detail_no_profile_is_returned_but_the_token_tracks_jobs(clocked):
    http = clocked.client("nirva")
    body = http.post(AUTH, json={"login": "demo", "password": "demo"}).json()
    assert body["token"]
    assert not body.get("profile")
    tracked = http.get("/jobs/424242", headers={"X-Auth-Token": body["token"]})
    assert_error(tracked, 404)  # the token is accepted; the job simply does not exist


def test_a_session_without_profile_detail_may_still_create_a_job(clocked):
    # ambiguous: "WithProfile:true is needed to create a job" reads as the client needing the service
    # array to name the service and boxes; the session itself is not restricted
    known = Nirva(clocked).authenticate()
    http = clocked.client("nirva")
    token = http.post(AUTH, json={"login": "demo", "password": "demo"}).json()["token"]
    bare = Nirva(clocked)
    bare.token, bare.profile = token, known.profile
    assert bare.wait_job(bare.job_id(bare.create_job(letters(PARIS))), "CREATED")


def test_with_profile_detail_false_gives_no_profile(clocked):
    http = clocked.client("nirva")
    body = http.post(AUTH, json={"login": "demo", "password": "demo", "withProfileDetail": False}).json()
    assert body["token"] and not body.get("profile")


@pytest.mark.parametrize("value", ["true", "1"])
def test_with_profile_detail_as_query_parameter(clocked, value):
    http = clocked.client("nirva")
    response = http.post(
        AUTH, params={"withProfileDetail": value}, json={"login": "demo", "password": "demo"}
    )
    assert response.status_code == 200
    assert response.json()["profile"]["services"]


def test_token_in_x_auth_token_header_authorizes_later_calls(nirva):
    assert nirva.get("/options/type").status_code == 200


def test_missing_token_is_401(clocked):
    assert_error(clocked.client("nirva").get("/options"), 401)


def test_unknown_token_is_401(clocked):
    response = clocked.client("nirva").get("/jobs/1", headers={"X-Auth-Token": "no-such-token"})
    assert_error(response, 401)


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_logout_revokes_the_token(nirva, method):
    response = nirva.http.request(method, "/authentication/logout", headers=nirva.headers)
    assert response.status_code == 200
    assert_error(nirva.get("/options"), 401)


def test_logout_leaves_other_sessions_open(clocked):
    first = Nirva(clocked).authenticate()
    second = Nirva(clocked).authenticate()
    assert first.token != second.token
    first.post("/authentication/logout")
    assert second.get("/options").status_code == 200


@pytest.mark.mockpost(options={"nirva": {"token_idle_ttl": "30m"}})
def test_idle_token_expires_on_the_clock(nirva):
    nirva.mock.clock.advance(duration="20m")
    assert nirva.get("/options").status_code == 200  # use renews the idle window
    nirva.mock.clock.advance(duration="20m")
    assert nirva.get("/options").status_code == 200
    nirva.mock.clock.advance(duration="31m")
    assert_error(nirva.get("/options"), 401)


def test_default_token_survives_a_working_day(nirva):
    nirva.mock.clock.advance(duration="1d")
    assert nirva.get("/options").status_code == 200


def test_authenticate_without_credentials_is_400(clocked):
    # ambiguous: missing credentials could be 401; docs/nirva.md pins 400
    assert_error(clocked.client("nirva").post(AUTH, json={"withProfileDetail": True}), 400)


def test_authenticate_with_unreadable_json_is_400(clocked):
    response = clocked.client("nirva").post(
        AUTH, content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 400)


@pytest.mark.mockpost(options={"nirva": {"token_idle_ttl": "0"}})
def test_idle_ttl_zero_never_expires(nirva):
    nirva.mock.clock.advance(duration="400d")
    assert nirva.get("/options").status_code == 200
