"""A mistake in a scenario gets an error that names the file, the line and what was expected."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mockpost.scenarios.loader import load_file, load_text
from mockpost.scenarios.yamlsource import ScenarioError

HEAD = """\
name: checks
providers: [ekopost]
accounts:
  ekopost:
    acme: {api_key: k}
"""


def write(tmp_path: Path, body: str, head: str = HEAD) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(head + textwrap.dedent(body))
    return path


def error_of(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_file(path)
    return caught.value


def test_a_valid_scenario_loads(tmp_path):
    path = write(tmp_path, "steps:\n  - request: {path: /campaigns}\n    expect: {status: 200}\n")
    loaded = load_file(path)
    assert loaded.scenario.steps[0].request is not None
    assert loaded.scenario.steps[0].request.method == "GET"


def test_a_typo_in_a_step_key_names_its_line_and_the_keys_expected(tmp_path):
    path = write(
        tmp_path,
        """\
        steps:
          - request:
              metod: POST
              path: /campaigns
        """,
    )
    error = error_of(path)
    assert error.line == 8
    assert str(error).startswith(f"{path}:8: steps[0].request: unknown key 'metod'; expected one of:")
    assert "method" in error.problem and "path" in error.problem


def test_a_missing_required_key_points_at_its_mapping(tmp_path):
    path = write(tmp_path, "steps:\n  - name: no inbox\n    expect_webhook: {count: 1}\n")
    error = error_of(path)
    assert (error.line, error.problem) == (8, "steps[0].expect_webhook: missing required key 'inbox'")


def test_a_request_needs_a_path_or_a_url(tmp_path):
    error = error_of(write(tmp_path, "steps:\n  - name: nowhere\n    request: {method: GET}\n"))
    assert error.line == 8
    assert error.problem.startswith("steps[0].request: a request has exactly one of 'path'")


def test_a_value_of_the_wrong_type_says_what_was_expected(tmp_path):
    path = write(tmp_path, "steps:\n  - request: {path: /x}\n    expect:\n      status: two hundred\n")
    error = error_of(path)
    assert error.line == 9
    assert "steps[0].expect.status" in error.problem and "integer" in error.problem


def test_a_step_does_one_thing(tmp_path):
    path = write(tmp_path, "steps:\n  - request: {path: /x}\n    advance: 1h\n")
    error = error_of(path)
    assert error.line == 7
    assert "a step does one thing, found request and advance" in error.problem


def test_a_step_without_an_action_lists_the_actions(tmp_path):
    error = error_of(write(tmp_path, "steps:\n  - name: nothing\n"))
    assert error.line == 7
    assert "a step needs one of: request, advance, expect_webhook, repeat, transition, fault" in error.problem


def test_a_bad_duration_gives_examples(tmp_path):
    error = error_of(write(tmp_path, "steps:\n  - advance: two days\n"))
    assert error.line == 7
    assert "expected a duration such as '90s', '15m', '2h30m' or '7d'" in error.problem


def test_unknown_top_level_key(tmp_path):
    error = error_of(write(tmp_path, "stepz: []\n"))
    assert error.line == 6
    assert "unknown key 'stepz'" in error.problem and "steps" in error.problem


def test_an_unknown_provider_lists_the_known_ones(tmp_path):
    path = write(tmp_path, "steps: []\n", head="name: x\nproviders: [ekopost, fedex]\n")
    error = error_of(path)
    assert error.line == 2 and "unknown provider 'fedex'; expected one of: " in error.problem
    assert "easypost-connect" in error.problem and "ekopost" in error.problem


def test_a_variable_used_before_it_is_saved(tmp_path):
    path = write(
        tmp_path,
        """\
        steps:
          - request: {method: POST, path: /campaigns}
            save: {campaign: $.id}
          - request: {path: "/campaigns/{{ campain }}"}
        """,
    )
    error = error_of(path)
    assert error.line == 9
    assert "uses {{ campain }} before any step saves it (saved so far: campaign)" in error.problem


def test_a_bad_jsonpath_in_save(tmp_path):
    error = error_of(write(tmp_path, "steps:\n  - request: {path: /x}\n    save: {id: 'id'}\n"))
    assert error.line == 8 and "a JSONPath starts with '$'" in error.problem


def test_rule_states_are_checked_against_the_lifecycle(tmp_path):
    path = write(
        tmp_path,
        """\
        rules:
          - provider: ekopost
            resource: envelope
            where: {name: "fail-*"}
            when: [transfered]
            then: {state: failed}
          - provider: ekopost
            resource: envelope
            when: posted
            then: {state: failed}
        steps: []
        """,
    )
    error = error_of(path)
    problems = dict(error.problems)
    assert "'transfered' is not a envelope state; expected one of:" in problems[10]
    assert "a envelope cannot go from 'posted' to 'failed'" in problems[15]


def test_an_incomplete_rule(tmp_path):
    error = error_of(write(tmp_path, "rules:\n  - provider: ekopost\n    resource: envelope\nsteps: []\n"))
    assert error.line == 7 and "a state rule needs resource, where, when and then" in error.problem


def test_an_unknown_matcher_tag_names_its_line(tmp_path):
    error = error_of(write(tmp_path, "steps:\n  - request: {path: /x}\n    expect: {json: {id: !uid }}\n"))
    assert error.line == 8 and "!uid" in error.problem


def test_a_bad_regex_and_a_bad_type_name(tmp_path):
    error = error_of(
        write(tmp_path, "steps:\n  - request: {path: /x}\n    expect: {json: {a: !regex '('}}\n")
    )
    assert error.line == 8 and error.problem.startswith("!regex: bad regular expression")
    error = error_of(
        write(tmp_path, "steps:\n  - request: {path: /x}\n    expect: {json: {a: !type text}}\n")
    )
    assert "unknown type 'text'; use one of" in error.problem


def test_a_missing_file_for_base64(tmp_path):
    path = write(tmp_path, "steps:\n  - request: {path: /x, json: {data: !base64 fixtures/nope.pdf}}\n")
    error = error_of(path)
    assert error.line == 7 and "cannot read 'fixtures/nope.pdf'" in error.problem


def test_yaml_syntax_errors_carry_their_line(tmp_path):
    error = error_of(write(tmp_path, "steps:\n  - request: {path: /x\n"))
    assert error.line is not None and error.problem.startswith("not valid YAML")


def test_an_account_needs_credentials(tmp_path):
    path = write(
        tmp_path, "steps: []\n", head="name: x\nproviders: [ekopost]\naccounts:\n  ekopost:\n    a: {}\n"
    )
    error = error_of(path)
    assert error.line == 5 and "needs api_key, or username and password" in error.problem


def test_which_account_when_there_are_several(tmp_path):
    head = "name: x\nproviders: [ekopost]\naccounts:\n  ekopost:\n    a: {api_key: a}\n    b: {api_key: b}\n"
    error = error_of(
        write(tmp_path, "steps:\n  - request: {path: /x}\n  - request: {path: /x, account: c}\n", head)
    )
    assert dict(error.problems)[8] == "steps[0].request: say which account: ekopost has a, b"
    assert "no account 'c' for ekopost" in dict(error.problems)[9]


def test_signature_needs_an_account_whose_webhook_feeds_the_inbox(tmp_path):
    body = """\
    steps:
      - request: {method: POST, path: /hooks, json: {url: "{{ mockpost_url }}/_mockpost/inbox/hooks"}}
      - expect_webhook: {inbox: hooks, signature: true}
    """
    error = error_of(write(tmp_path, body))
    assert error.line == 8 and "no account whose webhook goes to inbox 'hooks'" in error.problem
    assert "secret:" in error.problem


def test_every_problem_is_reported_at_once(tmp_path):
    error = error_of(write(tmp_path, "steps:\n  - request: {path: x}\n  - advance: soon\n"))
    assert [line for line, _ in error.problems] == [7, 8]
    assert len(str(error).splitlines()) == 2


def test_a_scenario_sent_as_text_is_checked_the_same_way():
    with pytest.raises(ScenarioError) as caught:
        load_text("name: x\nproviders: [ekopost]\nsteps:\n  - advance: 1 week\n", "posted")
    assert str(caught.value).startswith("posted:4: steps[0].advance: expected a duration")


def test_an_unknown_account_key_names_the_provider_keys(tmp_path):
    path = write(
        tmp_path,
        "steps: []\n",
        head="name: x\nproviders: [ekopost]\naccounts:\n  ekopost:\n    a:\n      apikey: k\n",
    )
    error = error_of(path)
    assert error.line == 6
    assert "unknown key 'apikey' for a ekopost account; expected one of: api_key, username" in error.problem
