"""Matchers, the JSONPath subset and {{ variables }}: what an expectation accepts and refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockpost.scenarios import jsonpath
from mockpost.scenarios.matchers import compare
from mockpost.scenarios.rules import matches
from mockpost.scenarios.variables import UnknownVariable, render
from mockpost.scenarios.yamlsource import ScenarioError, load_document


def expected(text: str) -> object:
    """An expectation as a user writes it in YAML (tags included)."""
    return load_document(Path("inline.yaml"), f"value: {text}\n").data["value"]


def ok(expectation: str, actual: object) -> bool:
    return not compare(expected(expectation), actual).mismatches


def test_plain_values_compare_exactly_and_booleans_are_not_numbers():
    assert ok("3", 3) and not ok("3", 4) and not ok("'3'", 3)
    assert ok("true", True) and not ok("1", True) and not ok("true", 1)
    assert ok("null", None) and not ok("null", 0)


def test_a_mapping_checks_only_the_keys_it_lists():
    assert ok("{state: posted}", {"state": "posted", "id": "x"})
    assert not ok("{state: posted, name: a}", {"state": "posted"})
    mismatch = compare(expected("{a: {b: 1}}"), {"a": {"b": 2}}).mismatches[0]
    assert mismatch.path == "$.a.b"
    assert mismatch.lines() == ["- expected $.a.b: 1", "+ actual   $.a.b: 2"]


def test_a_list_checks_every_item_in_order():
    assert ok("[1, 2]", [1, 2]) and not ok("[1, 2]", [2, 1]) and not ok("[1]", [1, 2])
    assert ok("[{id: a}, {id: b}]", [{"id": "a", "x": 1}, {"id": "b"}])


def test_keys_that_are_not_identifiers_get_bracket_paths():
    mismatch = compare(expected("{$type: postal}"), {"$type": "email"}).mismatches[0]
    assert mismatch.path == "$['$type']"


def test_any_and_absent():
    assert ok("{id: !any }", {"id": None}) and not ok("{id: !any }", {})
    assert ok("{warning: !absent }", {"id": 1}) and not ok("{warning: !absent }", {"warning": "x"})


def test_type_names():
    assert ok("!type string", "x") and ok("!type integer", 3) and ok("!type number", 2.5)
    assert not ok("!type integer", True) and not ok("!type number", "1")
    assert ok("!type array", []) and ok("!type object", {}) and ok("!type null", None)
    assert ok("!type bool", False) and ok("!type str", "alias")


def test_regex_searches_text():
    assert ok(r"!regex '^RR\d{9}SE$'", "RR123456785SE")
    assert not ok(r"!regex '^RR\d{9}SE$'", "RR1SE") and not ok("!regex 'x'", 5)
    assert ok("!regex '[0-9]+'", "abc123")  # looks like a YAML list, read as a pattern


def test_uuid_and_iso_dates():
    assert ok("!uuid", "3be87802-9e1e-4d08-a3b2-92dfa81d8d8a")
    assert not ok("!uuid", "3be87802") and not ok("!uuid", 12)
    for value in (
        "2030-03-04T09:00:00",
        "2030-03-04T09:00:00Z",
        "2030-03-04",
        "2030-03-04T09:00:00.1234567+01:00",
    ):
        assert ok("!date", value), value
    assert not ok("!date", "04/03/2030") and not ok("!date", None)


def test_length_exact_or_range():
    assert ok("!length 2", [1, 2]) and ok("!length 3", "abc") and not ok("!length 2", [1])
    assert ok("!length {min: 1}", [1, 2]) and not ok("!length {min: 1, max: 1}", [1, 2])
    assert not ok("!length 1", 5)


def test_contains_in_lists_text_and_objects():
    assert ok("!contains {StatusName: failed}", [{"StatusName": "posted"}, {"StatusName": "failed"}])
    assert not ok("!contains {StatusName: failed}", [{"StatusName": "posted"}])
    assert ok("!contains postnord", "https://tracking.postnord.com/se")
    assert ok("!contains {a: 1}", {"a": 1, "b": 2})


def test_exact_refuses_extra_keys():
    assert ok("!exact {a: 1}", {"a": 1})
    mismatch = compare(expected("!exact {a: 1}"), {"a": 1, "b": 2}).mismatches[0]
    assert (mismatch.path, mismatch.expected) == ("$.b", "no such key")


def test_matchers_work_in_flow_style_without_a_space():
    assert ok("{id: !uuid, name: x}", {"id": "3be87802-9e1e-4d08-a3b2-92dfa81d8d8a", "name": "x"})


def test_jsonpath_subset():
    document = {"items": [{"id": 1, "$type": "a"}, {"id": 2}], "a": {"b": [None, {"c": "deep"}]}}
    assert jsonpath.parse("$.items[*].id").find(document) == [1, 2]
    assert jsonpath.parse("$.a.b[1].c").find(document) == ["deep"]
    assert jsonpath.parse("$.items[-1].id").find(document) == [2]
    assert jsonpath.parse("$.items[0]['$type']").find(document) == ["a"]
    assert jsonpath.parse("$.items[0].$type").find(document) == ["a"]
    assert jsonpath.parse("$.a.*").find(document) == [[None, {"c": "deep"}]]
    assert jsonpath.parse("$").find(document) == [document]
    assert jsonpath.parse("$.missing.x").find(document) == []
    assert jsonpath.parse("$.items[*].id").is_multiple and not jsonpath.parse("$.a").is_multiple
    for bad in ("items", "$..id", "$.items[?(@.id ==)]"):
        with pytest.raises(jsonpath.JSONPathError):
            jsonpath.parse(bad)


def test_variables_fill_whole_values_and_text():
    saved = {"campaign": "c-1", "count": 2, "address": {"city": "Borås"}, "ids": ["a", "b"]}
    assert render("/campaigns/{{ campaign }}/close", saved) == "/campaigns/c-1/close"
    assert render("{{ count }}", saved) == 2  # a whole placeholder keeps the saved type
    assert render({"address": "{{address}}"}, saved) == {"address": {"city": "Borås"}}
    assert render("{{ address.city }} / {{ ids[1] }}", saved) == "Borås / b"
    assert render(["{{ count }} items"], saved) == ["2 items"]
    matcher = render(expected("!contains '{{ campaign }}'"), saved)
    assert not compare(matcher, "campaign c-1 failed").mismatches
    with pytest.raises(
        UnknownVariable, match=r"no variable \{\{ nope \}\} \(saved so far: address, campaign"
    ):
        render("{{ nope }}", saved)


def test_rule_where_matches_globs_lists_and_dotted_fields():
    envelope = {"name": "fail-7", "address": {"$type": "email"}, "postage": "economy", "color": False}
    assert matches({"name": "fail-*"}, envelope)
    assert not matches({"name": "fail-?0"}, envelope)
    assert matches({"address.$type": ["sms", "email"]}, envelope)
    assert matches({"color": False}, envelope) and not matches({"color": 0}, envelope)
    assert not matches({"name": "fail-*", "postage": "rek"}, envelope)


def test_rule_where_reaches_into_lists_of_any_provider():
    event = {
        "businessStatus": "SENT",
        "channelIdentifiers": [
            {"kind": "PHONE_NUMBER", "value": "+32470000001"},
            {"kind": "EMAIL_ADDRESS", "value": "ann@blocked.example"},
        ],
        "tags": ["urgent", "paper"],
    }
    assert matches({"channelIdentifiers.value": "*@blocked.example"}, event)
    assert not matches({"channelIdentifiers.value": "*@example.be"}, event)
    assert matches({"channelIdentifiers.kind": "EMAIL_ADDRESS", "tags": "paper"}, event)
    assert not matches({"tags": "electronic"}, event)
    assert matches({"missing.field": None}, event)


def test_unordered_takes_the_items_in_any_order_but_all_of_them():
    assert ok("!unordered [{id: b}, {id: a}]", [{"id": "a", "x": 1}, {"id": "b"}])
    assert not ok("!unordered [{id: a}, {id: a}]", [{"id": "a"}, {"id": "b"}])
    assert not ok("!unordered [a, b]", ["a", "b", "c"])
    assert ok("!unordered [!regex '^a', a1]", ["a1", "a2"])  # each expected item gets its own
    mismatch = compare(expected("!unordered [a]"), ["b"]).mismatches[0]
    assert mismatch.path == "$" and "in any order" in mismatch.expected


def test_an_unknown_tag_lists_the_tags_that_exist():
    with pytest.raises(ScenarioError) as caught:
        load_document(Path("inline.yaml"), "a: 1\nvalue: {id: !uid}\n")
    assert caught.value.line == 2
    assert "unknown tag '!uid'; expected a matcher (" in caught.value.problem
    assert "!unordered" in caught.value.problem and "!file" in caught.value.problem


def test_quoted_text_that_looks_like_a_tag_is_kept_as_written():
    document = load_document(Path("inline.yaml"), 'value: {a: "Hi !there}", b: !uuid, c: [!any]}\n')
    value = document.data["value"]
    assert value["a"] == "Hi !there}"
    assert ok("!uuid", "3f2c1e9a-1b2c-4d5e-8f90-1a2b3c4d5e6f") and value["c"][0].tag == "!any"
