"""Answers the reference documents as lists of plain values, derived from what the account holds.

- Product filters: `PUT /odr/filters [{sku, filters: {key: value}}]` sets the filters of each sku
  (`{success, failed}`: entries applied, entries without a sku); `GET /odr/filters` lists them,
  `GET /odr/filters/keys` the filter keys in use (`["color"]`) and `GET /odr/filters/keys/{key}` the
  values of one key (`["red", "yellow"]`; 404 for a key no sku has).
- Warehouse stock: `POST /wms/locations/{id}/overage [{sku, position, quantity, ...}]` books the
  extra units found at the location as inventory items (one per unit, `available`), and
  `GET /wms/locations/{id}/positions` lists the positions that received stock there (`["A34.254"]`;
  each is then a position of `.../positions/{position}/logs` and `/verify`).
"""

from __future__ import annotations

from typing import Any

from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import bad_request, not_found
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.validation import require_fields

FILTERS = "/odr/filters"
LOCATIONS = "/wms/locations"
INVENTORY = "/wms/inventory"
POSITIONS = "/wms/locations/{}/positions"
MAX_UNITS = 1000  # one inventory item per unit: a bound on what one request books


class ValueLists:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store

    def register(self) -> None:
        self.store.known_items[POSITIONS] = []  # a location's positions are the ones holding stock
        self.engine.handlers.update(
            {
                ("PUT", "/odr/filters"): self.set_filters,
                ("GET", "/odr/filters/keys"): self.filter_keys,
                ("GET", "/odr/filters/keys/{key}"): self.filter_values,
                ("POST", "/wms/locations/{id}/overage"): self.book_overage,
                ("GET", "/wms/locations/{id}/positions"): self.positions,
            }
        )

    # -- product filters ------------------------------------------------------------------
    def set_filters(self, state: TenantState, call: Call) -> Answer:
        entries = call.body if isinstance(call.body, list) else [call.body]
        stored = self.store.items(state, FILTERS, ())
        applied = [
            entry for entry in entries if isinstance(entry, dict) and entry.get("sku") not in (None, "")
        ]
        for entry in applied:
            filters = entry.get("filters")
            if filters is not None and not isinstance(filters, dict):
                raise bad_request("filters is an object of key: value", invalid=["filters"])
            sku = str(entry["sku"])
            stored[sku] = {"sku": sku, "filters": dict(filters or {})}
        return Answer(call.op.success, {"success": len(applied), "failed": len(entries) - len(applied)})

    def filter_keys(self, state: TenantState, call: Call) -> Answer:
        keys = {key for item in self.store.items(state, FILTERS, ()).values() for key in item["filters"]}
        return Answer(call.op.success, sorted(keys))

    def filter_values(self, state: TenantState, call: Call) -> Answer:
        key = call.params["key"]
        values = {
            str(item["filters"][key])
            for item in self.store.items(state, FILTERS, ()).values()
            if key in item["filters"]
        }
        if not values:
            raise not_found("filter key", key)
        return Answer(call.op.success, sorted(values))

    # -- warehouse stock ------------------------------------------------------------------
    def book_overage(self, state: TenantState, call: Call) -> Answer:
        location = self.store.find(state, LOCATIONS, (), call.params["id"])
        require_fields(call.body, ("sku", "position"), "send a list of {sku, position, quantity}")
        units = [int(entry.get("quantity") or 1) for entry in call.body]
        if any(count < 1 for count in units) or sum(units) > MAX_UNITS:
            raise bad_request(
                f"quantity is a number of units from 1 (at most {MAX_UNITS})", invalid=["quantity"]
            )
        booked: list[dict[str, Any]] = []
        positions = self.store.items(state, POSITIONS, (call.params["id"],))
        for entry, count in zip(call.body, units, strict=True):
            fields = {k: entry[k] for k in ("sku", "position", "lot_number", "expires_at") if k in entry}
            code = str(entry["position"])
            positions.setdefault(code, {"id": code, "code": code})
            for _ in range(count):
                item = self.store.new_item(state, INVENTORY, (), fields)
                item.update(location_id=location["id"], state="available", claim_id=None)
                booked.append(item)
        return Answer(call.op.success, booked)

    def positions(self, state: TenantState, call: Call) -> Answer:
        self.store.find(state, LOCATIONS, (), call.params["id"])
        return Answer(call.op.success, sorted(self.store.items(state, POSITIONS, (call.params["id"],))))
