"""The control plane's error envelope, shared by /_mockpost and providers' own control routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from mockpost.core.http import ApiError


class ControlError(ApiError):
    def __init__(self, status: int, error: str, detail: Any = None) -> None:
        self.status, self.error, self.detail = status, error, detail
        super().__init__(error)

    def body(self) -> Any:
        return {"error": self.error, "detail": self.detail}


def validate_body(model: type[BaseModel], data: Any) -> Any:
    """The body as `model`, or a 422 naming each field and its problem."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        details = [
            {
                "field": ".".join(str(p) for p in err["loc"]) or "(body)",
                "problem": str(err["msg"]).removeprefix("Value error, "),
            }
            for err in exc.errors()
        ]
        raise ControlError(422, "invalid request body", details) from None
