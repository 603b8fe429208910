"""Scenario files -> validated `Scenario`s, or a ScenarioError naming file, line and expectation.

Validation happens in two passes: the pydantic schema (shapes and values), then the references
between parts (providers named, accounts that exist, rule states the lifecycle knows, variables
saved before they are used), each problem mapped back to its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mockpost.core.faults import FaultSpec
from mockpost.fileschemas import provider_model
from mockpost.providers import PROVIDERS
from mockpost.scenarios.files import FileRefused, scenario_file
from mockpost.scenarios.problems import (
    display,
    schema_problems,
    suggestion,
    unknown_key,
    validation_problems,
)
from mockpost.scenarios.providers import SUPPORT
from mockpost.scenarios.schema import FORMAT_KEY, RuleSpec, Scenario, Step
from mockpost.scenarios.variables import BUILTIN_VARIABLES, placeholders
from mockpost.scenarios.yamlsource import (
    Document,
    Location,
    Problem,
    ScenarioError,
    check_size,
    load_document,
)

SCENARIO_SUFFIXES = (".yaml", ".yml")
PROVIDER_ENTRIES = {entry.name: entry for entry in PROVIDERS}
DATA_DIRECTORIES = {"fixtures", "files", "data"}  # files next to scenarios that are not scenarios
# A scenario says so on a top-level line `mockpost: 1`. Read as text, so collecting never parses
# a YAML file of the project that is not a scenario.
_DECLARATION = re.compile(rf"""^["']?{FORMAT_KEY}["']?[ \t]*:""", re.MULTILINE)


@dataclass
class LoadedScenario:
    path: Path
    scenario: Scenario
    document: Document

    def file(self, name: str) -> Path:
        """A file the scenario names (a request's `files`), below its folder (FileRefused if not)."""
        return scenario_file(self.document.files_root, name)

    def line_of(self, location: Location) -> int | None:
        return self.document.line_of(location)

    @cached_property
    def fed_inboxes(self) -> set[str]:
        return fed_inboxes(self)


def load_file(path: Path | str) -> LoadedScenario:
    path = Path(path)
    return _validated(load_document(path, keep_going=True))


def load_text(text: str, name: str = "<scenario>", files_root: Path | None = None) -> LoadedScenario:
    """A scenario sent as text (e.g. to POST /_mockpost/scenarios). It reads no files, unless
    `files_root` names the folder it may read below."""
    return _validated(load_document(Path(name), text, files_root, keep_going=True))


def load_data(data: Any, name: str = "<scenario>") -> LoadedScenario:
    """A scenario already parsed (a JSON body): validated the same way, without line numbers."""
    check_size(Path(name), data)
    return _validated(Document(Path(name), data))


@dataclass
class Discovery:
    """What `mockpost run FILE|DIR ...` found: the files to run, files named on the command line
    that do not declare themselves scenarios (run anyway, with a warning), and YAML files found in
    folders that do not (not scenarios: skipped, and listed so a forgotten key is visible)."""

    files: list[Path]
    undeclared: list[Path]
    skipped: list[Path]


def discover(paths: Iterable[Path | str]) -> Discovery:
    """Files named directly are taken as they are; below a folder, the YAML files that declare
    themselves scenarios (sorted; data folders such as fixtures/ never count)."""
    found = Discovery([], [], [])
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if candidate.suffix not in SCENARIO_SUFFIXES or not candidate.is_file():
                    continue
                if is_data_file(candidate, root=path):
                    continue
                (found.files if declares_scenario(candidate) else found.skipped).append(candidate)
        else:
            found.files.append(path)
            if path.is_file() and not declares_scenario(path):
                found.undeclared.append(path)
    return found


def declares_scenario(path: Path) -> bool:
    """True when the file has the top-level line `mockpost: ...` that marks a scenario."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _DECLARATION.search(text) is not None


def is_data_file(path: Path, root: Path | None = None) -> bool:
    """True for a file inside a data folder (fixtures/, files/, data/) below `root`."""
    parts = path.relative_to(root).parts[:-1] if root is not None else path.parts[:-1]
    return any(part in DATA_DIRECTORIES for part in parts)


# -- pass 1: the schema ----------------------------------------------------------------------------
@dataclass
class _Parts:
    """What passed the schema, each list item with its index in the file: the whole scenario, or
    (when some of it is wrong) the top level alone and the rules, faults and steps that are valid
    on their own; a step that is not keeps its raw data (the variables it saves still count)."""

    header: Scenario | None
    rules: list[tuple[int, RuleSpec]]
    faults: list[tuple[int, FaultSpec]]
    steps: list[tuple[int, Step | Any]]

    @classmethod
    def of(cls, scenario: Scenario) -> _Parts:
        return cls(
            scenario,
            list(enumerate(scenario.rules)),
            list(enumerate(scenario.faults)),
            list(enumerate(scenario.steps)),
        )

    @classmethod
    def valid_in(cls, data: dict[Any, Any]) -> _Parts:
        lists: dict[str, list[Any]] = {key: _list(data.get(key)) for key in LIST_SECTIONS}
        return cls(
            _valid(Scenario, {**data, **{key: [] for key in LIST_SECTIONS}}),
            [(i, rule) for i, item in enumerate(lists["rules"]) if (rule := _valid(RuleSpec, item))],
            [(i, fault) for i, item in enumerate(lists["faults"]) if (fault := _valid(FaultSpec, item))],
            [(i, _valid(Step, item) or item) for i, item in enumerate(lists["steps"])],
        )


LIST_SECTIONS = ("rules", "faults", "steps")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _valid(model: Any, data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


def _validated(document: Document) -> LoadedScenario:
    """The scenario, or a ScenarioError with every problem of the file: what could not be read,
    what the schema refuses, and what the references between parts get wrong."""
    data = document.data
    if not isinstance(data, dict):
        problem = "expected a mapping with name, providers and steps (see docs/scenarios.md)"
        raise ScenarioError.several(
            str(document.path), document.problems or [(getattr(data, "line", 1), problem)]
        )
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += schema_problems(document, exc, Scenario)
    except RecursionError:
        raise ScenarioError(str(document.path), None, "the document nests too deeply") from None
    parts = _Parts.of(scenario) if scenario is not None else _Parts.valid_in(data)
    header = parts.header
    loaded = LoadedScenario(document.path, header, document) if header is not None else None
    problems += _reference_problems(document, loaded, parts)
    problems = _every_problem_once(document.problems, problems)
    if problems or scenario is None or loaded is None:
        raise ScenarioError.several(str(document.path), problems)
    return loaded


def _every_problem_once(reading: list[Problem], checking: list[Problem]) -> list[Problem]:
    """Reading problems first, then the schema's and the references', each once. A value that
    could not be read (an unknown tag) is None in the data, so what the checks say about its line
    adds nothing: the reading problem is kept."""
    unreadable = {line for line, _ in reading}
    kept = list(reading) + [p for p in checking if p[0] is None or p[0] not in unreadable]
    return list(dict.fromkeys(kept))


# -- pass 2: references between parts ----------------------------------------------------------------
def _reference_problems(
    document: Document, loaded: LoadedScenario | None, parts: _Parts
) -> Iterator[Problem]:
    """What the schema alone cannot see. Without a valid top level (providers, accounts) only the
    variables are followed."""

    def at(location: Location, message: str) -> Problem:
        return document.line_of(location), f"{display(location)}: {message}"

    saved = set(BUILTIN_VARIABLES)
    if loaded is not None:
        yield from _top_level_problems(loaded, parts, at)
        saved |= set(loaded.scenario.variables)
    elif isinstance(document.data.get("variables"), dict):
        saved |= {str(name) for name in document.data["variables"]}
    for index, step in parts.steps:
        if isinstance(step, Step):
            yield from _step_problems(loaded, ("steps", index), step, saved, at)
        else:  # not valid on its own (reported by the schema): what it saves still counts
            saved.update(_saved_by(step))


def _saved_by(raw: Any) -> set[str]:
    found: set[str] = set()
    while isinstance(raw, dict):
        if isinstance(raw.get("save"), dict):
            found.update(str(name) for name in raw["save"])
        raw = raw.get("repeat")
    return found


def _top_level_problems(loaded: LoadedScenario, parts: _Parts, at: Any) -> Iterator[Problem]:
    scenario = loaded.scenario
    providers = scenario.providers
    for index, name in enumerate(providers):
        if name not in SUPPORT:
            hint = suggestion(name, list(SUPPORT))
            yield at(
                ("providers", index),
                f"unknown provider {name!r}{hint}; expected one of: {', '.join(sorted(SUPPORT))}",
            )
    for section in ("accounts", "seed"):
        for name in getattr(scenario, section):
            if name not in providers:
                yield at((section, name), f"provider {name!r} is not in providers ({', '.join(providers)})")
    for name, section in scenario.seed.items():
        if name in SUPPORT:  # the provider's fixture format, as a fixtures file is checked
            model = provider_model(PROVIDER_ENTRIES[name], "FIXTURES")
            if isinstance(model, type) and issubclass(model, BaseModel):
                yield from validation_problems(loaded.document, section, model, ("seed", name))
    for provider, accounts in scenario.accounts.items():
        support = SUPPORT.get(provider)
        for account_name, account in accounts.items():
            if support is None:
                continue
            for key in account.fields():
                if key not in support.account_keys:
                    allowed = [*support.account_keys, "webhook", "env"]
                    yield at(
                        ("accounts", provider, account_name, key),
                        unknown_key(key, allowed, f"for a {provider} account"),
                    )
            try:
                support.auth_headers({**account.fields(), **{k: f"${v}" for k, v in account.env.items()}})
            except ValueError as exc:
                yield at(("accounts", provider, account_name), str(exc))
    for index, rule in parts.rules:
        yield from _rule_problems(loaded, index, rule, at)
    for index, fault in parts.faults:
        if fault.provider is not None and fault.provider not in providers:
            yield at(("faults", index, "provider"), f"provider {fault.provider!r} is not in providers")


def _rule_problems(loaded: LoadedScenario, index: int, rule: RuleSpec, at: Any) -> Iterator[Problem]:
    if rule.provider not in loaded.scenario.providers:
        yield at(("rules", index, "provider"), f"provider {rule.provider!r} is not in providers")
        return
    support = SUPPORT.get(rule.provider)
    if support is not None and rule.timeline is not None:
        problem = support.timeline_problem(rule.timeline)
        if problem is not None:
            yield at(("rules", index, "timeline"), problem)
    if support is None or rule.resource is None or rule.then is None:
        return
    lifecycles = {lc.resource: lc for lc in support.lifecycles()}
    lifecycle = lifecycles.get(rule.resource)
    if lifecycle is None:
        yield at(
            ("rules", index, "resource"),
            f"{rule.provider} has no resource {rule.resource!r}; expected one of: {', '.join(lifecycles)}",
        )
        return
    for position, state in enumerate(rule.when):
        if state not in lifecycle.states:
            yield at(
                ("rules", index, "when", position),
                f"{state!r} is not a {rule.resource} state; expected one of: {', '.join(lifecycle.states)}",
            )
    states = ", ".join(lifecycle.states)
    if rule.then.state not in lifecycle.states:
        yield at(
            ("rules", index, "then", "state"),
            f"{rule.then.state!r} is not a {rule.resource} state; expected one of: {states}",
        )
        return
    for state in rule.when:
        if state in lifecycle.states and not lifecycle.allows(state, rule.then.state):
            onward = ", ".join(sorted(lifecycle.transitions[state])) or "nothing"
            yield at(
                ("rules", index, "then", "state"),
                f"a {rule.resource} cannot go from {state!r} to {rule.then.state!r}; "
                f"from {state!r} it can go to: {onward}",
            )


STEP_PARTS_WITH_VARIABLES = (
    "request",
    "expect",
    "expect_webhook",
    "expect_deliveries",
    "transition",
    "until",
    "clock",
    "save",
)


def _step_problems(
    loaded: LoadedScenario | None, location: Location, step: Step, saved: set[str], at: Any
) -> Iterator[Problem]:
    """Variables used before they are saved; with the top level valid, also the providers,
    accounts, files and inboxes a step names."""
    for key in STEP_PARTS_WITH_VARIABLES:
        value = getattr(step, key)
        if value is None:
            continue
        used = placeholders(value if isinstance(value, dict) else value.model_dump(by_alias=True))
        for name in sorted(used):
            if name not in saved:
                known = ", ".join(sorted(saved - set(BUILTIN_VARIABLES))) or "none yet"
                yield at(
                    (*location, key),
                    f"uses {{{{ {name} }}}} before any step saves it (saved so far: {known})",
                )
    if loaded is not None:
        yield from _named_in_step(loaded, location, step, at)
    if step.repeat is not None:
        yield from _step_problems(loaded, (*location, "repeat"), step.repeat, saved, at)
    saved.update(step.save or {})


def _named_in_step(loaded: LoadedScenario, location: Location, step: Step, at: Any) -> Iterator[Problem]:
    """The providers, accounts, files and inboxes a step names exist."""
    if step.request is not None:
        yield from _account_problems(
            loaded,
            (*location, "request"),
            step.request.provider,
            step.request.account,
            at,
            step.request.sends_credentials,
        )
        if step.request.files:
            for field, name in step.request.files.items():
                try:
                    found = loaded.file(name).is_file()
                except FileRefused as exc:
                    yield at((*location, "request", "files", field), str(exc))
                    continue
                if not found:
                    yield at((*location, "request", "files", field), f"no file {name!r} next to the scenario")
    if step.transition is not None:
        yield from _account_problems(
            loaded, (*location, "transition"), step.transition.provider, step.transition.account, at
        )
    providers = loaded.scenario.providers
    if step.fault is not None and step.fault.provider is not None and step.fault.provider not in providers:
        yield at((*location, "fault", "provider"), f"provider {step.fault.provider!r} is not in providers")
    if step.expect_webhook is not None:
        yield from _webhook_problems(loaded, (*location, "expect_webhook"), step, at)
    wanted = step.expect_deliveries
    if wanted is not None and wanted.provider is not None and wanted.provider not in providers:
        yield at(
            (*location, "expect_deliveries", "provider"),
            f"provider {wanted.provider!r} is not in providers ({', '.join(providers)})",
        )


def _account_problems(
    loaded: LoadedScenario,
    location: Location,
    provider: str | None,
    account: str | None,
    at: Any,
    auth: bool = True,
) -> Iterator[Problem]:
    scenario = loaded.scenario
    if provider is None and len(scenario.providers) > 1:
        yield at(location, f"say which provider: the scenario has {', '.join(scenario.providers)}")
        return
    name = provider or scenario.providers[0]
    if name not in scenario.providers:
        yield at(
            (*location, "provider"),
            f"provider {name!r} is not in providers ({', '.join(scenario.providers)})",
        )
        return
    accounts = scenario.accounts.get(name, {})
    if account is not None and account not in accounts:
        known = ", ".join(accounts) or "none"
        yield at((*location, "account"), f"no account {account!r} for {name} under accounts (known: {known})")
    elif account is None and len(accounts) > 1 and auth:
        yield at(location, f"say which account: {name} has {', '.join(accounts)}")


def _webhook_problems(
    loaded: LoadedScenario, location: Location, step: Step, at: Any
) -> Iterator[Problem]:
    assert step.expect_webhook is not None
    expectation = step.expect_webhook
    providers = loaded.scenario.providers
    if expectation.provider is not None and expectation.provider not in providers:
        yield at(
            (*location, "provider"),
            f"provider {expectation.provider!r} is not in providers ({', '.join(providers)})",
        )
        return
    fed = loaded.fed_inboxes
    if expectation.inbox not in fed:
        shown = ", ".join(sorted(fed)) or "none: give an account a webhook: {inbox: NAME, secret: ...}"
        yield at(
            (*location, "inbox"),
            f"no webhook in this scenario goes to inbox {expectation.inbox!r}; inboxes fed here: {shown}",
        )
        return
    if expectation.secret is not None:
        if expectation.provider is None and len(providers) > 1:
            yield at(location, f"say which provider signs it: the scenario has {', '.join(providers)}")
        return
    if not expectation.signature:
        return
    if (
        find_webhook_account(loaded.scenario, expectation.inbox, expectation.signature, expectation.provider)
        is None
    ):
        yield at(
            (*location, "signature"),
            f"no account whose webhook goes to inbox {expectation.inbox!r}; the secret to check comes from "
            'accounts.<provider>.<name>.webhook, or give it: secret: "{{ saved_secret }}"',
        )


_INBOX_URL = re.compile(r"/_mockpost/inbox/([^/?#\s\"']+)")


def fed_inboxes(loaded: LoadedScenario) -> set[str]:
    """Inboxes something in the file sends to: an account's `webhook.inbox`, or any URL in the
    file (seed data, a subscription a step creates) that ends in /_mockpost/inbox/NAME."""
    names = {
        account.webhook.inbox
        for accounts in loaded.scenario.accounts.values()
        for account in accounts.values()
        if account.webhook is not None and account.webhook.inbox is not None
    }
    stack: list[Any] = [loaded.document.data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            names.update(_INBOX_URL.findall(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return names


def find_webhook_account(
    scenario: Scenario, inbox: str, signature: bool | str, provider: str | None
) -> tuple[str, str, str] | None:
    """(provider, account name, secret) of the account whose webhook feeds `inbox`."""
    for provider_name, accounts in scenario.accounts.items():
        if provider is not None and provider_name != provider:
            continue
        for name, account in accounts.items():
            if isinstance(signature, str) and name != signature:
                continue
            hook = account.webhook
            if hook is not None and (hook.inbox == inbox or isinstance(signature, str)):
                return provider_name, name, hook.secret
    return None
