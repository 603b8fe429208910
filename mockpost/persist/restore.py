"""Putting saved content back: read and check a whole document first (`read`), then apply it
(`apply`), which cannot fail half-way. A document with any problem is refused whole, each problem
named by the dotted path of its field, and nothing changes.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from mockpost import __version__
from mockpost.core.codec import problems_of
from mockpost.core.webhooks import DELIVERY
from mockpost.persist.codecs import StateCodecs
from mockpost.persist.model import (
    FORMAT,
    AccountTimer,
    Head,
    SavedClock,
    SavedFaults,
    SavedJournal,
    SavedOutbox,
    SavedStreams,
    SavedTenancy,
    SavedTimer,
    Scope,
    document_model,
    entry_of,
    provider_field,
)

if TYPE_CHECKING:
    from mockpost.sandbox import Sandbox


class SnapshotError(ValueError):
    """A document that cannot be restored: `problems` are (field, what is wrong)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        field_name, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{field_name or '(document)'}: {message}{more}")

    def details(self) -> list[dict[str, str]]:
        return [{"field": name or "(document)", "problem": message} for name, message in self.problems]


@dataclass
class ProviderContent:
    streams: SavedStreams | None
    tenancy: SavedTenancy
    accounts: dict[str, tuple[Any, list[AccountTimer]]]  # account -> (its state, its timers)


@dataclass
class Content:
    """A checked document, ready to apply."""

    version: str
    seed: int | None
    scope: Scope
    clock: SavedClock | None
    providers: dict[str, ProviderContent]
    timers: list[SavedTimer] = field(default_factory=list)
    outbox: SavedOutbox | None = None
    faults: SavedFaults | None = None
    journal: SavedJournal | None = None
    inboxes: dict[str, list[dict[str, Any]]] | None = None

    @property
    def whole(self) -> bool:
        return self.scope.provider is None

    def counts(self) -> dict[str, int]:
        return {
            "accounts": sum(len(part.accounts) for part in self.providers.values()),
            "timers": len(self.timers)
            + sum(len(timers) for part in self.providers.values() for _, timers in part.accounts.values()),
            "deliveries": len(self.outbox.deliveries) if self.outbox else 0,
        }


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Building 10^5 objects would start the cyclic collector hundreds of times over a heap that
    only grows: nothing to collect, and most of the time lost. It runs again afterwards, with what
    was built moved straight to the oldest generation (freeze then unfreeze does that in constant
    time), so the young collections that follow do not walk it all again; full collections still
    see everything, so nothing is kept from them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def read(sandbox: Sandbox, codecs: StateCodecs, raw: bytes) -> Content:
    """Check a whole document; SnapshotError names every field that is wrong.

    One pass of pydantic over the document checks it and builds every object. Which state classes
    read it depends on the providers it holds, found in the bytes (parsing 100 MB twice would cost
    a fifth of a restore); a provider part the search missed is read in a second pass."""
    names = _providers_in(sandbox, raw)
    while True:
        classes = tuple((name, saved) for name in names if (saved := codecs.saved_type(name)) is not None)
        with collector_paused():
            try:
                document: Any = document_model(classes).model_validate_json(raw)
                break
            except ValidationError as exc:
                missed = _missed_providers(sandbox, codecs, exc, names)
                if not missed:
                    raise SnapshotError(_explained(sandbox, codecs, raw, exc)) from None
                names = [*names, *missed]
    if document.mockpost_snapshot != FORMAT:
        raise SnapshotError([_other_format(document.mockpost_snapshot, document.mockpost_version)])
    providers = {}
    for index, (name, _) in enumerate(classes):
        part = getattr(document.providers, provider_field(index))
        if part is None:
            continue
        codec = codecs.codec(name)
        assert codec is not None  # a provider without one has no field in the model
        accounts = {
            account: (codec.from_saved(saved.state), saved.timers) for account, saved in part.accounts.items()
        }
        providers[name] = ProviderContent(part.streams, part.tenancy, accounts)
    content = Content(
        version=document.mockpost_version,
        seed=document.seed,
        scope=document.scope,
        clock=document.clock,
        providers=providers,
        timers=document.timers,
        outbox=document.outbox,
        faults=document.faults,
        journal=document.journal,
        inboxes=document.inboxes,
    )
    problems = _inconsistencies(sandbox, content)
    if problems:
        raise SnapshotError(problems)
    return content


def _providers_in(sandbox: Sandbox, raw: bytes) -> list[str]:
    """The registered providers whose parts the document holds. Exported documents start every
    provider part with `"NAME":{"streams":`, found in one scan; a document written otherwise is
    searched name by name."""
    marker = b':{"streams":'
    named: set[str] = set()
    found = raw.find(marker)
    while found > 0:
        if raw[found - 1 : found] == b'"':
            start = raw.rfind(b'"', 0, found - 1)
            named.add(raw[start + 1 : found - 1].decode("utf-8", "replace"))
        found = raw.find(marker, found + len(marker))
    if named:
        return [name for name in sandbox.providers if name in named]
    return [name for name in sandbox.providers if _holds_part(raw, name)]


def _missed_providers(
    sandbox: Sandbox, codecs: StateCodecs, exc: ValidationError, names: list[str]
) -> list[str]:
    """Registered, savable providers the document holds although the search did not find them."""
    missed = []
    for error in exc.errors():
        location = error["loc"]
        if len(location) == 2 and location[0] == "providers" and error["type"] == "extra_forbidden":
            name = str(location[1])
            if name in sandbox.providers and name not in names and codecs.state_class(name) is not None:
                missed.append(name)
    return missed


def _holds_part(raw: bytes, name: str) -> bool:
    """Whether `"name"` is a key whose value is an object somewhere in the document (a provider's
    part), as opposed to a string that mentions it (a journal path, a fault rule)."""
    key = b'"%s"' % name.encode()
    found = raw.find(key)
    while found >= 0:
        if _PART_AFTER.match(raw, found + len(key)):
            return True
        found = raw.find(key, found + 1)
    return False


_PART_AFTER = re.compile(rb"\s*:\s*\{")


def _explained(
    sandbox: Sandbox, codecs: StateCodecs, raw: bytes, exc: ValidationError
) -> list[tuple[str, str]]:
    """pydantic's problems, said in the document's terms: a document of another format is that
    one problem; a provider the model has no field for is unknown, or one whose state cannot be
    saved."""
    try:
        head = Head.model_validate_json(raw)
    except ValidationError as head_exc:
        return problems_of(head_exc, skip=0)
    if head.mockpost_snapshot != FORMAT:
        return [_other_format(head.mockpost_snapshot, head.mockpost_version)]
    problems = []
    for where, message in problems_of(exc, skip=0):
        parts = where.split(".")
        if len(parts) == 2 and parts[0] == "providers" and message == "Extra inputs are not permitted":
            name = parts[1]
            if name not in sandbox.providers:
                message = f"unknown provider; known: {sorted(sandbox.providers)}"
            elif codecs.state_class(name) is None:
                message = f"cannot be restored: {codecs.refused[name]}"
        problems.append((where, message))
    return problems


def _other_format(found: int, version: str) -> tuple[str, str]:
    return (
        "mockpost_snapshot",
        f"format {found} (written by mockpost {version}) cannot be read by mockpost {__version__}, "
        f"which reads format {FORMAT}",
    )


def _inconsistencies(sandbox: Sandbox, content: Content) -> list[tuple[str, str]]:
    """What the types alone do not catch: a scope the content leaves, a provider or kind of object
    the sandbox does not have."""
    problems: list[tuple[str, str]] = []
    scope = content.scope
    if scope.provider is not None and scope.provider not in sandbox.providers:
        problems.append(("scope.provider", f"unknown provider {scope.provider!r}"))
    if scope.account is not None and scope.provider is None:
        problems.append(("scope.account", "an account is named within a provider: give scope.provider"))
    for name, part in content.providers.items():
        if scope.provider is not None and name != scope.provider:
            problems.append((f"providers.{name}", f"outside this snapshot's scope ({scope.provider})"))
        kinds = set(sandbox.providers[name].kinds) | {DELIVERY}
        for account, (_, timers) in part.accounts.items():
            if scope.account is not None and account != scope.account:
                problems.append(
                    (
                        f"providers.{name}.accounts.{account}",
                        f"outside this snapshot's scope ({scope.account})",
                    )
                )
            for index, timer in enumerate(timers):
                if timer.kind not in kinds:
                    problems.append(
                        (
                            f"providers.{name}.accounts.{account}.timers.{index}.kind",
                            f"{name} has no kind {timer.kind!r}; kinds: {sorted(kinds)}",
                        )
                    )
    for index, saved in enumerate(content.timers):
        if saved.provider not in content.providers:
            problems.append(
                (f"timers.{index}.provider", f"{saved.provider!r} is not a provider of this snapshot")
            )
    if content.outbox is not None:
        for index, delivery in enumerate(content.outbox.deliveries):
            if delivery.provider not in content.providers:
                problems.append(
                    (
                        f"outbox.deliveries.{index}.provider",
                        f"{delivery.provider!r} is not a provider of this snapshot",
                    )
                )
    return problems


def apply(sandbox: Sandbox, content: Content, merge: bool = False) -> dict[str, Any]:
    """Put checked content in place. Replacing (the default) empties what the snapshot covers first
    (the whole sandbox, a provider or an account); merging adds its accounts (replacing any with the
    same id, with their timers and deliveries), fault rules and inbox items to what is there, and
    keeps the clock, the journal and the id streams as they are."""
    scope = content.scope
    with collector_paused():
        if not merge:
            sandbox.clear(scope.provider, scope.account)
            for name in [scope.provider] if scope.provider else list(sandbox.providers):
                sandbox.tenancy.forget(name, scope.account)
            if content.whole and content.clock is not None:
                sandbox.clock.restore(content.clock.model_dump())
        timers: list[dict[str, Any]] = []
        for name, part in content.providers.items():
            provider = sandbox.providers[name]
            sandbox.tenancy.restore(name, part.tenancy.model_dump())
            if part.streams is not None and not merge and content.seed == sandbox.settings.seed:
                provider.ctx.restore_streams(part.streams.model_dump())
            for account, (state, account_timers) in part.accounts.items():
                if merge:
                    sandbox.clear(name, account)
                sandbox.store.adopt(name, account, state)
                if sandbox.tenancy.on_use is not None and sandbox.tenancy.account(name, account) is None:
                    sandbox.tenancy.on_use(name, account)  # an open-mode account, counted by its bound
                timers.extend(
                    {**t.model_dump(), "provider": name, "account": account} for t in account_timers
                )
        timers.extend(saved.model_dump() for saved in content.timers)
        _restore_outbox(sandbox, content, timers, merge)
        sandbox.scheduler.restore(timers)
        if content.whole:
            _restore_sandbox_parts(sandbox, content, merge)
    sandbox.scheduler.wakeup.set()
    counts = content.counts()
    sandbox.events.publish("restored", {"provider": scope.provider, "account": scope.account, "merge": merge})
    return counts


def _restore_outbox(sandbox: Sandbox, content: Content, timers: list[dict[str, Any]], merge: bool) -> None:
    if content.outbox is None:
        return
    if not merge:
        sandbox.outbox.restore(content.outbox.deliveries, content.outbox.model_dump(exclude={"deliveries"}))
        return
    renamed = {}
    for delivery in content.outbox.deliveries:
        old = delivery.id
        renamed[old] = sandbox.outbox.adopt(delivery).id
    for timer in timers:  # a pending attempt follows its delivery to the new id
        if timer["kind"] == DELIVERY and timer["id"] in renamed:
            timer["id"] = renamed[timer["id"]]


def _restore_sandbox_parts(sandbox: Sandbox, content: Content, merge: bool) -> None:
    if content.faults is not None:
        if merge:
            sandbox.faults.append(content.faults.rules)
        else:
            sandbox.faults.restore(content.faults.rules, content.faults.last_id, content.faults.rng)
    if content.journal is not None and not merge:
        for saved in content.journal.entries:
            sandbox.journal.record(entry_of(saved))
        sandbox.journal.resume_after(content.journal.last_id)
    for name, items in (content.inboxes or {}).items():
        for item in items:
            sandbox.inboxes.put(name, item)
