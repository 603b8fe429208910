"""The generic engine's store: collections of items keyed by path template and parent ids.

Three kinds of collection, decided by the catalog:
- creatable (a documented create or upsert): starts empty; an unknown id is a 404;
- listable but not creatable (providers, scopes, events ...): given two fixture items, made from the
  documented example, the first time the tenant touches it; an unknown id is a 404;
- lookup-only (a read by key, nothing lists or creates them): any key answers, the object is made on
  first read and kept, so the answer stays stable.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from mockpost.core.numbers import parse_int
from mockpost.core.provider import ProviderContext
from mockpost.providers.afosto.catalog import Catalog, is_param, template
from mockpost.providers.afosto.errors import bad_request, not_found
from mockpost.providers.afosto.models import Call
from mockpost.providers.afosto.state import Parents, TenantState
from mockpost.providers.afosto.synth import Synthesizer, iso

FIXTURE_ITEMS = 2
Hook = Callable[[TenantState, Parents, str, dict[str, Any]], None]  # (account, parents, key, object)


def merge(base: Any, change: Any) -> Any:
    """`change` laid over `base`: objects merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(change, dict):
        merged = dict(base)
        for key, value in change.items():
            merged[key] = merge(base.get(key), value)
        return merged
    return copy.deepcopy(change)


class ItemStore:
    def __init__(self, ctx: ProviderContext, catalog: Catalog) -> None:
        self.ctx = ctx
        self.catalog = catalog
        self.synth = Synthesizer(ctx, catalog.fields)
        # collection -> called with each new object, in order (lifecycled objects begin theirs)
        self.on_create: dict[str, list[Hook]] = {}
        # collection -> called with each object deleted for good (its lifecycle ends with it)
        self.on_delete: dict[str, list[Hook]] = {}
        # read-only collections whose items the reference itself lists (the OAuth2 scopes)
        self.known_items: dict[str, list[dict[str, Any]]] = {}
        self.item_templates = {name: self._item_template(name) for name in catalog.collections}

    def _item_template(self, collection: str) -> dict[str, Any]:
        ops = self.catalog.collections.get(collection, {})
        for pattern in ("read", "list", "create", "update", "upsert", "search"):
            op = ops.get(pattern)
            if op is None:
                continue
            example = op.success_example
            if isinstance(example, list) and example and isinstance(example[0], dict):
                return example[0]
            if isinstance(example, dict):
                return example
        return {"id": "string (uuid)"}

    def key_field(self, collection: str) -> str:
        param = self.catalog.item_param(collection)
        example = self.item_templates.get(collection, {})
        if param in example or "id" not in example:
            return param
        return "id"

    def known(self, collection: str) -> bool:
        ops = self.catalog.collections.get(collection, {})
        return any(p in ops for p in ("read", "list", "create", "upsert"))

    def lookup_only(self, collection: str) -> bool:
        ops = self.catalog.collections.get(collection, {})
        return "list" not in ops and not self.catalog.creatable(collection)

    def items(self, state: TenantState, collection: str, parents: Parents) -> dict[str, dict[str, Any]]:
        found = state.collection(collection, parents)
        if (collection, parents) not in state.seeded:
            state.seeded.add((collection, parents))
            if collection in self.known_items:
                for known in self.known_items[collection]:
                    self.new_item(state, collection, parents, known)
            elif not self.catalog.creatable(collection) and "list" in self.catalog.collections.get(
                collection, {}
            ):
                for _ in range(FIXTURE_ITEMS):
                    self.new_item(state, collection, parents, {})
        return found

    def find(
        self, state: TenantState, collection: str, parents: Parents, key: str, field: str = ""
    ) -> dict[str, Any]:
        """The item under `key`, or (`field`: the path parameter's name) the one whose field of that
        name is `key` (`/odr/methods/{provider_code}/...` names listed methods by provider)."""
        found = self.items(state, collection, parents)
        item = found.get(key)
        if item is None and field:
            item = next((i for i in found.values() if str(i.get(field)) == key), None)
        if item is None and self.lookup_only(collection):
            item = self.listed_twin(state, collection, parents, key)
        if item is None and self.lookup_only(collection):
            item = self.new_item(state, collection, parents, {}, key=key)
        if item is None:
            raise not_found(collection.strip("/").replace("/{}", "").replace("/", " "), key)
        return item

    def listed_twin(
        self, state: TenantState, collection: str, parents: Parents, key: str
    ) -> dict[str, Any] | None:
        """A lookup-only item under a listed parent (`/odr/methods/{provider_code}/{code}` below
        `/odr/methods`) is the listed item whose fields carry both ids; kept once found."""
        outer = collection.rsplit("/{}", 1)[0]
        if not parents or outer == collection or "list" not in self.catalog.collections.get(outer, {}):
            return None
        read = self.catalog.collections.get(collection, {}).get("read")
        if read is None or len(read.path_params) < 2:
            return None
        upper, lower = read.path_params[-2], read.path_params[-1]
        for item in self.items(state, outer, parents[:-1]).values():
            if str(item.get(upper)) == parents[-1] and str(item.get(lower)) == key:
                state.collection(collection, parents)[key] = item
                return item
        return None

    def new_item(
        self,
        state: TenantState,
        collection: str,
        parents: Parents,
        body: Any,
        example: Any = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        shape = example if isinstance(example, dict) else self.item_templates.get(collection, {})
        item = self.synth.fill(shape)
        if isinstance(body, dict):
            item = merge(item, body)
        field = self.key_field(collection)
        found = self.items(state, collection, parents)  # a read-only collection gets its fixtures first
        if key is None:
            given = body.get(field) if isinstance(body, dict) else None
            if given not in (None, ""):
                key = str(given)
                if key in found:
                    raise bad_request(f"{field} {key!r} already exists", invalid=[field])
            elif str(shape.get(field, "")).startswith("integer"):  # documented as an integer id
                item[field] = state.next_number()
                key = str(item[field])
            else:
                item[field] = (
                    self.ctx.ids.uuid4() if field == "id" else item.get(field) or self.ctx.ids.token(12)
                )
                key = str(item[field])
        else:
            number = parse_int(key) if isinstance(item.get(field), int) else None
            item[field] = key if number is None else number
        now = iso(self.ctx.now())
        for stamp in ("created_at", "updated_at"):
            if stamp in item:
                item[stamp] = now
        found[key] = item
        for hook in self.on_create.get(collection, ()):
            hook(state, parents, key, item)
        return item

    def remove(self, state: TenantState, collection: str, parents: Parents, key: str) -> None:
        """Delete an object for good (not a soft delete: that is a change of its fields)."""
        item = state.collection(collection, parents).pop(key, None)
        if item is not None:
            for hook in self.on_delete.get(collection, ()):
                hook(state, parents, key, item)

    # -- path parameters ------------------------------------------------------------------
    def values(self, call: Call) -> list[str]:
        return [call.params[name] for name in call.op.path_params]

    def require_parents(self, state: TenantState, call: Call, upto: int) -> None:
        """Every id in the path before segment `upto` must name an existing item of its collection."""
        values: list[str] = []
        names = iter(call.op.path_params)
        for index, segment in enumerate(call.op.segments[:upto]):
            if not is_param(segment):
                continue
            name = next(names)
            value = call.params[name]
            collection = template(call.op.segments[:index])
            if self.known(collection):
                self.find(state, collection, tuple(values), value, field=name)
            values.append(value)

    def item_of(self, state: TenantState, call: Call) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """The item a read/update/delete path names, and the collection it sits in."""
        op = call.op
        self.require_parents(state, call, len(op.segments) - 1)
        values = self.values(call)
        parents, key = tuple(values[:-1]), values[-1]
        item = self.find(state, op.collection, parents, key)
        return item, self.items(state, op.collection, parents)

    def change(self, item: dict[str, Any], body: Any) -> None:
        if isinstance(body, dict):
            for key, value in body.items():
                item[key] = merge(item.get(key), value)
        if "updated_at" in item:
            item["updated_at"] = iso(self.ctx.now())
