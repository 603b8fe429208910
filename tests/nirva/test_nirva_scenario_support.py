"""Nirva in scenarios: accounts become users of the organisation (with a ready session when they
give a token), layers of fixture data, rules watching jobs and shipments, timelines, no signature."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from nirva_support import PARIS, create_job, letter, pdf_of, sign_in

from mockpost.sandbox import ConfigError
from mockpost.scenarios.providers import support_for
from mockpost.testing import Mockpost

SUPPORT = support_for("nirva")


def provider_of(mock: Mockpost) -> Any:
    return mock.sandbox.providers["nirva"]


def test_an_account_with_a_token_is_signed_in_from_the_start(
    nirva_mock: Mockpost, nirva: httpx.Client
) -> None:
    account = {"login": "clerk", "password": "pw", "token": "clerk-token"}
    SUPPORT.load_account(
        provider_of(nirva_mock), account, {"url": nirva_mock.inbox_url("hooks"), "secret": ""}
    )
    headers = SUPPORT.auth_headers(account)
    assert headers == {"X-Auth-Token": "clerk-token"}
    assert nirva.get("/options", headers=headers).status_code == 200
    profile = nirva.post(
        "/authentication/authenticate", json={"login": "clerk", "password": "pw", "withProfileDetail": True}
    ).json()["profile"]
    assert profile["id"] == 3 and profile["administrator"] is False  # after admin (1) and demo (2)
    assert sign_in(nirva, "demo", "demo")  # the package users stay
    shown = nirva_mock.client().get("/_mockpost/nirva/webhook", headers=headers).json()
    assert shown["url"] == nirva_mock.inbox_url("hooks")


def test_an_account_without_a_token_authenticates_in_its_steps(nirva_mock: Mockpost) -> None:
    assert SUPPORT.auth_headers({"login": "demo", "password": "demo"}) == {}
    with pytest.raises(ValueError, match="login"):
        SUPPORT.auth_headers({"token": "t"})
    with pytest.raises(ValueError, match="login"):
        SUPPORT.load_account(provider_of(nirva_mock), {"password": "k"}, None)


def test_an_account_keeps_the_id_of_the_same_login_and_a_later_seed_keeps_the_account(
    nirva_mock: Mockpost, nirva: httpx.Client
) -> None:
    provider = provider_of(nirva_mock)
    SUPPORT.load_account(provider, {"login": "demo", "password": "demo", "token": "demo-token"}, None)
    provider.load_fixtures({"organisation": {"name": "Layered"}})
    headers = {"X-Auth-Token": "demo-token"}
    job = create_job(nirva, headers, pdf_of(letter(PARIS)))
    assert job["ownerId"] == 2
    state = nirva_mock.state("nirva", headers)
    assert state["organisation"]["name"] == "Layered"


def test_a_full_reset_forgets_scenario_accounts(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    SUPPORT.load_account(provider_of(nirva_mock), {"login": "temp", "token": "temp-token"}, None)
    assert nirva.get("/options", headers={"X-Auth-Token": "temp-token"}).status_code == 200
    nirva_mock.reset()
    assert nirva.get("/options", headers={"X-Auth-Token": "temp-token"}).status_code == 401


def test_fixture_users_may_carry_a_token_that_survives_resets(tmp_path: Path) -> None:
    fixture = tmp_path / "nirva.yaml"
    fixture.write_text(
        yaml.safe_dump(
            {"nirva": {"users": [{"id": 7, "login": "ci", "password": "ci", "token": "ci-token"}]}}
        )
    )
    with Mockpost(fixtures=[fixture]) as mock:
        client = mock.client("nirva")
        assert client.get("/options", headers={"X-Auth-Token": "ci-token"}).status_code == 200
        mock.reset()
        assert client.get("/options", headers={"X-Auth-Token": "ci-token"}).status_code == 200
    fixture.write_text(yaml.safe_dump({"nirva": {"users": [{"login": "ci", "token": ""}]}}))
    with pytest.raises(ConfigError, match="token"):
        Mockpost(fixtures=[fixture])


def test_rules_see_jobs_per_file_name_and_shipments_with_text_states(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of(letter(PARIS)))
    nirva_mock.clock.advance(duration="1h")
    seen = list(SUPPORT.resources(provider_of(nirva_mock), "default"))
    kinds = [kind for kind, _ in seen]
    assert kinds == ["job", "packGroup", "delivery", "shipment"]
    views = dict(seen)
    assert views["job"]["id"] == job["id"] and views["job"]["state"] == "CREATED"
    assert views["job"]["fileName"] == "file__file_LETTER_0.pdf"
    assert views["shipment"]["state"] == "250"
    assert views["shipment"]["recipient"] == " / ".join(PARIS)
    states = {lc.resource: lc.states for lc in SUPPORT.lifecycles()}
    assert set(states) == {"job", "packGroup", "delivery", "shipment"}
    assert "-913" not in states["shipment"] and "-910" in states["shipment"]


def test_timeline_overrides_apply_and_go_back(nirva_mock: Mockpost) -> None:
    provider = provider_of(nirva_mock)
    SUPPORT.set_timeline(provider, {"output_every": "15m"})
    assert provider.timeline.output_every.total_seconds() == 900
    assert provider.backend.deliveries.timeline is provider.timeline
    SUPPORT.set_timeline(provider, {})
    assert provider.timeline.output_every.total_seconds() == 3600
    with pytest.raises(ValueError, match="unknown nirva option"):
        SUPPORT.set_timeline(provider, {"print_after": "1d"})


def test_webhooks_carry_no_signature_to_check() -> None:
    assert SUPPORT.verify_signature('{"eventType": "SHIPMENT_STATUS"}', {}, "any") is None
