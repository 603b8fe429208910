"""Fuzz-style robustness tests for every route of the Nirva mock (/nirva).

Routes come from the provider's own OpenAPI document, so a new route is fuzzed as soon as it is
served. Per route: garbage bodies, malformed multipart (for POST /jobs), junk path ids and query
values, undocumented methods, bad X-Auth-Token values, bodies over the size limit; and Nirva's
control-plane routes (webhook, transition, state). Every answer must be below 500, in Nirva's
`{"error", "message"}` envelope when a Nirva route refuses, and a refused request (4xx) must leave
the organisation exactly as it was (its rendered state, id counter, sessions and pending work).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fuzz_support import deep_array, deep_object, jbody, route_key

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

START = "2030-03-04T09:00:00Z"
PATH_PARAM = re.compile(r"{([^}]+)}")
PDF = make_pdf([["Jean Dupont", "12 rue de la Paix", "75002 PARIS"]])
LONG = ["Jean Dupont", "x" * 60, "75002 PARIS"]


def _routes() -> list[tuple[str, str]]:
    with Mockpost(seed=1) as m:
        document = m.client("nirva").get("/openapi.json").json()
    return [(method.upper(), path) for path, ops in document["paths"].items() for method in ops]


ROUTES = _routes()
PUBLIC = {("POST", "/authentication/authenticate")}
JSON_BODY = {("POST", "/authentication/authenticate"), ("POST", "/packGroups/{packGroupId}/edit")}


@dataclass
class World:
    mock: Mockpost
    client: httpx.Client
    token: dict[str, str]
    ids: dict[str, str]
    snapshot: Any = field(default=None)

    def dump(self) -> Any:
        org = self.mock.sandbox.store.tenant("nirva", "default")
        pending = [timer.as_dict() for timer in self.mock.sandbox.scheduler.pending()]
        state = self.mock.sandbox.providers["nirva"].dump("default")
        return state, org.next_id, sorted(org.sessions), org.webhook, pending

    def restore(self) -> None:
        self.mock.sandbox.store.restore(self.snapshot)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    mock = Mockpost(seed=3, max_body_mb=0.05)
    mock.clock.freeze(START)
    client = mock.client("nirva")
    token = {
        "X-Auth-Token": client.post(
            "/authentication/authenticate", json={"login": "demo", "password": "demo"}
        ).json()["token"]
    }

    def job(pages: list[list[str]], **params: Any) -> int:
        body = {"serviceId": "102", "autocreateDeliveryCommand": True, **params}
        response = client.post(
            "/jobs",
            headers=token,
            data={"parameters": json.dumps(body)},
            files={"file__file_REGISTERED_0": ("a.pdf", make_pdf(pages), "application/pdf")},
        )
        assert response.status_code == 200, response.text
        job_id: int = response.json()["id"]
        return job_id

    done = job([["Jean Dupont", "75002 PARIS"]])
    stuck = job([LONG])
    mock.clock.advance(duration="4d")
    delivery = client.get(f"/deliveries?jobId={done}", headers=token).json()[0]
    group = client.get(f"/jobs/{stuck}/packGroups", headers=token).json()[0]
    ids = {
        "jobId": str(stuck),
        "packGroupId": str(group["id"]),
        "shipmentId": str(delivery["shipments"][0]["id"]),
        "trackingName": "CERTIF",
    }
    built = World(mock, client, token, ids)
    built.snapshot = mock.sandbox.store.snapshot()
    yield built
    mock.close()


def url_for(world: World, path: str, overrides: dict[str, str] | None = None) -> str:
    values = {**world.ids, **(overrides or {})}
    return PATH_PARAM.sub(lambda m: values[m.group(1)], path)


def check(world: World, response: httpx.Response, before: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "message"} and body["message"], body
        assert world.dump() == before, "a refused request changed the state"
    world.restore()


def send(world: World, method: str, path: str, **kwargs: Any) -> httpx.Response:
    before = world.dump()
    headers = kwargs.pop("headers", world.token)
    response = world.client.request(method, path, headers=headers, **kwargs)
    check(world, response, before)
    return response


# -- cases ---------------------------------------------------------------------------------------
GARBAGE = [
    b"{",
    b"\x00",
    b"null",
    b"[]",
    b"123",
    b'"x"',
    b"[" * 500 + b"]" * 500,
    b"\xff\xfe",
    b"{}",
    jbody(deep_array(300)),
    jbody(deep_object(300)),
    jbody({"login": deep_object(40), "password": deep_array(40)}),
    b'{"login": "demo", "password": NaN}',
]
ID_JUNK = [
    *("0", "-1", "999999999", "abc", "1e3", "%00", "a" * 4096, "99999999999999999999999"),
    *("%F0%9F%92%A5", "%C2%B2"),
]
PARAMETER_JUNK: list[Any] = [
    {"serviceId": None},
    {"serviceId": ["102"]},
    {"serviceId": True},
    {"serviceId": "102", "jobName": 5},
    {"serviceId": "102", "autocreateDeliveryCommand": "true"},
    {"serviceId": "102", "targetOwnerId": "me"},
    {"serviceId": "102", "targetOwnerId": 1},
    {"serviceId": "102", "targetOwnerId": 2**70},
    {"serviceId": "102", "options": "11"},
    {"serviceId": "102", "options": [None]},
    {"serviceId": "102", "options": [11, 11]},
    {"serviceId": "102", "pagesPerDocument": True},
    {"serviceId": "102", "pagesPerDocument": 1.5},
    [1],
    "x",
    None,
]
PART_JUNK = [
    "file",
    "file__file__0",
    "file_main_0",
    "file_main5011_x",
    "file_main5011_" + "9" * 40,
    "",
    "parameterz",
]


@pytest.mark.parametrize("route", ROUTES, ids=route_key)
def test_bad_tokens_are_401(world: World, route: tuple[str, str]) -> None:
    if route in PUBLIC:
        pytest.skip("public")
    for headers in (
        {},
        {"X-Auth-Token": "nope"},
        {"X-Auth-Token": " "},
        {"X-Auth-Token": "\u00e9".encode("latin-1") * 3000},
    ):
        before = world.dump()
        response = world.client.request(route[0], url_for(world, route[1]), headers=headers)
        assert response.status_code == 401
        check(world, response, before)


@pytest.mark.parametrize("route", ROUTES, ids=route_key)
def test_garbage_bodies(world: World, route: tuple[str, str]) -> None:
    for raw in GARBAGE:
        response = send(
            world,
            route[0],
            url_for(world, route[1]),
            content=raw,
            headers={**world.token, "Content-Type": "application/json"},
        )
        if route in JSON_BODY and raw not in (b"{}",):
            assert response.status_code == 400, raw


@pytest.mark.parametrize("route", [r for r in ROUTES if PATH_PARAM.search(r[1])], ids=route_key)
def test_junk_path_ids_are_404(world: World, route: tuple[str, str]) -> None:
    for param in PATH_PARAM.findall(route[1]):
        for junk in ID_JUNK:
            response = send(world, route[0], url_for(world, route[1], {param: junk}), json={"ADDRESS": "x"})
            assert response.status_code == 404, (param, junk, response.text)


@pytest.mark.parametrize("route", ROUTES, ids=route_key)
def test_undocumented_methods_are_405(world: World, route: tuple[str, str]) -> None:
    documented = {m for m, p in ROUTES if p == route[1]}
    for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - documented:
        assert send(world, method, url_for(world, route[1])).status_code == 405


def test_junk_query_values(world: World) -> None:
    for junk in [*ID_JUNK, "", "1,2", "[]"]:
        assert send(world, "GET", "/deliveries", params={"jobId": junk}).status_code in (400, 404)


def test_malformed_multipart_is_400(world: World) -> None:
    boundary = "XyZ"
    good_part = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file__file_REGISTERED_0"; filename="a.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + b"\r\n"
    )
    bodies: list[tuple[str, bytes]] = [
        ("multipart/form-data", b"--x\r\n"),
        (f"multipart/form-data; boundary={boundary}", b"garbage without boundary"),
        (f"multipart/form-data; boundary={boundary}", good_part),  # truncated: no closing boundary
        (
            f"multipart/form-data; boundary={boundary}",
            f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{boundary}--\r\n".encode(),
        ),
        (
            f"multipart/form-data; boundary={boundary}",
            good_part + f"--{boundary}--\r\n".encode(),
        ),  # no parameters
        ("multipart/form-data; boundary=", b""),
        (
            f"multipart/form-data; boundary={boundary}",
            good_part
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="parameters"\r\n\r\n{{}}\r\n' * 2
                + f"--{boundary}--\r\n"
            ).encode(),
        ),  # parameters twice
        ("text/plain", b"hello"),
        ("application/x-www-form-urlencoded", b"parameters=%7B%7D"),
    ]
    for content_type, body in bodies:
        response = send(
            world, "POST", "/jobs", content=body, headers={**world.token, "Content-Type": content_type}
        )
        assert response.status_code == 400, (content_type, body[:80], response.text)


def test_junk_job_parameters_are_refused(world: World) -> None:
    for params in PARAMETER_JUNK:
        response = send(
            world,
            "POST",
            "/jobs",
            data={"parameters": json.dumps(params)},
            files={"file__file_REGISTERED_0": ("a.pdf", PDF, "application/pdf")},
        )
        assert response.status_code in (400, 403), (params, response.text)


def test_junk_part_names_are_refused(world: World) -> None:
    for part in PART_JUNK:
        response = send(
            world,
            "POST",
            "/jobs",
            data={"parameters": json.dumps({"serviceId": "102"})},
            files={
                part: ("a.pdf", PDF, "application/pdf"),
                "file__file_REGISTERED_0": ("b.pdf", PDF, "application/pdf"),
            },
        )
        assert response.status_code == 400, (part, response.text)


def test_junk_files_become_processing_errors_not_crashes(world: World) -> None:
    for data in (
        b"",
        b"%PDF-",
        b"%PDF-1.7\n" + b"\x00" * 5000,
        PDF[: len(PDF) // 2],
        PDF.replace(b"/Count 1", b"/Count 99"),
    ):
        response = send(
            world,
            "POST",
            "/jobs",
            data={"parameters": json.dumps({"serviceId": "102"})},
            files={"file__file_REGISTERED_0": ("a.pdf", data, "application/pdf")},
        )
        assert response.status_code == 200
        assert response.json()["status"] == "PROCESSING"


def test_bodies_over_the_limit_are_413(world: World) -> None:
    huge = b"x" * (60 * 1024)
    for method, path in ROUTES:
        if (method, path) in JSON_BODY or (method, path) == ("POST", "/jobs"):
            response = send(
                world,
                method,
                url_for(world, path),
                content=huge,
                headers={**world.token, "Content-Type": "multipart/form-data; boundary=x"},
            )
            assert response.status_code == 413, (method, path)


def test_edit_bodies_of_every_shape(world: World) -> None:
    path = url_for(world, "/packGroups/{packGroupId}/edit")
    shapes: list[Any] = [
        {"requirements": [{"name": "ADDRESS"}]},
        {"requirements": [{"name": 1, "raw": "x"}]},
        {"requirements": [{"name": "ADDRESS", "raw": 5}]},
        {"requirements": "x"},
        {"ADDRESS": 5},
        {"ADDRESS": {"raw": None}},
        [{"name": "NOPE", "raw": "x"}],
        [],
    ]
    for body in shapes:
        assert send(world, "POST", path, json=body).status_code == 400, body
    for body in (
        {"ADDRESS": "ok"},
        [{"name": "ADDRESS", "rawValue": "ok"}],
        {"ADDRESS": {"raw": "x" * 5000}},
    ):
        assert send(world, "POST", path, json=body).status_code == 200, body


def test_junk_authenticate_bodies_are_400(world: World) -> None:
    bodies: list[Any] = [
        {},
        {"login": None, "password": "x"},
        {"login": 5, "password": "x"},
        {"login": "", "password": "x"},
        {"login": "demo"},
        {"login": "demo", "password": ["x"]},
        {"login": "demo", "password": "x", "withProfileDetail": "maybe"},
        {"login": "demo", "password": "x", "withProfileDetail": 2},
        {"login": deep_object(30), "password": "x"},
    ]
    for body in bodies:
        response = send(world, "POST", "/authentication/authenticate", json=body, headers={})
        assert response.status_code == 400, (body, response.text)
    bad_query = send(
        world,
        "POST",
        "/authentication/authenticate",
        params={"withProfileDetail": "perhaps"},
        json={"login": "demo", "password": "x"},
        headers={},
    )
    assert bad_query.status_code == 400


def test_more_malformed_multipart_is_400_or_a_processing_error(world: World) -> None:
    boundary = "QwE"

    def part(name: str, content: bytes, extra: str = "") -> bytes:
        return (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{extra}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )

    end = f"--{boundary}--\r\n".encode()
    parameters = part("parameters", jbody({"serviceId": "102"}))
    bodies = [
        parameters + end,  # no file at all
        part("parameters", jbody(deep_object(300)))
        + part("file__file_REGISTERED_0", PDF, '; filename="a.pdf"')
        + end,
        part("parameters", b"\xff\xfe{") + part("file__file_REGISTERED_0", PDF, '; filename="a.pdf"') + end,
        parameters + part("file__file_NOPE_0", PDF, '; filename="a.pdf"') + end,
        parameters + b"".join(part(f"file__file_REGISTERED_{n}", b"x") for n in range(1100)) + end,
        parameters + f"--{boundary}\r\nContent-Type: application/pdf\r\n\r\n".encode() + PDF + b"\r\n" + end,
    ]
    for body in bodies:
        response = send(
            world,
            "POST",
            "/jobs",
            content=body,
            headers={**world.token, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status_code in (400, 413), (body[:120], response.text)
    accepted = send(
        world,
        "POST",
        "/jobs",
        content=parameters + part("file__file_REGISTERED_0", b"not a pdf") + end,  # no filename: a field
        headers={**world.token, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "PROCESSING"


CONTROL_JUNK: list[Any] = [
    {},
    {"resource": "shipment"},
    {"resource": "shipment", "id": "1", "state": "610"},
    {"resource": "nothing", "id": "1", "state": "x"},
    {"resource": "job", "id": "abc", "state": "CREATED"},
    {"resource": "job", "id": "9" * 40, "state": "CREATED"},
    {"resource": "shipment", "id": 5, "state": -900},
    [1],
    "x",
]


def test_control_routes_never_fail_and_refusals_change_nothing(world: World) -> None:
    control = world.mock.client()
    shipment = world.ids["shipmentId"]
    group = world.ids["packGroupId"]
    transitions: list[Any] = [
        *CONTROL_JUNK,
        {"resource": "shipment", "id": shipment, "state": "250"},  # backwards
        {"resource": "shipment", "id": shipment, "state": "-913"},  # not a documented code
        {"resource": "packGroup", "id": group, "state": "IN_DELIVERY"},
        {"resource": "job", "id": world.ids["jobId"], "state": "PROCESSING"},
        {"resource": "delivery", "id": "1", "state": "OUTPUTTED"},
    ]
    for body in transitions:
        before = world.dump()
        response = control.post("/_mockpost/nirva/transition", json=body, headers=world.token)
        assert 400 <= response.status_code < 500, (body, response.text)
        assert world.dump() == before, body
        world.restore()
    for body in (*CONTROL_JUNK, {"url": ""}, {"url": "http://x", "extra": 1}, {"url": deep_array(50)}):
        before = world.dump()
        response = control.put("/_mockpost/nirva/webhook", json=body, headers=world.token)
        assert response.status_code == 422, (body, response.text)
        assert world.dump() == before
    for method in ("GET", "PUT", "DELETE"):
        response = control.request(method, "/_mockpost/nirva/webhook", headers={"X-Auth-Token": "nope"})
        assert response.status_code == 401 and set(response.json()) == {"error", "message"}
    assert control.get("/_mockpost/state/nirva", headers={"X-Auth-Token": "nope"}).status_code == 401
