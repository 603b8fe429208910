"""An account's webhook setting, for providers that keep it outside their API (in a portal).

The control plane serves it as `PUT/GET/DELETE /_mockpost/<provider>/webhook`, authenticated with
the provider's own credentials, so a test can point the account's events at an inbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Endpoint
from mockpost.core.control import validate_body
from mockpost.core.http import JSON, read_json
from mockpost.core.urls import MAX_URL_LENGTH, check_url

WebhookUrl = Annotated[str, AfterValidator(check_url)]


@dataclass
class AccountWebhook:
    url: str
    secret: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"url": self.url, "secret": self.secret}


class WebhookSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: WebhookUrl = Field(
        description="Where the account's events are POSTed: an absolute http or https URL",
        json_schema_extra={"format": "uri", "maxLength": MAX_URL_LENGTH},
    )
    secret: str = Field(default="", description="Key the provider signs deliveries with (if it signs)")


def webhook_from(value: Any) -> AccountWebhook | None:
    """From fixtures/accounts data: `{url, secret}` or nothing; ValueError for a URL check_url refuses."""
    if isinstance(value, dict) and value.get("url"):
        try:
            url = check_url(str(value["url"]))
        except ValueError as exc:
            raise ValueError(f"webhook.url {exc}") from None
        return AccountWebhook(url, str(value.get("secret") or ""))
    return None


def webhook_endpoints(account_of: Callable[[Request], Any], max_body: int) -> list[Endpoint]:
    """PUT/GET/DELETE /webhook on an account object with a `webhook: AccountWebhook | None` field."""

    async def put(request: Request) -> Response:
        account = account_of(request)
        setting = validate_body(WebhookSetting, await read_json(request, max_body, empty={}))
        account.webhook = AccountWebhook(setting.url, setting.secret)
        return JSON(account.webhook.as_dict())

    async def get(request: Request) -> Response:
        hook = account_of(request).webhook
        return JSON(hook.as_dict() if hook else None)

    async def delete(request: Request) -> Response:
        account_of(request).webhook = None
        return Response(status_code=204)

    return [
        Endpoint("PUT", "/webhook", put, "Set the account's webhook (url, secret)", body=WebhookSetting),
        Endpoint("GET", "/webhook", get, "The account's webhook"),
        Endpoint("DELETE", "/webhook", delete, "Remove the account's webhook", status=204),
    ]
