"""Every Ekopost sample response and object example, compared field by field with the sandbox's answer.

Each example of `ekopost_examples.json` is produced by the operation the reference shows it for, in a
sandbox of its own (some need the clock moved: tracking, sms delivery reports, the completion
webhook), and compared structurally (`conformance.py`) with the example, where the field tables of
the reference decide each field's type (Guid, Date, Int, Boolean) and the value tables its values.
Where a sample contradicts its own table, `CONTRADICTIONS` names the line and the reason once.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from conformance import Comparison, field_types, score
from ekopost_examples import load

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

EXAMPLES = load()
BY_LINE = {e["line"]: e for e in EXAMPLES}
KEY = {"Authorization": "api-key conformance"}
START = "2030-03-04T09:00:00Z"
OUTPUT_DATE = "2030-03-05T12:00:00"
AFTER_OUTPUT = "2030-03-12T12:00:00Z"  # every envelope is final within seven days of its output date


@dataclass(frozen=True)
class Contradiction:
    line: int  # of the sample in the reference text
    reason: str
    follows: str  # what the sandbox answers


CONTRADICTIONS = [
    Contradiction(128, 'the sample says "signing": "false", its table `signing Boolean`', "the table: false"),
    Contradiction(
        346,
        "the sample request sends address null, the sample answer shows a postal address",
        "the table: null with a warning for a missing address; the test sends the address the answer shows",
    ),
    Contradiction(
        468,
        "the tracking sample is not JSON (unquoted track_url and parcel_no); the table names its keys "
        "parcelNo, trackingState and trackingUrl, the sample tracking_state, track_url and parcel_no",
        "the sample's snake_case, the convention of every other field",
    ),
    Contradiction(531, "the sample lacks a comma after state_changed_at", "JSON, as every other sample"),
    Contradiction(642, 'the sample says "return_address": "false", its table Boolean', "the table: false"),
    Contradiction(
        1013,
        "the table names the sender `from`; this sample, the sms code sample and error 133 (FromName) "
        "say from_name",
        "both are accepted; answered as from_name, as every sample shows it",
    ),
    Contradiction(
        1120, "the sample has trailing commas", "accepted in requests (Json.NET does); answered as JSON"
    ),
    Contradiction(
        1189,
        "lookup is an address a client sends; the text says it is transformed into a postal address",
        "the envelope shows the postal address the lookup found (compared with the postal object)",
    ),
    Contradiction(1215, "the sample sends amount 499.99, its table `amount String`", 'the table: "499.99"'),
    Contradiction(1240, 'the sample is a member (`"transaction" : {...}`), not a value', "the member"),
    Contradiction(1257, "the sample's content id is 100, its table `id Guid`", "the table: a uuid"),
]
COMPARED_WITH = {1189: 971}  # lookup: the postal object it becomes


def pdf_content(kind: str = "document") -> dict[str, Any]:
    pdf = make_pdf([["Invoice 9923891"]])
    return {
        "data": base64.b64encode(pdf).decode(),
        "mime": "application/pdf",
        "length": len(pdf),
        "type": kind,
    }


SMS_TEXT = {
    "data": base64.b64encode(b"Your parcel").decode(),
    "mime": "text/plain",
    "length": 11,
    "type": "sms",
}
POSTAL = BY_LINE[971]["json"]
SMS = {"$type": "sms", "from_name": "Ekopost", "recipients": ["+46000000000", "+46000000ABC"]}


class FlowFailed(Exception):
    """A call the flow needs was refused: the example cannot be produced."""


class Flow:
    """One example's operation, in a sandbox of its own, as the reference describes the calls."""

    def __init__(self, sandbox: Mockpost) -> None:
        self.sandbox = sandbox
        self.eko: httpx.Client = sandbox.client("ekopost", headers=KEY)

    def campaign(self) -> str:
        body = {"name": "Invoice March 2015", "output_date": OUTPUT_DATE, "cost_center": "Finance Office"}
        return str(self.ok(self.eko.post("/campaigns", json=body))["id"])

    def envelope(self, campaign: str, address: Any = POSTAL, **fields: Any) -> str:
        body = {"name": "Invoice 9923891", "address": address, "postage": "priority", "plex": "simplex"}
        made = self.eko.post(f"/campaigns/{campaign}/envelopes", json={**body, "color": True, **fields})
        return str(self.ok(made)["id"])

    def content(self, campaign: str, envelope: str, content: Any = None) -> str:
        path = f"/campaigns/{campaign}/envelopes/{envelope}/content"
        return str(self.ok(self.eko.post(path, json=content or pdf_content()))["id"])

    def closed(self, address: Any = POSTAL, content: Any = None, **fields: Any) -> tuple[str, str]:
        """A campaign of one envelope with its content, both closed: on its way to its output date."""
        campaign = self.campaign()
        envelope = self.envelope(campaign, address, **fields)
        self.content(campaign, envelope, content)
        self.ok(self.eko.post(f"/campaigns/{campaign}/envelopes/{envelope}/close"))
        self.ok(self.eko.post(f"/campaigns/{campaign}/close"))
        return campaign, envelope

    def envelope_path(self, address: Any = POSTAL) -> str:
        campaign = self.campaign()
        return f"/campaigns/{campaign}/envelopes/{self.envelope(campaign, address)}"

    def content_path(self) -> str:
        campaign = self.campaign()
        envelope = self.envelope(campaign)
        return f"/campaigns/{campaign}/envelopes/{envelope}/content/{self.content(campaign, envelope)}"

    @staticmethod
    def ok(response: httpx.Response) -> Any:
        if response.status_code != 200:
            raise FlowFailed(f"{response.request.method} {response.request.url.path}: {response.text[:200]}")
        return response.json() if response.content else None


def _close_campaign(flow: Flow, example: Any) -> httpx.Response:
    campaign = flow.campaign()
    envelope = flow.envelope(campaign)
    flow.content(campaign, envelope)
    flow.ok(flow.eko.post(f"/campaigns/{campaign}/envelopes/{envelope}/close"))
    return flow.eko.post(f"/campaigns/{campaign}/close")


def _close_envelope(flow: Flow, example: Any) -> httpx.Response:
    campaign = flow.campaign()
    envelope = flow.envelope(campaign)
    flow.content(campaign, envelope)
    return flow.eko.post(f"/campaigns/{campaign}/envelopes/{envelope}/close")


def _create_envelope(flow: Flow, example: Any) -> httpx.Response:
    body = {"name": "Invoice 9923891", "address": {**POSTAL, "use_coverpage": False}, "postage": "priority"}
    return flow.eko.post(
        f"/campaigns/{flow.campaign()}/envelopes", json={**body, "plex": "simplex", "color": True}
    )


def _create_content(flow: Flow, example: Any) -> httpx.Response:
    campaign = flow.campaign()
    path = f"/campaigns/{campaign}/envelopes/{flow.envelope(campaign)}/content"
    return flow.eko.post(path, json=pdf_content())


def _error(flow: Flow, example: Any) -> Any:
    """A handled error is a 400 with the error object: closing a campaign without envelopes (101)."""
    refused = flow.eko.post(f"/campaigns/{flow.campaign()}/close")
    if refused.status_code != 400:
        raise FlowFailed(f"closing an empty campaign answered {refused.status_code}, documented 400")
    return refused.json()


def _registered(flow: Flow, example: Any) -> httpx.Response:
    campaign, envelope = flow.closed(postage="rek")
    flow.sandbox.clock.set("2030-03-06T12:00:00Z")  # registered once printed and posted
    return flow.eko.get(f"/campaigns/{campaign}/envelopes/{envelope}")


def _address(flow: Flow, example: Any) -> Any:
    answer = flow.eko.get(flow.envelope_path(example["json"]))
    return answer.json()["address"] if answer.status_code == 200 else answer


def _unreachable(flow: Flow, example: Any) -> httpx.Response:
    marked = {"unreachable": ["19800101xxxx", "19830704xxxx"]}
    flow.ok(flow.sandbox.client().put("/_mockpost/ekopost/account", json=marked, headers=KEY))
    return flow.eko.post("/reachable/ebank_list", json={"sender": "0000001.000002.SEB.SE"})


def _webhook(flow: Flow, example: Any) -> Any:
    hook = {"url": flow.sandbox.inbox_url("conformance"), "secret": "s3cret"}
    flow.ok(flow.sandbox.client().put("/_mockpost/ekopost/webhook", json=hook, headers=KEY))
    flow.closed()
    flow.sandbox.clock.set(AFTER_OUTPUT)
    return json.loads(flow.sandbox.inbox("conformance")[0]["body"])


def _sms(one: bool) -> Callable[[Flow, Any], httpx.Response]:
    def run(flow: Flow, example: Any) -> httpx.Response:
        campaign, envelope = flow.closed(address=SMS, content=SMS_TEXT)
        flow.sandbox.clock.set(AFTER_OUTPUT)
        return flow.eko.get(f"/campaigns/{campaign}/envelopes" + (f"/{envelope}" if one else ""))

    return run


CAMPAIGN = {"name": "Invoice March 2015", "output_date": OUTPUT_DATE, "cost_center": "Finance Office"}
DIRECT_SMS = {
    "From": "Ekopost",
    "Recipient": "+4673123456",
    "Text": "Direkt sms",
    "Title": "A direct sms campaign",
    "Cost_Center": "Direct cost center",
}
EINVOICE_READY = {"ReceiverCin": "800101xxxx", "SenderCin": "800102xxxx"}
FUI = {"sender": "0000001.000002.SEB.SE"}
FLOWS: dict[str, Callable[[Flow, Any], Any]] = {
    "create campaign": lambda flow, e: flow.eko.post("/campaigns", json=CAMPAIGN),
    "close campaign": _close_campaign,
    "cancel campaign": lambda flow, e: flow.eko.post(f"/campaigns/{flow.campaign()}/cancel"),
    "get campaign": lambda flow, e: flow.eko.get(f"/campaigns/{flow.campaign()}"),
    "campaign": lambda flow, e: flow.eko.get(f"/campaigns/{flow.campaign()}"),
    "list campaigns": lambda flow, e: flow.eko.get("/campaigns") if flow.campaign() else None,
    "create envelope": _create_envelope,
    "close envelope": _close_envelope,
    "cancel envelope": lambda flow, e: flow.eko.post(f"{flow.envelope_path()}/cancel"),
    "get registered envelope": _registered,
    "envelope": lambda flow, e: flow.eko.get(flow.envelope_path()),
    "list envelopes": lambda flow, e: flow.eko.get(flow.envelope_path().rsplit("/", 1)[0]),
    "create content": _create_content,
    "get content": lambda flow, e: flow.eko.get(flow.content_path()),
    "content": lambda flow, e: flow.eko.get(flow.content_path()),
    "transaction": lambda flow, e: {
        "transaction": flow.ok(flow.eko.get(flow.envelope_path()))["transaction"]
    },
    "reachable": lambda flow, e: flow.eko.post("/reachable/ebank", json={"recipient": "19800101xxxx"}),
    "not reachable": lambda flow, e: flow.eko.post("/reachable/ebank", json={"recipient": "198001010000"}),
    "ebank list": lambda flow, e: flow.eko.post("/reachable/ebank_list", json=FUI),
    "ebank list not reachable": _unreachable,
    "einvoice ready": lambda flow, e: flow.eko.post("/reachable/einvoiceready", json=EINVOICE_READY),
    "address": _address,
    "error": _error,
    "webhook": _webhook,
    "sms envelopes": _sms(one=False),
    "sms envelope": _sms(one=True),
    "direct sms": lambda flow, e: flow.eko.post("/sms", json=DIRECT_SMS),
}


@dataclass
class Result:
    problems: list[str]
    checked: int


def judge(example: dict[str, Any], answer: Any) -> Result:
    expected = BY_LINE[COMPARED_WITH.get(example["line"], example["line"])]["json"]
    if isinstance(answer, httpx.Response):
        wanted = example["status"] or 200
        if answer.status_code != wanted:
            return Result([f"status {answer.status_code}, documented {wanted}: {answer.text[:200]}"], 0)
        if expected is None:
            return Result(
                [f"a body where the sample shows none: {answer.text[:100]}"] * bool(answer.content), 1
            )
        answer = answer.json()
    enums = {path: values for path, (_, values) in example["values"].items()}
    types = field_types(example["tables"], expected)
    comparison = Comparison(enums=enums, types=types).compare(expected, answer)
    return Result(comparison.problems, comparison.checked)


@pytest.fixture(scope="module")
def results() -> Iterator[dict[int, Result]]:
    found = {}
    with Mockpost() as sandbox:
        for example in EXAMPLES:
            sandbox.reset()  # every example from a fresh sandbox, at the same moment
            sandbox.clock.freeze(START)
            try:
                answer = FLOWS[example["operation"]](Flow(sandbox), example)
            except FlowFailed as refused:
                found[example["line"]] = Result([f"the operation was refused: {refused}"], 0)
                continue
            found[example["line"]] = judge(example, answer)
    tally = score("Ekopost")
    for example in EXAMPLES:
        tally.record(f"line {example['line']} {example['name']}", found[example["line"]].problems)
    yield found


def test_every_sample_response_and_object_example_is_compared() -> None:
    assert len(EXAMPLES) == 36
    assert sum(e["status"] is not None for e in EXAMPLES) == 17  # sample responses
    assert {e["operation"] for e in EXAMPLES} <= set(FLOWS)
    assert {c.line for c in CONTRADICTIONS} <= set(BY_LINE)


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e['line']} {e['name']}" for e in EXAMPLES])
def test_answer_has_the_documented_fields(results: dict[int, Result], example: dict[str, Any]) -> None:
    result = results[example["line"]]
    assert not result.problems, "\n".join(result.problems[:20])


def test_conformance_score_is_complete(results: dict[int, Result]) -> None:
    score("Ekopost").assert_complete(len(EXAMPLES))
