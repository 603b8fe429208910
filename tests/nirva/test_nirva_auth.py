"""Sessions: authenticate (profile detail on request), X-Auth-Token on every call, logout, expiry,
open and strict organisations; the options lists."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml
from nirva_support import PARIS, START, create_job, is_envelope, letter, pdf_of, sign_in

from mockpost.testing import Mockpost


def test_profile_detail_lists_services_and_main_boxes(nirva: httpx.Client) -> None:
    response = nirva.post(
        "/authentication/authenticate", json={"login": "demo", "password": "demo", "withProfileDetail": True}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"]
    profile = body["profile"]
    assert profile["login"] == "demo" and profile["administrator"] is False
    simple = next(s for s in profile["services"] if s["id"] == "101")
    main = [box for box in simple["boxes"] if box["type"] == "MAIN"]
    assert main == [{"id": "5001", "name": "LETTER", "type": "MAIN", "channel": "MAIL"}]


def test_username_is_accepted_for_login(nirva: httpx.Client) -> None:
    body = nirva.post(
        "/authentication/authenticate",
        json={"username": "admin", "password": "admin", "withProfileDetail": True},
    ).json()
    assert body["profile"]["administrator"] is True


def test_without_profile_detail_only_the_token_comes_back(nirva: httpx.Client) -> None:
    body = nirva.post("/authentication/authenticate", json={"login": "demo", "password": "demo"}).json()
    assert set(body) == {"token"}


def test_profile_detail_as_query_parameter(nirva: httpx.Client) -> None:
    for value in ("true", "1"):
        response = nirva.post(
            f"/authentication/authenticate?withProfileDetail={value}",
            json={"login": "demo", "password": "demo"},
        )
        assert "services" in response.json()["profile"]
    plain = nirva.post(
        "/authentication/authenticate?withProfileDetail=false", json={"login": "d", "password": "d"}
    )
    assert set(plain.json()) == {"token"}


def test_bad_authenticate_body_is_400(nirva: httpx.Client) -> None:
    bodies: list[object] = [
        {"password": "x"},
        {"login": "", "password": "x"},
        {"login": "demo"},
        [1],
        {"login": "d", "password": "p", "withProfileDetail": "maybe"},
    ]
    for body in bodies:
        assert is_envelope(nirva.post("/authentication/authenticate", json=body), 400), body


def test_calls_need_a_live_token(nirva: httpx.Client) -> None:
    for headers in ({}, {"X-Auth-Token": "nope"}, {"X-Auth-Token": ""}):
        for path in ("/options", "/options/type", "/jobs/1001", "/deliveries?jobId=1001"):
            assert is_envelope(nirva.get(path, headers=headers), 401)


def test_logout_revokes_the_token(nirva: httpx.Client) -> None:
    for method in ("POST", "GET"):
        headers = sign_in(nirva)
        assert nirva.get("/options", headers=headers).status_code == 200
        assert nirva.request(method, "/authentication/logout", headers=headers).status_code == 200
        assert is_envelope(nirva.get("/options", headers=headers), 401)
        assert is_envelope(nirva.request(method, "/authentication/logout", headers=headers), 401)


@pytest.mark.mockpost(options={"nirva": {"token_idle_ttl": "10m"}})
def test_idle_token_expires_on_the_clock(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    nirva_mock.clock.advance(duration="9m")
    assert nirva.get("/options", headers=headers).status_code == 200  # use renews the idle window
    nirva_mock.clock.advance(duration="9m")
    assert nirva.get("/options", headers=headers).status_code == 200
    nirva_mock.clock.advance(duration="11m")
    response = nirva.get("/options", headers=headers)
    assert is_envelope(response, 401) and "expired" in response.json()["message"]


def test_open_mode_unknown_login_becomes_a_user_of_the_shared_organisation(nirva: httpx.Client) -> None:
    body = nirva.post(
        "/authentication/authenticate",
        json={"login": "new.user@example.com", "password": "anything", "withProfileDetail": True},
    ).json()
    assert body["profile"]["login"] == "new.user@example.com"
    assert body["profile"]["organisation"]["name"] == "Demo organisation"
    assert {s["id"] for s in body["profile"]["services"]} == {"101", "102", "103", "104"}


def test_strict_accounts_file_checks_passwords(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        yaml.safe_dump(
            {
                "nirva": [
                    {
                        "name": "acme",
                        "organisation": {"name": "Acme"},
                        "users": [{"id": 7, "login": "alice", "password": "pw", "services": ["103"]}],
                    }
                ]
            }
        )
    )
    with Mockpost(accounts=accounts) as mock:
        mock.clock.freeze(START)
        client = mock.client("nirva")
        wrong = client.post("/authentication/authenticate", json={"login": "alice", "password": "bad"})
        assert is_envelope(wrong, 401)
        assert is_envelope(
            client.post("/authentication/authenticate", json={"login": "x", "password": "pw"}), 401
        )
        ok = client.post(
            "/authentication/authenticate",
            json={"login": "alice", "password": "pw", "withProfileDetail": True},
        ).json()
        assert ok["profile"]["organisation"]["name"] == "Acme"
        assert [s["id"] for s in ok["profile"]["services"]] == ["103"]
        # several organisations: the control plane needs a token to know which one
        anonymous = mock.client().put("/_mockpost/nirva/webhook", json={"url": "http://x"})
        assert is_envelope(anonymous, 401)


def test_options_and_types(nirva: httpx.Client, demo: dict[str, str]) -> None:
    types = nirva.get("/options/type", headers=demo).json()
    assert {"printMode", "envelopeType"} <= {t["name"] for t in types}
    options = nirva.get("/options", headers=demo).json()
    two_side = next(o for o in options if o["value"] == "2SIDE")
    assert two_side["optionType"]["name"] == "printMode"
    assert {"1SIDE", "C4P"} <= {o["value"] for o in options}
    assert all(isinstance(o["id"], int) for o in options)


def test_unknown_route_and_wrong_method_use_the_envelope(nirva: httpx.Client, demo: dict[str, str]) -> None:
    assert is_envelope(nirva.get("/nothing", headers=demo), 404)
    assert is_envelope(nirva.delete("/options", headers=demo), 405)


def test_strict_organisations_are_isolated(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    orgs = [
        {"name": name, "organisation": {"name": name}, "users": [{"id": 1, "login": name, "password": "pw"}]}
        for name in ("acme", "globex")
    ]
    accounts.write_text(yaml.safe_dump({"nirva": orgs}))
    with Mockpost(accounts=accounts) as mock:
        mock.clock.freeze(START)
        client = mock.client("nirva")
        acme, globex = sign_in(client, "acme", "pw"), sign_in(client, "globex", "pw")
        job = create_job(client, acme, pdf_of(letter(PARIS)))
        before = mock.state("nirva", globex)
        assert is_envelope(client.get(f"/jobs/{job['id']}", headers=globex), 404)
        assert is_envelope(client.get(f"/deliveries?jobId={job['id']}", headers=globex), 404)
        assert mock.state("nirva", globex) == before and before["jobs"] == []
        assert mock.state("nirva", acme)["organisation"]["name"] == "acme"
