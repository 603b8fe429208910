"""Hand-modelled endpoints: orders, parcels, the print queue and content batches.

Each handler validates, then moves the object through its lifecycle table (lifecycle.py, objects.py)
and answers in the documented shape. The CRUD around these resources stays generic.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import AfostoError, bad_request
from mockpost.providers.afosto.lifecycle import PRINT_JOB
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.synth import iso
from mockpost.providers.afosto.validation import require_fields

ORDERS = "/odr/orders"
PARCELS = "/lcs/parcels"
QUEUE = "/spl/queue"
HUBS = "/spl/hubs"
BATCHES = "/cnt/batches"
CALCULATIONS = "/odr/calculations"
TRANSACTIONS = "/odr/transactions"
CALCULATION_LIFETIME = timedelta(hours=1)
STATUS_ALIASES = {"success": "printed", "received": "pending"}  # SplJobResult / list-filter spellings
RESULT_WORDS = {"printed": "success"}  # SplJobResult says `success` where a job (SplJob) says `printed`


class Handlers:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store
        self.objects = engine.objects

    def register(self) -> None:
        table = {
            ("POST", "/odr/orders/{id}/calculation"): self.order_calculation,
            ("POST", "/odr/orders/{id}/authorize"): self.order_authorize,
            ("POST", "/odr/orders/{id}/accept"): self.order_step("accepted"),
            ("POST", "/odr/orders/{id}/confirm"): self.order_step("confirmed"),
            ("POST", "/odr/orders/{id}/allocate"): self.order_step("allocated"),
            ("POST", "/odr/orders/{id}/fulfil"): self.order_step("fulfilled"),
            ("POST", "/odr/orders/{id}/cancel"): self.order_cancel,
            ("PUT", "/odr/orders/{id}/flow"): self.order_flow,
            ("PUT", "/lcs/parcels/{id}/transit"): self.parcel_step("in_transit"),
            ("PUT", "/lcs/parcels/{id}/finished"): self.parcel_step("finished"),
            ("POST", "/lcs/parcels/{id}/label"): self.parcel_label,
            ("POST", "/lcs/parcels/{id}/slip"): self.parcel_label,
            ("POST", "/spl/queue"): self.queue_push,
            ("PUT", "/spl/queue/{reference}"): self.queue_status,
            ("GET", "/spl/queue"): self.queue_list,
            ("PUT", "/cnt/batches/{id}/validate"): self.batch_step("accepted"),
            ("PUT", "/cnt/batches/{id}/confirm"): self.batch_step("confirmed"),
            ("DELETE", "/cnt/batches/{id}"): self.batch_delete,
        }
        self.engine.handlers.update(table)

    # -- orders ---------------------------------------------------------------------------
    def order(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.store.find(state, ORDERS, (), call.params["id"])

    def order_calculation(self, state: TenantState, call: Call) -> Answer:
        """A new calculation for the order: also readable at /odr/calculations/{id}, valid one hour."""
        order = self.order(state, call)
        answer = self.engine.documents.singleton(state, call)
        calculation = answer.body
        calculation["id"] = self.engine.ctx.ids.uuid4()
        if not (isinstance(call.body, dict) and call.body.get("expires_at")):
            calculation["expires_at"] = iso(self.engine.ctx.now() + CALCULATION_LIFETIME)
        calculation["order_id"] = order["id"]
        self.store.items(state, CALCULATIONS, ())[calculation["id"]] = calculation
        return answer

    def order_authorize(self, state: TenantState, call: Call) -> Answer:
        """Lock the order on its newest calculation and open a transaction for the amount due."""
        order = self.order(state, call)
        needs = "authorize needs the calculation_id of the order's calculation"
        body = require_fields(call.body, ("calculation_id",), needs)
        calculation = state.singletons.get(("/odr/orders/{}/calculation", (call.params["id"],)))
        if not isinstance(calculation, dict) or calculation.get("id") != body["calculation_id"]:
            raise bad_request(
                "calculation_id is not the order's newest calculation: POST .../calculation first",
                invalid=["calculation_id"],
            )
        self.objects.move(state, "orders", order["id"], order, "locked")
        transaction = self.store.new_item(state, TRANSACTIONS, (), {"order_id": order["id"]})
        flags = order["state"]
        return Answer(
            call.op.success,
            {
                "is_locked": flags.get("is_locked", True),
                "is_accepted": flags.get("is_accepted", False),
                "is_confirmed": flags.get("is_confirmed", False),
                "transaction_secret": transaction.get("secret", ""),
            },
        )

    def order_step(self, target: str) -> Any:
        def step(state: TenantState, call: Call) -> Answer:
            order = self.order(state, call)
            self.objects.move(state, "orders", order["id"], order, target)
            return Answer(call.op.success)

        return step

    def order_cancel(self, state: TenantState, call: Call) -> Answer:
        order = self.order(state, call)
        was = self.objects.state_of(state, "orders", order["id"])
        self.objects.move(state, "orders", order["id"], order, "canceled")
        warnings = [f"the order was {was}: its allocation is released"] if was == "allocated" else []
        return Answer(
            call.op.success,
            {"is_accepted": was in ("accepted", "confirmed", "allocated"), "warnings": warnings},
        )

    def order_flow(self, state: TenantState, call: Call) -> Answer:
        """Mark flow actions handled: `{code, actions: [{code, is_handled}]}`."""
        order = self.order(state, call)
        body = call.body
        if not isinstance(body, dict) or not isinstance(body.get("code"), str):
            raise bad_request("the flow step needs its code", required=["code"])
        actions = body.get("actions", [])
        if not isinstance(actions, list) or not all(
            isinstance(a, dict) and isinstance(a.get("code"), str) for a in actions
        ):
            raise bad_request("actions must be a list of {code, is_handled}", invalid=["actions"])
        flow = order["state"].setdefault("flow", [])
        step = next((s for s in flow if isinstance(s, dict) and s.get("code") == body["code"]), None)
        if step is None:
            step = {
                "code": body["code"],
                "order": len(flow) + 1,
                "is_reversible": True,
                "trigger": "confirm",
                "actions": [],
            }
            flow.append(step)
        now = self.engine.now()
        for change in actions:
            handled = bool(change.get("is_handled", True))
            known = next((a for a in step["actions"] if a.get("code") == change["code"]), None)
            if known is None:
                known = {"code": change["code"], "order": len(step["actions"]) + 1, "label": change["code"]}
                step["actions"].append(known)
            known.update(is_handled=handled, handled_at=now if handled else None)
        return Answer(call.op.success)

    # -- parcels --------------------------------------------------------------------------
    def parcel(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.store.find(state, PARCELS, (), call.params["id"])

    def parcel_step(self, target: str) -> Any:
        def step(state: TenantState, call: Call) -> Answer:
            parcel = self.parcel(state, call)
            self.objects.move(state, "parcels", call.params["id"], parcel, target)
            return Answer(call.op.success)

        return step

    def parcel_label(self, state: TenantState, call: Call) -> Answer:
        """Label and packing slip are rendered by a backend task: the parcel records the request."""
        parcel = self.parcel(state, call)
        label = parcel.setdefault("label", {})
        if isinstance(label, dict):
            label.update(requested_at=self.engine.now(), file_id=self.engine.ctx.ids.uuid4())
        return Answer(call.op.success)

    # -- print queue ----------------------------------------------------------------------
    def queue_push(self, state: TenantState, call: Call) -> Answer:
        body = require_fields(call.body, ("hub_id", "job"), "a print job needs the hub and the job")
        if str(body["hub_id"]) not in self.store.items(state, HUBS, ()):
            raise AfostoError(404, "Hub not found")
        answer = self.engine.crud.create(state, call)
        job = answer.body
        job.update(status="scheduled", printed_at=None)
        if not body.get("schedule_at"):
            job["schedule_at"] = self.engine.now()
        return answer

    def queue_status(self, state: TenantState, call: Call) -> Answer:
        reference = call.params["reference"]
        job = self.store.find(state, QUEUE, (), reference)
        body = require_fields(call.body, ("status",), "send the job's new status")
        target = STATUS_ALIASES.get(body["status"], body["status"])
        lifecycle_states = PRINT_JOB.states
        if target not in lifecycle_states:
            raise bad_request(f"status must be one of {sorted(lifecycle_states)}", invalid=["status"])
        self.objects.move(state, "print_jobs", reference, job, target)
        result = RESULT_WORDS.get(job["status"], job["status"])
        return Answer(call.op.success, {"reference": reference, "status": result})

    def queue_list(self, state: TenantState, call: Call) -> Answer:
        """`status` defaults to `scheduled`, as documented."""
        query = {**call.query, "status": call.query.get("status") or "scheduled"}
        listed = Call(call.op, call.params, query, call.headers, call.body)
        return self.engine.listing.list_items(state, listed)

    # -- content batches ------------------------------------------------------------------
    def batch_step(self, target: str) -> Any:
        def step(state: TenantState, call: Call) -> Answer:
            batch = self.store.find(state, BATCHES, (), call.params["id"])
            self.objects.move(state, "batches", call.params["id"], batch, target)
            task_id = self.engine.tasks.new_task(state, call.op)
            batch["task_id"] = task_id
            return Answer(call.op.success, headers={"x-task-id": task_id})

        return step

    def batch_delete(self, state: TenantState, call: Call) -> Answer:
        """Only unconfirmed batches can be deleted."""
        batch = self.store.find(state, BATCHES, (), call.params["id"])
        self.objects.move(state, "batches", call.params["id"], batch, "deleted")
        return self.engine.crud.delete(state, call)
