"""One-document resources (singletons, `{active, options}` choices) and actions answered from the
documented example."""

from __future__ import annotations

import copy
from typing import Any

from mockpost.providers.afosto.catalog import Operation, is_param, template
from mockpost.providers.afosto.items import ItemStore, merge
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.synth import is_placeholder


class Documents:
    """Singletons and actions, over the store it is given."""

    def __init__(self, store: ItemStore) -> None:
        self.store = store

    def singleton(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        self.store.require_parents(state, call, len(op.segments))
        slot = (op.collection, tuple(self.store.values(call)))
        if op.method == "DELETE":
            state.singletons.pop(slot, None)
            return Answer(op.success, self.answer_body(op, call.body))
        current = state.singletons.get(slot)
        if current is None:
            getter = self.store.catalog.by_key.get(("GET", op.path))
            shape = getter.success_example if getter is not None else op.success_example
            current = state.singletons[slot] = self.store.synth.fill(shape) if shape is not None else {}
        if op.method != "GET":
            selected = self.select(current, call.body)
            if selected is not None:
                return Answer(op.success, None if op.success == 204 else selected)
            if isinstance(current, dict) and isinstance(call.body, dict):
                current = state.singletons[slot] = merge(current, call.body)
            if not isinstance(op.success_example, type(current)):
                return Answer(op.success, self.answer_body(op, call.body))
        return Answer(op.success, None if op.success == 204 else current)

    @staticmethod
    def select(current: Any, body: Any) -> dict[str, Any] | None:
        """Checkout-style documents `{active, options}`: a PUT/POST chooses, its fields become the
        active choice (the reference's `acitve` spelling is kept where it documents it)."""
        if not isinstance(current, dict) or not isinstance(body, dict) or "options" not in current:
            return None
        key = "active" if "active" in current else "acitve" if "acitve" in current else None
        if key is None or not isinstance(current[key], dict):
            return None
        chosen = {k: v for k, v in body.items() if k in current[key]}
        current[key] = merge(current[key], chosen)
        active: dict[str, Any] = current[key]
        return active

    def action(self, state: TenantState, call: Call) -> Answer:
        """An operation on an item or a computation: the documented answer, echoing the request."""
        op = call.op
        self.store.require_parents(state, call, len(op.segments))
        self.set_on_parent(state, call)
        return Answer(op.success, self.answer_body(op, call.body))

    def set_on_parent(self, state: TenantState, call: Call) -> None:
        """`PUT /odr/orders/{id}/tags ["a"]`, `PUT /spl/printers/{id}/inbox {inbox_id}`: the body sets
        the parent item's field of that name, or the fields it names."""
        op = call.op
        segments = op.segments
        if op.method != "PUT" or len(segments) < 3 or not is_param(segments[-2]):
            return
        collection = template(segments[:-2])
        if not self.store.known(collection):
            return
        values = self.store.values(call)
        item = self.store.find(state, collection, tuple(values[:-1]), values[-1])
        field, body = segments[-1], call.body
        if isinstance(body, list) and field in item:
            item[field] = copy.deepcopy(body)
        elif isinstance(body, dict):
            self.store.change(item, {k: v for k, v in body.items() if k in item})

    def answer_body(self, op: Operation, body: Any) -> Any:
        example = op.success_example
        if op.success == 204 or example is None:
            return None
        answer = self.store.synth.fill(example)
        if isinstance(answer, dict) and isinstance(body, dict):
            for key, value in body.items():
                if key in answer and not is_placeholder(value):
                    answer[key] = copy.deepcopy(value)
        return answer
