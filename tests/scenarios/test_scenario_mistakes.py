"""The typical ways a hand-written scenario goes wrong: each is refused when the file loads, with
a message of the form `FILE:LINE: where: what was expected`, before any request is sent."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mockpost.cli import main
from mockpost.scenarios.loader import load_file
from mockpost.scenarios.yamlsource import ScenarioError

GOOD = """\
name: a job is created
providers: [easypost-connect]
accounts:
  easypost-connect:
    acme:
      api_key: acme-key
      webhook: {inbox: acme-hooks, secret: whsec_acme}
steps:
  - request: {path: /workflows, query: {inputSource: SINGLE_FILE}}
    save: {workflow: "$[0].id"}
  - request:
      method: POST
      path: /jobs/single-file
      json: {workflowId: "{{ workflow }}", jobName: March, filename: letters.pdf}
    expect: {status: 201}
    save: {upload_url: $.fileUploadUrl}
  - request: {method: PUT, url: "{{ upload_url }}", body: !file letters.pdf}
  - advance: 2m
  - expect_webhook: {inbox: acme-hooks, count: 2, signature: true}
"""


def broken(tmp_path: Path, old: str, new: str) -> tuple[Path, ScenarioError]:
    """GOOD with one mistake made in it; returns the file and the error loading it gives."""
    assert old in GOOD, old
    path = tmp_path / "broken.yaml"
    path.write_text(GOOD.replace(old, new, 1))
    (tmp_path / "letters.pdf").write_bytes(b"%PDF-1.4\n")
    with pytest.raises(ScenarioError) as caught:
        load_file(path)
    return path, caught.value


def assert_points_at(error: ScenarioError, path: Path, line: int, *expected: str) -> None:
    first = str(error).splitlines()[0]
    assert first.startswith(f"{path}:{line}: "), first
    for text in expected:
        assert text in first, (text, first)


def test_the_good_file_loads(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    (tmp_path / "letters.pdf").write_bytes(b"%PDF-1.4\n")
    assert load_file(path).scenario.name == "a job is created"


RULE = "rules:\n  - provider: easypost-connect\n"
CASES = {
    # id: (text in GOOD, the mistake, line, what the message must say ...)
    "bad-indentation": ("      method: POST\n", "     method: POST\n", 13, "not valid YAML"),
    "unknown-key": (
        "      method: POST",
        "      methd: POST",
        12,
        "steps[1].request: unknown key 'methd'; expected one of:",
        "method",
    ),
    "wrong-type": ("count: 2", "count: two", 19, "steps[4].expect_webhook.count", "integer", "'two'"),
    "status-not-a-number": (
        "expect: {status: 201}",
        "expect: {status: created}",
        15,
        "steps[1].expect.status",
        "'created'",
    ),
    "unknown-matcher-tag": (
        "expect: {status: 201}",
        "expect: {status: 201, json: {id: !uid}}",
        15,
        "unknown tag '!uid'; expected a matcher (",
        "!uuid",
    ),
    "unknown-provider": (
        "providers: [easypost-connect]",
        "providers: [easypost]",
        2,
        "unknown provider 'easypost' (did you mean 'easypost-connect'?)",
        "afosto",
    ),
    "provider-spelt-like-its-folder": (
        "providers: [easypost-connect]",
        "providers: [easypost_connect]",
        2,
        "unknown provider 'easypost_connect' (did you mean 'easypost-connect'?)",
    ),
    "undefined-variable": (
        '{workflowId: "{{ workflow }}"',
        '{workflowId: "{{ workfow }}"',
        11,
        "uses {{ workfow }} before any step saves it (saved so far: workflow)",
    ),
    "bad-duration": (
        "advance: 2m",
        "advance: 2 minutes",
        18,
        "steps[3].advance",
        "expected a duration such as '90s'",
    ),
    "missing-fixture-file": (
        "body: !file letters.pdf",
        "body: !file fixtures/letters.pdf",
        17,
        "cannot read 'fixtures/letters.pdf'",
    ),
    "missing-multipart-file": (
        "body: !file letters.pdf",
        "files: {file: missing.pdf}, form: {name: March}",
        17,
        "steps[2].request.files.file: no file 'missing.pdf' next to the scenario",
    ),
    "bad-jsonpath-in-save": (
        'save: {workflow: "$[0].id"}',
        "save: {workflow: 0.id}",
        10,
        "steps[0].save",
        "JSONPath",
    ),
    "bad-jsonpath-in-expect": (
        "expect: {status: 201}",
        'expect: {jsonpath: {"$..id": 1}}',
        15,
        "steps[1].expect.jsonpath",
        "JSONPath",
    ),
    "unquoted-jsonpath-with-brackets": (
        'save: {workflow: "$[0].id"}',
        "save: {workflow: $[0].id}",
        10,
        "not valid YAML",
        'quote a JSONPath with brackets: "$[0].id"',
    ),
    "webhook-inbox-nothing-feeds": (
        "expect_webhook: {inbox: acme-hooks",
        "expect_webhook: {inbox: acme-hook",
        19,
        "steps[4].expect_webhook.inbox: no webhook in this scenario goes to inbox 'acme-hook'",
        "inboxes fed here: acme-hooks",
    ),
    "path-given-an-absolute-url": (
        'url: "{{ upload_url }}"',
        'path: "{{ upload_url }}"',
        17,
        "expected a path starting with '/'",
        "use 'url:'",
    ),
    "unknown-account-key": (
        "      api_key: acme-key",
        "      apikey: acme-key",
        6,
        "unknown key 'apikey' for a easypost-connect account",
        "api_key",
    ),
    "rule-state-the-lifecycle-does-not-know": (
        "steps:",
        RULE + "    resource: job\n    where: {jobName: fail-*}\n"
        "    when: DONE\n    then: {state: FAILED}\nsteps:",
        12,
        "rules[0].when[0]: 'DONE' is not a job state; expected one of:",
        "PROCESSING",
    ),
    "rule-on-a-resource-not-watched": (
        "steps:",
        RULE + "    resource: envelope\n    when: SENT\n    then: {state: FAILED}\nsteps:",
        10,
        "has no resource 'envelope'; expected one of: job, sending-event",
    ),
    "unknown-timeline-option": (
        "steps:",
        RULE + "    timeline: {processing_afer: 30s}\nsteps:",
        10,
        "rules[0].timeline",
        "processing_afer",
        "processing_after",
    ),
    "unknown-account-in-a-step": (
        "  - advance: 2m",
        "  - request: {path: /jobs, account: globex}",
        18,
        "no account 'globex' for easypost-connect under accounts (known: acme)",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_mistake_names_the_file_the_line_and_what_was_expected(tmp_path, case):
    old, new, line, *expected = CASES[case]
    path, error = broken(tmp_path, old, new)
    assert_points_at(error, path, line, *expected)


def test_mockpost_run_shows_the_same_message_and_exits_2(tmp_path, capsys):
    path, _ = broken(tmp_path, "advance: 2m", "advance: 2 minutes")
    assert main(["run", str(path)]) == 2
    out = capsys.readouterr().out
    assert f"{path}:18: steps[3].advance: expected a duration" in out


def test_a_runtime_problem_names_the_step_and_its_line(tmp_path, capsys):
    """A mistake only a run can find (the answer has no such field) points at the step's line."""
    path = tmp_path / "runtime.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            name: saves a field the answer does not have
            providers: [easypost-connect]
            accounts:
              easypost-connect:
                acme: {api_key: acme-key}
            steps:
              - request: {path: /workflows}
                save: {workflow: $.id}
            """
        )
    )
    assert main(["run", str(path)]) == 1
    out = capsys.readouterr().out
    assert "step 1 (line 7) failed" in out
    assert "save workflow: nothing at $.id in the response" in out


def test_an_unquoted_instant_is_taken_as_written(tmp_path):
    path = tmp_path / "clock.yaml"
    path.write_text(GOOD.replace("providers:", "clock: {start: 2030-03-04T09:00:00Z}\nproviders:", 1))
    (tmp_path / "letters.pdf").write_bytes(b"%PDF-1.4\n")
    clock = load_file(path).scenario.clock
    assert clock is not None and clock.start == "2030-03-04T09:00:00Z"
