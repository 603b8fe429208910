"""The Afosto conventions every endpoint shares: bearer auth, the error envelope (array-wrapped where
the reference shows it), 404 for unknown ids, 400 naming the fields of a bad body, header paging and
`x-idempotency-key` replay. Each check runs over every documented endpoint it applies to."""

from __future__ import annotations

import re
from typing import Any

import pytest
from afosto_seed import load
from afosto_walk import UNKNOWN, Walker, envelope_problems, fill

from mockpost.testing import Mockpost

ENDPOINTS = load()
BY_PAIR = {(e["method"], e["path"]): e for e in ENDPOINTS}
IDEMPOTENT = sorted(
    (e["method"], e["path"]) for e in ENDPOINTS if any(p["name"] == "x-idempotency-key" for p in e["params"])
)


@pytest.fixture
def walker(mockpost: Mockpost) -> Walker:
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    return Walker(
        ENDPOINTS, lambda token: mockpost.client("afosto", headers={"Authorization": f"Bearer {token}"})
    )


def _unknown_path(template: str) -> str:
    return re.sub(r"\{[^}]+\}", UNKNOWN, template)


def _report(failures: list[str]) -> str:
    return f"{len(failures)} endpoint(s):\n" + "\n".join(failures[:40])


def test_every_endpoint_but_the_token_endpoint_refuses_a_call_without_bearer_token(
    mockpost: Mockpost,
) -> None:
    anonymous = mockpost.client("afosto")
    failures = []
    for e in ENDPOINTS:
        if (e["method"], e["path"]) == ("POST", "/iam/oauth/authorize"):
            continue
        for headers in ({}, {"Authorization": "Basic d2Fsazp3YWxr"}, {"Authorization": "Bearer "}):
            answer = anonymous.request(e["method"], _unknown_path(e["path"]), headers=headers)
            problems = envelope_problems(answer, 401, 401 in e["wrapped_errors"])
            if problems:
                failures.append(f"{e['method']} {e['path']} {headers}: {problems[0]}")
    assert not failures, _report(failures)


def test_the_documented_array_wrapped_envelopes_are_arrays_and_all_others_bare(walker: Walker) -> None:
    account = walker.account()
    unknown = account.call("GET", "/iam/profiles/walk-nothing-here")
    assert not envelope_problems(unknown, 404, wrapped=True)
    assert BY_PAIR[("GET", "/iam/profiles/{path}")]["wrapped_errors"] == [403, 404]
    assert BY_PAIR[("PUT", "/iam/profiles/{path}")]["wrapped_errors"] == [400, 401, 403, 409]
    assert not envelope_problems(account.call("GET", "/iam/profiles/walk-nothing-here/definition"), 404)
    assert not envelope_problems(account.call("GET", f"/odr/orders/{UNKNOWN}"), 404)


def _created_collections() -> list[dict[str, Any]]:
    """Item routes `/x/{id}` (GET, DELETE) of collections with a documented create (`POST /x`)."""
    found = []
    for e in ENDPOINTS:
        parent, _, last = e["path"].rpartition("/")
        creator = BY_PAIR.get(("POST", parent))
        if (
            e["method"] in {"GET", "DELETE"}
            and last.startswith("{")
            and "{" not in parent
            and creator
            and "search" not in creator["title"].lower()
        ):
            found.append(e)
    return found


def test_unknown_ids_of_created_collections_answer_404_in_the_envelope(walker: Walker) -> None:
    items = _created_collections()
    assert len(items) > 50
    account = walker.account()
    failures = []
    for e in items:
        problems = envelope_problems(account.call(e["method"], _unknown_path(e["path"])), 404)
        if problems:
            failures.append(f"{e['method']} {e['path']}: {problems[0]}")
    assert not failures, _report(failures)


def _typed_field(example: Any) -> str | None:
    """The first top-level field the example documents as a number or boolean."""
    if not isinstance(example, dict):
        return None
    for key, value in example.items():
        if isinstance(value, str) and value in {"integer", "number", "boolean", "integer (int64)"}:
            return str(key)
    return None


def test_a_documented_field_of_the_wrong_type_is_400_naming_it(walker: Walker) -> None:
    failures = []
    checked = 0
    for e in ENDPOINTS:
        field = _typed_field(e["request"])
        if field is None:
            continue
        checked += 1
        account = walker.account()
        account.target = f"{e['method']} {e['path']}"
        path = account.path(e["path"])
        body = {**fill(e["request"]), field: "walk-not-a-number"}
        answer = account.call(e["method"], path, body)
        problems = envelope_problems(answer, 400, 400 in e["wrapped_errors"])
        if not problems:
            named = answer.json()
            named = named[0] if isinstance(named, list) else named
            if not any(field in entry for values in named["errors"].values() for entry in values):
                problems = [f"errors do not name {field}: {named['errors']}"]
        if problems:
            failures.append(f"{e['method']} {e['path']} ({field}): {problems[0]}")
    assert checked > 30
    assert not failures, _report(failures)


def test_a_body_that_is_not_json_or_not_the_documented_type_is_400(walker: Walker) -> None:
    failures = []
    for e in ENDPOINTS:
        if not isinstance(e["request"], dict) or e["method"] != "POST" or "{" in e["path"]:
            continue
        if "search" in f"{e['path']} {e['title']}".lower():
            continue  # a search also takes a list of keys (docs/afosto.md)
        account = walker.account()
        for content in (b"{not json", b"[1, 2]"):
            answer = account.http.request(
                e["method"], e["path"], content=content, headers={"content-type": "application/json"}
            )
            problems = envelope_problems(answer, 400)
            if problems:
                failures.append(f"{e['method']} {e['path']} {content!r}: {problems[0]}")
    assert not failures, _report(failures)


def test_lists_page_by_header_with_next_page_and_count(walker: Walker) -> None:
    account = walker.account()
    body = fill(BY_PAIR[("POST", "/odr/orders")]["request"])
    made = [account.call("POST", "/odr/orders", body).json()["id"] for _ in range(5)]
    first = account.http.get("/odr/orders", headers={"x-page": "1", "x-page-size": "2"})
    assert first.status_code == 200
    assert len(first.json()) == 2
    assert first.headers["x-count"] == "5"
    assert first.headers["x-page"] == "2"
    last = account.http.get("/odr/orders", headers={"x-page": "3", "x-page-size": "2"})
    assert len(last.json()) == 1
    assert last.headers["x-page"] == ""
    beyond = account.http.get("/odr/orders", headers={"x-page": "4", "x-page-size": "2"})
    assert beyond.json() == [] and beyond.headers["x-page"] == ""
    seen = [
        o["id"]
        for page in ("1", "2", "3")
        for o in account.http.get("/odr/orders", headers={"x-page": page, "x-page-size": "2"}).json()
    ]
    assert sorted(seen) == sorted(made)
    default = account.http.get("/odr/orders")
    assert len(default.json()) == 5 and default.headers["x-page"] == ""


@pytest.mark.parametrize("page", ["0", "-1", "abc"])
def test_a_bad_page_header_is_400_naming_it(walker: Walker, page: str) -> None:
    answer = walker.account().http.get("/odr/orders", headers={"x-page": page})
    assert not envelope_problems(answer, 400)
    assert "x-page" in str(answer.json()["errors"])


def test_every_paged_list_answers_its_paging_headers(walker: Walker) -> None:
    failures = []
    for e in ENDPOINTS:
        takes = {p["name"].lower() for p in e["params"] if p["in"] == "header"}
        if e["method"] != "GET" or "x-page" not in takes or e["shape"]["type"] != "array":
            continue
        account = walker.account()
        account.target = f"{e['method']} {e['path']}"
        answer = account.http.get(account.path(e["path"]), headers={"x-page": "1", "x-page-size": "1"})
        if answer.status_code != 200 or not isinstance(answer.json(), list) or len(answer.json()) > 1:
            failures.append(f"{e['path']}: {answer.status_code} {answer.text[:200]}")
        elif "x-page" not in answer.headers:
            failures.append(f"{e['path']}: no x-page header")
    assert not failures, _report(failures)


def test_the_six_documented_endpoints_take_an_idempotency_key() -> None:
    assert (
        sorted(
            [
                ("POST", "/odr/orders"),
                ("POST", "/odr/orders/{id}/stacks"),
                ("POST", "/odr/orders/{id}/calculation"),
                ("POST", "/odr/orders/{id}/authorize"),
                ("POST", "/odr/orders/{id}/items"),
                ("POST", "/odr/balance/apply"),
            ]
        )
        == IDEMPOTENT
    )


@pytest.mark.parametrize("pair", IDEMPOTENT, ids=[f"{m} {p}" for m, p in IDEMPOTENT])
def test_an_idempotency_key_replays_the_first_answer(walker: Walker, pair: tuple[str, str]) -> None:
    endpoint = BY_PAIR[pair]
    account = walker.account()
    account.target = f"{pair[0]} {pair[1]}"
    path = account.path(pair[1])
    if pair[1].endswith("/authorize"):
        account.ids["calculation_id"] = account.call(
            "POST", path.replace("authorize", "calculation"), {}
        ).json()["id"]
    body = account.body_for(endpoint)
    key = {"x-idempotency-key": "walk-key-1"}
    first = account.http.post(path, json=body, headers=key)
    assert first.status_code == endpoint["success"], first.text
    again = account.http.post(path, json=body, headers=key)
    assert again.status_code == first.status_code
    assert again.content == first.content
    if pair == ("POST", "/odr/orders"):
        assert account.http.get("/odr/orders").headers["x-count"] == "1"
        other = account.http.post(path, json=body, headers={"x-idempotency-key": "walk-key-2"})
        assert other.json()["id"] != first.json()["id"]
