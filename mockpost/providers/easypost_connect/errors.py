"""EasyPost Connect's error body: NestJS's `HttpException` shape.

`{"statusCode": 404, "message": "Job 'x' not found", "error": "Not Found"}`; a validation failure
(class-validator) carries `message` as a list of strings, each naming its field.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from mockpost.core.http import ApiError

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
