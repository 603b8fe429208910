"""A scenario's world loaded into a server: at start (`serve --scenario`) and at run time
(`POST /_mockpost/scenarios`); steps are not run there, rules keep working as time moves."""

from __future__ import annotations

from pathlib import Path

import httpx

from mockpost.cli import build_parser, settings_from
from mockpost.scenarios.setup import load_into_server

KEY = {"Authorization": "api-key acme-key"}
WORLD = """\
name: a world with a seeded campaign and a fail rule
providers: [ekopost]
clock: {start: "2030-03-04T09:00:00Z", frozen: true}
accounts:
  ekopost:
    acme: {api_key: acme-key, webhook: {inbox: acme, secret: s3cret}}
seed:
  ekopost:
    accounts:
      - api_key: acme-key
        campaigns:
          - name: Seeded
            output_date: "2030-03-04T12:00:00"
            state: closed
            envelopes:
              - {name: fail-1, address: {$type: email, recipient: a@example.com}, state: closed}
              - {name: ok-1, address: {$type: email, recipient: b@example.com}, state: closed}
rules:
  - provider: ekopost
    resource: envelope
    where: {name: "fail-*"}
    when: transferred
    then: {state: failed, reason: Bounced}
faults:
  - {provider: ekopost, method: DELETE, path: "*", status: 418}
steps:
  - advance: 1d
"""


def test_the_scenario_flag_is_a_setting_and_an_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("MOCKPOST_SCENARIO", f"{tmp_path}/a.yaml,{tmp_path}/b.yaml")
    args = build_parser().parse_args(["serve"])
    assert settings_from(args).scenario == [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    args = build_parser().parse_args(["serve", "--scenario", "c.yaml"])
    assert settings_from(args).scenario == [Path("c.yaml")]


def test_serve_scenario_seeds_and_applies_rules_as_the_server_runs(mockpost_server, tmp_path):
    world = tmp_path / "world.yaml"
    world.write_text(WORLD)
    load_into_server(mockpost_server.sandbox, [world], mockpost_server.url)  # what `serve` calls
    with httpx.Client(base_url=mockpost_server.url, headers=KEY) as client:
        assert client.get("/_mockpost/clock").json() == {"now": "2030-03-04T09:00:00Z", "frozen": True}
        campaign = client.get("/ekopost/campaigns").json()[0]
        assert (campaign["name"], campaign["state"]) == ("Seeded", "closed")
        assert client.delete("/ekopost/campaigns").status_code == 418
        client.post("/_mockpost/clock/advance", json={"duration": "1d"})
        envelopes = client.get(f"/ekopost/campaigns/{campaign['id']}/envelopes").json()
        assert [(e["name"], e["state"], e.get("failed_reason")) for e in envelopes] == [
            ("fail-1", "failed", "Bounced"),
            ("ok-1", "posted", None),
        ]
        hooks = client.get("/_mockpost/inbox/acme").json()["items"]
        assert len(hooks) == 1 and '"StatusName":"failed"' in hooks[0]["body"]


def test_post_scenarios_loads_a_world_at_run_time(mockpost):
    control = mockpost.client()
    response = control.post("/_mockpost/scenarios", content=WORLD)
    assert response.status_code == 200
    assert response.json() == {
        "loaded": "a world with a seeded campaign and a fail rule",
        "accounts": {"ekopost": ["acme"]},
        "faults": ["fault-1"],
        "rules": 1,
        "clock": {"now": "2030-03-04T09:00:00Z", "frozen": True},
        "steps_not_run": 1,
    }
    eko = mockpost.client("ekopost", headers=KEY)
    campaign = eko.get("/campaigns").json()[0]
    mockpost.clock.advance(duration="1d")
    states = [e["state"] for e in eko.get(f"/campaigns/{campaign['id']}/envelopes").json()]
    assert states == ["failed", "posted"]


def test_post_scenarios_resets_first_unless_told_not_to(mockpost):
    control = mockpost.client()
    eko = mockpost.client("ekopost", headers=KEY)
    eko.post("/campaigns", json={"name": "before"})
    minimal = "name: m\nproviders: [ekopost]\nclock: {start: '2030-03-04T09:00:00Z'}\n"
    assert control.post("/_mockpost/scenarios?reset=false", content=minimal).status_code == 200
    assert [c["name"] for c in mockpost.state("ekopost", KEY)["campaigns"]] == ["before"]
    assert control.post("/_mockpost/scenarios", content=minimal).status_code == 200
    assert mockpost.state("ekopost", KEY)["campaigns"] == []


def test_post_scenarios_accepts_json_too(mockpost):
    body = {"name": "json", "providers": ["ekopost"], "accounts": {"ekopost": {"a": {"api_key": "k"}}}}
    response = mockpost.client().post("/_mockpost/scenarios", json=body)
    assert response.status_code == 200 and response.json()["accounts"] == {"ekopost": ["a"]}


def test_post_scenarios_refuses_an_invalid_one_with_lines(mockpost):
    response = mockpost.client().post(
        "/_mockpost/scenarios", content="name: x\nproviders: [ekopost]\nrules:\n  - provider: ekopost\n"
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid scenario",
        "detail": [
            {
                "line": 4,
                "problem": "rules[0]: a state rule needs resource, where, when and then "
                "(missing: resource, when, then); or give 'timeline'",
            }
        ],
    }


def test_seed_data_the_provider_refuses_is_a_422_with_its_reason(mockpost):
    bad_seed = "name: x\nproviders: [ekopost]\nseed:\n  ekopost: {accounts: [{campaigns: []}]}\n"
    response = mockpost.client().post("/_mockpost/scenarios", content=bad_seed)
    assert response.status_code == 422
    assert response.json()["error"] == "scenario refused by the sandbox"
    assert "needs api_key or username + password" in response.json()["detail"][0]["problem"]


def test_the_endpoint_is_in_the_control_plane_openapi(mockpost):
    paths = mockpost.client().get("/_mockpost/openapi.json").json()["paths"]
    assert "post" in paths["/scenarios"]


def test_a_body_that_is_not_yaml_or_json_is_a_400(mockpost):
    control = mockpost.client()
    not_yaml = control.post("/_mockpost/scenarios", content="name: [unclosed\n")
    assert not_yaml.status_code == 400
    assert not_yaml.json()["detail"][0]["problem"].startswith("not valid YAML")
    bad_json = control.post(
        "/_mockpost/scenarios", content=b'{"name": NaN}', headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400


def test_hostile_documents_are_refused_without_crashing(mockpost):
    control = mockpost.client()
    assert control.post("/_mockpost/scenarios", content="[" * 2000 + "]" * 2000).status_code == 400
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    response = control.post("/_mockpost/scenarios", content=laughs)
    assert response.status_code == 400
    assert "more than 200000 values" in response.json()["detail"][0]["problem"]
