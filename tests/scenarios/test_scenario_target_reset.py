"""`mockpost run --target URL` against a developer's running sandbox: it says what it will reset
before it does, `--no-reset` keeps the server's state, and the run leaves no frozen clock, fault
or rule of its own behind."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mockpost.cli import main

FROZEN = """\
mockpost: 1
name: a campaign on a frozen clock
providers: [ekopost]
clock: {start: "2030-03-04T09:00:00Z", frozen: true}
accounts:
  ekopost:
    acme: {api_key: acme-key}
faults:
  - {provider: ekopost, path: /nothing, status: 500}
rules:
  - provider: ekopost
    resource: envelope
    when: transferred
    then: {state: failed, reason: Address not found}
steps:
  - request: {method: POST, path: /campaigns, json: {name: March}}
    expect: {json: {state: opened}}
  - advance: 1d
"""
KEY = {"Authorization": "api-key acme-key"}


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "frozen.yaml"
    path.write_text(FROZEN)
    return path


def control(url: str, path: str) -> dict:
    return httpx.get(f"{url}/_mockpost{path}").json()


def test_a_run_says_before_it_starts_that_it_resets_the_server(scenario, mockpost_server, capsys):
    assert main(["run", str(scenario), "--target", mockpost_server.url]) == 0
    err = capsys.readouterr().err
    assert f"--target {mockpost_server.url}: the server is reset before each scenario" in err
    assert "accounts and objects of every provider" in err and "--no-reset" in err


def test_the_run_puts_the_clock_back_and_removes_its_faults_and_rules(scenario, mockpost_server, capsys):
    assert control(mockpost_server.url, "/clock")["frozen"] is False
    assert main(["run", str(scenario), "--target", mockpost_server.url]) == 0
    clock = control(mockpost_server.url, "/clock")
    assert clock["frozen"] is False and clock["now"] < "2030"  # running again, back from 2030
    assert control(mockpost_server.url, "/faults")["items"] == []
    err = capsys.readouterr().err
    assert "the clock is back as the run found it: running" in err
    assert "removed the 1 fault(s) the run added" in err and "removed the rules the run loaded" in err


def test_a_clock_frozen_before_the_run_stays_frozen_at_its_instant(scenario, mockpost_server):
    httpx.post(f"{mockpost_server.url}/_mockpost/clock/freeze", json={"at": "2031-01-01T00:00:00Z"})
    assert main(["run", str(scenario), "--target", mockpost_server.url]) == 0
    assert control(mockpost_server.url, "/clock") == {"now": "2031-01-01T00:00:00Z", "frozen": True}


def test_no_reset_keeps_the_server_state_and_its_clock(scenario, mockpost_server, capsys):
    url = mockpost_server.url
    mine = httpx.post(f"{url}/ekopost/campaigns", json={"name": "Mine"}, headers=KEY).json()
    assert main(["run", str(scenario), "--target", url, "--no-reset"]) == 0
    out, err = capsys.readouterr()
    assert "clock: not applied (--no-reset)" in out
    assert "--no-reset: the state of" in err
    names = [c["name"] for c in httpx.get(f"{url}/ekopost/campaigns", headers=KEY).json()]
    assert "Mine" in names and "March" in names  # the developer's campaign is still there
    assert httpx.get(f"{url}/ekopost/campaigns/{mine['id']}", headers=KEY).status_code == 200
    assert control(url, "/clock")["frozen"] is False


def test_no_reset_needs_a_running_mockpost(scenario, capsys):
    assert main(["run", str(scenario), "--no-reset"]) == 2
    assert "--no-reset keeps the state of a running mockpost" in capsys.readouterr().err


def test_a_server_with_a_control_token_is_restored_too(tmp_path):
    from mockpost.scenarios.loader import load_text
    from mockpost.scenarios.runner import Runner
    from mockpost.scenarios.targets import MockpostServer
    from mockpost.testing.live import LiveServer

    steps = "  - clock: {frozen: true}\n  - expect_deliveries: {count: 0}\n"
    with LiveServer(control_token="t0ken") as server:
        target = MockpostServer(server.url, control_token="t0ken")
        try:
            assert Runner(target).run(load_text(FROZEN + steps, "frozen.yaml")).passed
            done = target.restore()
        finally:
            target.close()
        assert "removed the 1 fault(s) the run added" in done
        assert server.sandbox.describe_clock()["frozen"] is False and not server.sandbox.faults.list()
