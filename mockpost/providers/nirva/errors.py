"""Nirva's error body. The documentation shows none; the issue pins `{"error", "message"}`.

`error` is the HTTP reason phrase (as a Java/Spring back end answers), `message` says what to fix.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from mockpost.core.http import ApiError


class NirvaError(ApiError):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)

    def body(self) -> Any:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Error"
        return {"error": phrase, "message": self.message}


class BadRequest(NirvaError):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


class Unauthorized(NirvaError):
    def __init__(self, message: str) -> None:
        super().__init__(401, message)


class Forbidden(NirvaError):
    def __init__(self, message: str) -> None:
        super().__init__(403, message)


class NotFound(NirvaError):
    def __init__(self, message: str) -> None:
        super().__init__(404, message)


class Conflict(NirvaError):
    def __init__(self, message: str) -> None:
        super().__init__(409, message)
