"""`expect_deliveries`: the webhook deliveries mockpost made, with every attempt and retry, picked by
provider, event, receiver URL and state, checked for the number of attempts, the receiver's
statuses and the virtual times of the attempts; the same in-process and against a server."""

from __future__ import annotations

import re
import textwrap

import pytest

from mockpost.scenarios.loader import load_text
from mockpost.scenarios.runner import FAILED, Runner, ScenarioResult
from mockpost.scenarios.targets import InProcess, MockpostServer, Target
from mockpost.scenarios.yamlsource import ScenarioError

# The down receiver refuses connections (nothing listens on port 9): EasyPost Connect retries
# 1 min, 5 min, 30 min, 2 h and 6 h later, then gives up.
RETRIES = """\
mockpost: 1
name: retries of a webhook are on record
providers: [easypost-connect]
clock: {start: "2030-03-04T09:00:00Z"}
accounts:
  easypost-connect:
    acme: {api_key: acme-key, webhook_events: [job.status.changed], webhook: {inbox: erp, secret: s3}}
steps:
  - request:
      method: POST
      path: /webhooks
      json: {name: down, url: "http://127.0.0.1:9/down", eventTypes: [job.status.changed]}
    expect: {status: 201}
  - request: {path: /workflows, query: {inputSource: PAYLOAD_WORD}}
    save: {workflow: "$[0].id"}
  - request:
      method: POST
      path: /jobs/payload-word
      json:
        workflowId: "{{ workflow }}"
        jobName: Welcome letter
        payload:
          templateData: {firstName: Ann}
          channelIdentifiers: [{kind: EMAIL_ADDRESS, value: ann@example.be}]
    expect: {status: 201}
    save: {job: $.id}
  - advance: 2m
  - name: the first attempt failed, a retry is planned
    expect_deliveries:
      provider: easypost-connect
      url: "*:9/down"
      count: 1
      state: pending
      attempts: 1
      statuses: [null]
      times: ["2030-03-04T09:02:00Z"]
  - advance: 9h
  - name: five retries later it has failed for good
    expect_deliveries:
      event: job.status.changed
      url: "*:9/down"
      state: failed
      index: 0
      attempts: 6
      statuses: [null, null, null, null, null, null]
      times: [0s, 1m, 6m, 36m, 2h36m, 8h36m]
      json:
        created_at: "2030-03-04T09:02:00Z"
        attempts: !contains {number: 6, error: !regex "^ConnectError"}
        body: !contains "{{ job }}"
  - name: the inbox took every event at the first attempt
    expect_deliveries:
      url: "*/_mockpost/inbox/erp"
      state: delivered
      index: any
      attempts: 1
      statuses: [200]
  - expect_deliveries: {url: "*/nowhere", count: 0}
"""


def run(text: str, target: Target | None = None) -> ScenarioResult:
    own = target is None
    target = target or InProcess()
    try:
        return Runner(target).run(load_text(textwrap.dedent(text), "deliveries.yaml"))
    finally:
        if own:
            target.close()


def assert_passed(result: ScenarioResult) -> None:
    assert result.passed, [(s.number, s.title, s.detail, s.diff) for s in result.steps]


def test_attempts_retries_statuses_and_times_are_checked_in_process():
    result = run(RETRIES)
    assert_passed(result)
    assert "dlv-2: 6 attempt(s), failed" in result.steps[6].detail


def test_the_same_step_runs_against_a_running_mockpost(mockpost_server):
    target = MockpostServer(mockpost_server.url)
    try:
        assert_passed(run(RETRIES, target))
    finally:
        target.close()


@pytest.mark.parametrize(
    ("old", "new", "diff"),
    [
        ("attempts: 6", "attempts: 5", ["- expected attempts: 5", "+ actual   attempts: 6"]),
        ("2h36m, 8h36m]", "2h36m, 8h]", ["- expected times[5]: 2030-03-04T17:02:00Z (8h after"]),
        ("state: failed", "state: delivered", []),
    ],
)
def test_a_difference_shows_the_diff_and_the_deliveries(old, new, diff):
    result = run(RETRIES.replace(old, new, 1))
    failed = result.failed_step
    assert failed is not None and failed.outcome == FAILED and failed.number == 7
    for line in diff:
        assert any(shown.startswith(line) for shown in failed.diff), failed.diff
    assert any("→ http://127.0.0.1:9/down: failed, 6 attempt(s)" in line for line in failed.diff)


def test_a_count_that_differs_fails():
    result = run(RETRIES.replace("count: 0", "count: 1"))
    failed = result.failed_step
    assert failed is not None and failed.detail == "the deliveries differ"
    assert failed.diff[:2] == ["- expected count: 1", "+ actual   count: 0"]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("expect_deliveries: {state: lost}", "steps[0].expect_deliveries.state"),
        ("expect_deliveries: {times: [soon]}", "each time is an ISO-8601 instant (2030-03-04T09:01:00Z)"),
        ("expect_deliveries: {attempts: three}", "expected a number of attempts"),
        ("expect_deliveries: {provider: ekopost}", "provider 'ekopost' is not in providers"),
        ("expect_deliveries: {url: '*/{{ nope }}'}", "uses {{ nope }} before any step saves it"),
    ],
)
def test_a_wrong_expectation_is_refused_at_load(step, message):
    text = f"mockpost: 1\nname: x\nproviders: [easypost-connect]\nsteps:\n  - {step}\n"
    with pytest.raises(ScenarioError, match=re.escape(message)):
        load_text(text, "case.yaml")


def test_a_real_provider_sandbox_skips_the_step():
    from mockpost.scenarios.targets import ProviderSandbox

    text = "mockpost: 1\nname: x\nproviders: [easypost-connect]\nsteps:\n  - expect_deliveries: {count: 0}\n"
    result = run(text, ProviderSandbox({"easypost-connect": "http://127.0.0.1:9"}))
    assert result.steps[0].outcome == "skipped" and "control plane" in (result.steps[0].note or "")
