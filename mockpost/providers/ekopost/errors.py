"""Ekopost's error object and its documented codes.

Handled errors are 400 with `{error_code, error_message, developer_message}`. Unknown campaigns and
envelopes are 404 carrying their documented codes (106, 111); see README for that choice.
"""

from __future__ import annotations

from typing import Any

from mockpost.core.http import ApiError

# The documented error code values, with the documentation's own wording.
MESSAGES: dict[str, str] = {
    "0": "Invalid basic authentication token.",
    "100A": "The envelope must contain atleast one (1) document before being closed.",
    "100B": "The envelope must contain atleast one (1) markup before being closed.",
    "101": "A campaign must contain atleast one (1) envelope before being closed.",
    "102": "All envelopes inside a campaign must be closed before closing the campaign.",
    "103": "An envelope may only contain one (1) document.",
    "104": "An envelope may only contain content with mime of 'application/pdf'.",
    "105": "Could not extract or identify a postal address in the envelopes main documents.",
    "106": "Campaign was not found.",
    "107": "Could not open the main document content or find any pages.",
    "108": "An envelope may only contain content of type 'attachment' with mime set to 'application/pdf'.",
    "109": "An envelope may only contain content of type 'markup' with mime set to 'application/xml'.",
    "110": "An envelope may only contain one (1) markup.",
    "111": "Envelope was not found.",
    "112": "Specified country is not a valid ISO 3166-1 encoded alpha-2 code.",
    "113": "You have exceeded your credit limit for the month, please contact our customer service to adjust "
    "your credit limit.",
    "114": "The searchparams is null.",
    "115": "The searchparams is invalid.",
    "116": "The timespan is invalid.",
    "117": "The document size is invalid.",
    "118": "The attachment size is invalid.",
    "119": "Missing recipient.",
    "120": "Missing email",
    "121": "Can not create more envelopes in campaign",
    "122": "One signer needed",
    "123": "Email address contains invalid characters.",
    "124": "FUI-number is not registrered",
    "125": "No applicants registrered for this FUI",
    "126": "Not unique",
    "127": "Invalid data",
    "128": "Wrong mime for sms. Mime should be 'text/plain'",
    "129": "Empty data field",
    "130": "Sms text message not encoded into base64",
    "131": "Sms recipients contains invalid phone number.",
    "132": "Sms does not contain any recipients",
    "133": 'Sms "FromName" is null or empty.',
    "134": "Sms too many recipients (100 000 is the max limit)",
    "135": "Address validation error",
}


class EkopostError(ApiError):
    """An Ekopost error: a documented code, and a developer message that says what to fix."""

    status = 400

    def __init__(self, code: str, developer_message: str = "", status: int | None = None) -> None:
        if code not in MESSAGES:
            raise ValueError(f"undocumented Ekopost error code {code!r}")
        self.code = code
        self.developer_message = developer_message
        if status is not None:
            self.status = status
        super().__init__(f"{code}: {MESSAGES[code]} {developer_message}".strip())

    @property
    def error_message(self) -> str:
        if self.code == "135" and self.developer_message:
            return f"{MESSAGES['135']}: {self.developer_message}"
        return MESSAGES[self.code]

    def body(self) -> Any:
        return {
            "error_code": self.code,
            "error_message": self.error_message,
            "developer_message": self.developer_message,
        }


class Unauthorized(EkopostError):
    def __init__(self, developer_message: str) -> None:
        super().__init__("0", developer_message)


class CampaignNotFound(EkopostError):
    def __init__(self, campaign_id: str) -> None:
        super().__init__("106", f"No campaign with id {campaign_id!r} in this account.", status=404)


class EnvelopeNotFound(EkopostError):
    def __init__(self, envelope_id: str) -> None:
        super().__init__("111", f"No envelope with id {envelope_id!r} in this campaign.", status=404)


class NotFound(ApiError):
    """A 404 the documentation shows without a body (reachable checks)."""

    status = 404

    def __init__(self, what: str = "") -> None:
        super().__init__(what)

    def body(self) -> Any:
        return None


class InvalidData(EkopostError):
    def __init__(self, developer_message: str) -> None:
        super().__init__("127", developer_message)


class AddressInvalid(EkopostError):
    def __init__(self, developer_message: str) -> None:
        super().__init__("135", developer_message)


class GenericError(ApiError):
    """Errors outside the documented codes (unknown route, wrong method, injected faults, an
    unknown content): the same object shape, with the HTTP status as the code."""

    def __init__(self, status: int, message: str, developer_message: str = "") -> None:
        self.status = status
        self.message = message
        self.developer_message = developer_message
        super().__init__(message)

    def body(self) -> Any:
        return {
            "error_code": str(self.status),
            "error_message": self.message,
            "developer_message": self.developer_message,
        }


class ContentNotFound(GenericError):
    """No code is documented for an unknown content; the operation's other 404s (campaign 106,
    envelope 111) carry the error object, and so does this one."""

    def __init__(self, content_id: str) -> None:
        detail = f"No content with id {content_id!r} in this envelope."
        super().__init__(404, "Content was not found.", detail)
