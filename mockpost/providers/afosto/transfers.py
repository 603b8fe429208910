"""Warehouse transfers (`wms/transfers`): stock moved between locations in chained transports.

A new transfer comes with two transports, the collection leg and the delivery leg, chained by
`previous` / `next`. A transport is pending -> shipped -> delivered and ships only once the one
before it is delivered. The transfer follows its transports: `transit` when the first ships,
`delivered` when the last arrives; its `collections` and `deliveries` summaries show their leg
(`pending`, `partial` while on the way, `delivered`).
"""

from __future__ import annotations

from typing import Any

from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import bad_request
from mockpost.providers.afosto.lifecycle import TRANSFER, TRANSPORT
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import Parents, TenantState

TRANSFERS = "/wms/transfers"
TRANSPORTS = "/wms/transfers/{}/transports"
SHIPMENTS = "/lcs/shipments"
KIND = "transports"
LEGS = ("collections", "deliveries")  # the transfer's summaries of its first and last transport
LEG_FIELDS = ("inbound_shipment_id", "outbound_shipment_id")
SUMMARY_STATUS = {"pending": "pending", "shipped": "partial", "delivered": "delivered"}


class Transfers:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store
        self.objects = engine.objects

    def register(self) -> None:
        self.store.on_create.setdefault(TRANSPORTS, []).append(self.leaves_later)
        self.engine.handlers.update(
            {
                ("POST", TRANSFERS): self.create,
                ("PUT", "/wms/transfers/{transfer_id}/transports/{id}/state"): self.transport_state,
                ("PUT", "/wms/transfers/{transfer_id}/transports/{id}/shipment"): self.attach_shipments,
            }
        )

    @staticmethod
    def leaves_later(state: TenantState, parents: Parents, key: str, transport: dict[str, Any]) -> None:
        """A new transport has neither left nor arrived."""
        transport.update(departure_at=None, arrival_at=None)

    def create(self, state: TenantState, call: Call) -> Answer:
        answer = self.engine.crud.create(state, call)
        transfer = answer.body
        parents = (str(transfer["id"]),)
        state.seeded.add((TRANSPORTS, parents))  # its own legs, not fixture transports
        target = transfer.get("target")
        collect = self.store.new_item(state, TRANSPORTS, parents, {"previous": None, "next": None})
        deliver = self.store.new_item(state, TRANSPORTS, parents, {"previous": collect["id"], "next": None})
        collect["next"] = deliver["id"]
        deliver["from"] = collect["to"]
        if target:
            deliver["to"] = target
        transfer["is_collection_pending"] = True
        self.summarise(transfer, [collect, deliver])
        return answer

    def legs(self, state: TenantState, transfer_id: str) -> list[dict[str, Any]]:
        return list(self.store.items(state, TRANSPORTS, (transfer_id,)).values())

    def summarise(self, transfer: dict[str, Any], legs: list[dict[str, Any]]) -> None:
        for name, leg in zip(LEGS, (legs[0], legs[-1]), strict=True):
            status = SUMMARY_STATUS.get(str(leg.get("status")), "pending")
            summaries = transfer.get(name)
            for summary in summaries if isinstance(summaries, list) else []:
                if isinstance(summary, dict):
                    summary.update(status=status, updated_at=self.engine.now())

    def transport_state(self, state: TenantState, call: Call) -> Answer:
        """pending -> shipped -> delivered; a transport ships only once its previous one arrived."""
        transfer_id, key = call.params["transfer_id"], call.params["id"]
        transfer = self.store.find(state, TRANSFERS, (), transfer_id)
        transport = self.store.find(state, TRANSPORTS, (transfer_id,), key)
        wanted = call.body.get("state") if isinstance(call.body, dict) else None
        states = TRANSPORT.states
        if not isinstance(wanted, str) or wanted not in states:
            raise bad_request(f"state must be one of {', '.join(states)}", invalid=["state"])
        previous = self.store.items(state, TRANSPORTS, (transfer_id,)).get(str(transport.get("previous")))
        arrived = previous is None or self.objects.state_of(state, KIND, str(previous["id"])) == "delivered"
        if wanted == "shipped" and previous is not None and not arrived:
            raise bad_request(
                f"the previous transport {previous['id']} has not been delivered yet", invalid=["state"]
            )
        self.objects.move(state, KIND, key, transport, wanted)
        self.follow(state, transfer)
        return Answer(call.op.success, transport)

    def follow(self, state: TenantState, transfer: dict[str, Any]) -> None:
        """The transfer's own state from its transports'."""
        key = str(transfer["id"])
        legs = self.legs(state, key)
        moved = [self.objects.state_of(state, KIND, str(leg["id"])) for leg in legs]
        if all(s == "delivered" for s in moved):
            target = "delivered"
        elif any(s != "pending" for s in moved):
            target = "transit"
        else:
            target = "pending"
        for step in TRANSFER.path(self.objects.state_of(state, "transfers", key), target):
            self.objects.move(state, "transfers", key, transfer, step)
        transfer["is_collection_pending"] = moved[0] == "pending"
        self.summarise(transfer, legs)

    def attach_shipments(self, state: TenantState, call: Call) -> Answer:
        """The shipments that carry a transport out of and into its locations."""
        transfer_id, key = call.params["transfer_id"], call.params["id"]
        self.store.find(state, TRANSFERS, (), transfer_id)
        transport = self.store.find(state, TRANSPORTS, (transfer_id,), key)
        body = call.body if isinstance(call.body, dict) else {}
        given = {f: body[f] for f in LEG_FIELDS if body.get(f)}
        if not given:
            raise bad_request("name the inbound and/or outbound shipment", required=list(LEG_FIELDS))
        shipments = self.store.items(state, SHIPMENTS, ())
        unknown = [f for f, value in given.items() if str(value) not in shipments]
        if unknown:
            raise bad_request("no such shipment in this account", invalid=unknown)
        if TRANSPORT.is_final(self.objects.state_of(state, KIND, key)):
            raise bad_request(
                f"the transport {key} is delivered and takes no more changes", invalid=["state"]
            )
        transport.update(given)
        return Answer(call.op.success, transport)
