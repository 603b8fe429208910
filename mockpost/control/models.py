"""Request and response bodies of the control plane."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictFloat, StrictInt, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(BaseModel):
    status: str = "ok"
    version: str


class ClockState(BaseModel):
    now: str = Field(description="ISO-8601 UTC")
    frozen: bool


class FreezeRequest(Strict):
    at: str | None = Field(default=None, description="ISO-8601 instant; now when absent")


class SetClockRequest(Strict):
    at: str = Field(description="ISO-8601 instant; moving forward applies due work on the way")


class AdvanceRequest(Strict):
    seconds: StrictFloat | StrictInt | None = Field(default=None, ge=0, le=100 * 366 * 86400)
    duration: str | None = Field(default=None, description="e.g. '90s', '15m', '2h30m', '7d'")

    @model_validator(mode="after")
    def _one_of(self) -> AdvanceRequest:
        if (self.seconds is None) == (self.duration is None):
            raise ValueError("give exactly one of 'seconds' or 'duration'")
        return self


def _integer_as_text(value: Any) -> Any:
    """Some providers' ids are numbers (InPost shipments): a saved id is sent back as one."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    resource: str = Field(description="Resource kind, e.g. 'envelope'")
    id: Annotated[str, BeforeValidator(_integer_as_text)] = Field(
        description="The resource's id as the provider shows it (numeric ids may be given as numbers)"
    )
    state: Annotated[str, BeforeValidator(_integer_as_text)]
    reason: str | None = None
    account: str | None = Field(
        default=None,
        description="The account by id, label or credential, for an operator acting without the "
        "provider's credentials (the console); absent: the provider's auth headers name it",
    )


class JournalVerifyRequest(Strict):
    provider: str | None = None
    method: str | None = None
    path: str | None = None
    status: StrictInt | None = None
    count: StrictInt = Field(ge=0, description="How many matching requests are expected")


class JournalVerifyResult(BaseModel):
    ok: bool
    expected: int
    actual: int


class Items(BaseModel):
    items: list[dict[str, Any]]


class Change(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str | None = Field(alias="from")
    to: str
    at: str = Field(description="Virtual time, ISO-8601 UTC")
    cause: str = Field(description="request, timer, forced or fixture")
    reason: str | None = None


class PendingTimer(BaseModel):
    due: str = Field(description="Virtual time, ISO-8601 UTC")
    action: str


class Related(BaseModel):
    kind: str
    id: str


class DocumentInfo(BaseModel):
    index: int = Field(description="Its place in the object's documents: the download's path")
    name: str
    mime: str
    role: str = Field(description="What it is to the object: document, attachment, upload, label...")
    size: int = Field(description="Bytes")


class ObjectDetail(BaseModel):
    kind: str
    id: str
    state: str
    created_at: str
    updated_at: str
    wire: Any = Field(description="Exactly what the provider's API returns for the object")
    history: list[Change]
    timers: list[PendingTimer]
    related: list[Related]
    transitions: list[str] = Field(description="States a forced transition may move it to now")
    deletable: bool = Field(description="Whether its API can delete it")
    documents: list[DocumentInfo] = Field(description="Files it holds or made (letters, labels...)")
    address: list[str] | None = Field(description="The recipient's address block as the provider read it")
    account: str = Field(description="The account's id")
    label: str = Field(description="The account's readable name: its accounts-file name or masked credential")


class ObjectPage(BaseModel):
    items: list[dict[str, Any]]
    total: int = Field(description="Objects matching the filters, across every page")


class PageCount(BaseModel):
    pages: int = Field(description="Pages in the document")
    previewed: int = Field(description="Pages that can be fetched as images")


class ResetResult(BaseModel):
    reset: str
    clock: ClockState


class ProviderInfo(BaseModel):
    name: str
    title: str
    mount: str
    openapi: str
    lifecycles: list[dict[str, Any]]


class ControlError(BaseModel):
    error: str
    detail: Any = None


class Snapshot(BaseModel):
    """A versioned JSON document of the whole sandbox, one provider or one account (docs/persistence.md)."""

    model_config = ConfigDict(extra="allow")
    mockpost_snapshot: int = Field(description="The document's format (1)")
    mockpost_version: str = Field(description="The mockpost that wrote it")
    taken_at: str | None = Field(default=None, description="Virtual time when it was taken")
    seed: int | None = Field(
        default=None, description="The writer's --seed; id streams continue only under the same seed"
    )
    scope: dict[str, str | None] = Field(description="{provider, account}: what it holds (null: all)")
    clock: dict[str, Any] | None = Field(
        default=None, description="Frozen at an instant, or running at an offset"
    )
    providers: dict[str, Any] = Field(
        description="Per provider: id streams, open-mode credentials, and each account's state and timers"
    )
    skipped: dict[str, str] = Field(
        default_factory=dict, description="Providers whose state could not be saved, and why"
    )
    timers: list[dict[str, Any]] = Field(default_factory=list, description="Pending timers of no account")
    outbox: dict[str, Any] | None = Field(default=None, description="Webhook deliveries with their attempts")
    faults: dict[str, Any] | None = Field(default=None, description="Fault rules (whole sandbox only)")
    journal: dict[str, Any] | None = Field(default=None, description="Recorded requests (whole sandbox only)")
    inboxes: dict[str, Any] | None = Field(default=None, description="Inbox items (whole sandbox only)")


class SnapshotRestored(BaseModel):
    restored: dict[str, int] = Field(description="How many accounts, timers and deliveries were restored")
    scope: dict[str, str | None]
    merge: bool
    written_by: str = Field(description="The mockpost version that wrote the snapshot")
    duration_ms: float


class PersistenceStatus(BaseModel):
    enabled: bool = Field(description="Whether the server keeps its state in a --data-dir")
    path: str | None = None
    saves: int = Field(default=0, description="Transactions written since start")
    unsaved: bool = Field(default=False, description="Changes not written yet (they are within a second)")
    interval_seconds: float | None = None
    last_capture_ms: float = Field(default=0.0, description="The last flush's reading of the changes")
    last_write_ms: float = Field(default=0.0, description="The last flush's transaction, off the event loop")
    last_error: str | None = None
    not_saved: dict[str, str] = Field(
        default_factory=dict, description="Providers whose state cannot be saved, and why"
    )
