"""Every problem of a scenario file is reported at once, whatever its kind: a value YAML cannot
read, a key the schema does not know, a variable used before it is saved. A user fixes the file
in one pass instead of one mistake per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockpost.cli import main
from mockpost.scenarios.loader import load_file
from mockpost.scenarios.yamlsource import ScenarioError

SEVERAL = """\
mockpost: 1
name: several mistakes
providers: [ekopost]
accounts:
  ekopost:
    acme: {api_key: k}
steps:
  - request: {metod: POST, pth: /campaigns}
    save: {campaign: $.id}
  - advance: soon
  - request: {path: "/campaigns/{{ campain }}"}
    expect: {json: {id: !uid}}
  - request: {path: /campaigns, account: nobody}
  - expect_webhook: {inbox: hooks, count: 1, count: 2}
  - request: {path: "/campaigns/{{ campaign }}", body: !file missing.pdf}
"""


def problems_of(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    path = tmp_path / "case.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_file(path)
    return caught.value.problems


def test_mistakes_of_every_kind_are_reported_together_each_with_its_line(tmp_path):
    found = "\n".join(f"{line}: {text}" for line, text in problems_of(tmp_path, SEVERAL))
    for expected in (
        "8: steps[0].request: unknown key 'metod'; expected one of:",
        "8: steps[0].request: unknown key 'pth'",
        "10: steps[1].advance: expected a duration",
        "11: steps[2].request: uses {{ campain }} before any step saves it (saved so far: campaign)",
        "12: unknown tag '!uid'",
        "13: steps[3].request.account: no account 'nobody' for ekopost",
        "14: duplicate key 'count' (first at line 14)",
        "15: cannot read 'missing.pdf'",
    ):
        assert expected in found, (expected, found)


def test_the_variables_an_invalid_step_saves_still_count(tmp_path):
    # step 1 is invalid (unknown key), but it saves `campaign`: step 2 using it is no problem
    problems = problems_of(tmp_path, SEVERAL)
    assert not any("{{ campaign }}" in text for _, text in problems)


def test_a_broken_top_level_still_reports_the_variables_of_the_steps(tmp_path):
    text = "mockpost: 1\nname: x\nsteps:\n  - request: {path: '/c/{{ nope }}'}\n  - advance: soon\n"
    found = "\n".join(f"{line}: {problem}" for line, problem in problems_of(tmp_path, text))
    assert "missing required key 'providers'" in found
    assert "4: steps[0].request: uses {{ nope }} before any step saves it" in found
    assert "5: steps[1].advance: expected a duration" in found


def test_the_run_command_prints_them_all(tmp_path, capsys):
    (tmp_path / "case.yaml").write_text(SEVERAL)
    assert main(["run", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert out.count(f"{tmp_path / 'case.yaml'}:") == 8
    assert "1 invalid" in out


@pytest.mark.parametrize(
    "line",
    [
        "  - request: {path: /campaigns/{{ campaign }}}",  # inside a flow mapping
        "  - request: {path: /x, json: {id: {{ campaign }}}}",  # a value that is only a placeholder
        "  - request:\n      path: {{ campaign }}",  # block style, starting with the placeholder
    ],
)
def test_an_unquoted_placeholder_in_flow_style_names_its_line_and_says_to_quote_it(tmp_path, line):
    text = "mockpost: 1\nname: x\nproviders: [ekopost]\nvariables: {campaign: c1}\nsteps:\n" + line + "\n"
    problems = problems_of(tmp_path, text)
    line_number, problem = problems[0]
    assert line_number == 6 + line.count("\n")
    assert 'quote a {{ variable }} that starts a value or sits inside {...}' in problem
    assert str(ScenarioError.several(str(tmp_path / "case.yaml"), problems)).startswith(
        f"{tmp_path / 'case.yaml'}:{line_number}: "
    )
