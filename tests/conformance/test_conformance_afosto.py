"""Every Afosto example response, compared field by field with the sandbox's answer.

For each of the 477 unique endpoints whose reference block shows a 2xx example, the operation that
should produce it is performed in a fresh account (the acceptance walk builds what the path names and
sends the documented request, with documented enum values where the request has them), and the
answer is compared structurally with the example (`conformance.py`): documented keys present with
compatible types and formats, documented enum values respected, lists element by element.

Where the reference contradicts itself, `CONTRADICTIONS` names the line and the reason once, and
what the sandbox follows instead; the comparison uses that.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from acceptance.afosto.afosto_seed import load as load_endpoints
from acceptance.afosto.afosto_walk import BY_FORMAT, UNKNOWN, Account, Walker
from afosto_examples import load
from conformance import Comparison, score

from mockpost.testing import Mockpost

EXAMPLES = load()
START = "2030-03-04T09:00:00Z"
BY_PAIR = {f"{e['method']} {e['path']}": e for e in EXAMPLES}


DOCUMENTED = object()  # compare with the example as the reference shows it


@dataclass(frozen=True)
class Contradiction:
    endpoint: str
    line: int  # of the answer's `Response Example` in the reference text
    reason: str
    follows: str  # what the sandbox answers
    compared: Any = DOCUMENTED  # what the answer is compared with (None: no body at all)


# The reference's own contradictions at the level of fields, each listed once.
CONTRADICTIONS = {
    c.endpoint: c
    for c in (
        Contradiction(
            "PUT /lcs/lists/{id}/items",
            23157,
            "the status line is 204 No Content, the example a body {'success': 1}",
            "the status line: 204, no body",
            None,
        ),
        Contradiction(
            "POST /iam/purges",
            34292,
            "the answer is described as 'Token data' (schema IamPurgeToken), its example is a user "
            "{id (uuid), name, email}",
            "the token data, as GET /iam/purges/{token} shows it (line 34422); name and email are added",
            BY_PAIR["GET /iam/purges/{token}"]["example"],
        ),
        Contradiction(
            "PUT /spl/queue/{reference}",
            75415,
            "the answer (SplJobResult) says `success` where the job itself (SplJob, GET line 75271) says "
            "`printed`",
            "each endpoint's own word: `success` here, `printed` on the job",
        ),
        Contradiction(
            "PUT /odr/invoices/{id}/paid",
            60505,
            "the request (line 60475) takes paid_at as a date, the answer shows a date-time",
            "the answer's field table: a date becomes that day's midnight, UTC",
        ),
        Contradiction(
            "POST /wms/schedules",
            81637,
            "the request (line 81596) takes active_at as date-times, the answer shows dates",
            "the answer's field table: the day of each moment",
        ),
        Contradiction(
            "POST /cnt/dataflow/flows",
            17672,
            "the request (line 17618) sends trigger.crontab as {schedule, timezone}, the answer as text",
            "the answer's field table: the schedule's text",
        ),
        Contradiction(
            "PUT /odr/sessions/{id}/billing",
            68473,
            "the request (line 68435) sends organisation as {primary: boolean}, the answer (an address) "
            "as the organisation's name",
            "the answer's field table: a name",
        ),
        Contradiction(
            "PUT /odr/sessions/{id}/shipping",
            69821,
            "the request (line 69783) sends organisation as {primary: boolean}, the answer (an address) "
            "as the organisation's name",
            "the answer's field table: a name",
        ),
    )
}


def with_documented_values(body: Any, enums: dict[str, list[str]], path: str = "") -> Any:
    """The request with a documented value in every field whose schema lists the values."""
    if isinstance(body, dict):
        return {
            key: with_documented_values(value, enums, f"{path}.{key}" if path else key)
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [with_documented_values(value, enums, f"{path}[]") for value in body]
    allowed = enums.get(path)
    if allowed and str(body) not in allowed:
        return allowed[0]
    return body


def with_documented_formats(body: Any, answer: Any) -> Any:
    """Text the walk made up (`"walk"`) in the format the answer documents for the same field: a
    client sends the uuid of a shipment as `shipment_id`, not a word."""
    if isinstance(body, dict) and isinstance(answer, dict):
        return {key: with_documented_formats(value, answer.get(key)) for key, value in body.items()}
    if isinstance(body, list) and isinstance(answer, list) and answer:
        return [with_documented_formats(value, answer[0]) for value in body]
    if body == "walk" and isinstance(answer, str) and answer.startswith("string ("):
        return BY_FORMAT.get(answer[len("string (") : -1], body)
    return body


class ConformingAccount(Account):
    """The walk's client, sending what the documents call valid: documented enum values, values in
    the documented format, and well-formed ids (a uuid, or a number where the path takes one).
    `matching_all`: a list or search is sent once the account holds an item of the collection it
    reads, with no constraints, so that its answer has elements to compare."""

    def __init__(self, walker: Walker, http: Any, matching_all: bool = False) -> None:
        super().__init__(walker, http)
        self.matching_all = matching_all

    def body_for(self, endpoint: dict[str, Any]) -> Any:
        example = BY_PAIR.get(f"{endpoint['method']} {endpoint['path']}")
        body = super().body_for(endpoint)
        if self.matching_all and isinstance(body, dict) and "constraints" in body:
            body = {**body, "constraints": []}
        if example is None:
            return body
        body = with_documented_values(body, {**example["enums"], **example["request_enums"]})
        return with_documented_formats(body, example["example"])

    def obtain(self, collection: str, param: str, concrete: str) -> str:
        key = f"{collection}/{{{param}}}"
        if key in VALUES and key not in self.made:
            self.made[key] = VALUES[key](self, concrete)
        value = super().obtain(collection, param, concrete)
        if value != UNKNOWN:
            return value
        self.made[key] = "1" if self.numbered(param) else BY_FORMAT["uuid"]
        return self.made[key]

    def numbered(self, param: str) -> bool:
        """Whether the path takes a number here: typed so, or the answer's key is an integer."""
        method, _, template = self.target.partition(" ")
        endpoint = self.walker.endpoints[(method, template)]
        if any(p["name"] == param and p["type"] == "integer" for p in endpoint["params"]):
            return True
        answer = BY_PAIR.get(self.target, {}).get("example")
        answer = answer[0] if isinstance(answer, list) and answer else answer
        return isinstance(answer, dict) and "integer" in (answer.get(param), answer.get("id"))

    def send(self, endpoint: dict[str, Any]) -> Any:
        self.target = f"{endpoint['method']} {endpoint['path']}"
        prepare = PREPARE.get(self.target)
        if prepare is not None:
            prepare(self, self.path(endpoint["path"]))
        if self.matching_all:  # the collection the path names, in the singular or the plural
            target = "/".join(s for s in endpoint["path"].split("/") if s != "search")
            named = (t for t in (target, f"{target}s", f"{target}es") if self.documented("POST", t))
            target = next(named, target)
            if not self.documented("POST", target):  # `/lcs/shipments/items`: the items of shipments
                target = target.removesuffix("/items")
            self.obtain(target, "id", self.path(target))
        return super().send(endpoint)


# What the documents say gives these answers something to list: product filters set with
# PUT /odr/filters, and stock booked at a warehouse location with POST .../overage.
FILTERS = [{"sku": "8712345678906", "filters": {"color": "red"}}]
OVERAGE = [{"sku": "8712345678906", "position": "A34.254", "quantity": 2}]


def _filters(account: Account, concrete: str) -> str:
    account.call("PUT", "/odr/filters", FILTERS)
    return "color"


def _stock(account: Account, concrete: str) -> str:
    location = concrete.strip("/").split("/")[2]
    account.call("POST", f"/wms/locations/{location}/overage", OVERAGE)
    return OVERAGE[0]["position"]


def _hub(account: Account, concrete: str) -> None:
    account.obtain("/spl/hubs", "id", "/spl/hubs")  # a print job is queued on a hub


VALUES = {"/odr/filters/keys/{key}": _filters, "/wms/locations/{id}/positions/{position}": _stock}

PREPARE = {
    "GET /odr/filters/keys": _filters,
    "GET /wms/locations/{id}/positions": _stock,
    "GET /spl/queue": _hub,
}


@dataclass
class Result:
    problems: list[str]
    checked: int  # documented scalar fields compared
    empty: list[str] = field(default_factory=list)  # documented lists the answer left empty


@pytest.fixture(scope="module")
def results() -> Iterator[dict[str, Result]]:
    endpoints = load_endpoints()
    tokens = itertools.count(1)
    with Mockpost() as sandbox:
        sandbox.clock.freeze(START)

        def client(token: str) -> Any:
            return sandbox.client("afosto", headers={"Authorization": f"Bearer {token}"})

        walker = Walker(endpoints, client)
        found = {}
        for example in EXAMPLES:
            name = f"{example['method']} {example['path']}"
            endpoint = walker.endpoints[(example["method"], example["path"])]
            account = ConformingAccount(walker, client(f"conformance-{next(tokens)}"))
            found[name] = judge(example, account.send(endpoint)[2])
            if "$" in found[name].empty and not found[name].problems:
                # a list or search that found nothing compared nothing: hold an item, match all
                account = ConformingAccount(walker, client(f"conformance-{next(tokens)}"), matching_all=True)
                found[name] = judge(example, account.send(endpoint)[2])
        tally = score("Afosto")
        for name, result in found.items():
            tally.record(name, result.problems, empty="$" in result.empty)
        yield found


def judge(example: dict[str, Any], response: Any) -> Result:
    contradiction = CONTRADICTIONS.get(f"{example['method']} {example['path']}")
    compared = contradiction.compared if contradiction else DOCUMENTED
    expected = example["example"] if compared is DOCUMENTED else compared
    if response.status_code >= 300:
        return Result([f"status {response.status_code}: {response.text[:300]}"], 0)
    if expected is None:
        return Result([f"a body where none is documented: {response.text[:100]}"] * bool(response.content), 1)
    if expected == "file":
        return Result([] if response.content else ["an empty file"], 1)
    if not response.content:
        return Result([f"no body, documented {str(expected)[:100]}"], 0)
    comparison = Comparison(enums=example["enums"]).compare(expected, response.json())
    return Result(comparison.problems, comparison.checked, comparison.empty)


def test_every_documented_example_response_is_compared() -> None:
    assert len(EXAMPLES) == len(BY_PAIR) == 477  # the unique endpoints with a 2xx example
    assert {e["path"].split("/")[1] for e in EXAMPLES} == {e["path"].split("/")[1] for e in load_endpoints()}


def test_each_contradiction_names_the_example_it_is_about() -> None:
    for contradiction in CONTRADICTIONS.values():
        assert contradiction.line == BY_PAIR[contradiction.endpoint]["line"], contradiction


@pytest.mark.parametrize("name", list(BY_PAIR))
def test_answer_has_the_documented_fields(results: dict[str, Result], name: str) -> None:
    result = results[name]
    assert not result.problems, "\n".join(result.problems[:20])


def test_conformance_score_is_complete(results: dict[str, Result]) -> None:
    score("Afosto").assert_complete(len(EXAMPLES))
    assert sum(result.checked for result in results.values()) > 8000  # documented fields compared
