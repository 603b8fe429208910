"""Bad input on every catalog route: never a 5xx, always Afosto's error envelope on a 4xx.

Per route: no credentials, unparseable JSON, bodies of every wrong JSON type, documented fields
wrong-typed, unknown path ids, junk query and paging values. Deterministic: no randomness.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from afosto_support import Walker, valid

from mockpost.providers.afosto.catalog import Operation, load_catalog
from mockpost.testing import Mockpost

CATALOG = load_catalog()
SERVICES = sorted({op.service for op in CATALOG.operations})
ERROR_KEYS = {"code", "message", "reference", "errors"}
WRONG_BODIES: list[Any] = [[], {}, "text", 12, None, True, [[[]]], {"constraints": "x"}, {"constraints": [1]}]
JUNK = ["", "-1", "abc", "9" * 40, "ü€" * 500, "\u00b2"]


@pytest.fixture(scope="module")
def mock() -> Iterator[Mockpost]:
    with Mockpost(seed=3) as sandbox:
        sandbox.clock.freeze("2030-03-04T09:00:00Z")
        yield sandbox


def envelope_ok(op: Operation, response: httpx.Response) -> str | None:
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code < 400:
        return None
    body = response.json()
    if isinstance(body, list) and op.wraps_error(response.status_code):
        body = body[0]
    if not isinstance(body, dict) or set(body) != ERROR_KEYS or body["code"] != response.status_code:
        return f"not the envelope: {response.text[:120]}"
    if not body["message"]:
        return "no message"
    return None


def wrong_fields(example: Any) -> Iterator[dict[str, Any]]:
    """The documented body with one field at a time given a value of the wrong type."""
    if not isinstance(example, dict):
        return
    good = valid(example)
    for key in example:
        junks: list[Any] = [[1], {"a": {}}, 3.5, "x", False]
        for junk in junks:
            if type(junk) is not type(good[key]):
                yield {**good, key: junk}
                break


@pytest.mark.parametrize("service", SERVICES)
def test_bad_input_never_breaks_a_route(mock: Mockpost, service: str) -> None:
    headers = {"Authorization": f"Bearer fuzz-{service}"}
    client = mock.client("afosto", headers=headers)
    walker = Walker(mock, client)
    problems = []
    for op in (op for op in CATALOG.operations if op.service == service):
        path, values = walker.fill_path(op)
        attempts: list[tuple[str, dict[str, Any]]] = [
            ("no auth", {"headers": {"Authorization": ""}}),
            ("bad json", {"content": b'{"a": [1,'}),
            ("paging", {"headers": {"x-page": "-3", "x-page-size": "lots"}}),
        ]
        attempts += [(f"body {body!r}", {"json": body}) for body in WRONG_BODIES]
        attempts += [(f"fields {body!r}"[:60], {"json": body}) for body in wrong_fields(op.request)]
        for param in op.parameters:
            if param["in"] == "query":
                attempts += [
                    (f"query {param['name']}={junk!r}"[:60], {"params": {param["name"]: junk}})
                    for junk in JUNK
                ]
        caller = client
        if op.key == ("GET", "/iam/jwt/revoke"):  # a spare token, so the rest of the service keeps its own
            spare = client.get("/iam/jwt/extend").json()["access_token"]
            caller = mock.client("afosto", headers={"Authorization": f"Bearer {spare}"})
        for name, kwargs in attempts:
            response = caller.request(op.method, path, **kwargs)
            problem = envelope_ok(op, response)
            if problem:
                problems.append(f"{op.method} {op.path} [{name}]: {problem}")
        if values:
            for junk in ("unknown-id", "9" * 40, "%20", "ü", "%C2%B2"):
                odd = walker.path_with(op, [*values[:-1], junk])
                problem = envelope_ok(op, client.request(op.method, odd, json=valid(op.request)))
                if problem:
                    problems.append(f"{op.method} {op.path} [id {junk!r}]: {problem}")
    assert not problems, "\n".join(problems[:40])


def test_refused_create_changes_nothing(mock: Mockpost) -> None:
    client = mock.client("afosto", headers={"Authorization": "Bearer fuzz-state"})
    before = client.get("/odr/orders").json()
    assert client.post("/odr/orders", json={"type": 1}).status_code == 400
    assert client.post("/odr/orders", json=[{"type": "order"}]).status_code == 400
    assert client.get("/odr/orders").json() == before
