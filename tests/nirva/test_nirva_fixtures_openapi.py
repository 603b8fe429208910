"""The demo fixtures load (and come back after a reset); the OpenAPI document lists every route."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from nirva_support import START, is_envelope, sign_in

from mockpost.sandbox import ConfigError
from mockpost.testing import Mockpost

DEMO = Path(__file__).parents[2] / "fixtures" / "nirva-demo.yaml"


def test_demo_fixtures_give_users_services_and_jobs_in_several_states() -> None:
    with Mockpost(fixtures=[DEMO]) as mock:
        mock.clock.freeze(START)
        client = mock.client("nirva")
        mailroom = sign_in(client, "mailroom", "mailroom")
        profile = client.post(
            "/authentication/authenticate",
            json={"login": "mailroom", "password": "mailroom", "withProfileDetail": True},
        ).json()["profile"]
        assert [s["id"] for s in profile["services"]] == ["101", "102"]
        admin = sign_in(client, "admin", "admin")
        jobs = mock.state("nirva", admin)["jobs"]
        assert [j["status"] for j in jobs] == ["CREATED", "PACK_GROUP_CREATED", "PACK_GROUP_CREATED"]
        assert jobs[1]["packGroupCountPerStates"] == {"NOT_ELIGIBLE": 1}
        waiting = client.post(f"/jobs/{jobs[2]['id']}/validate", headers=mailroom)
        assert waiting.status_code == 200 and waiting.json()["status"] == "CREATED"
        mock.reset("nirva")
        again = sign_in(client, "admin", "admin")
        assert [j["status"] for j in mock.state("nirva", again)["jobs"]][2] == "PACK_GROUP_CREATED"
        ready = {"X-Auth-Token": "demo-token"}  # the demo user's token from the fixture file
        assert client.get(f"/jobs/{jobs[0]['id']}", headers=ready).json()["status"] == "CREATED"


def test_bad_fixtures_are_refused_with_a_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"nirva": {"jobs": [{"login": "nobody", "serviceId": "101"}]}}))
    with pytest.raises(ConfigError, match="nobody"):
        Mockpost(fixtures=[bad])


def test_openapi_lists_every_route(nirva_mock: Mockpost) -> None:
    document = nirva_mock.client("nirva").get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/authentication/authenticate",
        "/authentication/logout",
        "/options/type",
        "/options",
        "/jobs",
        "/jobs/{jobId}",
        "/jobs/{jobId}/packGroups",
        "/jobs/{jobId}/validate",
        "/packGroups/{packGroupId}/edit",
        "/deliveries",
        "/shipments/{shipmentId}",
        "/shipments/{shipmentId}/trackingFile/{trackingName}",
    }
    assert document["paths"]["/jobs"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert document["components"]["securitySchemes"]["authToken"]["name"] == "X-Auth-Token"


def test_unknown_provider_option_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown nirva option"):
        Mockpost(options={"nirva": {"no_such_thing": "1d"}})


def test_deliveries_need_a_job_id(nirva_mock: Mockpost) -> None:
    client = nirva_mock.client("nirva")
    headers = sign_in(client)
    assert is_envelope(client.get("/deliveries", headers=headers), 400)
    assert is_envelope(client.get("/deliveries?jobId=abc", headers=headers), 404)
