"""Control-plane requests the OpenAPI fuzzing found answered with a 500 or other than its document
says, each as its minimal reproducer."""

from __future__ import annotations

import httpx
import pytest

from mockpost.testing import Mockpost


@pytest.fixture
def control(mockpost: Mockpost) -> httpx.Client:
    return mockpost.client()


@pytest.mark.parametrize("value", [[], {}])
def test_a_scenario_timeline_value_that_is_no_duration_is_a_422_naming_it(control, value) -> None:
    answer = control.post("/_mockpost/scenarios", json={"rules": [{"timeline": {"step": value}}]})
    assert answer.status_code == 422
    problems = [item["problem"] for item in answer.json()["detail"]]
    assert any("expected a duration such as '90s'" in problem for problem in problems), problems
