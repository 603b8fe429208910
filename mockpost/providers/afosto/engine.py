"""The generic resource engine: every catalog endpoint served by its pattern. No HTTP in here.

Collections are keyed by their path template with parameters as `{}` plus the values of the
parameters above them, so `/odr/orders/{id}/items` of order A and of order B are two collections
(`items.py`). Each pattern lives in its own module (`listing`, `crud`, `documents`, `tasks`);
hand-modelled endpoints (lifecycles, binaries) are registered in `handlers` and called instead.
"""

from __future__ import annotations

import copy
from typing import Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.afosto.call import Call, Handler
from mockpost.providers.afosto.catalog import Catalog
from mockpost.providers.afosto.crud import Crud
from mockpost.providers.afosto.documents import Documents
from mockpost.providers.afosto.listing import Listing
from mockpost.providers.afosto.state import Answer, TenantState
from mockpost.providers.afosto.tasks import Tasks
from mockpost.providers.afosto.validation import check_parameters

__all__ = ["Call", "Engine", "Handler"]


class Engine(Listing, Crud, Documents, Tasks):
    def __init__(self, ctx: ProviderContext, catalog: Catalog) -> None:
        super().__init__(ctx, catalog)
        self.handlers: dict[tuple[str, str], Handler] = {}
        self.patterns: dict[str, Handler] = {
            "list": self.list_items,
            "search": self.search,
            "create": self.create,
            "read": self.read,
            "update": self.update,
            "upsert": self.upsert,
            "delete": self.delete,
            "singleton": self.singleton,
            "task": self.task,
            "action": self.action,
        }

    def handle(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        check_parameters(op, call.query, call.headers)
        idempotency = call.headers.get("x-idempotency-key") if op.takes_header("x-idempotency-key") else None
        if idempotency:
            replay = state.replies.get((op.method, op.path, idempotency))
            if replay is not None:
                return replay
        handler = self.handlers.get(op.key) or self.patterns[op.pattern]
        answer = handler(state, call)
        if not answer.binary and answer.body is not None:
            answer.body = self.conform(op.success_example, answer.body)
        self.add_documented_headers(state, call, answer)
        if idempotency and answer.status < 300:
            # a snapshot: the object may change later, the replay must not
            body = answer.body if answer.binary else copy.deepcopy(answer.body)
            state.replies[(op.method, op.path, idempotency)] = Answer(
                answer.status, body, dict(answer.headers), answer.media_type
            )
        return answer

    def conform(self, example: Any, value: Any) -> Any:
        """Give an answer every documented key it lacks (an item created through another endpoint
        may lack some): filled once and kept on the stored object, so later answers repeat them."""
        if isinstance(example, list) and example:
            if isinstance(value, list):
                return [self.conform(example[0], v) for v in value]
            return value
        if isinstance(example, dict) and isinstance(value, dict):
            for key, shape in example.items():
                if key not in value:
                    value[key] = self.synth.fill(shape, key)
        return value
