"""EasyPost Connect Public API v1 (easypost.eu, Belgium): jobs, sending events, workflows, Peppol
incoming documents, companies, departments, users, usage, health, webhooks. Mounted at
/easypost-connect."""

from mockpost.providers.easypost_connect.provider import EasyPostConnectProvider

__all__ = ["EasyPostConnectProvider"]
