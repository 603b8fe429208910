"""Request shapes from one source: models validate, the provider maps problems to its own error."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, StrictInt, StrictStr

from mockpost.core.validation import Problem, validated


class Parcel(BaseModel):
    name: StrictStr
    weight: StrictInt


class Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def test_valid_data_becomes_the_model():
    assert validated(Parcel, {"name": "box", "weight": 2}, Refused) == Parcel(name="box", weight=2)


def test_the_provider_gets_every_problem_with_its_field_and_kind():
    with pytest.raises(Refused) as caught:
        validated(Parcel, {"weight": "heavy"}, Refused)
    assert [(p.field, p.type) for p in caught.value.problems] == [("name", "missing"), ("weight", "int_type")]


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_a_body_that_is_not_an_object_is_said_plainly_without_class_names(body):
    with pytest.raises(Refused) as caught:
        validated(Parcel, body, Refused)
    [problem] = caught.value.problems
    assert problem.describe() == "the body must be a JSON object"
    assert "Parcel" not in problem.describe()
