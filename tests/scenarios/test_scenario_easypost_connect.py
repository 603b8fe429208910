"""EasyPost Connect in scenarios: x-api-key accounts, webhooks signed as documented
(`x-webhook-signature: sha256=<hex HMAC-SHA256 of the raw body>`), rules on jobs and sending
events, and the library's files passing in-process and against a running server."""

from __future__ import annotations

import hashlib
import hmac
import textwrap

import httpx
import pytest

from mockpost.scenarios.loader import load_text
from mockpost.scenarios.providers import support_for
from mockpost.scenarios.runner import Runner
from mockpost.scenarios.targets import InProcess

SUPPORT = support_for("easypost-connect")

WORLD = """\
providers: [easypost-connect]
clock: {start: "2030-03-04T09:00:00Z"}
accounts:
  easypost-connect:
    acme: {api_key: acme-key}
"""
RULE_WORLD = (
    "name: jobs named fail-* are rejected\n"
    + WORLD
    + """\
rules:
  - provider: easypost-connect
    resource: job
    where: {jobName: "fail-*"}
    when: PROCESSING
    then: {state: FAILED, reason: Rejected}
"""
)


def documented_signature(body: bytes, secret: str) -> str:
    """The recipe in docs/easypost-connect.md, as a receiver would write it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_credentials_travel_in_the_x_api_key_header():
    assert SUPPORT.auth_headers({"api_key": "acme-key"}) == {"x-api-key": "acme-key"}
    with pytest.raises(ValueError, match="api_key"):
        SUPPORT.auth_headers({"company_name": "Acme"})


def test_a_signature_made_as_documented_is_accepted_and_a_wrong_one_explained():
    body = '{"type":"job.status.changed"}'
    good = {"X-Webhook-Signature": documented_signature(body.encode(), "whsec_1")}
    assert SUPPORT.verify_signature(body, good, "whsec_1") is None
    problem = SUPPORT.verify_signature(body, good, "whsec_2")
    assert problem is not None and "x-webhook-signature is sha256=" in problem
    assert SUPPORT.verify_signature(body, {}, "whsec_1") == "no x-webhook-signature header"


def test_jobs_and_sending_events_are_the_watched_resources():
    assert [lifecycle.resource for lifecycle in SUPPORT.lifecycles()] == ["job", "sending-event"]
    assert SUPPORT.state_of("job", {"status": "PROCESSING"}) == "PROCESSING"
    assert SUPPORT.state_of("sending-event", {"businessStatus": "SENT"}) == "SENT"


def test_a_server_applies_a_rule_right_after_the_request_that_triggers_it(mockpost_server):
    """No clock move in between: the job is FAILED when the client next looks, as in-process."""
    with httpx.Client(base_url=mockpost_server.url, timeout=10) as client:
        loaded = client.post("/_mockpost/scenarios", content=RULE_WORLD)
        assert loaded.status_code == 200, loaded.text
        key = {"x-api-key": "acme-key"}
        api = "/easypost-connect"
        workflow = client.get(f"{api}/workflows", params={"inputSource": "PAYLOAD_PDF"}, headers=key).json()[
            0
        ]
        created = client.post(
            f"{api}/jobs/payload-pdf",
            headers=key,
            json={
                "workflowId": workflow["id"],
                "jobName": "fail-march",
                "filename": "invoice.pdf",
                "payload": {"channelIdentifiers": [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}]},
            },
        ).json()
        assert client.put(created["fileUploadUrl"], content=b"%PDF-1.4\n").status_code == 200
        job = client.get(f"{api}/jobs/{created['id']}", headers=key).json()
        assert (job["status"], job["failureReason"]) == ("FAILED", "Rejected")

        assert client.post("/_mockpost/reset").status_code == 200  # a full reset removes the rules
        created = client.post(
            f"{api}/jobs/payload-pdf",
            headers=key,
            json={
                "workflowId": client.get(f"{api}/workflows", headers=key).json()[1]["id"],
                "jobName": "fail-april",
                "filename": "invoice.pdf",
                "payload": {"channelIdentifiers": [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}]},
            },
        ).json()
        assert client.put(created["fileUploadUrl"], content=b"%PDF-1.4\n").status_code == 200
        assert client.get(f"{api}/jobs/{created['id']}", headers=key).json()["status"] == "PROCESSING"


def run_text(text: str) -> str:
    target = InProcess()
    try:
        result = Runner(target).run(load_text(textwrap.dedent(text)))
    finally:
        target.close()
    lines = [f"{step.outcome} {step.title} {step.detail}" for step in result.steps]
    return "\n".join([result.error or "", *lines])


def test_a_url_request_sends_no_credentials_unless_asked():
    """An absolute URL is usually one the API handed out (pre-signed): no key goes with it."""
    out = run_text(
        """\
        name: url requests
        providers: [easypost-connect]
        accounts:
          easypost-connect:
            acme: {api_key: acme-key}
        steps:
          - request: {url: "{{ mockpost_url }}/easypost-connect/jobs"}
            expect: {status: 401}
          - request: {url: "{{ mockpost_url }}/easypost-connect/jobs", auth: true}
            expect: {status: 200, json: []}
        """
    )
    assert out.count("passed") == 2, out


def test_a_timeline_rule_changes_when_things_happen_and_is_undone_by_the_next_scenario():
    shorter = (
        "name: a shorter processing time\n"
        + WORLD
        + textwrap.dedent(
            """\
        rules:
          - {provider: easypost-connect, timeline: {processing_after: 10s}}
        steps:
          - save: {workflow: "$[0].id"}
            request: {path: /workflows, query: {inputSource: PAYLOAD_WORD}}
          - save: {job: $.id}
            request: {method: POST, path: /jobs/payload-word, json: {workflowId: "{{ workflow }}",
                      jobName: W, payload: {templateData: {a: 1},
                      channelIdentifiers: [{kind: EMAIL_ADDRESS, value: a@example.be}]}}}
          - advance: 10s
          - request: {path: "/jobs/{{ job }}"}
            expect: {json: {status: IN_PROGRESS}}
        """
        )
    )
    target = InProcess()
    try:
        assert Runner(target).run(load_text(shorter)).passed
        default = shorter.replace(
            "rules:\n  - {provider: easypost-connect, timeline: {processing_after: 10s}}\n", ""
        )
        result = Runner(target).run(load_text(default))
        assert not result.passed  # the default two minutes are back
        assert result.failed_step is not None and "PROCESSING" in "\n".join(result.failed_step.diff)
    finally:
        target.close()


PEPPOL_WORLD = """\
name: webhooks of seeded documents
providers: [easypost-connect]
accounts:
  easypost-connect:
    acme:
      api_key: acme-key
      webhook: {inbox: peppol, secret: whsec_peppol}
seed:
  easypost-connect:
    accounts:
      - api_key: acme-key
        peppol_documents: [{senderId: "0208:0123456789"}, {senderId: "0208:0987654321"}]
steps:
"""


def test_expect_webhook_finds_any_matching_delivery_or_says_none_does():
    found = run_text(
        PEPPOL_WORLD
        + '  - expect_webhook: {inbox: peppol, index: any, json: {data: {senderId: "0208:0123456789"}}}\n'
    )
    assert "passed" in found and "2 delivered; delivery 0 matches" in found, found
    missing = run_text(
        PEPPOL_WORLD + '  - expect_webhook: {inbox: peppol, index: any, json: {data: {senderId: "0208:1"}}}\n'
    )
    assert "failed" in missing and "none of them matches" in missing, missing


def test_a_given_secret_replaces_the_accounts_one():
    right = run_text(PEPPOL_WORLD + "  - expect_webhook: {inbox: peppol, secret: whsec_peppol}\n")
    assert "passed" in right and "signature valid" in right, right
    wrong = run_text(PEPPOL_WORLD + "  - expect_webhook: {inbox: peppol, secret: whsec_other}\n")
    assert "failed" in wrong and "the webhooks differ" in wrong, wrong
