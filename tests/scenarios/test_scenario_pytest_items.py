"""pytest collects the declared scenarios below scenarios/ as tests marked `scenario`, each step
reported; the project's other YAML files are left alone."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

GOOD = """\
mockpost: 1
name: campaigns are created opened
providers: [ekopost]
accounts:
  ekopost:
    acme: {api_key: k}
steps:
  - name: create a campaign
    request: {method: POST, path: /campaigns, json: {name: X, cost_center: !text fixtures/doc.txt}}
    expect: {json: {state: opened, cost_center: four}}
"""
BAD = GOOD.replace("name: campaigns are created opened", "name: a failing one").replace(
    "state: opened,", "state: posted,"
)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", **{"scenarios/ekopost/good": GOOD, "scenarios/ekopost/bad": BAD})
    pytester.makefile(".txt", **{"scenarios/ekopost/fixtures/doc": "four"})
    pytester.makefile(".yaml", **{"scenarios/ekopost/fixtures/not_a_scenario": "just: data"})
    pytester.makefile(".yaml", **{"config/other": "name: not under scenarios/"})
    broken = "mockpost: 1\nname: broken\nproviders: [ekopost]\nsteps:\n  - advance: x\n"
    pytester.makefile(".yaml", **{"scenarios/broken": broken})
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    return pytester


def test_scenarios_are_collected_as_items_and_only_them(project):
    result = project.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    out = result.stdout.str()
    assert "scenarios/ekopost/good.yaml::campaigns are created opened" in out
    assert "scenarios/ekopost/bad.yaml::a failing one" in out
    assert "scenarios/broken.yaml::broken" in out
    assert "not_a_scenario" not in out and "config/other" not in out


def test_the_marker_selects_scenarios(project):
    result = project.runpytest("-m", "not scenario", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, deselected=3)


def test_steps_are_reported_and_failures_show_the_diff(project):
    result = project.runpytest("-m", "scenario", "-rA", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    out = result.stdout.str()
    assert "scenario steps" in out  # the report section of the passing scenario
    assert "✓  1 create a campaign  POST /campaigns → 200" in out
    assert "- expected $.state: 'posted'" in out and "+ actual   $.state: 'opened'" in out
    assert "invalid scenario:" in out and "broken.yaml:5: steps[0].advance: expected a duration" in out


LOAD_PROFILE = """\
name: nightly load
stages:
  - {duration: 5m, users: 50}
"""


def test_only_files_that_declare_themselves_scenarios_are_collected(pytester):
    pytester.makefile(".yaml", **{"scenarios/ekopost/good": GOOD, "scenarios/load/profile": LOAD_PROFILE})
    pytester.makefile(".txt", **{"scenarios/ekopost/fixtures/doc": "four"})
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "profile" not in result.stdout.str() and "invalid scenario" not in result.stdout.str()


def test_fixture_folders_never_count_even_with_the_declaration(pytester):
    pytester.makefile(".yaml", **{"scenarios/ekopost/fixtures/world": GOOD, "scenarios/ekopost/data/w": GOOD})
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    assert "world" not in result.stdout.str() and "data/w" not in result.stdout.str()


def test_scenarios_outside_the_project_scenarios_folder_are_not_collected_by_default(pytester):
    pytester.makefile(".yaml", **{"tests/scenarios/good": GOOD})
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    assert "good.yaml" not in result.stdout.str()


def test_the_ini_option_names_the_scenario_folders(pytester):
    pytester.makeini("[pytest]\nmockpost_scenarios = contract other\n")
    pytester.makefile(
        ".yaml",
        **{"contract/ekopost/good": GOOD, "other/good2": GOOD, "scenarios/ekopost/not_here": GOOD},
    )
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    out = result.stdout.str()
    assert "contract/ekopost/good.yaml::" in out and "other/good2.yaml::" in out
    assert "not_here" not in out


def test_a_declared_file_named_on_the_command_line_is_collected_wherever_it_is(pytester):
    path = pytester.makefile(".yaml", **{"elsewhere/good": GOOD})
    pytester.makefile(".txt", **{"elsewhere/fixtures/doc": "four"})
    result = pytester.runpytest(str(path), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
