"""The pytest plugin's fixtures and the command line, as a user meets them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from helpers import KEY

from mockpost.cli import build_parser, main, settings_from
from mockpost.config import Settings


def test_in_process_fixture_clients_share_one_sandbox(mockpost):
    eko = mockpost.client("ekopost", headers=KEY)
    campaign_id = eko.post("/campaigns", json={"name": "x"}).json()["id"]
    assert mockpost.state("ekopost", KEY)["campaigns"][0]["id"] == campaign_id
    assert mockpost.journal(provider="ekopost")[0]["path"] == "/ekopost/campaigns"
    with pytest.raises(ValueError, match="unknown provider"):
        mockpost.client("nope")


def test_the_in_process_clock_api(mockpost):
    mockpost.clock.freeze("2030-01-01T00:00:00Z")
    assert mockpost.clock.frozen
    assert mockpost.clock.advance(duration="1h").isoformat() == "2030-01-01T01:00:00+00:00"
    assert mockpost.clock.advance(60).minute == 1
    assert mockpost.clock.set("2031-01-01T00:00:00Z").year == 2031
    with pytest.raises(ValueError):
        mockpost.clock.advance()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_async_client_for_async_tests(mockpost):
    async with mockpost.async_client("ekopost", headers=KEY) as client:
        response = await client.post("/campaigns", json={"name": "async"})
    assert response.status_code == 200


def test_live_server_fixture_serves_real_http(mockpost_server):
    with httpx.Client(base_url=mockpost_server.url) as client:
        assert client.get("/_mockpost/health").json()["status"] == "ok"
        created = client.post("/ekopost/campaigns", json={"name": "live"}, headers=KEY)
        assert created.status_code == 200
        client.post("/_mockpost/inbox/live", content=b"ping")
        assert client.get("/_mockpost/inbox/live").json()["items"][0]["body"] == "ping"


def test_live_server_is_reset_between_tests(mockpost_server):
    with httpx.Client(base_url=mockpost_server.url) as client:
        assert client.get("/_mockpost/inbox/live").json()["items"] == []


def test_live_server_delivers_webhooks_to_its_own_inbox(mockpost_server):
    sandbox = mockpost_server.sandbox
    with httpx.Client(base_url=mockpost_server.url, headers=KEY) as client:
        client.post("/_mockpost/clock/freeze", json={"at": "2030-03-04T09:00:00Z"})
        client.put(
            "/_mockpost/ekopost/webhook",
            json={"url": f"{mockpost_server.url}/_mockpost/inbox/h", "secret": "k"},
        )
        sent = client.post(
            "/ekopost/sms", json={"From": "Eko", "Recipient": "+46701234567", "Text": "hi"}
        ).json()
        client.post("/_mockpost/clock/advance", json={"duration": "1h"})
        body = json.loads(client.get("/_mockpost/inbox/h").json()["items"][0]["body"])
        assert body == [{"ObjectId": sent["envelope_id"], "StatusName": "posted"}]
    assert sandbox.outbox.deliveries()[0].state == "delivered"


def test_every_serve_flag_is_also_an_environment_variable(monkeypatch, tmp_path):
    fixture = tmp_path / "f.yaml"
    fixture.write_text("{}")
    monkeypatch.setenv("MOCKPOST_PORT", "9999")
    monkeypatch.setenv("MOCKPOST_SEED", "5")
    monkeypatch.setenv("MOCKPOST_FIXTURES", f"{fixture},{fixture}")
    monkeypatch.setenv("MOCKPOST_OPTIONS", '{"ekopost": {"print_after": "2h"}}')
    settings = Settings()
    assert (settings.port, settings.seed, settings.fixtures) == (9999, 5, [fixture, fixture])
    assert settings.options == {"ekopost": {"print_after": "2h"}}
    args = build_parser().parse_args(["serve", "--port", "1234", "--option", "ekopost.post_after=3h"])
    overridden = settings_from(args)
    assert overridden.port == 1234 and overridden.seed == 5  # flags win, env fills the rest
    assert overridden.options == {"ekopost": {"print_after": "2h", "post_after": "3h"}}


def test_cli_version_and_openapi(capsys):
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["openapi", "ekopost"]) == 0
    assert "/campaigns" in json.loads(capsys.readouterr().out)["paths"]
    assert main(["openapi", "control"]) == 0
    assert "/clock/advance" in json.loads(capsys.readouterr().out)["paths"]
    assert main(["openapi", "nope"]) == 2


def test_serve_refuses_a_broken_fixtures_file_with_a_message(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("ekopost: [")
    result = subprocess.run(
        [sys.executable, "-m", "mockpost", "serve", "--port", "0", "--fixtures", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MOCKPOST_LOG_LEVEL": "warning"},
    )
    assert result.returncode == 2 and "not valid YAML" in result.stderr


def test_unknown_provider_option_is_refused():
    from mockpost.testing import Mockpost

    with pytest.raises(ValueError, match="unknown ekopost option"):
        Mockpost(options={"ekopost": {"print_soon": "1h"}})
