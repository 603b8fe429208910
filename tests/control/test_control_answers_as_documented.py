"""Control-plane requests the OpenAPI fuzzing found answered with a 500 or other than its document
says, each as its minimal reproducer."""

from __future__ import annotations

import httpx
import pytest
from jsonschema import Draft202012Validator

from mockpost.testing import Mockpost


@pytest.fixture
def control(mockpost: Mockpost) -> httpx.Client:
    return mockpost.client()


def assert_documented(control: httpx.Client, path: str, answer: httpx.Response) -> None:
    """The answer's status is one the control plane's document lists for the route, and its body
    matches the schema listed with it."""
    document = control.get("/_mockpost/openapi.json").json()
    responses = document["paths"][path][answer.request.method.lower()]["responses"]
    assert str(answer.status_code) in responses, answer.text
    schema = responses[str(answer.status_code)]["content"]["application/json"]["schema"]
    Draft202012Validator({**schema, "components": document["components"]}).validate(answer.json())


@pytest.mark.parametrize("value", [[], {}])
def test_a_scenario_timeline_value_that_is_no_duration_is_a_422_naming_it(control, value) -> None:
    answer = control.post("/_mockpost/scenarios", json={"rules": [{"timeline": {"step": value}}]})
    assert answer.status_code == 422
    problems = [item["problem"] for item in answer.json()["detail"]]
    assert any("expected a duration such as '90s'" in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("method", "path", "url"),
    [
        ("GET", "/ekopost/webhook", "/_mockpost/ekopost/webhook"),  # Ekopost refuses with a 400
        ("PUT", "/ekopost/account", "/_mockpost/ekopost/account"),
        ("GET", "/state/{provider}", "/_mockpost/state/ekopost"),
        ("GET", "/state/{provider}", "/_mockpost/state/afosto"),
        ("POST", "/{provider}/transition", "/_mockpost/ekopost/transition"),
    ],
)
def test_a_tenant_route_without_credentials_answers_the_documented_refusal(
    control, method, path, url
) -> None:
    body = {"resource": "job", "id": "1", "state": "COMPLETED"} if "transition" in path else {}
    answer = control.request(method, url, json=body)
    assert answer.status_code in (400, 401)
    assert_documented(control, path, answer)


def test_patching_a_peppol_document_that_does_not_exist_is_a_documented_404(control) -> None:
    path = "/easypost-connect/peppol-incoming-documents/{id}"
    url = f"/_mockpost{path.format(id='no-such-document')}"
    answer = control.patch(url, json={}, headers={"x-api-key": "k"})
    assert answer.status_code == 404
    assert_documented(control, path, answer)


def test_an_easypost_connect_control_route_for_a_company_not_managed_is_a_documented_403(control) -> None:
    path = "/easypost-connect/workflows"
    headers = {"x-api-key": "k", "x-managed-company-id": "someone-else"}
    answer = control.post(f"/_mockpost{path}", json={}, headers=headers)
    assert answer.status_code == 403
    assert_documented(control, path, answer)


@pytest.mark.parametrize("method", ["POST", "GET", "DELETE"])
def test_an_inbox_name_holding_a_line_break_is_a_documented_404(control, method) -> None:
    answer = control.request(method, "/_mockpost/inbox/a%0Ab")
    assert answer.status_code == 404
    assert_documented(control, "/inbox/{name}", answer)


def test_an_object_listing_with_an_offset_that_is_no_number_is_a_documented_400(mockpost) -> None:
    key = {"Authorization": "api-key k"}
    assert mockpost.client("ekopost", headers=key).post("/campaigns", json={"name": "x"}).status_code == 200
    control = mockpost.client()
    account = control.get("/_mockpost/accounts").json()["items"][0]["account"]
    answer = control.get(f"/_mockpost/accounts/ekopost/{account}/objects", params={"offset": "5¼"})
    assert answer.status_code == 400
    assert_documented(control, "/accounts/{provider}/{account}/objects", answer)
