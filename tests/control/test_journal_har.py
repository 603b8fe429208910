"""GET /_mockpost/journal?format=har: the journal as an HTTP Archive (HAR 1.2), valid against the
specification's schema, with requests and responses, their headers and bodies, and timings."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mockpost.testing import Mockpost

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "data" / "har-1.2.schema.json").read_text())
KEY = {"Authorization": "api-key har"}


def assert_valid_har(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    for entry in document["log"]["entries"]:
        timings = entry["timings"]
        assert entry["time"] == pytest.approx(
            sum(v for k, v in timings.items() if k != "comment" and v != -1)
        )


@pytest.fixture
def traffic(mockpost: Mockpost) -> Mockpost:
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    eko = mockpost.client("ekopost", headers=KEY)
    campaign = eko.post("/campaigns", json={"name": "March"}).json()
    eko.get(
        "/campaigns",
        params={"name": "March", "state": "opened"},
        headers={"Cookie": "session=abc; theme=dark"},
    )
    eko.get(f"/campaigns/{campaign['id']}/envelopes/nope")  # a 404 in Ekopost's envelope
    mockpost.client("afosto", headers={"Authorization": "Bearer har"}).get(
        "/cnt/barcode", params={"t": "ean", "v": "8712345678906"}
    )
    mockpost.faults.add(provider="inpost", status=503, times=1)
    mockpost.client("inpost").get("/v1/statuses")
    return mockpost


def har(mockpost: Mockpost, **filters: str) -> dict[str, Any]:
    answer = mockpost.client().get("/_mockpost/journal", params={"format": "har", **filters})
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def test_journal_exports_valid_har_1_2(traffic: Mockpost) -> None:
    document = har(traffic)
    assert_valid_har(document)
    assert document["log"]["version"] == "1.2" and document["log"]["creator"]["name"] == "mockpost"
    assert len(document["log"]["entries"]) == 5


def test_har_entry_has_the_request_and_response_with_headers_and_bodies(traffic: Mockpost) -> None:
    created = har(traffic, method="POST")["log"]["entries"][0]
    request, response = created["request"], created["response"]
    assert request["method"] == "POST" and request["url"].endswith("/ekopost/campaigns")
    assert request["url"].startswith("http://")
    # credentials are masked, as in the journal's JSON view (docs/security.md)
    assert {"name": "authorization", "value": "api-key …"} in request["headers"]
    assert json.loads(request["postData"]["text"]) == {"name": "March"}
    assert request["postData"]["mimeType"] == "application/json"
    assert request["bodySize"] == len(request["postData"]["text"])
    assert (response["status"], response["statusText"]) == (200, "OK")
    assert {"name": "content-type", "value": "application/json"} in response["headers"]
    body = json.loads(response["content"]["text"])
    assert body["name"] == "March" and body["state"] == "opened"
    assert response["content"]["size"] == response["bodySize"] == len(response["content"]["text"])
    assert created["startedDateTime"] == "2030-03-04T09:00:00.000Z"  # the sandbox clock
    assert created["_provider"] == "ekopost"


def test_har_entry_parses_the_query_string_and_cookies(traffic: Mockpost) -> None:
    listed = har(traffic, method="GET", provider="ekopost", path="/ekopost/campaigns")["log"]["entries"][0]
    assert listed["request"]["queryString"] == [
        {"name": "name", "value": "March"},
        {"name": "state", "value": "opened"},
    ]
    assert listed["request"]["url"].endswith("/ekopost/campaigns?name=March&state=opened")
    assert listed["request"]["cookies"] == [  # their values masked, as credentials are
        {"name": "session", "value": "…"},
        {"name": "theme", "value": "…"},
    ]
    assert "postData" not in listed["request"]


def test_har_keeps_a_binary_body_as_base64(traffic: Mockpost) -> None:
    image = har(traffic, provider="afosto")["log"]["entries"][0]["response"]
    assert image["content"]["mimeType"] == "image/png" and image["content"]["encoding"] == "base64"
    data = base64.b64decode(image["content"]["text"])
    assert data.startswith(b"\x89PNG") and len(data) == image["content"]["size"]


def test_har_names_an_error_status_and_the_fault_that_answered(traffic: Mockpost) -> None:
    missing = har(traffic, status="404")["log"]["entries"][0]
    assert missing["response"]["statusText"] == "Not Found"
    assert json.loads(missing["response"]["content"]["text"])["error_code"] == "111"
    faulted = har(traffic, provider="inpost")["log"]["entries"][0]
    assert faulted["response"]["status"] == 503 and faulted["_fault"]


def test_har_says_when_the_journal_kept_only_part_of_a_body(mockpost: Mockpost) -> None:
    name = "x" * 10_000
    mockpost.client("ekopost", headers=KEY).post("/campaigns", json={"name": name})
    document = har(mockpost)
    assert_valid_har(document)
    entry = document["log"]["entries"][0]
    posted = entry["request"]["postData"]
    assert entry["request"]["bodySize"] > len(posted["text"]) and "kept the first" in posted["comment"]
    assert entry["response"]["bodySize"] > 10_000


def test_in_process_handle_exports_the_same_har(traffic: Mockpost) -> None:
    assert traffic.har(provider="ekopost") == har(traffic, provider="ekopost")


def test_an_unknown_journal_format_is_refused(mockpost: Mockpost) -> None:
    answer = mockpost.client().get("/_mockpost/journal", params={"format": "xml"})
    assert answer.status_code == 400 and "format" in answer.json()["error"]


def test_json_journal_entries_include_response_headers(traffic: Mockpost) -> None:
    entry = traffic.journal(provider="afosto")[0]
    assert entry["response_headers"]["content-type"] == "image/png"


def test_har_shows_raw_credentials_only_to_a_server_with_a_control_token():
    from mockpost.testing import Mockpost

    with Mockpost(control_token="t0ken-for-har") as mock:
        mock.client("ekopost", headers=KEY).get("/campaigns")
        control = mock.client(headers=mock.control_headers)
        masked = control.get("/_mockpost/journal", params={"format": "har"}).json()
        shown = control.get("/_mockpost/journal", params={"format": "har", "secrets": "show"}).json()
    [masked_entry], [shown_entry] = masked["log"]["entries"], shown["log"]["entries"]
    assert {"name": "authorization", "value": "api-key …"} in masked_entry["request"]["headers"]
    assert {"name": "authorization", "value": "api-key har"} in shown_entry["request"]["headers"]
