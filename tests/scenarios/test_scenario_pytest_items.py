"""pytest collects scenarios/**/*.yaml as tests marked `scenario`, each step reported."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

GOOD = """\
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
    pytester.makefile(
        ".yaml", **{"scenarios/broken": "name: broken\nproviders: [ekopost]\nsteps:\n  - advance: x\n"}
    )
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
    assert "invalid scenario:" in out and "broken.yaml:4: steps[0].advance: expected a duration" in out
