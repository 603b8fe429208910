"""Webhook URLs set through the control plane (and EasyPost Connect's API) pass one check: an
absolute http(s) URL with a host, at most 2048 characters, no spaces or control characters."""

from __future__ import annotations

import pytest

from mockpost.sandbox import ConfigError
from mockpost.testing import Mockpost

SETTERS = [
    ("ekopost", {"Authorization": "api-key k"}),
    ("inpost", {"Authorization": "Bearer t"}),
    ("nirva", {}),  # open mode: the default organisation
]
HOSTILE = [
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_FLUSHALL",
    "javascript:alert(document.cookie)",
    "https://example.com/" + "a" * (1024 * 1024),
    "https://example.com/hook\r\nX-Injected: yes",
    "not a url",
]


@pytest.mark.parametrize(("provider", "auth"), SETTERS)
@pytest.mark.parametrize("url", HOSTILE, ids=["file", "gopher", "javascript", "1MB", "crlf", "text"])
def test_the_control_plane_refuses_an_unusable_webhook_url(mockpost, provider, auth, url):
    control = mockpost.client(headers=auth)
    response = control.put(f"/_mockpost/{provider}/webhook", json={"url": url, "secret": "s"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid request body" and body["detail"][0]["field"] == "url"
    assert len(response.content) < 2000  # the refused URL is not echoed back
    assert control.get(f"/_mockpost/{provider}/webhook").json() is None


@pytest.mark.parametrize(("provider", "auth"), SETTERS)
def test_the_control_plane_keeps_a_usable_webhook_url(mockpost, provider, auth):
    control = mockpost.client(headers=auth)
    url = mockpost.inbox_url("hooks")
    response = control.put(f"/_mockpost/{provider}/webhook", json={"url": url})
    assert response.status_code == 200 and response.json()["url"] == url


def test_easypost_connect_refuses_control_characters_in_a_subscription_url(mockpost):
    client = mockpost.client("easypost-connect", headers={"x-api-key": "k"})
    body = {"name": "x", "url": "https://example.com/\u0007bell", "eventTypes": ["job.status.changed"]}
    response = client.post("/webhooks", json=body)
    assert response.status_code == 400
    assert "url must be a URL address (http or https)" in response.json()["message"]


@pytest.mark.parametrize(
    "scenario",
    [
        "name: w\nproviders: [ekopost]\n"
        "accounts: {ekopost: {a: {api_key: k, webhook: {url: 'file:///etc/passwd'}}}}\n",
        "name: w\nproviders: [inpost]\n"
        "seed: {inpost: {accounts: [{token: t, webhook: {url: 'gopher://127.0.0.1:70/_x'}}]}}\n",
    ],
    ids=["account-webhook", "seeded-webhook"],
)
def test_a_posted_scenario_cannot_set_an_unusable_webhook_url(mockpost, scenario):
    response = mockpost.client().post("/_mockpost/scenarios", content=scenario)
    assert response.status_code == 422 and "http or https" in response.text


def test_an_accounts_file_with_an_unusable_webhook_url_is_refused_at_start(tmp_path):
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("ekopost:\n  - {api_key: k, webhook: {url: 'javascript:alert(1)'}}\n")
    with pytest.raises(ConfigError, match=r"ekopost\[0\]\.webhook\.url: must be an http or https URL"):
        Mockpost(accounts=accounts)
