"""Shipments and handling lists (`lcs`): the picking work between an order and its parcels.

A shipment is `open` (editable) until a handling list takes it (`listed`); when every item of the
list is finished the list is `finished` and its shipments `handled`. Deleting an unfinished list
gives its shipments back (`open`). DELETE on a shipment cancels it. Item edits are self-loops in the
shipment's table, so a handled or canceled shipment refuses them.
"""

from __future__ import annotations

from typing import Any

from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import bad_request
from mockpost.providers.afosto.lifecycle import SHIPMENT
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import Parents, TenantState
from mockpost.providers.afosto.validation import require_fields

SHIPMENTS = "/lcs/shipments"
LISTS = "/lcs/lists"
SHIPMENT_KIND, LIST_KIND = "shipments", "handling_lists"
ITEM_FLAGS = ("is_handled", "is_serviced", "is_finished")
ITEM_FIELDS = (*ITEM_FLAGS, "position", "lot_number", "expires_at")
ITEM_STATES = ("is_missing", "is_handled", "is_finished", "is_listed", "is_boxed", "is_in_transit")
ITEM_LINES = ("backorders", "overage")  # PUT .../items/<line>: the shipment's list of that name


class Logistics:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store
        self.objects = engine.objects

    def register(self) -> None:
        self.store.on_create.setdefault(SHIPMENTS, []).append(self.new_shipment)
        self.engine.handlers.update(
            {
                ("DELETE", "/lcs/shipments/{id}"): self.shipment_cancel,
                ("PUT", "/lcs/shipments/{id}/positions"): self.refresh_positions,
                ("PUT", "/lcs/shipments/{id}/items/backorders"): self.item_lines("backorders"),
                ("PUT", "/lcs/shipments/{id}/items/overage"): self.item_lines("overage"),
                ("PUT", "/lcs/shipments/{id}/items/missing"): self.missing_items,
                ("POST", "/lcs/lists"): self.list_create,
                ("PUT", "/lcs/lists/{id}/items"): self.list_items,
                ("PUT", "/lcs/lists/{id}/state"): self.list_state,
                ("DELETE", "/lcs/lists/{id}"): self.list_delete,
            }
        )

    # -- shipments ------------------------------------------------------------------------
    def new_shipment(self, state: TenantState, parents: Parents, key: str, shipment: dict[str, Any]) -> None:
        """Each item gets an id (the request documents none) and starts neither missing nor handled;
        the order and claim item it ships are the first of the `references` the request gave it."""
        items = shipment.get("items")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                item.setdefault("id", self.engine.ctx.ids.uuid4())
                for flag in ITEM_STATES:
                    item.setdefault(flag, False)
                references = item.get("references")
                first = references[0] if isinstance(references, list) and references else None
                for key in ("order_item_id", "claim_item_id"):
                    if isinstance(first, dict) and first.get(key):
                        item.setdefault(key, first[key])

    def shipment(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.store.find(state, SHIPMENTS, (), call.params["id"])

    def editable(self, state: TenantState, call: Call) -> dict[str, Any]:
        """The shipment, if its state still takes item changes (400 naming `state` otherwise)."""
        shipment = self.shipment(state, call)
        key = call.params["id"]
        self.objects.allow_change(state, SHIPMENT_KIND, key, shipment)
        return shipment

    def shipment_cancel(self, state: TenantState, call: Call) -> Answer:
        """DELETE cancels a shipment: it stays readable, with is_canceled set."""
        shipment = self.shipment(state, call)
        self.objects.move(state, SHIPMENT_KIND, call.params["id"], shipment, "canceled")
        return Answer(call.op.success)

    def refresh_positions(self, state: TenantState, call: Call) -> Answer:
        """Items without a position get one; positions already set are the latest known and stay."""
        shipment = self.editable(state, call)
        for item in shipment.get("items") or []:
            if isinstance(item, dict) and not item.get("position"):
                item["position"] = self.engine.synth.fill("string", "position")
        shipment["updated_at"] = self.engine.now()
        return Answer(call.op.success)

    def item_lines(self, line: str) -> Any:
        """Backorders or overage: the body replaces the shipment's list of that name."""

        def replace(state: TenantState, call: Call) -> Answer:
            shipment = self.editable(state, call)
            shipment[line] = [dict(entry) for entry in call.body]
            if line == "overage":
                shipment["is_overcomplete"] = bool(call.body)
            return Answer(call.op.success, shipment)

        return replace

    def missing_items(self, state: TenantState, call: Call) -> Answer:
        shipment = self.editable(state, call)
        changes = require_fields(call.body, ("id",), "every one of the items names its id")
        items = {item.get("id"): item for item in shipment.get("items") or [] if isinstance(item, dict)}
        unknown = [entry["id"] for entry in changes if entry["id"] not in items]
        if unknown:
            raise bad_request(f"{unknown[0]!r} is not an item of this shipment", invalid=["id"])
        for entry in changes:
            items[entry["id"]]["is_missing"] = bool(entry.get("is_missing", True))
        shipment["is_complete"] = not any(item.get("is_missing") for item in items.values())
        return Answer(call.op.success)

    # -- handling lists -------------------------------------------------------------------
    def list_create(self, state: TenantState, call: Call) -> Answer:
        """A list over open shipments: their items become its items, the shipments become listed."""
        wanted = call.body.get("shipments") or []
        if not all(entry.get("id") for entry in wanted):
            raise bad_request("shipments is a list of {id, label}", invalid=["shipments"])
        named = [str(entry["id"]) for entry in wanted]
        if len(set(named)) != len(named):
            raise bad_request("a shipment appears twice in shipments", invalid=["shipments"])
        shipments = self.store.items(state, SHIPMENTS, ())
        for entry in wanted:
            shipment = shipments.get(str(entry["id"]))
            if shipment is None:
                raise bad_request(f"no shipment {entry['id']!r} in this account", invalid=["shipments"])
            now = self.objects.state_of(state, SHIPMENT_KIND, str(entry["id"]))
            if now == "listed" or not SHIPMENT.allows(now, "listed"):
                raise bad_request(f"shipment {entry['id']!r} is {now}, not open", invalid=["shipments"])
        answer = self.engine.crud.create(state, call)
        handling = answer.body
        handling["shipments"] = named
        handling["sorting_labels"] = [{"shipment_id": str(e["id"]), "label": e.get("label")} for e in wanted]
        handling["items"] = []
        for entry in wanted:
            shipment = shipments[str(entry["id"])]
            self.objects.move(state, SHIPMENT_KIND, shipment["id"], shipment, "listed")
            handling["items"].extend(self.list_lines(shipment, entry.get("label")))
        for rank, line in enumerate(handling["items"], start=1):
            line["rank"] = rank  # the picking order: the order the shipments and their items were given
        return answer

    def list_lines(self, shipment: dict[str, Any], label: Any) -> list[dict[str, Any]]:
        lines = []
        for item in shipment.get("items") or []:
            if not isinstance(item, dict):
                continue
            line = {k: item.get(k) for k in ("id", "sku", "description", "position", "reference")}
            line.update(ids=[item["id"]], handled_ids=[], quantity=item.get("quantity") or 1)
            line.update(shipment_id=shipment["id"], sorting_label=label, lot_number=None)
            line.update({flag: False for flag in ITEM_FLAGS})
            lines.append(line)
        return lines

    def handling_list(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.store.find(state, LISTS, (), call.params["id"])

    def list_items(self, state: TenantState, call: Call) -> Answer:
        """Picking progress: the first handled item starts the list, the last finished one ends it."""
        handling = self.handling_list(state, call)
        changes = require_fields(call.body, ("id",), "every one of the list items names its id")
        if handling.get("is_on_hold"):
            raise bad_request("the handling list is on hold: resume it first", invalid=["is_on_hold"])
        lines = {line.get("id"): line for line in handling.get("items") or [] if isinstance(line, dict)}
        unknown = [entry["id"] for entry in changes if entry["id"] not in lines]
        if unknown:
            raise bad_request(f"{unknown[0]!r} is not an item of this handling list", invalid=["id"])
        key = call.params["id"]
        self.objects.allow_change(state, LIST_KIND, key, handling)
        for entry in changes:
            line = lines[entry["id"]]
            line.update({k: v for k, v in entry.items() if k in ITEM_FIELDS})
            if line.get("is_handled"):
                line["handled_ids"] = list(line.get("ids") or [line["id"]])
        started = any(line.get(flag) for line in lines.values() for flag in ITEM_FLAGS)
        done = bool(lines) and all(line.get("is_finished") for line in lines.values())
        was = self.objects.state_of(state, LIST_KIND, key)
        target = "finished" if done else "in_progress" if started else was
        if target != was:
            self.objects.move(state, LIST_KIND, key, handling, target)
        if done:
            self.release(state, handling, "handled")
        return Answer(call.op.success)

    def release(self, state: TenantState, handling: dict[str, Any], target: str) -> None:
        """The list's shipments leave it: handled when it finished, open again when it is deleted."""
        shipments = self.store.items(state, SHIPMENTS, ())
        for shipment_id in handling.get("shipments") or []:
            shipment = shipments.get(str(shipment_id))
            key = str(shipment_id)
            if shipment is not None and self.objects.state_of(state, SHIPMENT_KIND, key) == "listed":
                self.objects.move(state, SHIPMENT_KIND, key, shipment, target)

    def list_state(self, state: TenantState, call: Call) -> Answer:
        """Hold a handling list or assign it to a user (`sub`)."""
        handling = self.handling_list(state, call)
        body = call.body
        key = call.params["id"]
        self.objects.allow_change(state, LIST_KIND, key, handling)
        if "is_on_hold" in body:
            handling["is_on_hold"] = body["is_on_hold"]
        if "sub" in body:
            handling.update(sub=body["sub"], is_assigned=bool(body["sub"]))
        return Answer(call.op.success)

    def list_delete(self, state: TenantState, call: Call) -> Answer:
        handling = self.handling_list(state, call)
        if self.objects.state_of(state, LIST_KIND, call.params["id"]) != "finished":
            self.release(state, handling, "open")
        return self.engine.crud.delete(state, call)
