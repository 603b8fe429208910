"""Positions and sku listings of a fulfilment location (`lcs/locations/{id}`).

`PUT .../positions [codes]` orders the location's positions (making the ones it does not know yet),
`DELETE .../positions [codes]` removes them, `PUT .../skus [{sku, position}]` lists skus at positions,
and `POST .../positions/search [skus]` ("searches a set of positions based on sku's") answers where
the first of them is listed. Each answers `{success[, failed]}` with the number of entries applied.
"""

from __future__ import annotations

from typing import Any

from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import bad_request, not_found
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.validation import require_fields

LOCATIONS = "/lcs/locations"
POSITIONS = "/lcs/locations/{}/positions"
SKUS = "/lcs/locations/{}/skus"


def codes_of(body: Any) -> list[str]:
    """Position codes: the reference's example is a real code, not a type, so the catalog's check
    leaves their type to this rule."""
    if not isinstance(body, list) or not all(isinstance(code, str) and code for code in body):
        raise bad_request("send a list of position codes", invalid=["body"])
    return body


# route -> the method serving it
ROUTES = {
    ("PUT", "/lcs/locations/{id}/positions"): "order_positions",
    ("DELETE", "/lcs/locations/{id}/positions"): "remove_positions",
    ("PUT", "/lcs/locations/{id}/skus"): "list_skus",
    ("POST", "/lcs/locations/{id}/positions/search"): "search_skus",
}


class Locations:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store

    def register(self) -> None:
        self.engine.handlers.update({route: getattr(self, name) for route, name in ROUTES.items()})

    def location(self, state: TenantState, call: Call) -> tuple[str, ...]:
        self.store.find(state, LOCATIONS, (), call.params["id"])
        return (call.params["id"],)

    def position(self, state: TenantState, parents: tuple[str, ...], code: str) -> dict[str, Any]:
        found = self.store.items(state, POSITIONS, parents)
        if code in found:
            return found[code]
        return self.store.new_item(state, POSITIONS, parents, {"code": code, "skus": []}, key=code)

    def order_positions(self, state: TenantState, call: Call) -> Answer:
        parents = self.location(state, call)
        codes = codes_of(call.body)
        for sorting, code in enumerate(codes, start=1):
            self.position(state, parents, code)["sorting"] = sorting
        found = self.store.items(state, POSITIONS, parents)
        ordered = {code: found.pop(code) for code in codes if code in found}
        ordered.update(found)  # positions not named keep their place after the named ones
        found.clear()
        found.update(ordered)
        return Answer(call.op.success, {"success": len(codes)})

    def remove_positions(self, state: TenantState, call: Call) -> Answer:
        parents = self.location(state, call)
        found = self.store.items(state, POSITIONS, parents)
        removed = [code for code in codes_of(call.body) if found.pop(code, None) is not None]
        return Answer(call.op.success, {"success": len(removed)})

    def list_skus(self, state: TenantState, call: Call) -> Answer:
        parents = self.location(state, call)
        require_fields(call.body, ("sku", "position"), "send a list of {sku, position}")
        listed = self.store.items(state, SKUS, parents)
        for entry in call.body:
            sku, code = str(entry["sku"]), str(entry["position"])
            row = {"sku": sku, "position": code, "created_at": entry.get("created_at") or self.engine.now()}
            listed[sku] = row
            position = self.position(state, parents, code)
            position["skus"] = [s for s in listed.values() if s["position"] == code]
        return Answer(call.op.success, {"success": len(call.body), "failed": 0})

    def search_skus(self, state: TenantState, call: Call) -> Answer:
        parents = self.location(state, call)
        if not isinstance(call.body, list) or not all(isinstance(v, str | int) for v in call.body):
            raise bad_request("send a list of skus", invalid=["body"])
        wanted = {str(v) for v in call.body}
        for row in self.store.items(state, SKUS, parents).values():
            if row["sku"] in wanted or row["position"] in wanted:
                return Answer(call.op.success, row)
        raise not_found("position for sku", ", ".join(sorted(wanted)))
