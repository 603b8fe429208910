"""Create, read, update, upsert and delete of collection items (soft delete where documented)."""

from __future__ import annotations

from typing import Any

from mockpost.providers.afosto.catalog import SOFT_DELETE, Operation
from mockpost.providers.afosto.errors import bad_request
from mockpost.providers.afosto.items import ItemStore
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import Parents, TenantState
from mockpost.providers.afosto.synth import iso


class Crud:
    """Create, read, update, upsert and delete, over the items of the store it is given."""

    def __init__(self, store: ItemStore) -> None:
        self.store = store

    def create(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        self.store.require_parents(state, call, len(op.segments))
        parents = tuple(self.store.values(call))
        bodies = call.body if isinstance(call.body, list) else [call.body or {}]
        self.refuse_taken_keys(state, op.collection, parents, bodies)
        example = op.success_example
        shape = example[0] if isinstance(example, list) and example else example
        made = [self.store.new_item(state, op.collection, parents, body, shape) for body in bodies]
        if op.success == 204:
            return Answer(204)
        return Answer(op.success, made if isinstance(example, list) else made[0])

    def refuse_taken_keys(
        self, state: TenantState, collection: str, parents: Parents, bodies: list[Any]
    ) -> None:
        """Checked for every object before any is stored, so a refused batch changes nothing."""
        field = self.store.key_field(collection)
        found = self.store.items(state, collection, parents)
        given = [str(b[field]) for b in bodies if isinstance(b, dict) and b.get(field) not in (None, "")]
        taken = [key for index, key in enumerate(given) if key in found or key in given[:index]]
        if taken:
            raise bad_request(f"{field} {taken[0]!r} already exists", invalid=[field])

    def read(self, state: TenantState, call: Call) -> Answer:
        item, _ = self.store.item_of(state, call)
        return Answer(call.op.success, self.rendered(call.op, item))

    def rendered(self, op: Operation, item: dict[str, Any]) -> Any:
        if op.success == 204:
            return None
        example = op.success_example
        return [item] if isinstance(example, list) else item

    def update(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        if self.store.catalog.creatable(op.collection):
            item, _ = self.store.item_of(state, call)
        else:  # nothing creates these: PUT on an id sets it (an upsert)
            self.store.require_parents(state, call, len(op.segments) - 1)
            values = self.store.values(call)
            found = self.store.items(state, op.collection, tuple(values[:-1]))
            item = found.get(values[-1]) or self.store.new_item(
                state, op.collection, tuple(values[:-1]), {}, key=values[-1]
            )
        self.store.change(item, call.body)
        return Answer(op.success, self.rendered(op, item))

    def upsert(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        self.store.require_parents(state, call, len(op.segments))
        parents = tuple(self.store.values(call))
        field = self.store.key_field(op.collection)
        found = self.store.items(state, op.collection, parents)
        bodies = call.body if isinstance(call.body, list) else [call.body or {}]
        done = []
        for body in bodies:
            key = body.get(field) if isinstance(body, dict) else None
            if key not in (None, "") and str(key) in found:
                self.store.change(found[str(key)], body)
                done.append(found[str(key)])
            else:
                done.append(self.store.new_item(state, op.collection, parents, body))
        if not done:
            raise bad_request("send at least one object to set", required=["body"])
        if op.success == 204:
            return Answer(204)
        return Answer(op.success, done if isinstance(op.success_example, list) else done[0])

    def delete(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        item, _ = self.store.item_of(state, call)
        if op.key in SOFT_DELETE:
            item["deleted_at"] = iso(self.store.ctx.now())
            if "is_deleted" in item:
                item["is_deleted"] = True
        else:
            values = self.store.values(call)
            self.store.remove(state, op.collection, tuple(values[:-1]), values[-1])
        return Answer(op.success, self.rendered(op, item))
