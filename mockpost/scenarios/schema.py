"""What a scenario file may contain, as pydantic models. `loader.py` maps every validation error
back to the file and line it comes from; docs/scenarios.md is the reference with examples."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from mockpost.core.clock import parse_duration, parse_instant, reachable
from mockpost.core.faults import FaultSpec
from mockpost.core.urls import check_url
from mockpost.scenarios import jsonpath
from mockpost.scenarios.matchers import Matcher

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
ANY_DELIVERY = "any"  # expect_webhook.index: some delivery in the inbox matches
FORMAT_KEY = "mockpost"  # `mockpost: 1` on a top-level line marks a YAML file as a scenario
FORMAT_VERSION = 1
DECLARATION = f"{FORMAT_KEY}: {FORMAT_VERSION}"
STEP_ACTIONS = (
    "request",
    "advance",
    "expect_webhook",
    "repeat",
    "transition",
    "fault",
    "clock",
    "expect_deliveries",
)
DELIVERY_STATES = ("pending", "delivered", "failed")  # a webhook delivery's `state`


class Strict(BaseModel):
    """Unknown keys are refused (typos get caught): each one is a problem of its own, named with
    the keys that are allowed there (loader.py), while the other keys are still checked."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, arbitrary_types_allowed=True)


def _duration(value: Any) -> Any:
    if value is None:
        return value
    try:
        parse_duration(value)
    except (ValueError, TypeError):
        raise ValueError(
            f"expected a duration such as '90s', '15m', '2h30m' or '7d', got {value!r}"
        ) from None
    return value


def _instant(value: Any, placeholder: bool = False) -> Any:
    """An ISO-8601 instant as written (or, where `placeholder`, a {{ variable }} checked when used)."""
    if value is None or (placeholder and isinstance(value, str) and "{{" in value):
        return value
    try:
        instant = parse_instant(value)
    except (ValueError, TypeError, AttributeError):
        raise ValueError(
            f"expected an ISO-8601 instant such as 2030-03-04T09:00:00Z, got {value!r}"
        ) from None
    reachable(instant)  # inside the window the sandbox's clock can go to
    return value


class ClockSpec(Strict):
    start: str = Field(description="ISO-8601 instant the scenario starts at, e.g. 2030-03-04T09:00:00Z")
    frozen: bool = Field(default=True, description="Time stands still between steps (false: it runs on)")

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        return str(_instant(value))


class ClockStep(Strict):
    """A `clock` step: jump to an instant, and/or freeze or unfreeze time."""

    set: str | None = Field(
        default=None,
        description="ISO-8601 instant (or a saved {{ variable }}) to jump to; forward, everything due "
        "on the way happens first, as with advance",
    )
    frozen: bool | None = Field(
        default=None, description="true: time stands still from then on; false: it runs on"
    )

    @field_validator("set")
    @classmethod
    def _set(cls, value: str | None) -> str | None:
        return _instant(value, placeholder=True)

    @model_validator(mode="after")
    def _something(self) -> ClockStep:
        if self.set is None and self.frozen is None:
            raise ValueError("a clock step has set (an instant), frozen (true or false), or both")
        return self


class WebhookSpec(Strict):
    inbox: str | None = Field(
        default=None, description="A mockpost inbox name to receive the account's events"
    )
    url: str | None = Field(default=None, description="Any other receiver URL")
    secret: str = Field(default="", description="The key the provider signs with")

    @field_validator("url")
    @classmethod
    def _usable_url(cls, value: str | None) -> str | None:
        return check_url(value) if value is not None else None

    @model_validator(mode="after")
    def _one_target(self) -> WebhookSpec:
        if (self.inbox is None) == (self.url is None):
            raise ValueError("expected exactly one of 'inbox' (a mockpost inbox name) or 'url'")
        return self


class AccountSpec(BaseModel):
    """Credentials and settings of one account. Provider-specific keys (api_key, username,
    password, credit_limit, ...) are passed to the provider; `env` names environment variables that
    replace them when the scenario runs against a real provider sandbox."""

    model_config = ConfigDict(extra="allow")
    webhook: WebhookSpec | None = None
    env: dict[str, str] = Field(default_factory=dict, description="field -> environment variable name")

    def fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class RuleThen(Strict):
    state: str = Field(description="The state the resource is moved to")
    reason: str | None = Field(default=None, description="Why (e.g. an envelope's failed_reason)")


class RuleSpec(Strict):
    """A behaviour override. Either a state rule (resource + where + when + then) or a timeline."""

    provider: str
    description: str | None = None
    resource: str | None = Field(default=None, description="e.g. envelope")
    where: dict[str, Any] = Field(
        default_factory=dict, description="field -> value or glob ('fail-*'); dotted paths reach inside"
    )
    when: list[str] = Field(default_factory=list, description="States in which the rule takes over")
    then: RuleThen | None = None
    timeline: dict[str, Any] | None = Field(default=None, description="Provider timeline options")

    @field_validator("when", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("timeline")
    @classmethod
    def _durations(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        for item in (value or {}).values():
            _duration(item)
        return value

    @model_validator(mode="after")
    def _complete(self) -> RuleSpec:
        if self.timeline is not None:
            if self.resource or self.then or self.when or self.where:
                raise ValueError(
                    "a timeline rule only has 'provider' and 'timeline'; make state rules separate"
                )
            return self
        missing = [key for key in ("resource", "when", "then") if not getattr(self, key)]
        if missing:
            raise ValueError(
                f"a state rule needs resource, where, when and then (missing: {', '.join(missing)}); "
                "or give 'timeline'"
            )
        return self


class RequestSpec(Strict):
    provider: str | None = Field(
        default=None, description="Which provider (default: the scenario's only one)"
    )
    account: str | None = Field(
        default=None, description="Whose credentials (default: the provider's only one)"
    )
    auth: bool | None = Field(
        default=None, description="Send the account's credentials (default: with `path`, not with `url`)"
    )
    method: str = "GET"
    path: str | None = Field(
        default=None, description="Below the provider's mount, e.g. /campaigns/{{ campaign }}"
    )
    url: str | None = Field(
        default=None, description="An absolute URL the API handed out, e.g. a pre-signed upload URL"
    )
    query: dict[str, Any] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    json_: Any = Field(default=None, alias="json")
    body: str | bytes | None = Field(default=None, description="Raw body: text, or `!file FILE` bytes")
    files: dict[str, str] | None = Field(
        default=None, description="Multipart: field -> file next to the scenario"
    )
    form: dict[str, Any] | None = Field(
        default=None,
        description="Form fields (multipart with files); text is sent as written, any other value as "
        "its JSON text",
    )

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        if value.upper() not in HTTP_METHODS:
            raise ValueError(f"expected an HTTP method ({', '.join(HTTP_METHODS)}), got {value!r}")
        return value.upper()

    @field_validator("path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            hint = "; for an absolute URL use 'url:'" if "://" in value or value.startswith("{{") else ""
            raise ValueError(f"expected a path starting with '/', e.g. /campaigns, got {value!r}{hint}")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://", "{{")):
            raise ValueError(
                f"expected an absolute URL (http://... or a saved {{{{ variable }}}}), got {value!r}"
            )
        return value

    @property
    def target(self) -> str:
        """The path or URL as written (for titles)."""
        return self.path if self.path is not None else str(self.url)

    @property
    def sends_credentials(self) -> bool:
        return self.auth if self.auth is not None else self.url is None

    @model_validator(mode="after")
    def _one_body(self) -> RequestSpec:
        if (self.path is None) == (self.url is None):
            raise ValueError(
                "a request has exactly one of 'path' (below the provider's mount) or 'url' (absolute)"
            )
        given = [k for k in ("json_", "body", "files") if k in self.model_fields_set]
        if len(given) > 1:
            names = ", ".join("json" if k == "json_" else k for k in given)
            raise ValueError(f"a request has one body: json, body or files (+form), not {names}")
        return self


class ExpectSpec(Strict):
    status: int | list[int] | None = Field(default=None, description="Status code (or any of a list)")
    headers: dict[str, Any] = Field(default_factory=dict, description="Header name -> value or matcher")
    json_: Any = Field(default=None, alias="json", description="Expected JSON body (maps: listed keys only)")
    body: Any = Field(default=None, description="Expected raw text body (a string or matcher)")
    jsonpath: dict[str, Any] = Field(default_factory=dict, description="JSONPath -> expected value")

    @field_validator("jsonpath")
    @classmethod
    def _paths(cls, value: dict[str, Any]) -> dict[str, Any]:
        for path in value:
            jsonpath.parse(path)
        return value

    @property
    def has_json(self) -> bool:
        return "json_" in self.model_fields_set


class WebhookExpect(Strict):
    inbox: str = Field(description="The inbox the account's webhook points at")
    count: int | None = Field(default=None, ge=0, description="How many deliveries the inbox holds")
    index: int | Literal["any"] = Field(
        default=-1,
        description="Which delivery `json`/`headers`/`signature` check (-1: the latest; any: one of them)",
    )
    json_: Any = Field(default=None, alias="json")
    headers: dict[str, Any] = Field(default_factory=dict)
    signature: bool | str = Field(
        default=False, description="Verify the provider's signature (true, or the account name)"
    )
    secret: str | None = Field(
        default=None,
        description="Verify the signature with this secret (e.g. a saved {{ variable }}) instead of "
        "the account's webhook secret",
    )
    provider: str | None = None

    @property
    def has_json(self) -> bool:
        return "json_" in self.model_fields_set

    @property
    def checks_signature(self) -> bool:
        return bool(self.signature) or self.secret is not None


class DeliveriesExpect(Strict):
    """An `expect_deliveries` step: the webhook deliveries mockpost made, with their attempts and
    retries, as `GET /_mockpost/webhooks/outbox` lists them. The filters pick deliveries; the
    checks look at one of them (`index`)."""

    provider: str | None = Field(default=None, description="Only this provider's deliveries")
    event: str | None = Field(default=None, description="Only this event (a glob: job.*)")
    url: str | None = Field(default=None, description="Only to this receiver URL (a glob: */hooks)")
    state: Literal["pending", "delivered", "failed"] | None = Field(
        default=None, description="Only deliveries in this state"
    )
    count: int | None = Field(
        default=None, ge=0, description="How many deliveries match (default: at least one)"
    )
    index: int | Literal["any"] = Field(
        default=-1, description="Which matching delivery the checks look at (-1: the latest; any)"
    )
    attempts: Any = Field(default=None, description="How many attempts it took (a number or a matcher)")
    statuses: list[Any] | None = Field(
        default=None, description="The receiver's status of each attempt, in order (null: no answer)"
    )
    times: list[Any] | None = Field(
        default=None,
        description="When each attempt was made: an ISO-8601 instant, or a duration after the delivery "
        "was created (0s, 1m, 6m)",
    )
    json_: Any = Field(default=None, alias="json", description="The delivery record (maps: listed keys only)")

    @field_validator("attempts")
    @classmethod
    def _attempts(cls, value: Any) -> Any:
        counted = isinstance(value, int) and not isinstance(value, bool)
        if value is None or counted or isinstance(value, Matcher):
            return value
        raise ValueError(f"expected a number of attempts (or a matcher such as !any), got {value!r}")

    @field_validator("times")
    @classmethod
    def _times(cls, value: list[Any] | None) -> list[Any] | None:
        for item in value or []:
            if isinstance(item, Matcher) or is_instant_text(item) or (isinstance(item, str) and "{{" in item):
                continue
            try:
                _duration(item)
            except ValueError:
                raise ValueError(
                    "each time is an ISO-8601 instant (2030-03-04T09:01:00Z) or a duration after the "
                    f"delivery was created (0s, 1m, 2h30m), got {item!r}"
                ) from None
        return value

    @property
    def has_json(self) -> bool:
        return "json_" in self.model_fields_set


def is_instant_text(value: Any) -> bool:
    """True for an ISO-8601 instant written as text (a bare number is a duration in seconds)."""
    if not isinstance(value, str) or "-" not in value:
        return False
    try:
        parse_instant(value)
    except (ValueError, TypeError):
        return False
    return True


class TransitionSpec(Strict):
    provider: str | None = None
    account: str | None = None
    resource: str
    id: str
    state: str
    reason: str | None = None


# keys of a step that go with one kind of step only (save on repeat: the last, successful try)
STEP_KEY_OWNERS = {
    "expect": ("request",),
    "save": ("request", "repeat"),
    "until": ("repeat",),
    "every": ("repeat",),
    "max": ("repeat",),
}


class Step(Strict):
    name: str | None = None
    request: RequestSpec | None = None
    expect: ExpectSpec | None = None
    save: dict[str, str] | None = Field(default=None, description="variable -> JSONPath into the response")
    advance: str | float | None = Field(default=None, description="Move the clock, e.g. 2d")
    expect_webhook: WebhookExpect | None = None
    repeat: Step | None = Field(default=None, description="A request step to poll")
    until: ExpectSpec | None = None
    every: str | float | None = Field(default=None, description="Clock advance between tries")
    max: int | None = Field(default=None, ge=1, description="Tries before giving up")
    transition: TransitionSpec | None = None
    fault: FaultSpec | None = None
    clock: ClockStep | None = Field(default=None, description="Jump to an instant, freeze or unfreeze")
    expect_deliveries: DeliveriesExpect | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_action(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        actions = [key for key in STEP_ACTIONS if key in data]
        if not actions:
            raise PydanticCustomError(
                "step_action",
                "a step needs one of: {actions}",
                {"actions": ", ".join(STEP_ACTIONS)},
            )
        if len(actions) > 1:
            raise PydanticCustomError(
                "step_action",
                "a step does one thing, found {found}; split it into separate steps",
                {"found": " and ".join(actions)},
            )
        action = actions[0]
        for key, owners in STEP_KEY_OWNERS.items():
            if key in data and action not in owners:
                raise PydanticCustomError(
                    "step_key",
                    "'{key}' belongs to a {owner} step, not to '{action}'",
                    {"key": key, "owner": " or ".join(f"'{o}'" for o in owners), "action": action},
                )
        return data

    @field_validator("advance", "every")
    @classmethod
    def _durations(cls, value: Any) -> Any:
        return _duration(value)

    @field_validator("save")
    @classmethod
    def _save_paths(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for name, path in (value or {}).items():
            if not name.isidentifier():
                raise ValueError(f"a variable name is a plain identifier, got {name!r}")
            jsonpath.parse(path)
        return value

    @model_validator(mode="after")
    def _repeat_shape(self) -> Step:
        if self.repeat is not None:
            if self.repeat.request is None:
                raise ValueError("'repeat' holds a request step (request, expect, save)")
            if self.until is None:
                raise ValueError("a 'repeat' step needs 'until' (the expectation that ends it)")
        return self

    @property
    def action(self) -> str:
        return next(key for key in STEP_ACTIONS if getattr(self, key) is not None)


class Scenario(Strict):
    mockpost: int | None = Field(
        default=None,
        description="The scenario format version (1). It marks the file as a scenario: pytest and "
        "`mockpost run DIR` collect only files that have it",
    )
    name: str
    description: str | None = None
    providers: list[str] = Field(min_length=1)
    random_seed: int | None = Field(default=None, description="Seed for ids and fake data (repeatable runs)")
    clock: ClockSpec | None = None
    accounts: dict[str, dict[str, AccountSpec]] = Field(
        default_factory=dict, description="provider -> account name -> credentials and settings"
    )
    seed: dict[str, Any] = Field(default_factory=dict, description="provider -> that provider's fixture data")
    rules: list[RuleSpec] = Field(default_factory=list)
    faults: list[FaultSpec] = Field(default_factory=list)
    variables: dict[str, Any] = Field(default_factory=dict)
    steps: list[Step] = Field(default_factory=list)

    @field_validator("mockpost", mode="before")
    @classmethod
    def _format(cls, value: Any) -> Any:
        if value != FORMAT_VERSION or isinstance(value, bool):
            raise ValueError(
                f"this mockpost reads scenario format {FORMAT_VERSION}: write '{DECLARATION}', "
                f"got {value!r}"
            )
        return value

    def setup_document(self) -> dict[str, Any]:
        """The scenario without its steps, as JSON: what `POST /_mockpost/scenarios` loads."""
        data = self.model_dump(
            mode="json",
            by_alias=True,
            exclude_none=True,
            include={"name", "providers", "random_seed", "clock", "accounts", "seed", "rules", "faults"},
        )
        return data
