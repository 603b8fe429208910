"""`mockpost run`: one line per step with timing, a diff on failure, JUnit XML, exit codes, and the
same file in-process, against a running mockpost, and against a real provider sandbox."""

from __future__ import annotations

import argparse
import io
import re
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from mockpost.cli import main
from mockpost.scenarios.loader import load_file
from mockpost.scenarios.runner import Runner
from mockpost.scenarios.targets import InProcess, ProviderSandbox

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios" / "ekopost"
HAPPY = LIBRARY / "letter_is_posted_and_webhook_signed.yaml"
RULES = LIBRARY / "fail_rule_ends_envelopes_failed.yaml"
CONNECT = LIBRARY.parent / "easypost_connect"
CONNECT_RULES = CONNECT / "fail_rules_end_jobs_and_events_failed.yaml"
STEP_LINE = re.compile(r"^  [✓✗→-] +\d+ .*\(\d+ ms\)$")

PASSING = """\
name: a campaign is created
providers: [ekopost]
clock: {start: "2030-03-04T09:00:00Z"}
accounts:
  ekopost:
    acme: {api_key: acme-key, env: {api_key: TEST_EKOPOST_KEY}}
steps:
  - name: create
    request: {method: POST, path: /campaigns, json: {name: March}}
    expect: {status: 200, json: {state: opened}}
    save: {campaign: $.id}
  - request: {path: "/campaigns/{{ campaign }}"}
    expect: {json: {name: March}}
mockpost: 1
"""

FAILING = """\
name: a wrong expectation
providers: [ekopost]
clock: {start: "2030-03-04T09:00:00Z"}
accounts:
  ekopost:
    acme: {api_key: acme-key}
steps:
  - request: {method: POST, path: /campaigns, json: {name: March}}
    save: {campaign: $.id}
  - name: expects the wrong state
    request: {path: "/campaigns/{{ campaign }}"}
    expect: {json: {state: completed}}
  - advance: 1d
mockpost: 1
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {}
    for name, text in (
        ("passing", PASSING),
        ("failing", FAILING),
        ("invalid", "name: x\nproviders: [ekopost]\nsteps:\n  - advance: soon\nmockpost: 1\n"),
    ):
        made[name] = tmp_path / f"{name}.yaml"
        made[name].write_text(text)
    return made


def test_a_passing_run_prints_one_line_per_step_with_timing_and_exits_0(files, capsys):
    assert main(["run", str(files["passing"])]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{files['passing']}: a campaign is created  [in-process]"
    steps = [line for line in out if STEP_LINE.match(line)]
    assert len(steps) == 2
    assert steps[0].startswith("  ✓  1 create  POST /campaigns → 200  (")
    assert out[-1].startswith("1 passed in ")


def test_a_failing_run_shows_the_diff_skips_the_rest_and_exits_1(files, capsys):
    assert main(["run", str(files["failing"])]) == 1
    out = capsys.readouterr().out
    assert "  ✗  2 expects the wrong state  the response differs (200)" in out
    assert "step 2 (line 10) failed" in out
    assert "- expected $.state: 'completed'" in out and "+ actual   $.state: 'opened'" in out
    assert '|   "state": "opened",' in out  # the response, for context
    assert "  -  3 advance 1d  [an earlier step failed]" in out
    assert out.rstrip().endswith("s") and "0 passed, 1 failed" in out


def test_an_invalid_file_exits_2_naming_file_and_line(files, capsys):
    assert main(["run", str(files["invalid"]), str(files["passing"])]) == 2
    out = capsys.readouterr().out
    assert f"✗ {files['invalid']}:4: steps[0].advance: expected a duration" in out
    assert "1 passed, 1 invalid" in out


def test_junit_xml_has_a_testcase_per_scenario(files, tmp_path, capsys):
    report = tmp_path / "out" / "junit.xml"
    code = main(["run", str(tmp_path), "--junit", str(report)])
    assert code == 2
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    failure = cases["a wrong expectation"].find("failure")
    assert failure is not None and failure.get("message", "").startswith("step 2 (expects the wrong state)")
    assert "- expected $.state: 'completed'" in (failure.text or "")
    assert "✓  1 create" in (cases["a campaign is created"].findtext("system-out") or "")
    assert cases[str(files["invalid"])].find("error") is not None


def test_a_directory_runs_every_scenario_with_progress_and_k_selects(files, tmp_path, capsys):
    files["invalid"].unlink()
    main(["run", str(tmp_path)])
    out = capsys.readouterr().out
    assert "[1/2] " in out and "[2/2] " in out
    assert main(["run", str(tmp_path), "-k", "created"]) == 0
    assert "1 passed" in capsys.readouterr().out


def test_quiet_prints_only_failures_and_the_summary(files, capsys):
    main(["run", "-q", str(files["passing"]), str(files["failing"])])
    out = capsys.readouterr().out
    assert "a campaign is created" not in out and "expects the wrong state" in out
    assert "1 passed, 1 failed" in out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_quiet_run_on_a_terminal_shows_which_scenario_is_running(files):
    """A long -q run is not silent on a terminal: one line rewrites itself, then is cleared."""
    from mockpost.scenarios.command import add_arguments, run_command

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    screen = Terminal()
    run_command(parser.parse_args(["-q", str(files["passing"]), str(files["failing"])]), screen)
    text = screen.getvalue()
    assert f"\r\x1b[K[1/2] {files['passing']}" in text and f"\r\x1b[K[2/2] {files['failing']}" in text
    summary = text.rstrip("\n").rsplit("\n", 1)[-1]
    assert summary.split("\x1b[K")[-1].startswith("1 passed, 1 failed in ")  # the line is cleared first
    assert "expects the wrong state" in text  # failures are still printed in full


@pytest.mark.parametrize(
    "scenario",
    [HAPPY, RULES, CONNECT / "single_file_job_is_delivered_and_webhooks_signed.yaml", CONNECT_RULES],
    ids=["ekopost-happy-path", "ekopost-fail-rule", "easypost-connect-happy-path", "easypost-connect-rules"],
)
def test_the_same_library_scenario_passes_in_process_and_over_http(scenario, mockpost_server, capsys):
    assert main(["run", str(scenario)]) == 0
    assert main(["run", str(scenario), "--target", mockpost_server.url]) == 0
    out = capsys.readouterr().out
    assert f"[mockpost at {mockpost_server.url}]" in out
    assert "signature valid" in out


def test_against_a_real_sandbox_credentials_come_from_the_environment(files, mockpost_server, capsys):
    """A mockpost provider mount stands in for the real Ekopost here: only its API is used."""
    target = ProviderSandbox(
        {"ekopost": mockpost_server.url + "/ekopost"}, environ={"TEST_EKOPOST_KEY": "real-key"}
    )
    result = Runner(target).run(load_file(files["passing"]))
    assert result.passed, result
    assert result.notes == [
        "credentials: ekopost account acme: api_key from $TEST_EKOPOST_KEY",
        "clock: skipped: a real provider sandbox has no mockpost control plane",
    ]
    journal = mockpost_server.sandbox.journal.query(provider="ekopost")
    assert [entry.as_dict()["path"] for entry in journal][:1] == ["/ekopost/campaigns"]
    with httpx.Client(base_url=mockpost_server.url) as client:
        mine = client.get("/ekopost/campaigns", headers={"Authorization": "api-key real-key"}).json()
    assert [c["name"] for c in mine] == ["March"]  # the env key was used, not the file's acme-key


def test_a_missing_environment_variable_is_a_clear_setup_error(files):
    target = ProviderSandbox({"ekopost": "http://127.0.0.1:9"}, environ={})
    result = Runner(target).run(load_file(files["passing"]))
    assert not result.passed and result.steps == []
    assert result.error == (
        "setting up the scenario failed: set the environment variable(s) the scenario names: "
        "TEST_EKOPOST_KEY (ekopost account acme's api_key)"
    )


def test_dry_run_lists_requests_and_marks_control_steps_skipped(capsys):
    code = main(["run", str(HAPPY), "--target", "ekopost=https://api.ekopost.se/v1", "--dry-run"])
    assert code == 0
    out = capsys.readouterr().out
    assert "dry run: nothing is sent" in out and "1 listed (dry run)" in out
    assert "note: credentials: ekopost account acme: api_key from $EKOPOST_API_KEY" in out
    assert "note: clock: skipped: a real provider sandbox has no mockpost control plane" in out
    assert "→  2 add a postal envelope  POST /campaigns/<campaign>/envelopes" in out
    assert re.search(r"-  7 the output date arrives .*\[skipped: a real provider sandbox", out)
    assert re.search(r"- 11 the completion webhook .*\[skipped: a real provider sandbox", out)


def test_target_arguments_are_checked(capsys):
    assert main(["run", str(HAPPY), "--dry-run"]) == 2
    assert main(["run", str(HAPPY), "--target", "http://a", "--target", "ekopost=http://b"]) == 2
    assert main(["run", "no-such-file.yaml"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_target_without_the_provider_fails_setup_clearly(files):
    result = Runner(ProviderSandbox({"nirva": "http://x"})).run(load_file(files["passing"]))
    assert result.error is not None and "no --target URL for ekopost" in result.error


def test_in_process_runs_reuse_one_sandbox_and_start_clean(files):
    target = InProcess()
    try:
        first = Runner(target).run(load_file(files["passing"]))
        second = Runner(target).run(load_file(files["passing"]))
    finally:
        target.close()
    assert first.passed and second.passed
    assert len(target._handles) == 0


def test_serve_refuses_an_invalid_scenario_with_file_and_line(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text(textwrap.dedent("name: x\nproviders: [ekopost]\nclock: {start: tomorrow}\n"))
    assert main(["serve", "--port", "0", "--scenario", str(broken)]) == 2
    assert f"{broken}:3: clock.start: expected an ISO-8601 instant" in capsys.readouterr().err


def test_files_are_sent_as_multipart_with_form_fields():
    from mockpost.scenarios.targets import Outgoing

    seen: dict[str, bytes | str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["type"] = request.headers["content-type"]
        seen["body"] = request.read()
        return httpx.Response(201)

    outgoing = Outgoing(
        provider="nirva",
        method="POST",
        path="/jobs",
        headers={},
        query={},
        files={"file": ("letter.pdf", b"%PDF-1.4 letter")},
        form={"jobName": "March"},
    )
    with httpx.Client(transport=httpx.MockTransport(handler), base_url="http://x") as client:
        assert outgoing.send(client, "/jobs").status_code == 201
    assert str(seen["type"]).startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="letter.pdf"' in seen["body"] and b"%PDF-1.4 letter" in seen["body"]
    assert b'name="jobName"\r\n\r\nMarch' in seen["body"]


def test_a_rule_takeover_is_shown_on_the_step_during_which_it_happened():
    target = InProcess()
    try:
        result = Runner(target).run(load_file(RULES))
    finally:
        target.close()
    assert result.passed
    notes = [(step.title, step.note) for step in result.steps if step.note]
    assert len(notes) == 1
    title, note = notes[0]
    assert title == "at noon the fail- letter fails instead of going to print"
    assert re.fullmatch(r"rule 1: envelope [0-9a-f-]{36} → failed at 2030-03-04T12:00:00Z", note or "")
