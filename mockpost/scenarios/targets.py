"""Where a scenario runs: in-process (default), a running mockpost over HTTP, or a real provider
sandbox (no control plane: the steps that need one are skipped with a note; `dry_run` lists the
requests instead of sending them)."""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from mockpost.control.guard import control_headers
from mockpost.core.clock import iso_utc, parse_duration, parse_instant
from mockpost.scenarios.loader import LoadedScenario
from mockpost.scenarios.setup import account_fields, apply_scenario
from mockpost.scenarios.yamlsource import ScenarioError

NO_CONTROL = "skipped: a real provider sandbox has no mockpost control plane"
# `{{ mockpost_url }}`: where the mockpost a scenario runs on listens (e.g. to point a webhook
# subscription made by a step at an inbox); against a real sandbox, from this variable.
MOCKPOST_URL_VARIABLE = "MOCKPOST_URL"
DEFAULT_MOCKPOST_URL = "http://127.0.0.1:8000"
CONTROL_TOKEN_VARIABLE = "MOCKPOST_CONTROL_TOKEN"  # the token a running mockpost's control plane needs


class NotAvailable(Exception):
    """This target cannot do that (e.g. move a real provider's clock); the message says why."""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @classmethod
    def of(cls, response: httpx.Response) -> Reply:
        return cls(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.text)


@dataclass
class Outgoing:
    provider: str
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, Any]
    json: Any = None
    content: str | bytes | None = None
    files: dict[str, tuple[str, bytes]] | None = None
    form: dict[str, str] | None = None
    has_json: bool = False

    def send(self, client: httpx.Client, url: str) -> httpx.Response:
        kwargs: dict[str, Any] = {"headers": self.headers, "params": self.query or None}
        if self.files is not None:
            kwargs["files"] = self.files
            kwargs["data"] = self.form
        elif self.form is not None:
            kwargs["data"] = self.form
        elif self.has_json:
            kwargs["json"] = self.json
        elif self.content is not None:
            kwargs["content"] = self.content.encode() if isinstance(self.content, str) else self.content
        return client.request(self.method, url, **kwargs)

    @property
    def absolute(self) -> bool:
        """An absolute URL (one the API handed out) rather than a path below the mount."""
        return self.path.startswith(("http://", "https://"))


class Target(ABC):
    description: str
    has_control = True
    dry_run = False
    base_url = DEFAULT_MOCKPOST_URL  # what `{{ mockpost_url }}` is

    @abstractmethod
    def start(self, loaded: LoadedScenario) -> list[str]:
        """Load the scenario's world; returns notes for what was skipped."""

    @abstractmethod
    def send(self, request: Outgoing) -> Reply | None:
        """Send a request (None in a dry run)."""

    def account(self, loaded: LoadedScenario, provider: str, name: str) -> dict[str, Any]:
        return account_fields(loaded.scenario.accounts[provider][name])

    def advance(self, seconds: float) -> None:
        raise NotAvailable(NO_CONTROL)

    def set_clock(self, at: datetime | None, frozen: bool | None) -> dict[str, Any]:
        """Jump to `at` (forward: due work on the way happens first), then freeze or unfreeze when
        `frozen` says so; the clock as `GET /_mockpost/clock` shows it."""
        raise NotAvailable(NO_CONTROL)

    def inbox(self, name: str) -> list[dict[str, Any]]:
        raise NotAvailable(NO_CONTROL)

    def transition(self, provider: str, headers: dict[str, str], body: dict[str, Any]) -> Reply:
        raise NotAvailable(NO_CONTROL)

    def deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery with its attempts, as `GET /_mockpost/webhooks/outbox` lists them."""
        raise NotAvailable(NO_CONTROL)

    def add_fault(self, spec: dict[str, Any]) -> None:
        raise NotAvailable(NO_CONTROL)

    def after_step(self) -> list[str]:
        """Run after every step (in-process: rules look at the new state); what rules did."""
        return []

    def announce(self) -> list[str]:
        """What the run is about to do to the target that its user should know first."""
        return []

    def finish(self) -> None:  # noqa: B027 - an optional hook
        """After each scenario."""

    def restore(self) -> list[str]:
        """After the whole run, put back what the run changed beyond the scenarios' own state;
        what was put back."""
        return []

    def close(self) -> None:  # noqa: B027 - an optional hook
        """After the whole run."""


class InProcess(Target):
    """An in-process sandbox (mockpost.testing.Mockpost): no sockets. One sandbox per random seed
    is kept for the whole run and reset before each scenario, because building one costs far more
    than resetting it."""

    description = "in-process"

    def __init__(self, options: dict[str, dict[str, Any]] | None = None) -> None:
        from mockpost.inprocess import BASE_URL

        self.base_url = BASE_URL
        self.options = options or {}
        self.mock: Any = None
        self.engine: Any = None
        self._handles: dict[int | None, Any] = {}
        self._clients: dict[tuple[int, str | None], Any] = {}
        self._reported = 0  # rule takeovers already shown

    def start(self, loaded: LoadedScenario) -> list[str]:
        from mockpost.inprocess import Mockpost

        seed = loaded.scenario.random_seed
        if seed not in self._handles:
            self._handles[seed] = Mockpost(seed=seed, options=self.options)
        self.mock = self._handles[seed]
        world = apply_scenario(
            self.mock.sandbox, loaded.scenario, self.mock.url(), reset=True, watch_requests=False
        )
        applied = self.mock.run(world)
        self.engine = applied.engine
        self._reported = 0
        return []

    def _client(self, provider: str | None) -> Any:
        key = (id(self.mock), provider)
        if key not in self._clients:
            self._clients[key] = self.mock.client(provider)
        return self._clients[key]

    def send(self, request: Outgoing) -> Reply:
        return Reply.of(request.send(self._client(request.provider), request.path))

    def advance(self, seconds: float) -> None:
        self.mock.clock.advance(seconds)

    def set_clock(self, at: datetime | None, frozen: bool | None) -> dict[str, Any]:
        if frozen:
            self.mock.clock.freeze(at)
        elif at is not None:
            self.mock.clock.set(at)
        if frozen is False:
            self.mock.clock.unfreeze()
        clock: dict[str, Any] = self.mock.sandbox.describe_clock()
        return clock

    def inbox(self, name: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.mock.inbox(name)
        return items

    def transition(self, provider: str, headers: dict[str, str], body: dict[str, Any]) -> Reply:
        headers = {**headers, **self.mock.control_headers}
        response = self._client(None).post(f"/_mockpost/{provider}/transition", json=body, headers=headers)
        return Reply.of(response)

    def add_fault(self, spec: dict[str, Any]) -> None:
        self.mock.faults.add(**spec)

    def deliveries(self) -> list[dict[str, Any]]:
        return outbox_records(self._client(None))

    def after_step(self) -> list[str]:
        if self.engine is None:
            return []
        self.engine.check()
        self.mock.run(self.mock.sandbox.run_due())
        forced = self.engine.forced[self._reported :]
        self._reported = len(self.engine.forced)
        return [
            f"rule {f.rule + 1}: {f.resource} {f.id} → {f.state}"
            + (f" refused: {f.refused}" if f.refused else f" at {f.at}")
            for f in forced
        ]

    def finish(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            self.engine = None

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()
        self._clients.clear()


class MockpostServer(Target):
    """A running mockpost (`mockpost serve`, a container, a LiveServer) at a base URL. Its control
    calls send the server's control token (given, or from MOCKPOST_CONTROL_TOKEN) as
    X-Mockpost-Token; provider requests never carry it.

    By default each scenario starts from a reset server (`POST /_mockpost/scenarios` resets
    first), and the run says so before it starts. With `reset=False` the server's state is left
    alone: each scenario's accounts, seed, faults and rules are loaded on top, and its `clock:` is
    not applied (the scenario runs at the server's time). Either way the run ends by removing the
    faults and rules it added and putting the clock back as it found it (mode and instant)."""

    def __init__(
        self, url: str, timeout: float = 30.0, control_token: str | None = None, reset: bool = True
    ) -> None:
        self.url = self.base_url = url.rstrip("/")
        self.reset = reset
        self.description = f"mockpost at {self.url}" + ("" if reset else " (not reset)")
        self.client = httpx.Client(base_url=self.url, timeout=timeout)
        self.mounts: dict[str, str] = {}
        token = control_token if control_token is not None else os.environ.get(CONTROL_TOKEN_VARIABLE)
        self.control_headers = control_headers(token)
        self._clock_before: dict[str, Any] | None = None
        self._clock_read_at = 0.0
        self._faults: list[str] = []
        self._rule_providers: set[str] = set()

    def announce(self) -> list[str]:
        if not self.reset:
            return [
                f"--no-reset: the state of {self.url} is kept; each scenario's accounts, seed, faults "
                "and rules are loaded on top of it, and its clock: is not applied (it runs at the "
                "server's time)"
            ]
        return [
            f"--target {self.url}: the server is reset before each scenario: the accounts and objects "
            "of every provider (start-up --fixtures are loaded again), the journal, faults, rules, "
            "inboxes and webhook deliveries are emptied, and the clock is set by the scenario; at the "
            "end the clock is put back as it was. Give --no-reset to keep the server's state"
        ]

    def start(self, loaded: LoadedScenario) -> list[str]:
        if not self.mounts:
            listed = self._control("GET", "/_mockpost/providers", "list the server's providers")
            self.mounts = {item["name"]: item["mount"] for item in listed.json()["items"]}
        if self._clock_before is None:
            self._clock_before = self._control("GET", "/_mockpost/clock", "read the clock").json()
            self._clock_read_at = time.monotonic()
        document = loaded.scenario.setup_document()
        notes = []
        if not self.reset and document.pop("clock", None) is not None:
            notes.append("clock: not applied (--no-reset): the scenario runs at the server's time")
        params = None if self.reset else {"reset": "false"}
        response = self.client.post(
            "/_mockpost/scenarios", json=document, params=params, headers=self.control_headers
        )
        if response.status_code == 422:
            raise ScenarioError(str(loaded.path), None, f"the server refused the scenario: {response.text}")
        summary = self._ok(response, "load the scenario").json()
        self._faults.extend(summary.get("faults", []))
        if loaded.scenario.rules:
            self._rule_providers.update(rule.provider for rule in loaded.scenario.rules)
        return notes

    def send(self, request: Outgoing) -> Reply:
        if request.absolute:
            return Reply.of(request.send(self.client, request.path))
        mount = self.mounts.get(request.provider)
        if mount is None:
            raise NotAvailable(f"the server at {self.url} has no provider {request.provider!r}")
        return Reply.of(request.send(self.client, mount + request.path))

    def advance(self, seconds: float) -> None:
        self._control("POST", "/_mockpost/clock/advance", "advance the clock", json={"seconds": seconds})

    def set_clock(self, at: datetime | None, frozen: bool | None) -> dict[str, Any]:
        instant = {"at": iso_utc(at)} if at is not None else {}
        if frozen:
            self._control("POST", "/_mockpost/clock/freeze", "freeze the clock", json=instant)
        elif at is not None:
            self._control("POST", "/_mockpost/clock/set", "set the clock", json=instant)
        if frozen is False:
            self._control("POST", "/_mockpost/clock/unfreeze", "unfreeze the clock")
        clock: dict[str, Any] = self._control("GET", "/_mockpost/clock", "read the clock").json()
        return clock

    def inbox(self, name: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self._control(
            "GET", f"/_mockpost/inbox/{name}", "read an inbox"
        ).json()["items"]
        return items

    def transition(self, provider: str, headers: dict[str, str], body: dict[str, Any]) -> Reply:
        headers = {**headers, **self.control_headers}
        return Reply.of(self.client.post(f"/_mockpost/{provider}/transition", json=body, headers=headers))

    def add_fault(self, spec: dict[str, Any]) -> None:
        added = self._control("POST", "/_mockpost/faults", "add a fault", json=spec).json()
        self._faults.append(added["id"])

    def deliveries(self) -> list[dict[str, Any]]:
        return outbox_records(self.client, self.control_headers)

    def after_step(self) -> list[str]:
        # A server applies due work from a background ticker; work a step made due "now" (a
        # transfer at an output time already reached) is applied before the next step starts,
        # as in-process, so a run never depends on which of the two comes first.
        self.advance(0)
        return []

    def restore(self) -> list[str]:
        done: list[str] = []
        removed = sum(
            self.client.delete(f"/_mockpost/faults/{fault}", headers=self.control_headers).status_code == 204
            for fault in self._faults
        )
        if removed:
            done.append(f"removed the {removed} fault(s) the run added")
        if self._rule_providers:  # loading a world without rules stops them and resets timelines
            empty = {"name": "mockpost run: no rules", "providers": sorted(self._rule_providers)}
            self._control("POST", "/_mockpost/scenarios?reset=false", "remove the rules", json=empty)
            done.append("removed the rules the run loaded")
        self._faults, self._rule_providers = [], set()
        clock = self._restore_clock()
        if clock is not None:
            done.append(clock)
        return done

    def _restore_clock(self) -> str | None:
        """Put the clock back as the run found it: frozen at the same instant, or running from
        the instant it would show had the run not moved it."""
        before = self._clock_before
        if before is None:
            return None
        now = self._control("GET", "/_mockpost/clock", "read the clock").json()
        if before["frozen"]:
            at, running = parse_instant(before["now"]), False
        else:
            elapsed = timedelta(seconds=time.monotonic() - self._clock_read_at)
            at, running = parse_instant(before["now"]) + elapsed, True
        moved = abs((parse_instant(now["now"]) - at).total_seconds()) > 1.0
        if now["frozen"] == before["frozen"] and not moved:
            return None
        self.set_clock(at, frozen=True)  # then running: from exactly that instant
        if running:
            self.set_clock(None, frozen=False)
        state = "running" if running else "frozen"
        return f"the clock is back as the run found it: {state}, {iso_utc(at.replace(microsecond=0))}"

    def _control(self, method: str, path: str, doing: str, json: Any = None) -> httpx.Response:
        """A control-plane call (with the control token); NotAvailable when it is refused."""
        response = self.client.request(method, path, json=json, headers=self.control_headers)
        return self._ok(response, doing)

    def _ok(self, response: httpx.Response, doing: str) -> httpx.Response:
        if response.status_code >= 400:
            raise NotAvailable(
                f"could not {doing} at {self.url}: {response.status_code} {response.text[:300]}"
            )
        return response

    def close(self) -> None:
        self.client.close()


class ProviderSandbox(Target):
    """A real provider's sandbox: requests go to its base URL with credentials from the
    environment variables the scenario names; clock, seed, rules, faults and inboxes are skipped."""

    has_control = False

    def __init__(
        self, urls: dict[str, str], dry_run: bool = False, environ: dict[str, str] | None = None
    ) -> None:
        self.urls = {name: url.rstrip("/") for name, url in urls.items()}
        self.dry_run = dry_run
        self.environ = dict(os.environ if environ is None else environ)
        self.base_url = self.environ.get(MOCKPOST_URL_VARIABLE, DEFAULT_MOCKPOST_URL).rstrip("/")
        shown = ", ".join(f"{name}={url}" for name, url in self.urls.items())
        self.description = f"provider sandbox {shown}" + (" (dry run: nothing is sent)" if dry_run else "")
        self.client = httpx.Client(timeout=60.0)

    def start(self, loaded: LoadedScenario) -> list[str]:
        scenario = loaded.scenario
        missing = [name for name in scenario.providers if name not in self.urls]
        if missing:
            raise NotAvailable(f"no --target URL for {', '.join(missing)} (give --target {missing[0]}=URL)")
        unset = [
            f"{variable} ({provider} account {name}'s {key})"
            for provider, accounts in scenario.accounts.items()
            for name, spec in accounts.items()
            for key, variable in spec.env.items()
            if not self.environ.get(variable)
        ]
        if unset and not self.dry_run:
            raise NotAvailable(f"set the environment variable(s) the scenario names: {', '.join(unset)}")
        notes = [
            f"credentials: {provider} account {name}: "
            + ", ".join(f"{key} from ${variable}" for key, variable in spec.env.items())
            for provider, accounts in scenario.accounts.items()
            for name, spec in accounts.items()
            if spec.env
        ]
        for part in ("clock", "seed", "rules", "faults"):
            if getattr(scenario, part):
                notes.append(f"{part}: {NO_CONTROL}")
        return notes

    def account(self, loaded: LoadedScenario, provider: str, name: str) -> dict[str, Any]:
        spec = loaded.scenario.accounts[provider][name]
        if self.dry_run:  # show which variable would be read instead of failing on a missing one
            environ = {**self.environ, **{v: f"${v}" for v in spec.env.values() if not self.environ.get(v)}}
            return account_fields(spec, environ)
        return account_fields(spec, self.environ)

    def send(self, request: Outgoing) -> Reply | None:
        if self.dry_run:
            return None
        url = request.path if request.absolute else self.urls[request.provider] + request.path
        return Reply.of(request.send(self.client, url))

    def close(self) -> None:
        self.client.close()


def parse_targets(
    values: list[str] | None,
    dry_run: bool = False,
    control_token: str | None = None,
    reset: bool = True,
) -> Target:
    """`--target URL` (a running mockpost) or `--target PROVIDER=URL ...` (real sandboxes);
    `reset=False` (`--no-reset`) only makes sense for a running mockpost."""
    if not reset and (not values or any("=" in value.split("://", 1)[0] for value in values)):
        raise ValueError("--no-reset keeps the state of a running mockpost: give it with --target URL")
    if not values:
        if dry_run:
            raise ValueError("--dry-run lists the requests for a real sandbox: give --target PROVIDER=URL")
        return InProcess()
    named = [value for value in values if "=" in value.split("://", 1)[0]]
    if not named:
        if len(values) > 1 or dry_run:
            raise ValueError(
                "give one --target URL for a running mockpost, or --target PROVIDER=URL for each real sandbox"
            )
        return MockpostServer(values[0], control_token=control_token, reset=reset)
    if len(named) != len(values):
        raise ValueError("do not mix --target URL (mockpost) with --target PROVIDER=URL (real sandboxes)")
    urls = dict(value.split("=", 1) for value in values)
    return ProviderSandbox(urls, dry_run=dry_run)


OUTBOX = "/_mockpost/webhooks/outbox"


def outbox_records(client: httpx.Client, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The deliveries of a mockpost's outbox, through its control plane (in-process or not)."""
    response = client.get(OUTBOX, headers=headers)
    if response.status_code != 200:
        raise NotAvailable(f"could not read {OUTBOX}: {response.status_code} {response.text[:300]}")
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def builtin_variables(target: Target) -> dict[str, Any]:
    """Variables every scenario has before its first step (variables.BUILTIN_VARIABLES)."""
    return {"mockpost_url": target.base_url}


def duration_seconds(value: str | float) -> float:
    return parse_duration(value).total_seconds()
