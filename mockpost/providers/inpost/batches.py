"""Shipment batches: many shipments in one request (`POST /v1/organizations/{id}/batches`), each
item a shipment create body. Every item is checked first and all are created, or none; the batch
is `generated` until each of its shipments has its offers, then `done`."""

from __future__ import annotations

from typing import Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.inpost import models
from mockpost.providers.inpost.errors import NotFound, ValidationFailed
from mockpost.providers.inpost.ids import as_id
from mockpost.providers.inpost.problems import checked
from mockpost.providers.inpost.shipments import Shipments
from mockpost.providers.inpost.state import Account, Batch, Organization


class Batches:
    def __init__(self, ctx: ProviderContext, shipments: Shipments) -> None:
        self.ctx = ctx
        self.shipments = shipments

    def create(self, account: Account, organization: Organization, body: Any) -> Batch:
        request = checked(models.BatchCreate, body, "batch")
        checked_items = []
        for item in request.shipments:
            if isinstance(item, dict):
                item = {
                    **item,
                    "only_choice_of_offer": request.only_choice_of_offer or item.get("only_choice_of_offer"),
                }
            checked_items.append(self.shipments.check(organization, item))
        if any(fields is None for fields, _ in checked_items):
            raise ValidationFailed({"shipments": [details.tree() for _, details in checked_items]})
        ids = [self.shipments.open(account, organization, fields).id for fields, _ in checked_items if fields]
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
        waiting = [sid for sid in batch.shipment_ids if account.shipments[sid].state == "created"]
        return "generated" if waiting else "done"
