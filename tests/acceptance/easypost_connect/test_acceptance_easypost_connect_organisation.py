"""Companies, departments, users and usage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import assert_nest_error, is_iso_utc

from mockpost.testing import Mockpost

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


# -- companies -----------------------------------------------------------------------------------


def test_company_create_list_get_and_partial_update(epc: httpx.Client) -> None:
    company = created(epc.post("/companies", json={"name": "Client BV", "vatNumber": "BE0123456789"}))
    assert isinstance(company["id"], str)
    assert company["name"] == "Client BV"
    assert company["vatNumber"] == "BE0123456789"
    assert is_iso_utc(company["createdAt"])
    assert company in epc.get("/companies").json()
    assert epc.get(f"/companies/{company['id']}").json() == company
    patched = epc.patch(f"/companies/{company['id']}", json={"name": "Client NV"})
    assert patched.status_code == 200
    assert patched.json()["name"] == "Client NV"
    assert patched.json()["vatNumber"] == "BE0123456789"
    assert epc.get(f"/companies/{company['id']}").json()["name"] == "Client NV"


def test_company_validation_and_unknown_id(epc: httpx.Client) -> None:
    response = epc.post("/companies", json={})
    assert_nest_error(response, 400)
    assert "name" in " ".join(response.json()["message"])
    assert_nest_error(epc.post("/companies", json={"name": 42}), 400)
    assert_nest_error(epc.get(f"/companies/{UNKNOWN}"), 404)
    assert_nest_error(epc.patch(f"/companies/{UNKNOWN}", json={"name": "x"}), 404)
    company = created(epc.post("/companies", json={"name": "Client BV"}))
    assert_nest_error(epc.patch(f"/companies/{company['id']}", json={"name": 7}), 400)
    assert epc.get(f"/companies/{company['id']}").json()["name"] == "Client BV"


def test_companies_of_another_account_are_hidden(sandbox: Mockpost, epc: httpx.Client) -> None:
    company = created(epc.post("/companies", json={"name": "Client BV"}))
    other = sandbox.client("easypost-connect", headers={"x-api-key": "someone-else"})
    assert other.get("/companies").json() == []
    assert_nest_error(other.get(f"/companies/{company['id']}"), 404)


# -- departments ---------------------------------------------------------------------------------


def test_department_create_list_get_update(epc: httpx.Client) -> None:
    department = created(epc.post("/departments", json={"name": "Finance"}))
    assert department["name"] == "Finance"
    assert isinstance(department["companyId"], str)
    assert department in epc.get("/departments").json()
    assert epc.get(f"/departments/{department['id']}").json() == department
    patched = epc.patch(f"/departments/{department['id']}", json={"name": "Accounting"})
    assert patched.status_code == 200
    assert patched.json()["name"] == "Accounting"
    assert patched.json()["id"] == department["id"]


def test_department_validation_and_unknown_id(epc: httpx.Client) -> None:
    assert_nest_error(epc.post("/departments", json={}), 400)
    assert_nest_error(epc.get(f"/departments/{UNKNOWN}"), 404)
    assert_nest_error(epc.patch(f"/departments/{UNKNOWN}", json={"name": "x"}), 404)


# -- users ---------------------------------------------------------------------------------------


@pytest.fixture
def user(epc: httpx.Client) -> Callable[..., httpx.Response]:
    def create(**fields: Any) -> httpx.Response:
        body = {"email": "ann@example.be", "firstName": "Ann", "lastName": "Peeters", **fields}
        return epc.post("/users", json=body)

    return create


def test_user_create_list_get_update(epc: httpx.Client, user: Callable[..., httpx.Response]) -> None:
    department = created(epc.post("/departments", json={"name": "Finance"}))
    ann = created(user(departmentIds=[department["id"]]))
    expected = {
        "email": "ann@example.be",
        "firstName": "Ann",
        "lastName": "Peeters",
        "departmentIds": [department["id"]],
    }
    assert {name: ann[name] for name in expected} == expected
    assert ann in epc.get("/users").json() and epc.get(f"/users/{ann['id']}").json() == ann
    patched = epc.patch(f"/users/{ann['id']}", json={"lastName": "Janssens"})
    assert (patched.status_code, patched.json()["lastName"]) == (200, "Janssens")
    assert patched.json()["firstName"] == "Ann"


def test_duplicate_user_email_is_a_conflict(user: Callable[..., httpx.Response], epc: httpx.Client) -> None:
    created(user())
    assert_nest_error(user(), 409)
    assert_nest_error(user(email="ANN@example.be"), 409)
    other = created(user(email="bob@example.be"))
    assert_nest_error(epc.patch(f"/users/{other['id']}", json={"email": "ann@example.be"}), 409)
    assert len(epc.get("/users").json()) == 2


def test_user_validation_and_unknown_id(user: Callable[..., httpx.Response], epc: httpx.Client) -> None:
    assert_nest_error(user(email="not-an-email"), 400)
    assert_nest_error(user(departmentIds=[UNKNOWN]), 400)
    assert_nest_error(epc.get(f"/users/{UNKNOWN}"), 404)
    assert_nest_error(epc.patch(f"/users/{UNKNOWN}", json={"firstName": "x"}), 404)
    assert epc.get("/users").json() == []


# -- usage ---------------------------------------------------------------------------------------


def test_usage_counts_what_the_account_sent(
    sandbox: Mockpost, epc: httpx.Client, uploaded_job: Callable[..., dict[str, Any]]
) -> None:
    uploaded_job("ann@example.be", "bob@example.be")
    sandbox.clock.advance(duration="7d")
    period = {"from": "2030-03-01", "until": "2030-03-31"}
    usage = epc.get("/usage", params=period)
    assert usage.status_code == 200, usage.text
    body = usage.json()
    assert body["totals"]["sendingEvents"] == 2
    assert sum(row["sendingEvents"] for row in body["channels"]) == 2
    details = epc.get("/usage/details", params=period)
    assert details.status_code == 200
    records = details.json()
    assert isinstance(records, list) and len(records) == 2
    for record in records:
        assert isinstance(record["sendingEventId"], str)
        assert isinstance(record["jobId"], str)
        assert isinstance(record["channel"], str)
    page = epc.get("/usage/details", params={**period, "maxItems": 1}).json()
    rest = epc.get("/usage/details", params={**period, "after": page[0]["id"]}).json()
    assert page + rest == records
    earlier = {"from": "2030-01-01", "until": "2030-01-31"}
    assert epc.get("/usage", params=earlier).json()["totals"]["sendingEvents"] == 0
    assert epc.get("/usage/details", params=earlier).json() == []


def test_usage_rejects_a_bad_period(epc: httpx.Client) -> None:
    assert_nest_error(epc.get("/usage", params={"from": "soon"}), 400)
