"""Shipment batches: many shipments in one request (`POST /v1/organizations/{id}/batches`), each
item a shipment create body. Every item is checked first and all are created, or none; the batch
is `generated` until each of its shipments has its offers, then `done`."""

from __future__ import annotations

from typing import Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.inpost.errors import NotFound, ValidationFailed
from mockpost.providers.inpost.shipments import Shipments
from mockpost.providers.inpost.state import Account, Batch, Organization
from mockpost.providers.inpost.validation import as_id

MAX_ITEMS = 100


class Batches:
    def __init__(self, ctx: ProviderContext, shipments: Shipments) -> None:
        self.ctx = ctx
        self.shipments = shipments

    def create(self, account: Account, organization: Organization, body: Any) -> Batch:
        if not isinstance(body, dict):
            raise ValidationFailed({"batch": ["invalid"]})
        items = body.get("shipments")
        if items is None or items == []:
            raise ValidationFailed({"shipments": ["required"]})
        if not isinstance(items, list):
            raise ValidationFailed({"shipments": ["invalid"]})
        if len(items) > MAX_ITEMS:
            raise ValidationFailed({"shipments": ["too_long"]})
        only_choice = body.get("only_choice_of_offer", False)
        if not isinstance(only_choice, bool):
            raise ValidationFailed({"only_choice_of_offer": ["invalid"]})
        checked = []
        for item in items:
            if isinstance(item, dict):
                item = {**item, "only_choice_of_offer": only_choice or item.get("only_choice_of_offer")}
            checked.append(self.shipments.check(organization, item))
        if any(request is None for request, _ in checked):
            raise ValidationFailed({"shipments": [details for _, details in checked]})
        ids = [self.shipments.open(account, organization, request).id for request, _ in checked if request]
        batch = Batch(account.next_id("batch"), organization.id, ids, self.ctx.now())
        account.batches[batch.id] = batch
        return batch

    @staticmethod
    def get(account: Account, raw_id: str) -> Batch:
        batch_id = as_id(raw_id)
        batch = account.batches.get(batch_id) if batch_id is not None else None
        if batch is None:
            raise NotFound("batch", raw_id[:64])
        return batch

    @staticmethod
    def status(account: Account, batch: Batch) -> str:
        waiting = [sid for sid in batch.shipment_ids if account.shipments[sid].status == "created"]
        return "generated" if waiting else "done"
