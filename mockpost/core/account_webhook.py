"""An account's webhook setting, for providers that keep it outside their API (in a portal).

The control plane serves it as `PUT/GET/DELETE /_mockpost/<provider>/webhook`, authenticated with
the provider's own credentials, so a test can point the account's events at an inbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Endpoint
from mockpost.core.control import validate_body
from mockpost.core.http import JSON, read_json


@dataclass
class AccountWebhook:
    url: str
    secret: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"url": self.url, "secret": self.secret}


class WebhookSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, description="Where the account's events are POSTed")
    secret: str = Field(default="", description="Key the provider signs deliveries with (if it signs)")


def webhook_from(value: Any) -> AccountWebhook | None:
    """From fixtures/accounts data: `{url, secret}` or nothing."""
    if isinstance(value, dict) and value.get("url"):
        return AccountWebhook(str(value["url"]), str(value.get("secret") or ""))
    return None


def webhook_endpoints(provider: Any, account_of: Callable[[Request], Any], max_body: int) -> list[Endpoint]:
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

    tag = provider.name
    return [
        Endpoint(
            "PUT", "/webhook", put, "Set the account's webhook (url, secret)", body=WebhookSetting, tag=tag
        ),
        Endpoint("GET", "/webhook", get, "The account's webhook", tag=tag),
        Endpoint("DELETE", "/webhook", delete, "Remove the account's webhook", status=204, tag=tag),
    ]
