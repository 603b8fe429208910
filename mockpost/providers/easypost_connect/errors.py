"""EasyPost Connect's error body: NestJS's `HttpException` shape.

`{"statusCode": 404, "message": "Job 'x' not found", "error": "Not Found"}`; a validation failure
(class-validator) carries `message` as a list of strings, each naming its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, TypeVar

from mockpost.core.http import ApiError
from mockpost.core.validation import Problem

# NestJS's own names (its built-in HttpException subclasses), where they differ from Python's
# HTTPStatus phrases, which also change between Python versions (3.13: "Content Too Large").
NEST_PHRASES = {
    413: "Payload Too Large",
    416: "Requested Range Not Satisfiable",
    422: "Unprocessable Entity",
}


def phrase(status: int) -> str:
    if status in NEST_PHRASES:
        return NEST_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ConnectError(ApiError):
    def __init__(self, status: int, message: str | list[str], headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.message = message
        self.headers = headers
        super().__init__(message if isinstance(message, str) else "; ".join(message))

    def body(self) -> Any:
        return {"statusCode": self.status, "message": self.message, "error": phrase(self.status)}


class BadRequest(ConnectError):
    def __init__(self, message: str | list[str]) -> None:
        super().__init__(400, message)


class Invalid(ConnectError):
    """A class-validator failure: always a list of messages naming the fields."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(400, list(dict.fromkeys(messages)) or ["the request is invalid"])


def invalid_body(problems: list[Problem]) -> Invalid:
    """A body that does not fit its model, as class-validator says it: one sentence per problem,
    naming the field (`payload.channelIdentifiers.0.kind must be one of the following values: ...`)."""
    return Invalid([sentence(problem) for problem in problems])


# class-validator's sentences, by pydantic's error type
_SAID = {
    "missing": "should not be empty",
    "string_too_short": "should not be empty",
    "string_type": "must be a string",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be an array",
    "bool_type": "must be a boolean value",
    "float_type": "must be a number",
    "int_type": "must be a number",
    "finite_number": "must be a number",
}
# ... and those that state the limit pydantic's message names (the first number in it)
_LIMITED = {
    "string_too_long": "must be shorter than or equal to {} characters",
    "too_short": "must contain at least {} elements",
    "too_long": "must contain no more than {} elements",
    "greater_than_equal": "must not be less than {}",
    "greater_than": "must not be less than {}",
    "less_than_equal": "must not be greater than {}",
    "less_than": "must not be greater than {}",
}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_TYPE_PARTS = frozenset({"str", "int", "float", "bool", "list", "dict"})


def sentence(problem: Problem) -> str:
    if not problem.field and problem.type in ("model_type", "model_attributes_type", "dict_type"):
        return "the request body must be a JSON object"
    name = field_name(problem.field)
    kind, message = problem.type, problem.message
    if kind in _SAID:
        return f"{name} {_SAID[kind]}"
    if kind in _LIMITED:
        limit = _NUMBER.search(message)
        return f"{name} {_LIMITED[kind].format(limit.group(0) if limit else '?')}"
    if kind == "string_pattern_mismatch":  # "String should match pattern '<pattern>'"
        pattern = message.partition("'")[2].rpartition("'")[0]
        return f"{name} must match {pattern} regular expression"
    if kind == "literal_error":  # "Input should be 'a', 'b' or 'c'"
        expected = message.removeprefix("Input should be ").replace("'", "").replace(" or ", ", ")
        return f"{name} must be one of the following values: {expected}"
    if kind == "value_error":  # one of the models' own validators: its words
        return f"{name} {message}"
    return f"{name} is invalid: {message}"


def field_name(path: str) -> str:
    """The dotted path as class-validator names it, without pydantic's validator and type steps."""
    parts = [
        part
        for part in path.split(".")
        if part and not part.startswith(("function-", "constrained-")) and part not in _TYPE_PARTS
    ]
    return ".".join(parts) or "body"


class Unauthorized(ConnectError):
    def __init__(self, message: str) -> None:
        super().__init__(401, message)


class Forbidden(ConnectError):
    def __init__(self, message: str) -> None:
        super().__init__(403, message)


class NotFound(ConnectError):
    def __init__(self, what: str, item_id: str) -> None:
        shown = item_id if len(item_id) <= 100 else item_id[:100] + "..."
        super().__init__(404, f"{what} with id '{shown}' not found")


T = TypeVar("T")


def found(items: Mapping[str, T], item_id: str, what: str) -> T:
    """`items[item_id]`, or the 404 for it."""
    item = items.get(item_id)
    if item is None:
        raise NotFound(what, item_id)
    return item


class Conflict(ConnectError):
    def __init__(self, message: str) -> None:
        super().__init__(409, message)


class UnsupportedMediaType(ConnectError):
    def __init__(self, message: str) -> None:
        super().__init__(415, message)


class OAuthError(ApiError):
    """The token endpoint answers as an OAuth 2.0 server (RFC 6749 section 5.2), with NestJS's
    `statusCode` and `message` beside `error`, so either kind of client reads it."""

    def __init__(self, status: int, error: str, description: str) -> None:
        self.status, self.error, self.description = status, error, description
        self.headers = {"WWW-Authenticate": "Basic"} if status == 401 else None
        super().__init__(description)

    def body(self) -> Any:
        return {
            "statusCode": self.status,
            "message": self.description,
            "error": self.error,
            "error_description": self.description,
        }
