"""The generic resource engine: every catalog endpoint served by its pattern. No HTTP in here.

Collections are keyed by their path template with parameters as `{}` plus the values of the
parameters above them, so `/odr/orders/{id}/items` of order A and of order B are two collections.
Three kinds of collection, decided by the catalog:
- creatable (a documented create or upsert): starts empty; an unknown id is a 404;
- listable but not creatable (providers, scopes, events ...): given two fixture items, made from the
  documented example, the first time the tenant touches it; an unknown id is a 404;
- lookup-only (a read by key, nothing lists or creates them): any key answers, the object is made on
  first read and kept, so the answer stays stable.
Hand-modelled endpoints (lifecycles, binaries) are registered in `handlers` and called instead.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.afosto.catalog import SOFT_DELETE, Catalog, Operation, is_param, template
from mockpost.providers.afosto.errors import AfostoError, bad_request, not_found
from mockpost.providers.afosto.state import Answer, Parents, TenantState
from mockpost.providers.afosto.synth import Synthesizer, is_placeholder, iso
from mockpost.providers.afosto.validation import (
    check_body,
    check_parameters,
    constraints_of,
    matches,
    paging,
)

FIXTURE_ITEMS = 2
TASK_PATH = ("GET", "/mes/tasks/{id}")


@dataclass
class Call:
    op: Operation
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: Any
    raw: bytes = b""
    token: str = ""  # the caller's bearer token (token flows act on it)


Handler = Callable[[TenantState, Call], Answer]


def merge(base: Any, change: Any) -> Any:
    """`change` laid over `base`: objects merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(change, dict):
        merged = dict(base)
        for key, value in change.items():
            merged[key] = merge(base.get(key), value)
        return merged
    return copy.deepcopy(change)


class Engine:
    def __init__(self, ctx: ProviderContext, catalog: Catalog) -> None:
        self.ctx = ctx
        self.catalog = catalog
        self.synth = Synthesizer(ctx)
        self.handlers: dict[tuple[str, str], Handler] = {}
        # collection -> called with each new object (lifecycle resources show their initial state)
        self.on_create: dict[str, Callable[[dict[str, Any]], None]] = {}
        # read-only collections whose items the reference itself lists (the OAuth2 scopes)
        self.known_items: dict[str, list[dict[str, Any]]] = {}
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
        self.item_templates = {name: self._item_template(name) for name in catalog.collections}

    # -- entry point ----------------------------------------------------------------------
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

    # -- collections ----------------------------------------------------------------------
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

    def find(self, state: TenantState, collection: str, parents: Parents, key: str) -> dict[str, Any]:
        found = self.items(state, collection, parents)
        item = found.get(key)
        if item is None and self.lookup_only(collection):
            item = self.new_item(state, collection, parents, {}, key=key)
        if item is None:
            raise not_found(collection.strip("/").replace("/{}", "").replace("/", " "), key)
        return item

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
        found = state.collection(collection, parents)
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
            numeric = isinstance(item.get(field), int) and key.isdigit() and len(key) <= 18
            item[field] = int(key) if numeric else key
        now = iso(self.ctx.now())
        for stamp in ("created_at", "updated_at"):
            if stamp in item:
                item[stamp] = now
        found[key] = item
        hook = self.on_create.get(collection)
        if hook is not None:
            hook(item)
        return item

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
            value = call.params[next(names)]
            collection = template(call.op.segments[:index])
            if self.known(collection):
                self.find(state, collection, tuple(values), value)
            values.append(value)

    def item_of(self, state: TenantState, call: Call) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """The item a read/update/delete path names, and the collection it sits in."""
        op = call.op
        self.require_parents(state, call, len(op.segments) - 1)
        values = self.values(call)
        parents, key = tuple(values[:-1]), values[-1]
        item = self.find(state, op.collection, parents, key)
        return item, self.items(state, op.collection, parents)

    # -- patterns -------------------------------------------------------------------------
    def list_items(self, state: TenantState, call: Call) -> Answer:
        self.require_parents(state, call, len(call.op.segments))
        found = list(self.items(state, call.op.collection, tuple(self.values(call))).values())
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
        answer = self.synth.fill(example)
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
        self.require_parents(state, call, len(op.segments))
        collection = op.collection
        parents = tuple(self.values(call))
        stored = list(self.items(state, collection, parents).values()) if self.known(collection) else []
        if isinstance(body, list):
            if any(isinstance(v, dict | list) for v in body):
                raise bad_request("search by a list of keys: strings or numbers", invalid=["body"])
            field = self.key_field(collection)
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
        return self.page(call, found)

    @staticmethod
    def single_object(example: Any) -> bool:
        """A search documented to answer one object (not a list, not an envelope around a list)."""
        if not isinstance(example, dict):
            return False
        return not any(isinstance(v, list) and (not v or isinstance(v[0], dict)) for v in example.values())

    def create(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        self.require_parents(state, call, len(op.segments))
        check_body(op, call.body)
        parents = tuple(self.values(call))
        bodies = call.body if isinstance(call.body, list) else [call.body or {}]
        self.refuse_taken_keys(state, op.collection, parents, bodies)
        example = op.success_example
        shape = example[0] if isinstance(example, list) and example else example
        made = [self.new_item(state, op.collection, parents, body, shape) for body in bodies]
        if op.success == 204:
            return Answer(204)
        return Answer(op.success, made if isinstance(example, list) else made[0])

    def refuse_taken_keys(
        self, state: TenantState, collection: str, parents: Parents, bodies: list[Any]
    ) -> None:
        """Checked for every object before any is stored, so a refused batch changes nothing."""
        field = self.key_field(collection)
        found = self.items(state, collection, parents)
        given = [str(b[field]) for b in bodies if isinstance(b, dict) and b.get(field) not in (None, "")]
        taken = [key for index, key in enumerate(given) if key in found or key in given[:index]]
        if taken:
            raise bad_request(f"{field} {taken[0]!r} already exists", invalid=[field])

    def read(self, state: TenantState, call: Call) -> Answer:
        item, _ = self.item_of(state, call)
        return Answer(call.op.success, self.rendered(call.op, item))

    def rendered(self, op: Operation, item: dict[str, Any]) -> Any:
        if op.success == 204:
            return None
        example = op.success_example
        return [item] if isinstance(example, list) else item

    def update(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        check_body(op, call.body)
        if self.catalog.creatable(op.collection):
            item, _ = self.item_of(state, call)
        else:  # nothing creates these: PUT on an id sets it (an upsert)
            self.require_parents(state, call, len(op.segments) - 1)
            values = self.values(call)
            found = self.items(state, op.collection, tuple(values[:-1]))
            item = found.get(values[-1]) or self.new_item(
                state, op.collection, tuple(values[:-1]), {}, key=values[-1]
            )
        self.change(item, call.body)
        return Answer(op.success, self.rendered(op, item))

    def change(self, item: dict[str, Any], body: Any) -> None:
        if isinstance(body, dict):
            for key, value in body.items():
                item[key] = merge(item.get(key), value)
        if "updated_at" in item:
            item["updated_at"] = iso(self.ctx.now())

    def upsert(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        check_body(op, call.body)
        self.require_parents(state, call, len(op.segments))
        parents = tuple(self.values(call))
        field = self.key_field(op.collection)
        found = self.items(state, op.collection, parents)
        bodies = call.body if isinstance(call.body, list) else [call.body or {}]
        done = []
        for body in bodies:
            key = body.get(field) if isinstance(body, dict) else None
            if key not in (None, "") and str(key) in found:
                self.change(found[str(key)], body)
                done.append(found[str(key)])
            else:
                done.append(self.new_item(state, op.collection, parents, body))
        if not done:
            raise bad_request("send at least one object to set", required=["body"])
        if op.success == 204:
            return Answer(204)
        return Answer(op.success, done if isinstance(op.success_example, list) else done[0])

    def delete(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        item, found = self.item_of(state, call)
        if op.key in SOFT_DELETE:
            item["deleted_at"] = iso(self.ctx.now())
            if "is_deleted" in item:
                item["is_deleted"] = True
        else:
            key = self.values(call)[-1]
            found.pop(key, None)
        return Answer(op.success, self.rendered(op, item))

    def singleton(self, state: TenantState, call: Call) -> Answer:
        op = call.op
        self.require_parents(state, call, len(op.segments))
        slot = (op.collection, tuple(self.values(call)))
        if op.method == "DELETE":
            state.singletons.pop(slot, None)
            return Answer(op.success, self.answer_body(op, call.body))
        current = state.singletons.get(slot)
        if current is None:
            getter = self.catalog.by_key.get(("GET", op.path))
            shape = getter.success_example if getter is not None else op.success_example
            current = state.singletons[slot] = self.synth.fill(shape) if shape is not None else {}
        if op.method != "GET":
            check_body(op, call.body)
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

    def task(self, state: TenantState, call: Call) -> Answer:
        found = state.tasks.get(call.params["id"])
        if found is None:
            raise not_found("task", call.params["id"])
        return Answer(call.op.success, found)

    def action(self, state: TenantState, call: Call) -> Answer:
        """An operation on an item or a computation: the documented answer, echoing the request."""
        op = call.op
        self.require_parents(state, call, len(op.segments))
        check_body(op, call.body)
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
        if not self.known(collection):
            return
        values = self.values(call)
        item = self.find(state, collection, tuple(values[:-1]), values[-1])
        field, body = segments[-1], call.body
        if isinstance(body, list) and field in item:
            item[field] = copy.deepcopy(body)
        elif isinstance(body, dict):
            self.change(item, {k: v for k, v in body.items() if k in item})

    def answer_body(self, op: Operation, body: Any) -> Any:
        example = op.success_example
        if op.success == 204 or example is None:
            return None
        answer = self.synth.fill(example)
        if isinstance(answer, dict) and isinstance(body, dict):
            for key, value in body.items():
                if key in answer and not is_placeholder(value):
                    answer[key] = copy.deepcopy(value)
        return answer

    # -- tasks and headers ----------------------------------------------------------------
    def new_task(self, state: TenantState, op: Operation) -> str:
        getter = self.catalog.by_key[TASK_PATH]
        task = self.synth.fill(getter.success_example)
        now = iso(self.ctx.now())
        task_id = self.ctx.ids.uuid4()
        task.update(
            id=task_id,
            name=op.title,
            description=f"{op.method} {op.path}",
            progress=100,
            result="success",
            started_at=now,
            completed_at=now,
        )
        state.tasks[task_id] = task
        return task_id

    def add_documented_headers(self, state: TenantState, call: Call, answer: Answer) -> None:
        for header in call.op.success_headers:
            name = header["name"].lower()
            if name in answer.headers or name == "content-type":
                continue
            if name == "x-task-id":
                answer.headers[name] = self.new_task(state, call.op)
            elif name == "x-page":
                answer.headers[name] = ""
            elif name == "x-count":
                answer.headers[name] = str(len(answer.body)) if isinstance(answer.body, list) else "1"
            elif name == "x-page-size":
                answer.headers[name] = str(paging(call.headers)[1])


def refuse(message: str, field: str = "state") -> AfostoError:
    """A refused lifecycle transition: 400 naming the field whose value does not allow it."""
    return bad_request(message, invalid=[field])
