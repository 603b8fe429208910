"""The building blocks of the schemas of the files mockpost reads (fixtures, accounts): every key
is known, so a typo (`campains:`) is refused with its line instead of being ignored. Each provider
describes its own part with these in its `fixtures.py` (`FIXTURES`: its section of a fixtures
file; `ACCOUNT`: one entry of its list in an accounts file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mockpost.core.account_webhook import WebhookSetting

# For a provider's API request model reused in a file: the same fields, and no unknown key.
FORBID = ConfigDict(extra="forbid", defer_build=True)


class FileModel(BaseModel):
    """A mapping of a fixtures or accounts file: unknown keys are refused."""

    model_config = FORBID


class AccountName(FileModel):
    """What every accounts-file entry may have besides the provider's own keys."""

    name: str | None = Field(
        default=None, description="The account's name (labels, filters); default: PROVIDER-INDEX"
    )


__all__ = ["FORBID", "AccountName", "FileModel", "WebhookSetting"]
