"""The control plane's error envelope, shared by /_mockpost and providers' own control routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from mockpost.core.http import ApiError
from mockpost.core.validation import Problem, validated


class ControlError(ApiError):
    def __init__(self, status: int, error: str, detail: Any = None) -> None:
        self.status, self.error, self.detail = status, error, detail
        super().__init__(error)

    def body(self) -> Any:
        return {"error": self.error, "detail": self.detail}


def validate_body(model: type[BaseModel], data: Any) -> Any:
    """The body as `model`, or a 422 naming each field and its problem."""
    return validated(model, data if data is not None else {}, refuse_body)


def refuse_body(problems: list[Problem]) -> ControlError:
    details = [{"field": problem.field or "(body)", "problem": problem.message} for problem in problems]
    return ControlError(422, "invalid request body", details)
