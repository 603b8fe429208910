"""JSONPath filters in `jsonpath` expectations and `save`: `[?(@.status == 'x')]` with ==, !=, <,
>, <=, >=, existence, !, && and ||, compared as JSON (RFC 9535), with a clear error for a filter
that cannot be read."""

from __future__ import annotations

import textwrap

import pytest

from mockpost.scenarios import jsonpath
from mockpost.scenarios.loader import load_text
from mockpost.scenarios.runner import Runner
from mockpost.scenarios.targets import InProcess
from mockpost.scenarios.yamlsource import ScenarioError

ITEMS = {
    "limit": 2,
    "items": [
        {"id": 1, "status": "posted", "pages": 3, "tags": ["a"]},
        {"id": 2, "status": "failed", "pages": 1, "error": None},
        {"id": 3, "status": "posted", "pages": True},
        {"id": 4, "status": "opened", "pages": 2.0, "name": "it's"},
    ],
}


def ids(path: str) -> list[int]:
    return jsonpath.parse(path).find(ITEMS)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.items[?(@.status=='posted')].id", [1, 3]),
        ('$.items[?(@.status == "posted")].id', [1, 3]),
        ("$.items[?(@.status != 'posted')].id", [2, 4]),
        ("$.items[?(@.pages > 1)].id", [1, 4]),
        ("$.items[?(@.pages >= 2)].id", [1, 4]),
        ("$.items[?(@.pages < 3)].id", [2, 4]),
        ("$.items[?(@.pages <= 1)].id", [2]),
        ("$.items[?(@.pages == 2)].id", [4]),  # 2.0 is the number 2
        ("$.items[?(@.pages == true)].id", [3]),  # true is not 1
        ("$.items[?(@.pages <= $.limit)].id", [2, 4]),  # $ is the whole document
        ("$.items[?(@.error)].id", [2]),  # the key exists (its value is null)
        ("$.items[?(!@.error)].id", [1, 3, 4]),
        ("$.items[?(@.error == null)].id", [2]),
        ("$.items[?(@.missing == @.other)].id", [1, 2, 3, 4]),  # nothing equals nothing
        ("$.items[?(@.status == 'posted' && @.pages == 3)].id", [1]),
        ("$.items[?(@.status == 'failed' || @.status == 'opened')].id", [2, 4]),
        ("$.items[?((@.id == 1 || @.id == 2) && !(@.status == 'failed'))].id", [1]),
        ("$.items[?@.status == 'opened'].id", [4]),  # RFC 9535's form without parentheses
        ("$.items[?(@.name == 'it\\'s')].id", [4]),
        ("$.items[?(@.tags[0] == 'a')].id", [1]),
        ("$.items[?(@.status > 'opened')].id", [1, 3]),  # text compares with text
        ("$.items[?(@.status > 1)].id", []),  # text and a number do not compare
    ],
)
def test_filters_keep_the_items_for_which_they_hold(path, expected):
    assert ids(path) == expected
    assert jsonpath.parse(path).is_multiple


def test_a_filter_on_an_object_looks_at_its_values():
    document = {"byId": {"a": {"state": "x"}, "b": {"state": "y"}}}
    assert jsonpath.parse("$.byId[?(@.state == 'y')]").find(document) == [{"state": "y"}]


def test_a_filter_on_a_list_of_plain_values_uses_the_item_itself():
    assert jsonpath.parse("$[?(@ >= 2)]").find([1, 2, 3]) == [2, 3]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("$.items[?(@.id ==)]", "expected a value"),
        ("$.items[?(@.id == 1]", "expected ')'"),
        ("$.items[?(1)]", "expected a comparison"),
        ("$.items[?(@.id = 1)]", "'==' to compare"),
        ("$.items[?(@[*].id == 1)]", "a path inside a filter has no wildcard"),
        ("$.items[?(@.id == 1) && ]", "expected a value"),
        ("$.items[?(@.tags == ['a'])]", "expected a value"),  # literals: text, numbers, true, false, null
    ],
)
def test_a_filter_that_cannot_be_read_says_what_was_expected(path, says):
    with pytest.raises(jsonpath.JSONPathError, match=r"cannot read the filter in JSONPath") as caught:
        jsonpath.parse(path)
    assert says in str(caught.value)


SCENARIO = """\
mockpost: 1
name: filters pick items from a list
providers: [ekopost]
clock: {start: "2030-03-04T09:00:00Z"}
accounts:
  ekopost:
    acme: {api_key: acme-key}
steps:
  - request: {method: POST, path: /campaigns, json: {name: March}}
  - request: {method: POST, path: /campaigns, json: {name: April, cost_center: Sales}}
    save: {april: $.id}
  - request: {path: /campaigns}
    expect:
      jsonpath:
        "$[?(@.name == 'April')].cost_center": [Sales]
        "$[?(@.cost_center != null)].name": [April]
        "$[?(@.cost_center)].name": !length 2  # the key is there, null or not
        "$[?(@.name != 'April' && @.state == 'opened')].name": [March]
    save:
      march: "$[?(@.name == 'March')].id"
      also_april: "$[?(@.id == '{{ april }}')].name"
  - request: {path: "/campaigns/{{ march[0] }}"}
    expect: {json: {name: March}}
  - request: {path: /campaigns}
    expect: {jsonpath: {"$[?(@.name == '{{ also_april[0] }}')].id": ["{{ april }}"]}}
"""


def test_filters_work_in_expectations_and_save_with_saved_values():
    target = InProcess()
    try:
        result = Runner(target).run(load_text(textwrap.dedent(SCENARIO), "filters.yaml"))
    finally:
        target.close()
    assert result.passed, [(s.title, s.detail, s.diff) for s in result.steps]


def test_a_filter_using_a_variable_not_yet_saved_is_refused_at_load():
    text = SCENARIO.replace("'{{ april }}'", "'{{ may }}'")
    with pytest.raises(ScenarioError, match=r"steps\[2\]\.save: uses \{\{ may \}\} before any step saves it"):
        load_text(text, "filters.yaml")
