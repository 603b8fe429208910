"""Lists and searches over a collection, paged by the `x-page` / `x-page-size` headers."""

from __future__ import annotations

from typing import Any

from mockpost.providers.afosto.catalog import Operation
from mockpost.providers.afosto.errors import bad_request, not_found
from mockpost.providers.afosto.items import ItemStore
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.validation import constraints_of, matches, paging


class Listing:
    """Lists and searches, over the items of the store it is given."""

    def __init__(self, store: ItemStore) -> None:
        self.store = store

    def list_items(self, state: TenantState, call: Call) -> Answer:
        self.store.require_parents(state, call, len(call.op.segments))
        found = list(self.store.items(state, call.op.collection, tuple(self.store.values(call))).values())
        found = [item for item in found if self._query_allows(call, item)]
        return self.page(call, found)

    def _query_allows(self, call: Call, item: dict[str, Any]) -> bool:
        """Query parameters named like a field of the item filter on it (`?status=printed`)."""
        for param in call.op.parameters:
            if param["in"] != "query":
                continue
            wanted = call.query.get(param["name"])
            if wanted in (None, "") or param["name"] not in item:
                continue
            value = item[param["name"]]
            text = ("1" if value else "0") if isinstance(value, bool) else str(value)
            if text not in wanted.split(","):
                return False
        return True

    def page(self, call: Call, found: list[Any]) -> Answer:
        number, size = paging(call.headers)
        start = (number - 1) * size
        chunk = found[start : start + size]
        more = start + size < len(found)
        headers = {"x-page": str(number + 1) if more else "", "x-count": str(len(found))}
        return Answer(call.op.success, self.shaped(call.op, chunk), headers)

    def shaped(self, op: Operation, found: list[Any]) -> Any:
        """A list answer in the documented shape: the list itself, or inside the documented envelope."""
        example = op.success_example
        if not isinstance(example, dict):
            return found
        answer = self.store.synth.fill(example)
        for key, value in example.items():
            if isinstance(value, list) and (not value or isinstance(value[0], dict)):
                answer[key] = found
                break
        for key in ("count", "total", "total_count", "nb_hits", "estimatedTotalHits"):
            if key in answer and isinstance(answer[key], int):
                answer[key] = len(found)
        return answer

    def search(self, state: TenantState, call: Call) -> Answer:
        """Constraints, a list of keys, or fields to equal: the stored items that satisfy all of them."""
        op = call.op
        body = call.body
        self.store.require_parents(state, call, len(op.segments))
        collection = op.collection
        parents = tuple(self.store.values(call))
        stored = self.searched(state, collection, parents)
        if isinstance(body, list):
            if any(isinstance(v, dict | list) for v in body):
                raise bad_request("search by a list of keys: strings or numbers", invalid=["body"])
            field = self.store.key_field(collection)
            wanted = {str(v) for v in body}
            found = [i for i in stored if str(i.get(field)) in wanted]
        else:
            constraints = constraints_of(body)
            equal = {
                k: v for k, v in (body or {}).items() if k != "constraints" and not isinstance(v, dict | list)
            }
            found = [
                i
                for i in stored
                if matches(i, constraints) and all(str(i[k]) == str(v) for k, v in equal.items() if k in i)
            ]
        if self.single_object(op.success_example):
            if not found:
                raise not_found("match for", str(body))
            return Answer(op.success, found[0])
        answer = self.page(call, found)
        if isinstance(answer.body, dict) and isinstance(body, dict):
            # an envelope repeats the query it answers (`q`, `offset`, `limit` ...)
            for key, value in body.items():
                scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
                if scalar and key in answer.body and not isinstance(answer.body[key], dict | list):
                    answer.body[key] = value
        return answer

    def searched(self, state: TenantState, collection: str, parents: tuple[str, ...]) -> list[Any]:
        """The items a search looks through: the collection's, or for `/lcs/search/shipments/items`
        (no collection of its own) the `items` of every shipment."""
        if self.store.known(collection):
            return list(self.store.items(state, collection, parents).values())
        outer, _, field = collection.rpartition("/")
        if not self.store.known(outer):
            return []
        nested = (item.get(field) for item in self.store.items(state, outer, parents).values())
        lists = [found for found in nested if isinstance(found, list)]
        return [entry for found in lists for entry in found if isinstance(entry, dict)]

    @staticmethod
    def single_object(example: Any) -> bool:
        """A search documented to answer one object (not a list, not an envelope around a list)."""
        if not isinstance(example, dict):
            return False
        return not any(isinstance(v, list) and (not v or isinstance(v[0], dict)) for v in example.values())
