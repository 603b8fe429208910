"""Running a scenario's steps against a target, one result per step.

A step that fails stops the scenario (the next steps depend on it) and the rest are reported as
skipped. Steps a target cannot do (moving a real provider's clock) are skipped with a note.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from mockpost.core.clock import parse_instant
from mockpost.scenarios import deliveries
from mockpost.scenarios.jsonpath import parse as parse_path
from mockpost.scenarios.loader import LoadedScenario, find_webhook_account
from mockpost.scenarios.matchers import MISSING, Comparison, Mismatch, compare
from mockpost.scenarios.providers import support_for
from mockpost.scenarios.schema import (
    ANY_DELIVERY,
    DeliveriesExpect,
    ExpectSpec,
    RequestSpec,
    Step,
    WebhookExpect,
)
from mockpost.scenarios.setup import SetupError
from mockpost.scenarios.targets import (
    NotAvailable,
    Outgoing,
    Reply,
    Target,
    builtin_variables,
    duration_seconds,
)
from mockpost.scenarios.variables import UnknownVariable, render
from mockpost.scenarios.yamlsource import ScenarioError

DEFAULT_TRIES = 10
DEFAULT_EVERY = "1m"
BODY_LINES_SHOWN = 40

PASSED, FAILED, SKIPPED, ERROR, LISTED = "passed", "failed", "skipped", "error", "listed"


@dataclass
class StepResult:
    number: int
    title: str
    outcome: str
    seconds: float = 0.0
    detail: str = ""
    diff: list[str] = field(default_factory=list)
    note: str | None = None
    line: int | None = None


@dataclass
class ScenarioResult:
    path: str
    name: str
    target: str
    steps: list[StepResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # the scenario could not be loaded or set up
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.error is None and all(s.outcome in (PASSED, SKIPPED, LISTED) for s in self.steps)

    @property
    def failed_step(self) -> StepResult | None:
        return next((s for s in self.steps if s.outcome in (FAILED, ERROR)), None)


class StepFailed(Exception):
    def __init__(self, message: str, diff: list[str] | None = None) -> None:
        self.diff = diff or []
        super().__init__(message)


StepListener = Callable[[ScenarioResult, StepResult], None]


class Runner:
    def __init__(
        self,
        target: Target,
        on_step: StepListener | None = None,
        on_notes: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.target = target
        self.on_step = on_step
        self.on_notes = on_notes

    def run(self, loaded: LoadedScenario) -> ScenarioResult:
        started = time.perf_counter()
        result = ScenarioResult(str(loaded.path), loaded.scenario.name, self.target.description)
        try:
            result.notes.extend(self.target.start(loaded))
            if self.on_notes is not None:
                self.on_notes(result.notes)
        except (SetupError, NotAvailable, ScenarioError, httpx.HTTPError) as exc:
            result.error = f"setting up the scenario failed: {exc}"
            result.seconds = time.perf_counter() - started
            return result
        try:
            run = _ScenarioRun(loaded, self.target)
            stopped = False
            for index, step in enumerate(loaded.scenario.steps):
                line = loaded.line_of(("steps", index))
                if stopped:
                    step_result = StepResult(
                        index + 1, title_of(step), SKIPPED, note="an earlier step failed", line=line
                    )
                else:
                    step_result = run.step(index + 1, step, line)
                    stopped = step_result.outcome in (FAILED, ERROR)
                result.steps.append(step_result)
                if self.on_step is not None:
                    self.on_step(result, step_result)
        finally:
            self.target.finish()
        result.seconds = time.perf_counter() - started
        return result


def title_of(step: Step) -> str:
    if step.name:
        return step.name
    if step.request is not None:
        return f"{step.request.method} {step.request.target}"
    if step.advance is not None:
        return f"advance {step.advance}"
    if step.expect_webhook is not None:
        return f"webhook in inbox {step.expect_webhook.inbox}"
    if step.repeat is not None and step.repeat.request is not None:
        return f"repeat {step.repeat.request.method} {step.repeat.request.target}"
    if step.transition is not None:
        return f"force {step.transition.resource} to {step.transition.state}"
    if step.expect_deliveries is not None:
        spec = step.expect_deliveries
        picked = (("event", spec.event), ("to", spec.url), ("state", spec.state))
        return " ".join(["webhook deliveries", *(f"{k} {v}" for k, v in picked if v)])
    if step.clock is not None:
        mode = {True: "frozen", False: "running", None: ""}[step.clock.frozen]
        if step.clock.set is None:
            return "freeze the clock" if step.clock.frozen else "unfreeze the clock"
        return f"clock set {step.clock.set}" + (f", {mode}" if mode else "")
    return step.action


class _ScenarioRun:
    def __init__(self, loaded: LoadedScenario, target: Target) -> None:
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.target = target
        self.variables: dict[str, Any] = {**builtin_variables(target), **self.scenario.variables}

    def step(self, number: int, step: Step, line: int | None) -> StepResult:
        result = StepResult(number, title_of(step), PASSED, line=line)
        started = time.perf_counter()
        try:
            handler = getattr(self, f"_{step.action}")
            handler(step, result)
        except StepFailed as exc:
            result.outcome, result.detail, result.diff = FAILED, str(exc), exc.diff
        except NotAvailable as exc:
            result.outcome, result.note = SKIPPED, str(exc)
        except (UnknownVariable, SetupError, ValueError) as exc:  # e.g. credentials that cannot be used
            result.outcome, result.detail = ERROR, str(exc)
        except httpx.HTTPError as exc:
            result.outcome, result.detail = FAILED, f"the request failed: {type(exc).__name__}: {exc}"
        else:
            try:
                taken_over = self.target.after_step()
                if taken_over:
                    result.note = "; ".join(taken_over)
            except Exception as exc:  # a rule the sandbox refused: report it on the step that caused it
                result.outcome, result.detail = ERROR, f"applying rules failed: {exc}"
        result.seconds = 0.0 if result.outcome == SKIPPED else time.perf_counter() - started
        return result

    # -- requests -------------------------------------------------------------------
    def _request(self, step: Step, result: StepResult) -> None:
        assert step.request is not None
        reply = self._send(step.request, result)
        if reply is None:
            for name in step.save or {}:
                self.variables[name] = f"<{name}>"
            if step.expect is not None and step.expect.status is not None:
                result.detail += f"  ⇒ expects {step.expect.status}"
            return
        self._check(step.expect, reply, step.expect is None or step.expect.status is None)
        self._save(step.save or {}, reply)

    def _send(self, spec: RequestSpec, result: StepResult) -> Reply | None:
        provider = spec.provider or self.scenario.providers[0]
        headers: dict[str, str] = {}
        if spec.sends_credentials:
            headers.update(self._auth(provider, spec.account))
        headers.update(render(spec.headers, self.variables))
        files = None
        if spec.files is not None:
            files = {
                name: (Path(path).name, self.loaded.file(path).read_bytes())
                for name, path in spec.files.items()
            }
        outgoing = Outgoing(
            provider=provider,
            method=spec.method,
            path=render(spec.target, self.variables),
            headers=headers,
            query=render(spec.query, self.variables),
            json=render(spec.json_, self.variables),
            content=render(spec.body, self.variables),
            files=files,
            form=form_fields(render(spec.form, self.variables)),
            has_json="json_" in spec.model_fields_set,
        )
        reply = self.target.send(outgoing)
        query = "?" + "&".join(f"{k}={v}" for k, v in outgoing.query.items()) if outgoing.query else ""
        if reply is None:  # a dry run shows exactly what would be sent
            result.outcome = LISTED
            sent = f"{outgoing.method} {outgoing.path}{query}"
            result.detail = (("" if result.title == sent else sent) + _body_preview(outgoing)).strip()
        elif result.title.startswith(spec.method + " "):  # the title already shows the request
            result.detail = f"→ {reply.status}"
        else:
            result.detail = f"{spec.method} {spec.target}{query} → {reply.status}"
        return reply

    def _auth(self, provider: str, account: str | None) -> dict[str, str]:
        accounts = self.scenario.accounts.get(provider, {})
        if not accounts:
            return {}
        name = account or next(iter(accounts))
        return support_for(provider).auth_headers(self.target.account(self.loaded, provider, name))

    def _check(self, expect: ExpectSpec | None, reply: Reply, default_status: bool) -> None:
        comparison = self._compare(expect, reply, default_status)
        if comparison.mismatches:
            diff = [line for mismatch in comparison.mismatches for line in mismatch.lines()]
            raise StepFailed(f"the response differs ({reply.status})", diff + _body_lines(reply))

    def _compare(self, expect: ExpectSpec | None, reply: Reply, default_status: bool) -> Comparison:
        comparison = Comparison()
        if default_status and not 200 <= reply.status < 300:
            comparison.fail("status", "a 2xx status (no expect.status given)", reply.status)
        if expect is None:
            return comparison
        expect = ExpectSpec.model_construct(
            _fields_set=expect.model_fields_set,
            **{key: render(getattr(expect, key), self.variables) for key in ExpectSpec.model_fields},
        )
        if expect.status is not None:
            allowed = expect.status if isinstance(expect.status, list) else [expect.status]
            if reply.status not in allowed:
                comparison.fail("status", " or ".join(map(str, allowed)), reply.status)
        if expect.headers:
            lowered = {str(k).lower(): v for k, v in expect.headers.items()}
            comparison.mismatches += compare(lowered, reply.headers, "headers").mismatches
        if expect.body is not None:
            comparison.mismatches += compare(expect.body, reply.text, "body").mismatches
        if expect.has_json or expect.jsonpath:
            document = _json_of(reply)
            if document is _NOT_JSON:
                comparison.fail("$", "a JSON body", reply.text[:200])
                return comparison
            if expect.has_json:
                comparison.mismatches += compare(expect.json_, document).mismatches
            for path_text, expected in expect.jsonpath.items():
                path = parse_path(path_text)
                found = path.find(document)
                value = found if path.is_multiple else (found[0] if found else MISSING)
                comparison.mismatches += compare(expected, value, path_text).mismatches
        return comparison

    def _save(self, save: dict[str, str], reply: Reply) -> None:
        if not save:
            return
        document = _json_of(reply)
        for name, path_text in save.items():
            path = parse_path(str(render(path_text, self.variables)))  # a filter may use a {{ variable }}
            found = path.find(document) if document is not _NOT_JSON else []
            if not found and not path.is_multiple:
                raise StepFailed(f"save {name}: nothing at {path_text} in the response", _body_lines(reply))
            self.variables[name] = found if path.is_multiple else found[0]

    # -- time -------------------------------------------------------------------------
    def _advance(self, step: Step, result: StepResult) -> None:
        assert step.advance is not None
        self.target.advance(duration_seconds(step.advance))

    def _repeat(self, step: Step, result: StepResult) -> None:
        inner = step.repeat
        assert inner is not None and inner.request is not None and step.until is not None
        tries = step.max or DEFAULT_TRIES
        every = duration_seconds(step.every or DEFAULT_EVERY)
        saves = {**(inner.save or {}), **(step.save or {})}  # from the last, successful try
        comparison = Comparison()
        for attempt in range(1, tries + 1):
            reply = self._send(inner.request, result)
            if reply is None:
                result.note = "would poll until the expectation holds"
                self.variables.update({name: f"<{name}>" for name in saves})
                return
            self._check(inner.expect, reply, inner.expect is None or inner.expect.status is None)
            comparison = self._compare(step.until, reply, default_status=False)
            if not comparison.mismatches:
                self._save(saves, reply)
                result.detail += f" (try {attempt} of {tries})"
                return
            if attempt < tries:
                try:
                    self.target.advance(every)
                except NotAvailable:
                    result.note = (
                        "a real sandbox moves on its own time: tried once, the clock cannot be moved"
                    )
                    break
        diff = [line for mismatch in comparison.mismatches for line in mismatch.lines()]
        raise StepFailed(
            f"still not as expected after {tries} tries, {step.every or DEFAULT_EVERY} apart", diff
        )

    # -- webhooks, control ----------------------------------------------------------
    def _expect_webhook(self, step: Step, result: StepResult) -> None:
        expectation = step.expect_webhook
        assert expectation is not None
        items = self.target.inbox(expectation.inbox)
        result.detail = f"inbox {expectation.inbox}: {len(items)} delivered"
        comparison = Comparison()
        problem = "the webhooks differ"
        if expectation.count is not None and len(items) != expectation.count:
            comparison.fail("count", str(expectation.count), len(items))
        checks_one = expectation.has_json or expectation.headers or expectation.checks_signature
        if checks_one and not comparison.mismatches:
            if expectation.index == ANY_DELIVERY:
                if not items:
                    raise StepFailed(f"no delivery in inbox {expectation.inbox!r}")
                checked = [self._delivery_mismatches(expectation, item) for item in items]
                found = next((i for i, mismatches in enumerate(checked) if not mismatches), None)
                if found is None:
                    comparison.mismatches += checked[-1]
                    problem = "none of them matches (the latest differs as shown)"
                else:
                    result.detail += f"; delivery {found} matches"
            else:
                index = int(expectation.index)
                if not -len(items) <= index < len(items):
                    raise StepFailed(f"no delivery number {index} in inbox {expectation.inbox!r}")
                comparison.mismatches += self._delivery_mismatches(expectation, items[index])
            if expectation.checks_signature and not comparison.mismatches:
                result.detail += ", signature valid"
        if comparison.mismatches:
            diff = [line for mismatch in comparison.mismatches for line in mismatch.lines()]
            first = max(0, len(items) - 5)
            bodies = [
                f"  delivery {first + i}: {item.get('body', '')[:300]}"
                for i, item in enumerate(items[first:])
            ]
            raise StepFailed(f"{problem} ({len(items)} in inbox {expectation.inbox!r})", diff + bodies)

    def _delivery_mismatches(self, expectation: WebhookExpect, item: dict[str, Any]) -> list[Mismatch]:
        comparison = Comparison()
        if expectation.has_json:
            try:
                document = json.loads(item["body"])
            except ValueError:
                document = _NOT_JSON
            comparison.mismatches += compare(render(expectation.json_, self.variables), document).mismatches
        if expectation.headers:
            lowered = {str(k).lower(): v for k, v in render(expectation.headers, self.variables).items()}
            headers = {str(k).lower(): v for k, v in item["headers"].items()}
            comparison.mismatches += compare(lowered, headers, "headers").mismatches
        if expectation.checks_signature:
            provider, secret = self._webhook_secret(expectation)
            problem = support_for(provider).verify_signature(item["body"], item["headers"], secret)
            if problem is not None:
                comparison.fail("signature", f"a valid {provider} signature", problem)
        return comparison.mismatches

    def _webhook_secret(self, expectation: WebhookExpect) -> tuple[str, str]:
        """(provider, secret) to verify a delivery with: the given secret, else the one of the
        account whose webhook feeds the inbox."""
        if expectation.secret is not None:
            return expectation.provider or self.scenario.providers[0], str(
                render(expectation.secret, self.variables)
            )
        found = find_webhook_account(
            self.scenario, expectation.inbox, expectation.signature, expectation.provider
        )
        assert found is not None  # checked when the file was loaded
        return found[0], found[2]

    def _expect_deliveries(self, step: Step, result: StepResult) -> None:
        assert step.expect_deliveries is not None
        spec = DeliveriesExpect.model_construct(
            _fields_set=step.expect_deliveries.model_fields_set,
            **{
                key: render(getattr(step.expect_deliveries, key), self.variables)
                for key in DeliveriesExpect.model_fields
            },
        )
        records = self.target.deliveries()
        matched = deliveries.select(spec, records)
        result.detail = f"{len(matched)} of {len(records)} deliveries match"
        shown = [f"  {deliveries.summary(record)}" for record in (matched or records)[-10:]]
        if spec.count is not None and len(matched) != spec.count:
            raise StepFailed(
                "the deliveries differ", Mismatch("count", str(spec.count), len(matched)).lines() + shown
            )
        if not matched:
            if spec.count == 0:
                return
            raise StepFailed(f"no delivery matches (of {len(records)})", shown)
        if not deliveries.has_checks(spec):
            return
        if spec.index == ANY_DELIVERY:
            checked = [deliveries.mismatches(spec, record) for record in matched]
            found = next((i for i, problems in enumerate(checked) if not problems), None)
            if found is None:
                diff = [line for mismatch in checked[-1] for line in mismatch.lines()]
                raise StepFailed("none of them is as expected (the latest differs as shown)", diff + shown)
            result.detail += f"; {matched[found]['id']} is as expected"
            return
        index = int(spec.index)
        if not -len(matched) <= index < len(matched):
            raise StepFailed(f"no matching delivery number {index} (there are {len(matched)})", shown)
        record = matched[index]
        problems = deliveries.mismatches(spec, record)
        if problems:
            diff = [line for mismatch in problems for line in mismatch.lines()]
            raise StepFailed(f"delivery {record['id']} differs", [*diff, f"  {deliveries.summary(record)}"])
        tries = len(record.get("attempts") or [])
        result.detail += f"; {record['id']}: {tries} attempt(s), {record['state']}"

    def _transition(self, step: Step, result: StepResult) -> None:
        spec = step.transition
        assert spec is not None
        provider = spec.provider or self.scenario.providers[0]
        body = render(spec.model_dump(include={"resource", "id", "state", "reason"}), self.variables)
        if not self.target.has_control:
            raise NotAvailable("skipped: forcing a state needs mockpost's control plane")
        reply = self.target.transition(provider, self._auth(provider, spec.account), body)
        result.detail = f"{body['resource']} {body['id']} → {body['state']} ({reply.status})"
        if reply.status != 200:
            raise StepFailed(f"the transition was refused ({reply.status})", _body_lines(reply))

    def _clock(self, step: Step, result: StepResult) -> None:
        assert step.clock is not None
        text = render(step.clock.set, self.variables)
        try:
            at = parse_instant(str(text)) if text is not None else None
        except ValueError:
            raise StepFailed(f"clock set: {text!r} is not an ISO-8601 instant") from None
        clock = self.target.set_clock(at, step.clock.frozen)
        result.detail = f"→ {clock['now']} ({'frozen' if clock['frozen'] else 'running'})"

    def _fault(self, step: Step, result: StepResult) -> None:
        assert step.fault is not None
        spec = step.fault.model_dump(exclude_defaults=True)
        self.target.add_fault(spec)
        result.detail = "fault " + ", ".join(f"{k}={v}" for k, v in spec.items())


_NOT_JSON = object()


def _json_of(reply: Reply) -> Any:
    try:
        return json.loads(reply.text) if reply.text else None
    except ValueError:
        return _NOT_JSON


def _body_lines(reply: Reply) -> list[str]:
    document = _json_of(reply)
    text = json.dumps(document, indent=2, ensure_ascii=False) if document is not _NOT_JSON else reply.text
    lines = text.splitlines() or ["(empty body)"]
    shown = lines[:BODY_LINES_SHOWN]
    if len(lines) > BODY_LINES_SHOWN:
        shown.append(f"… {len(lines) - BODY_LINES_SHOWN} more lines")
    return [f"  response {reply.status}:"] + [f"  | {line}" for line in shown]


def form_fields(form: dict[str, Any] | None) -> dict[str, str] | None:
    """Form fields as sent: text as written, any other value (a mapping, a list, a number, true)
    as its JSON text, e.g. a multipart part that holds JSON."""
    if form is None:
        return None
    return {
        str(name): value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for name, value in form.items()
    }


def _body_preview(outgoing: Outgoing) -> str:
    if outgoing.has_json:
        text = json.dumps(outgoing.json, ensure_ascii=False)
        return "  " + (text if len(text) <= 100 else text[:99] + "…")
    if outgoing.files:
        return "  multipart " + ", ".join(f"{k}={v[0]}" for k, v in outgoing.files.items())
    if isinstance(outgoing.content, bytes):
        return f"  {len(outgoing.content)} bytes"
    return ""
