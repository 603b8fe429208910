"""Request shapes from one source: a provider's pydantic models validate what a client sends, and
the provider maps the problems found to its own documented codes and envelope.

`validated(model, data, refuse)` returns the model or raises what `refuse(problems)` makes of the
problems — each a field path, pydantic's error type and a message — so a provider writes its
mapping once (e.g. "a missing `From` is code 133") instead of checking fields by hand. Hand-written
checks remain for rules across fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    field: str  # dotted path into the body ("address.recipient", "items.0.sku"); "" for the body
    type: str  # pydantic's error type: missing, string_type, literal_error, extra_forbidden, ...
    message: str
    value: Any = None

    @property
    def top(self) -> str:
        """The top-level field the problem is in."""
        return self.field.split(".", 1)[0]

    def describe(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def problems_of(error: ValidationError) -> list[Problem]:
    return [
        Problem(
            ".".join(str(part) for part in item["loc"]),
            item["type"],
            _message(item),
            item.get("input"),
        )
        for item in error.errors(include_url=False)
    ]


def _message(item: Any) -> str:
    if item["type"] in ("model_type", "dict_type", "model_attributes_type"):
        # pydantic names the model class here ("... or instance of CampaignCreate"): say it plainly
        return "must be a JSON object" if item["loc"] else "the body must be a JSON object"
    return str(item["msg"]).removeprefix("Value error, ")  # a validator's own words, without pydantic's


def validated(model: type[M], data: Any, refuse: Callable[[list[Problem]], Exception]) -> M:
    """`data` as `model`, or the provider's own error for what is wrong with it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise refuse(problems_of(exc)) from None
