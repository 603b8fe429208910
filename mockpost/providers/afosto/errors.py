"""Afosto's error envelope: `{code, message, reference, errors: {"required": [...], "invalid value": [...]}}`.

`code` repeats the HTTP status, `reference` is a fresh id a support desk would ask for, and `errors`
names the offending fields per class. A few `/iam/profiles` endpoints document the same object
wrapped in a JSON array; `wrapped=True` renders that variant.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from mockpost.core.http import ApiError

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request entity too large",
    429: "Too many requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class AfostoError(ApiError):
    def __init__(
        self,
        status: int,
        message: str = "",
        *,
        required: Iterable[str] = (),
        invalid: Iterable[str] = (),
        wrapped: bool = False,
    ) -> None:
        self.status = status
        self.message = message or REASONS.get(status, "Error")
        self.required = list(dict.fromkeys(required))
        self.invalid = list(dict.fromkeys(invalid))
        self.wrapped = wrapped
        # The reference only identifies the failure; it is not business data, so it need not
        # follow the seeded id stream (and drawing from it would shift every later id).
        self.reference = str(uuid.uuid4())
        super().__init__(self.message)

    def body(self) -> Any:
        errors: dict[str, list[str]] = {}
        if self.required:
            errors["required"] = self.required
        if self.invalid:
            errors["invalid value"] = self.invalid
        envelope = {
            "code": self.status,
            "message": self.message,
            "reference": self.reference,
            "errors": errors,
        }
        return [envelope] if self.wrapped else envelope


def bad_request(message: str, *, required: Iterable[str] = (), invalid: Iterable[str] = ()) -> AfostoError:
    return AfostoError(400, message, required=required, invalid=invalid)


def not_found(what: str, key: str) -> AfostoError:
    return AfostoError(404, f"{what} {key!r} not found")


def conflict(message: str) -> AfostoError:
    return AfostoError(409, message)
