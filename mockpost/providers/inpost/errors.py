"""ShipX's error body `{status, error, message, details}` and its error keys.

`message` is human text in the language the client asked for with `Accept-Language` (`en_GB`,
`pl_PL`, or `keys` for the bare key). The language is read from a context variable that the
provider's ASGI wrapper sets per request, because errors are raised deep in the backend, far from
the request, and rendered by exception handlers that never see it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from mockpost.core.http import ApiError

LANGUAGES = ("en_GB", "pl_PL")
DEFAULT_LANGUAGE = "en_GB"
language: ContextVar[str] = ContextVar("inpost_language", default=DEFAULT_LANGUAGE)

# error key -> (en_GB, pl_PL). validation_failed is the wording the live API sends (OpenLinker #1803).
MESSAGES: dict[str, tuple[str, str]] = {
    "validation_failed": (
        "There are some validation errors. Check details object for more info.",
        "Wystąpiły błędy walidacji. Sprawdź obiekt details, aby uzyskać więcej informacji.",
    ),
    "resource_not_found": (
        "Resource you are looking for are not found",
        "Nie znaleziono zasobu, którego szukasz",
    ),
    "token_invalid": (
        "Access token is missing or invalid.",
        "Brak tokenu dostępu lub token jest nieprawidłowy.",
    ),
    "forbidden": ("You have no rights to perform this action.", "Brak uprawnień do wykonania tej akcji."),
    "invalid_parameter": (
        "One of the parameters has an invalid value. Check details object for more info.",
        "Jeden z parametrów ma nieprawidłową wartość. Sprawdź obiekt details.",
    ),
    "invalid_action": (
        "This action is not allowed in the current state of the resource.",
        "Ta akcja jest niedozwolona w obecnym stanie zasobu.",
    ),
    "offer_unavailable": ("The offer is not available.", "Oferta jest niedostępna."),
    "method_not_allowed": ("Method not allowed for this resource.", "Metoda niedozwolona dla tego zasobu."),
    "payload_too_large": ("Request body is too large.", "Treść żądania jest zbyt duża."),
    "internal_server_error": ("Internal server error.", "Wewnętrzny błąd serwera."),
    "service_unavailable": ("Service temporarily unavailable.", "Usługa chwilowo niedostępna."),
    "too_many_requests": ("Too many requests.", "Zbyt wiele żądań."),
    "error": ("The request could not be processed.", "Nie można przetworzyć żądania."),
}
STATUS_KEYS = {
    400: "validation_failed",
    401: "token_invalid",
    403: "forbidden",
    404: "resource_not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "too_many_requests",
    500: "internal_server_error",
    503: "service_unavailable",
}


def language_from(header: str | None) -> str:
    """`en_GB`, `pl_PL` or `keys` from an Accept-Language header; English when absent or unknown."""
    if not header:
        return DEFAULT_LANGUAGE
    first = header.split(",")[0].split(";")[0].strip().replace("-", "_").lower()
    if first == "keys":
        return "keys"
    if first.startswith("pl"):
        return "pl_PL"
    return DEFAULT_LANGUAGE


def message_for(key: str) -> str:
    chosen = language.get()
    if chosen == "keys":
        return key
    english, polish = MESSAGES.get(key, MESSAGES["error"])
    return polish if chosen == "pl_PL" else english


class ShipxError(ApiError):
    """An error in ShipX's envelope. `details` says what exactly is wrong (always an object)."""

    def __init__(self, status: int, error: str, details: dict[str, Any] | None = None) -> None:
        self.status = status
        self.error = error
        self.details: dict[str, Any] = details or {}
        super().__init__(f"{status} {error} {self.details}")

    def body(self) -> Any:
        return {
            "status": self.status,
            "error": self.error,
            "message": message_for(self.error),
            "details": self.details,
        }


class ValidationFailed(ShipxError):
    """400 validation_failed: `details` maps each field to error keys; nested objects as arrays of
    objects, as ShipX does (`{"receiver": [{"phone": ["required"]}]}`)."""

    def __init__(self, details: dict[str, Any]) -> None:
        super().__init__(400, "validation_failed", details)


class NotFound(ShipxError):
    def __init__(self, resource: str, ident: Any) -> None:
        super().__init__(404, "resource_not_found", {"resource": resource, "id": str(ident)})


class TokenInvalid(ShipxError):
    def __init__(self, reason: str) -> None:
        super().__init__(401, "token_invalid", {"reason": reason})


class NoAccessToOrganization(ShipxError):
    """The seed's `token_invalid` for "the user does not have access rights to a specific
    organization": an organization that exists but belongs to another account. The status is the one
    ShipX gives `token_invalid` everywhere (401, "authorisation required" in its status list), so a
    client reading the key and the status together sees one meaning."""

    def __init__(self, organization_id: Any) -> None:
        super().__init__(
            401,
            "token_invalid",
            {
                "resource": "organization",
                "id": str(organization_id),
                "reason": "the token has no access rights to this organization",
            },
        )


class Forbidden(ShipxError):
    """403 forbidden: the token may see the organization but has no right to this action (a token
    defined `read_only` in fixtures or accounts)."""

    def __init__(self, action: str) -> None:
        super().__init__(403, "forbidden", {"action": action, "reason": "the token is read-only"})


class InvalidParameter(ShipxError):
    def __init__(self, parameter: str, problem: str = "invalid_value", **extra: Any) -> None:
        super().__init__(400, "invalid_parameter", {parameter: [problem], **extra})


class InvalidAction(ShipxError):
    def __init__(self, action: str, status: str, **extra: Any) -> None:
        super().__init__(400, "invalid_action", {"action": action, "status": status, **extra})


def generic_error(status: int, message: str) -> ShipxError:
    """Unknown route, wrong method, unreadable body, injected fault: the same envelope."""
    key = STATUS_KEYS.get(status, "error")
    details: dict[str, Any] = {"reason": message}
    if status == 400:
        details = {"body": ["invalid_format"], "reason": message}
    return ShipxError(status, key, details)
