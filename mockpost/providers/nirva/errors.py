"""Nirva's error body. The documentation shows none; the issue pins `{"error", "message"}`.

`error` is the HTTP reason phrase (as a Java/Spring back end answers), `message` says what to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from mockpost.core.http import ApiError
from mockpost.core.numbers import is_digits
from mockpost.core.validation import Problem


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


def refused(words: Mapping[str, str]) -> Callable[[list[Problem]], NirvaError]:
    """How a request model refuses a body (`core.validation.validated`): a 400 about its first
    problem, in the words given for the problem's field. The words of the longest path that matches
    win; list positions are written `*` (`options.*` for an item, `options` for the list itself, `""`
    for the body as a whole); `path:missing` words are for a value that is missing or null, and
    `{value}` stands for what was sent. A field without words keeps pydantic's own."""

    def refuse(problems: list[Problem]) -> NirvaError:
        problem = problems[0]
        parts = ["*" if is_digits(part) else part for part in problem.field.split(".") if part]
        missing = problem.type == "missing" or problem.value is None
        for end in range(len(parts), -1, -1):
            path = ".".join(parts[:end])
            text = (words.get(f"{path}:missing") if missing else None) or words.get(path)
            if text is not None:
                return BadRequest(text.replace("{value}", f"{problem.value!r:.60}"))
        return BadRequest(problem.describe())

    return refuse
