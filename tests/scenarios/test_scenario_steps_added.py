"""Steps a scenario writer reached for and did not have: `save` on a `repeat` step (the values of
the last, successful try), an absolute `clock` step (set, freeze, unfreeze), and `form:` values
that are not text (sent as their JSON text)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from mockpost.scenarios.loader import load_file, load_text
from mockpost.scenarios.runner import Runner, ScenarioResult
from mockpost.scenarios.targets import InProcess, MockpostServer, Target
from mockpost.scenarios.yamlsource import ScenarioError

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios"

# An Ekopost campaign of one email envelope, closed at 09:00: transferred at its output date
# (12:00), posted ten minutes later, then completed.
CLOSED_CAMPAIGN = """\
mockpost: 1
name: NAME
providers: [ekopost]
clock: {start: "2030-03-04T09:00:00Z"}
accounts:
  ekopost:
    acme: {api_key: acme-key}
variables: {noon: "2030-03-04T12:00:00Z"}
steps:
  - request: {method: POST, path: /campaigns, json: {name: March, output_date: "2030-03-04T12:00:00"}}
    save: {campaign: $.id}
  - request:
      method: POST
      path: /campaigns/{{ campaign }}/envelopes
      json: {name: Invoice 1, address: {$type: email, recipient: a@example.com}}
    save: {envelope: $.id}
  - request:
      method: POST
      path: /campaigns/{{ campaign }}/envelopes/{{ envelope }}/content
      json: {type: document, mime: application/pdf, data: !base64 invoice.pdf, length: !filesize invoice.pdf}
  - request: {method: POST, path: "/campaigns/{{ campaign }}/envelopes/{{ envelope }}/close"}
  - request: {method: POST, path: "/campaigns/{{ campaign }}/close"}
"""

POLL_AND_SAVE = CLOSED_CAMPAIGN.replace("NAME", "the poll saves what it waited for") + """\
  - repeat:
      request: {path: "/campaigns/{{ campaign }}"}
    until: {json: {state: completed}}
    every: 1h
    max: 12
    save: {done_at: $.state_changed_at, state: $.state}
  - request: {path: "/campaigns/{{ campaign }}"}
    expect: {json: {state: "{{ state }}", state_changed_at: "{{ done_at }}"}}
"""

CLOCK = CLOSED_CAMPAIGN.replace("NAME", "the clock is set, frozen and let run") + """\
  - name: jump to the output date; the transfer due on the way happens
    clock: {set: "{{ noon }}"}
  - request: {path: "/campaigns/{{ campaign }}"}
    expect: {json: {state: transferred, state_changed_at: "2030-03-04T12:00:00"}}
  - clock: {set: "2030-03-10T08:00:00Z", frozen: true}
  - request: {method: POST, path: /campaigns, json: {name: April}}
    expect: {json: {created_at: "2030-03-10T08:00:00"}}
  - clock: {frozen: false}
  - clock: {frozen: true}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(LIBRARY / "ekopost" / "fixtures" / "invoice.pdf", tmp_path / "invoice.pdf")
    return tmp_path


def run(folder: Path, text: str, target: Target | None = None) -> ScenarioResult:
    path = folder / "case.yaml"
    path.write_text(text)
    own = target is None
    target = target or InProcess()
    try:
        return Runner(target).run(load_file(path))
    finally:
        if own:
            target.close()


def assert_passed(result: ScenarioResult) -> None:
    shown = [f"{s.number} {s.title}: {s.outcome} {s.detail} {s.diff}" for s in result.steps]
    assert result.passed, "\n".join(shown)


def test_a_repeat_step_saves_the_values_of_its_last_successful_try(folder):
    result = run(folder, POLL_AND_SAVE)
    assert_passed(result)
    assert "(try 5 of 12)" in result.steps[5].detail  # 09:00 + 4 h: transferred at 12:00, posted 12:10


def test_save_still_belongs_to_request_or_repeat_only():
    text = POLL_AND_SAVE.replace("    save: {campaign: $.id}\n", "").replace(
        '  - request: {method: POST, path: "/campaigns/{{ campaign }}/close"}\n',
        "  - advance: 1h\n    save: {x: $.id}\n",
    )
    wrong = "'save' belongs to a 'request' or 'repeat' step, not to 'advance'"
    with pytest.raises(ScenarioError, match=wrong):
        load_text(text, "case.yaml")


def test_clock_steps_set_freeze_and_unfreeze_in_process(folder):
    result = run(folder, CLOCK)
    assert_passed(result)
    details = [step.detail for step in result.steps]
    assert details[5] == "→ 2030-03-04T12:00:00Z (frozen)"
    assert details[7] == "→ 2030-03-10T08:00:00Z (frozen)"
    assert details[9].endswith("(running)") and details[10].endswith("(frozen)")


def test_clock_steps_run_the_same_against_a_running_mockpost(folder, mockpost_server):
    target = MockpostServer(mockpost_server.url)
    try:
        assert_passed(run(folder, CLOCK, target))
    finally:
        target.close()


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("clock: {}", "a clock step has set (an instant), frozen (true or false), or both"),
        ("clock: {set: tomorrow}", "expected an ISO-8601 instant"),
        ("clock: {set: '2030-03-04T09:00:00Z', frozn: true}", "unknown key 'frozn'"),
    ],
)
def test_a_wrong_clock_step_is_refused_at_load(step, message):
    text = f"mockpost: 1\nname: x\nproviders: [ekopost]\nsteps:\n  - {step}\n"
    with pytest.raises(ScenarioError, match=re.escape(message)):
        load_text(text, "case.yaml")


def test_form_values_are_text_as_written_and_anything_else_as_json():
    from mockpost.scenarios.runner import form_fields

    fields = form_fields({"name": "March", "count": 12, "ok": True, "none": None, "spec": {"a": [1, "é"]}})
    assert fields == {"name": "March", "count": "12", "ok": "true", "none": "null", "spec": '{"a": [1, "é"]}'}


def test_a_form_mapping_reaches_the_api_as_json(tmp_path):
    """Nirva's multipart `parameters` part is JSON: written as a mapping, it is sent as JSON text,
    a saved number inside it stays a number."""
    shutil.copy(LIBRARY / "nirva" / "fixtures" / "letter.pdf", tmp_path / "letter.pdf")
    path = tmp_path / "form.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            mockpost: 1
            name: a job's parameters as a mapping
            providers: [nirva]
            clock: {start: "2030-03-04T09:00:00Z"}
            accounts:
              nirva:
                admin: {login: admin, password: admin, token: admin-token, administrator: true}
            variables: {service: 102}
            steps:
              - request:
                  method: POST
                  path: /jobs
                  files: {file__file_REGISTERED_0: letter.pdf}
                  form:
                    parameters:
                      autocreateDeliveryCommand: true
                      jobName: Contract
                      serviceId: "{{ service }}"
                save: {job: $.jobId}
              - request: {path: "/jobs/{{ job }}"}
                expect: {json: {jobName: Contract, autocreateDeliveryCommand: true}}
            """
        )
    )
    target = InProcess()
    try:
        assert_passed(Runner(target).run(load_file(path)))
    finally:
        target.close()
