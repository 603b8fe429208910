"""The Afosto backend: every catalog endpoint served by its pattern, or by the hand-modelled
handler registered for it. No HTTP in here.

The engine is composed of one object per job, each given the store it works on: `store` (items.py:
the account's collections, keyed by their path template with parameters as `{}` plus the values of
the parameters above them, so `/odr/orders/{id}/items` of order A and of order B are two
collections), `listing` (lists and searches), `crud`, `documents` (singletons and actions) and
`tasks`, and `objects` (objects.py: the lifecycled objects' records and every state change).
Hand-modelled endpoints (lifecycles, binaries) are registered in `handlers` by their groups
(`handlers.py`, `workflows.py`, ...) and called instead of the pattern; the timed steps they plan
(`ctx.schedule`) in `timer_actions`, by (kind, action).
"""

from __future__ import annotations

import copy
import weakref
from typing import Any

from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.providers.afosto.catalog import Catalog, Operation
from mockpost.providers.afosto.crud import Crud
from mockpost.providers.afosto.documents import Documents
from mockpost.providers.afosto.items import ItemStore
from mockpost.providers.afosto.listing import Listing
from mockpost.providers.afosto.models import Answer, Call, Handler
from mockpost.providers.afosto.objects import Objects
from mockpost.providers.afosto.shapes import Lookup, Shapes
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.synth import iso
from mockpost.providers.afosto.tasks import Tasks
from mockpost.providers.afosto.validation import check_parameters, check_request

READS = frozenset({"list", "read", "search", "task"})  # patterns that answer what is stored


class Engine:
    def __init__(self, ctx: ProviderContext, catalog: Catalog) -> None:
        self.ctx = ctx
        self.catalog = catalog
        self.store = ItemStore(ctx, catalog)
        self.synth = self.store.synth
        self.listing = Listing(self.store)
        self.crud = Crud(self.store)
        self.documents = Documents(self.store)
        self.tasks = Tasks(self.store)
        self.objects = Objects(ctx, self.store)
        self.handlers: dict[tuple[str, str], Handler] = {}
        self.timer_actions: dict[tuple[str, str], TimerAction] = {}
        self.shapes = Shapes(self.synth)
        self._conformed: dict[str, tuple[weakref.ref[TenantState], set[tuple[int, int]]]] = {}
        self.patterns: dict[str, Handler] = {
            "list": self.listing.list_items,
            "search": self.listing.search,
            "create": self.crud.create,
            "read": self.crud.read,
            "update": self.crud.update,
            "upsert": self.crud.upsert,
            "delete": self.crud.delete,
            "singleton": self.documents.singleton,
            "task": self.tasks.task,
            "action": self.documents.action,
        }

    def now(self) -> str:
        """The sandbox clock's now, as Afosto writes moments."""
        return iso(self.ctx.now())

    def handle(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        check_parameters(op, call.query, call.headers)
        idempotency = call.headers.get("x-idempotency-key") if op.takes_header("x-idempotency-key") else None
        if idempotency:
            replay = state.replies.get((op.method, op.path, idempotency))
            if replay is not None:
                return replay
        check_request(op, call.body)
        handler = self.handlers.get(op.key) or self.patterns[op.pattern]
        conformed = self.conformed(state, changes=self.changes(op))
        answer = handler(state, call)
        if not answer.binary and answer.body is not None:
            answer.body = self.shapes.conform(op.success_example, answer.body, self.lookup(state), conformed)
        self.tasks.add_documented_headers(state, call, answer)
        if idempotency and answer.status < 300:
            # a snapshot: the object may change later, the replay must not
            body = answer.body if answer.binary else copy.deepcopy(answer.body)
            state.replies[(op.method, op.path, idempotency)] = Answer(
                answer.status, body, dict(answer.headers), answer.media_type
            )
        return answer

    def changes(self, op: Operation) -> bool:
        """Whether the operation may change stored objects (reads served by the engine do not)."""
        if op.key in self.handlers:
            return True
        return op.pattern not in READS and not (op.pattern == "singleton" and op.method == "GET")

    def conformed(self, state: TenantState, changes: bool) -> set[tuple[int, int]]:
        """The (object, example) pairs already brought to shape since the account last changed: a
        read answers them as they are. Any change, a reset or a restored account starts afresh."""
        cached = self._conformed.get(state.tenant)
        if changes or cached is None or cached[0]() is not state:
            cached = self._conformed[state.tenant] = (weakref.ref(state), set())
        return cached[1]

    @staticmethod
    def lookup(state: TenantState) -> Lookup:
        """An id -> the account's item stored under it, in any collection (ids are unique enough)."""

        def find(key: str) -> dict[str, Any] | None:
            return next((found[key] for found in state.items.values() if key in found), None)

        return find
