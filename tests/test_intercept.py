"""`mock.intercept()`: code that calls a provider's real URL with its own httpx (sync or async) or
requests client reaches the in-process sandbox, and so do the URLs the sandbox hands out."""

from __future__ import annotations

import json
import re

import httpx
import pytest
import requests
from helpers import START
from receiver_support import http_receiver

from mockpost.core.pdf import make_pdf
from mockpost.intercept import Interceptor, provider_hosts
from mockpost.providers import PROVIDERS
from mockpost.testing import Mockpost

INPOST_SANDBOX = "https://sandbox-api-shipx-pl.easypack24.net"
INPOST = {"Authorization": "Bearer intercepted"}
EASYPOST = "https://api.dev.connect.easypost.eu"


def test_httpx_calls_to_the_real_inpost_sandbox_reach_the_mock(mockpost):
    with mockpost.intercept():
        organizations = httpx.get(f"{INPOST_SANDBOX}/v1/organizations", headers=INPOST)
    assert organizations.status_code == 200
    assert organizations.json()["href"] == f"{INPOST_SANDBOX}/v1/organizations"  # the real base
    assert mockpost.journal(provider="inpost")[0]["path"] == "/inpost/v1/organizations"


def test_an_href_the_mock_hands_out_is_followed_on_the_real_host(mockpost):
    with mockpost.intercept(), httpx.Client(headers=INPOST) as client:
        organization = client.get(f"{INPOST_SANDBOX}/v1/organizations").json()["items"][0]
        assert organization["href"].startswith(f"{INPOST_SANDBOX}/v1/organizations/")
        assert client.get(organization["href"]).json()["id"] == organization["id"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_async_httpx_calls_are_intercepted_too(mockpost):
    with mockpost.intercept():
        async with httpx.AsyncClient(base_url=INPOST_SANDBOX, headers=INPOST) as client:
            statuses = await client.get("/v1/statuses")
            organizations = await client.get("/v1/organizations")
    assert statuses.status_code == 200 and organizations.status_code == 200
    mockpost.clock.advance(60)  # the synchronous API still works inside an async test


def test_requests_calls_are_intercepted(mockpost):
    with mockpost.intercept():
        answer = requests.get(f"{INPOST_SANDBOX}/v1/organizations", headers=INPOST, timeout=5)
        created = requests.post(
            f"{INPOST_SANDBOX}/v1/organizations/{answer.json()['items'][0]['id']}/shipments",
            json={"service": "inpost_locker_standard", "parcels": {"template": "small"},
                  "receiver": {"email": "jan@example.pl", "phone": "600100200"},
                  "custom_attributes": {"target_point": "KRA010"}},
            headers=INPOST,
            timeout=5,
        )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    assert created.status_code == 201, created.text
    assert created.json()["href"].startswith(f"{INPOST_SANDBOX}/v1/shipments/")


def test_the_upload_and_download_urls_of_easypost_connect_are_reachable(mockpost):
    mockpost.clock.freeze(START)
    key = {"x-api-key": "intercepted"}
    pdf = make_pdf([["EMAIL_ADDRESS: ann@example.be"]])
    with mockpost.intercept(), httpx.Client(base_url=EASYPOST, headers=key) as app:
        workflows = app.get("/workflows", params={"inputSource": "SINGLE_FILE"}).json()
        workflow = next(w for w in workflows if w["enabled"] and w["validated"])
        job = app.post(
            "/jobs/single-file", json={"workflowId": workflow["id"], "jobName": "x", "filename": "x.pdf"}
        ).json()
        assert job["fileUploadUrl"].startswith(f"{EASYPOST}/uploads/")
        assert httpx.put(job["fileUploadUrl"], content=pdf).status_code == 200  # no API key on it
        mockpost.clock.advance(duration="7d")
        event = app.get("/sending-events", params={"jobId": job["id"]}).json()[0]
        url = app.get(f"/sending-events/{event['id']}/files/EPOD/download-url").json()["url"]
        assert url.startswith(f"{EASYPOST}/")
        assert httpx.get(url).content.startswith(b"%PDF")
        assert app.get(f"/jobs/{job['id']}").json()["status"] == "COMPLETED"


def test_urls_of_the_in_process_clients_are_reachable_by_any_client(mockpost):
    eko = mockpost.client("ekopost", headers={"Authorization": "api-key k"})
    campaign = eko.post("/campaigns", json={"name": "x"}).json()
    with mockpost.intercept():
        again = httpx.get(f"{mockpost.url('/ekopost/campaigns')}/{campaign['id']}", headers=eko.headers)
    assert again.json()["id"] == campaign["id"]


def test_a_host_that_is_not_intercepted_is_refused_by_name(mockpost):
    refused = re.escape("example.org is not intercepted")
    with mockpost.intercept(), pytest.raises(httpx.ConnectError, match=refused):
        httpx.get("https://example.org/v1/organizations")
    with mockpost.intercept(), pytest.raises(requests.ConnectionError, match=refused):
        requests.get("https://example.org/v1/organizations", timeout=5)


def test_passthrough_lets_a_host_through(mockpost, mockpost_server):
    with mockpost.intercept(passthrough=[f"127.0.0.1:{mockpost_server.port}"]):
        assert httpx.get(f"{mockpost_server.url}/_mockpost/health").json()["status"] == "ok"
        assert requests.get(f"{mockpost_server.url}/_mockpost/health", timeout=5).ok
        with pytest.raises(httpx.ConnectError, match="not intercepted"):
            httpx.get(f"http://127.0.0.1:{mockpost_server.port + 1}/")


def test_more_hosts_map_to_a_provider_and_its_base_path(mockpost):
    hosts = {"https://eko.internal.example/api": "ekopost", "mockpost.test": "/"}
    with mockpost.intercept(hosts=hosts):
        created = httpx.post(
            "https://eko.internal.example/api/campaigns",
            json={"name": "internal"},
            headers={"Authorization": "api-key k"},
        )
        health = httpx.get("http://mockpost.test/_mockpost/health")
    assert created.status_code == 200 and health.json()["status"] == "ok"
    with pytest.raises(ValueError, match="unknown provider 'ekopst'"):
        mockpost.intercept(hosts={"x.example": "ekopst"})


def test_the_sandboxs_own_webhooks_are_not_intercepted(mockpost):
    mockpost.clock.freeze(START)
    key = {"Authorization": "api-key k"}
    eko = mockpost.client("ekopost", headers=key)
    with http_receiver() as (url, handler):
        mockpost.client().put("/_mockpost/ekopost/webhook", json={"url": url, "secret": "s"}, headers=key)
        with mockpost.intercept():
            sent = eko.post("/sms", json={"From": "Eko", "Recipient": "+46701234567", "Text": "hi"}).json()
            mockpost.clock.advance(duration="1h")
    expected = [{"ObjectId": sent["envelope_id"], "StatusName": "posted"}]
    assert [json.loads(body) for body in handler.bodies] == [expected]


def test_intercept_is_a_decorator_for_sync_and_async_functions(mockpost):
    @mockpost.intercept()
    def fetch() -> int:
        return httpx.get(f"{INPOST_SANDBOX}/v1/statuses").status_code

    @mockpost.intercept()
    async def fetch_async() -> int:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"{INPOST_SANDBOX}/v1/statuses")).status_code

    import asyncio

    assert fetch() == 200
    assert asyncio.run(fetch_async()) == 200
    with pytest.raises(httpx.ConnectError):  # hooks removed again
        httpx.get(f"{INPOST_SANDBOX}/v1/statuses", timeout=0.001)


@pytest.mark.mockpost_intercept
def test_the_pytest_marker_intercepts_for_the_whole_test(mockpost):
    assert httpx.get(f"{INPOST_SANDBOX}/v1/organizations", headers=INPOST).status_code == 200


@pytest.mark.mockpost_intercept(hosts={"shipx.example": "inpost"})
def test_the_marker_takes_the_same_arguments(mockpost):
    assert httpx.get("https://shipx.example/v1/statuses").status_code == 200


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://api-shipx-pl.easypack24.net/v1/shipments/1", "/inpost/v1/shipments/1"),
        ("https://sandbox-api-shipx-pl.easypack24.net/v1/shipments/1", "/inpost/v1/shipments/1"),
        ("https://api-shipx-it.easypack24.net/v1/statuses", "/inpost/v1/statuses"),
        ("https://stage-api-shipx-it.easypack24.net/v1/statuses", "/inpost/v1/statuses"),
        ("https://sandbox-api-gateway-pl.easypack24.net/v1/points", "/inpost/v1/points"),
        ("https://api.inpost.pl/v1/points", "/inpost/v1/points"),
        ("http://api.sandbox.ekopost.se/campaigns", "/ekopost/campaigns"),
        ("https://api.dev.connect.easypost.eu/health", "/easypost-connect/health"),
        ("https://acc.eservices.easypost.eu/health", "/easypost-connect/health"),
        ("https://eservices.easypost.eu/health", "/easypost-connect/health"),
        ("https://api.cloud.nirva-software.com/jobs", "/nirva/jobs"),
        ("https://api.afosto.io/odr/orders", "/afosto/odr/orders"),
    ],
)
def test_every_documented_host_maps_its_base_path_to_the_mount(mockpost, url, path):
    interceptor = Interceptor(mockpost)
    request = httpx.Request("GET", url)
    route = interceptor.route(request.url)
    assert route is not None, url
    assert interceptor.inward(request, route).url.path == path


def test_every_provider_names_its_hosts():
    assert all(provider_hosts(entry) for entry in PROVIDERS)


def test_outside_pytest_intercept_is_a_context_manager():
    with Mockpost() as mock, mock.intercept():
        assert httpx.get(f"{INPOST_SANDBOX}/v1/statuses").status_code == 200
