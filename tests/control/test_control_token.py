"""The control token: with `--control-token` set, the control plane and the console need it;
provider mounts keep their own auth and health stays open."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from mockpost.cli import build_parser, settings_from
from mockpost.config import Settings
from mockpost.control.routes import ControlPlane
from mockpost.scenarios.loader import load_text
from mockpost.scenarios.runner import Runner
from mockpost.scenarios.targets import MockpostServer
from mockpost.server import Server
from mockpost.testing import LiveServer, Mockpost

TOKEN = "s3cret-control-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
HEADER = {"X-Mockpost-Token": TOKEN}
EKO = {"Authorization": "api-key tenant-key-0001"}


@pytest.fixture
def guarded():
    with Mockpost(control_token=TOKEN) as mock:
        yield mock


def every_control_route(mock: Mockpost) -> list[tuple[str, str]]:
    routes = [
        (e.method, "/_mockpost" + re.sub(r"{[^}]+}", "x", e.path))
        for e in ControlPlane(mock.sandbox).all_endpoints()
        if not e.public
    ]
    return [*routes, ("GET", "/_mockpost/openapi.json")]


def test_without_the_token_every_control_route_is_a_401_in_the_control_envelope(guarded):
    client = guarded.client()
    routes = every_control_route(guarded)
    assert len(routes) > 30
    for method, path in routes:
        response = client.request(method, path)
        assert response.status_code == 401, (method, path)
        assert response.json()["error"] == "the control plane needs the control token", (method, path)
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_nothing_changes_without_the_token(guarded):
    client = guarded.client()
    assert client.post("/_mockpost/clock/freeze", json={"at": "2030-01-01T00:00:00Z"}).status_code == 401
    assert client.post("/_mockpost/faults", json={"path": "/*", "status": 500}).status_code == 401
    assert client.post("/_mockpost/reset").status_code == 401
    scenario = "name: s\nproviders: [ekopost]\nclock: {start: '2030-03-04T09:00:00Z'}\n"
    assert client.post("/_mockpost/scenarios", content=scenario).status_code == 401
    assert not guarded.clock.frozen and guarded.faults.list() == []


@pytest.mark.parametrize("credentials", [BEARER, HEADER, {"authorization": f"bearer {TOKEN}"}])
def test_the_token_opens_the_control_plane(guarded, credentials):
    client = guarded.client(headers=credentials)
    assert client.post("/_mockpost/clock/freeze", json={"at": "2030-01-01T00:00:00Z"}).status_code == 200
    assert client.get("/_mockpost/journal").status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"X-Mockpost-Token": TOKEN + "x"},
        {"X-Mockpost-Token": "tökén".encode()},
        {"Authorization": b"Bearer \xff\xfe\x80"},
        {"Cookie": "mockpost_console=" + TOKEN},
        {"Cookie": 'mockpost_console="\\'},
    ],
)
def test_a_wrong_or_garbled_token_is_a_401_never_a_crash(guarded, credentials):
    response = guarded.client(headers=credentials).get("/_mockpost/clock")
    assert response.status_code == 401


def test_health_stays_open_for_probes(guarded):
    response = guarded.client().get("/_mockpost/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_provider_mounts_keep_their_own_auth(guarded):
    eko = guarded.client("ekopost", headers=EKO)
    assert eko.post("/campaigns", json={"name": "x"}).status_code == 200
    assert guarded.client("ekopost").get("/campaigns").status_code in (400, 401)  # Ekopost's own refusal
    unknown = guarded.client("ekopost", headers=EKO).get("/no-such-route")
    assert unknown.status_code == 404 and "error_code" in unknown.json()


def test_tenant_routes_take_the_token_as_x_mockpost_token_beside_the_providers_auth(guarded):
    eko = guarded.client("ekopost", headers=EKO)
    campaign_id = eko.post("/campaigns", json={"name": "x"}).json()["id"]
    control = guarded.client(headers={**EKO, **HEADER})
    state = control.get("/_mockpost/state/ekopost").json()
    assert [c["id"] for c in state["state"]["campaigns"]] == [campaign_id]
    body = {"resource": "campaign", "id": campaign_id, "state": "failed", "reason": "x"}
    assert control.post("/_mockpost/ekopost/transition", json=body).status_code == 200
    assert guarded.client(headers=EKO).get("/_mockpost/state/ekopost").status_code == 401


def test_the_console_asks_for_the_token_with_a_small_form(guarded):
    page = guarded.client().get("/")
    assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
    assert '<form method="post" action="/">' in page.text and 'name="token"' in page.text
    assert "Recent requests" not in page.text


def test_the_login_form_sets_an_http_only_strict_cookie_the_control_plane_accepts(guarded):
    browser = guarded.client()
    answer = browser.post("/", data={"token": TOKEN, "next": "/_mockpost/clock"})
    assert answer.status_code == 303 and answer.headers["location"] == "/_mockpost/clock"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert TOKEN not in cookie  # the cookie holds a value derived from the token
    assert browser.get("/").status_code == 200 and "Recent requests" in browser.get("/").text
    assert browser.get("/_mockpost/clock").status_code == 200


def test_a_wrong_token_in_the_form_shows_the_form_again(guarded):
    browser = guarded.client()
    answer = browser.post("/", data={"token": "nope"})
    assert answer.status_code == 401 and "not the control token" in answer.text
    assert "set-cookie" not in answer.headers
    assert browser.get("/_mockpost/clock").status_code == 401


def test_the_login_form_never_sends_the_browser_to_another_site(guarded):
    answer = guarded.client().post("/", data={"token": TOKEN, "next": "//evil.example/x"})
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_webhooks_to_the_sandboxs_own_inbox_still_arrive(guarded):
    ep = guarded.client("easypost-connect", headers={"x-api-key": "k"})
    url = guarded.inbox_url("hooks")
    body = {"name": "x", "url": url, "eventTypes": ["job.status.changed"]}
    created = ep.post("/webhooks", json=body).json()
    assert ep.post(f"/webhooks/{created['id']}/test").json() == {"statusCode": 200}
    assert len(guarded.inbox("hooks")) == 1


@pytest.mark.mockpost(control_token="fixture-token")
def test_the_in_process_fixture_sends_the_token_on_its_control_calls(mockpost):
    eko = mockpost.client("ekopost", headers=EKO)
    campaign_id = eko.post("/campaigns", json={"name": "x"}).json()["id"]
    moved = mockpost.transition("ekopost", EKO, resource="campaign", id=campaign_id, state="failed")
    assert moved["state"] == "failed"
    assert mockpost.state("ekopost", EKO)["campaigns"][0]["state"] == "failed"
    assert mockpost.control_headers == {"X-Mockpost-Token": "fixture-token"}
    assert mockpost.client(headers=mockpost.control_headers).get("/_mockpost/clock").status_code == 200
    assert mockpost.client().get("/_mockpost/clock").status_code == 401
    assert all("x-mockpost-token" not in e["request_headers"] for e in mockpost.journal())


def test_a_live_server_with_a_token_refuses_strangers_and_serves_its_handle():
    with LiveServer(control_token=TOKEN) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/_mockpost/journal").status_code == 401
        assert client.get("/_mockpost/health").status_code == 200
        assert client.get("/_mockpost/journal", headers=server.control_headers).status_code == 200


def test_the_remote_handle_runs_a_scenario_against_a_server_with_a_token(monkeypatch):
    scenario = load_text(
        "name: remote\nproviders: [ekopost]\naccounts: {ekopost: {a: {api_key: k}}}\n"
        "steps:\n  - request: {method: POST, path: /campaigns, json: {name: x}}\n    save: {id: $.id}\n"
        "  - advance: 1h\n  - transition: {resource: campaign, id: '{{ id }}', state: failed}\n"
        "  - request: {path: '/campaigns/{{ id }}'}\n    expect: {json: {state: failed}}\n"
    )
    with LiveServer(control_token=TOKEN) as server:
        monkeypatch.setenv("MOCKPOST_CONTROL_TOKEN", TOKEN)
        from_environment = MockpostServer(server.url)
        assert Runner(from_environment).run(scenario).passed
        from_environment.close()
        monkeypatch.delenv("MOCKPOST_CONTROL_TOKEN")
        given = MockpostServer(server.url, control_token=TOKEN)
        assert Runner(given).run(scenario).passed
        given.close()
        stranger = MockpostServer(server.url)
        assert not Runner(stranger).run(scenario).passed
        stranger.close()
        provider_calls = server.sandbox.journal.query(provider="ekopost")
        assert provider_calls and all(
            b"x-mockpost-token" not in dict(e.request_headers) for e in provider_calls
        )


def test_the_token_is_a_flag_and_an_environment_variable(monkeypatch):
    assert (
        settings_from(build_parser().parse_args(["serve", "--control-token", "abc"])).control_token == "abc"
    )
    monkeypatch.setenv("MOCKPOST_CONTROL_TOKEN", "from-env")
    assert Settings().control_token == "from-env"
    monkeypatch.setenv("MOCKPOST_CONTROL_TOKEN", "")
    assert Settings().control_token is None
    with pytest.raises(ValueError, match="spaces or control characters"):
        Settings(control_token="two words")
    assert "from-env" not in repr(Settings(control_token="from-env"))


def banner(**settings: object) -> str:
    server = Server(Mockpost(**settings).app, Settings(port=0, **settings))  # type: ignore[arg-type]
    server.sock.close()
    return server.banner()


def test_the_banner_warns_when_anyone_can_reach_an_open_control_plane():
    assert "WARNING: listening on 0.0.0.0 without a control token" in banner(host="0.0.0.0")
    assert "WARNING" not in banner(host="127.0.0.1")
    guarded = banner(host="0.0.0.0", control_token=TOKEN)
    assert "WARNING" not in guarded and "control token is required" in guarded and TOKEN not in guarded


def test_the_control_plane_openapi_documents_the_token_and_its_401(guarded):
    document = guarded.client(headers=BEARER).get("/_mockpost/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["controlToken"] == {**schemes["controlToken"], "type": "http", "scheme": "bearer"}
    assert schemes["controlTokenHeader"]["name"] == "X-Mockpost-Token"
    assert document["paths"]["/health"]["get"]["security"] == []
    assert "401" not in document["paths"]["/health"]["get"]["responses"]
    assert "401" in document["paths"]["/journal"]["get"]["responses"]
    assert "401" in document["paths"]["/ekopost/webhook"]["put"]["responses"]


# -- the journal's view of credentials ----------------------------------------------------------
def test_the_journal_masks_credentials_by_default(mockpost):
    mockpost.client("ekopost", headers=EKO).get("/campaigns")
    mockpost.client("nirva", headers={"X-Auth-Token": "0123456789abcdef"}).get("/jobs/1")
    mockpost.client("easypost-connect", headers={"x-api-key": "ep-key-0123456789"}).get("/jobs")
    text = mockpost.client().get("/_mockpost/journal").text
    for secret in ("tenant-key-0001", "0123456789abcdef", "ep-key-0123456789"):
        assert secret not in text
    headers = [item["request_headers"] for item in json.loads(text)["items"]]
    assert headers[0]["authorization"] == "api-key te…01"
    assert headers[1]["x-auth-token"] == "01…ef" and headers[2]["x-api-key"] == "ep…89"


def test_raw_credentials_are_not_handed_out_by_a_server_without_a_token(mockpost):
    mockpost.client("ekopost", headers=EKO).get("/campaigns")
    response = mockpost.client().get("/_mockpost/journal?secrets=show")
    assert response.status_code == 403 and "tenant-key-0001" not in response.text


def test_with_the_token_the_journal_shows_raw_credentials_when_asked(guarded):
    guarded.client("ekopost", headers=EKO).get("/campaigns")
    control = guarded.client(headers=BEARER)
    assert "tenant-key-0001" not in control.get("/_mockpost/journal").text
    shown = control.get("/_mockpost/journal?secrets=show").json()["items"]
    assert shown[0]["request_headers"]["authorization"] == EKO["Authorization"]
