"""More hand-modelled endpoints: warehouse claims, invoices, transactions and payments, 2FA secrets,
identities, subtenant invites and authorization requests, purges, app installs.

Every state change goes through `lifecycles.move`, so the lifecycle tables decide what is allowed.
"""

from __future__ import annotations

from typing import Any

from mockpost.core.numbers import is_digits
from mockpost.providers.afosto.engine import Call
from mockpost.providers.afosto.errors import AfostoError, bad_request
from mockpost.providers.afosto.lifecycles import COLLECTIONS, LIFECYCLES, SHOW, current, move
from mockpost.providers.afosto.modelled import HandModelled
from mockpost.providers.afosto.sessions import identity_key, password_digest
from mockpost.providers.afosto.state import Answer, TenantState
from mockpost.providers.afosto.synth import iso

CLAIMS = "/wms/claims"
TRANSACTIONS = "/odr/transactions"
INVOICES = "/odr/invoices"
SECRETS = "/iam/2fa/secrets"
INTEGRATIONS = "/int/apps/integrations"
SUBTENANT_STATES = {
    ("PUT", "/iam/subtenants/invites/{id}"): ("invite", ("approved", "declined")),
    ("PUT", "/iam/subtenants/authorizations/requests/{id}"): (
        "authorization request",
        ("approved", "declined", "revoked"),
    ),
}
FAILING_OTP = "000000"  # any other six digits verify: the mock has no authenticator app to agree with


class Workflows(HandModelled):
    def register(self) -> None:
        for resource, collection in COLLECTIONS.items():
            self.engine.on_create[collection] = self.shows_initial_state(resource)
        self.engine.on_create[TRANSACTIONS] = self.new_transaction
        self.engine.handlers.update(
            {
                ("GET", "/wms/claims/{id}/status"): self.claim_status,
                ("POST", "/wms/claims/{id}/cancel"): self.claim_cancel,
                ("PUT", "/wms/claims/{id}/extend"): self.claim_extend,
                ("PUT", "/wms/claims/{id}/confirm"): self.claim_confirm,
                ("PUT", "/odr/invoices/{id}/paid"): self.invoice_paid,
                ("POST", "/odr/transactions/{secret}/payments"): self.payment_start,
                ("POST", "/odr/payments/{secret}/paid"): self.payment_paid,
                ("POST", "/odr/transactions/{secret}/refunds"): self.refund,
                ("POST", "/rel/identity/create"): self.identity_create,
                ("POST", "/rel/identity/exists"): self.identity_exists,
                ("POST", "/iam/2fa/secrets/{type}"): self.secret_create,
                ("POST", "/iam/2fa/secrets/{type}/verify"): self.secret_verify,
                ("POST", "/iam/purges/{token}"): self.purge_apply,
                ("POST", "/int/apps/store/{code}"): self.install_app,
                **{key: self.subtenant_state for key in SUBTENANT_STATES},
            }
        )

    def shows_initial_state(self, resource: str) -> Any:
        def show(item: dict[str, Any]) -> None:
            SHOW[resource](item, LIFECYCLES[resource].initial, iso(self.engine.ctx.now()))

        return show

    # -- claims ---------------------------------------------------------------------------
    def claim(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.engine.find(state, CLAIMS, (), call.params["id"])

    def claim_status(self, state: TenantState, call: Call) -> Answer:
        self.claim(state, call)
        now = current(state, "claim", call.params["id"])
        return Answer(
            200,
            {
                "is_cancelable": LIFECYCLES["claim"].allows(now, "cancelled"),
                "with_warning": now == "confirmed",
            },
        )

    def claim_cancel(self, state: TenantState, call: Call) -> Answer:
        move(self.engine, state, "claim", call.params["id"], self.claim(state, call), "cancelled")
        return Answer(call.op.success)

    def claim_extend(self, state: TenantState, call: Call) -> Answer:
        claim = self.claim(state, call)
        body = call.body
        if not isinstance(body, dict) or not isinstance(body.get("expires_at"), str):
            raise bad_request("send the new expires_at", required=["expires_at"])
        key = call.params["id"]
        move(self.engine, state, "claim", key, claim, current(state, "claim", key))
        claim["expires_at"] = body["expires_at"]
        return Answer(call.op.success, claim)

    def claim_confirm(self, state: TenantState, call: Call) -> Answer:
        """A reservation becomes an actual claim on the target (an order, a transfer ...)."""
        claim = self.claim(state, call)
        body = call.body
        if not isinstance(body, dict) or not isinstance(body.get("target_id"), str) or not body["target_id"]:
            raise bad_request("send the target_id the claim is for", required=["target_id"])
        move(self.engine, state, "claim", call.params["id"], claim, "confirmed")
        claim["target"] = body["target_id"]
        return Answer(call.op.success, claim)

    def install_app(self, state: TenantState, call: Call) -> Answer:
        """Installing an app from the store creates an integration of it."""
        app = self.engine.find(state, "/int/apps/store", (), call.params["code"])
        self.engine.action(state, call)  # validates the body's documented types
        body = call.body if isinstance(call.body, dict) else {}
        fields = {"app_code": app["code"], "is_installed": True, "name": body.get("name") or app.get("name")}
        if isinstance(body.get("configuration"), dict):
            fields["configuration"] = body["configuration"]
        integration = self.engine.new_item(state, INTEGRATIONS, (), fields)
        integration.update(active_at=self.now(), deleted_at=None)
        answer = {
            "redirect_url": f"https://app.afosto.io/integrations/{integration['id']}",
            "state": "installed",
        }
        return Answer(call.op.success, answer)

    # -- invoices, transactions and payments ----------------------------------------------
    def invoice_paid(self, state: TenantState, call: Call) -> Answer:
        invoice = self.engine.find(state, INVOICES, (), call.params["id"])
        body = call.body if isinstance(call.body, dict) else {}
        paid_at = body.get("paid_at")
        if paid_at is not None and not isinstance(paid_at, str):
            raise bad_request("paid_at is a date", invalid=["paid_at"])
        move(self.engine, state, "invoice", call.params["id"], invoice, "paid")
        invoice["paid_at"] = paid_at or self.now()
        return Answer(call.op.success, invoice)

    @staticmethod
    def new_transaction(transaction: dict[str, Any]) -> None:
        """A new transaction has no payments yet: all of its amount is due."""
        amount = transaction.get("amount")
        due = (
            amount if isinstance(amount, int) and not isinstance(amount, bool) else transaction["amount_due"]
        )
        transaction.update(payments=[], amount_paid=0, amount_due=due)

    def transaction(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.engine.find(state, TRANSACTIONS, (), call.params["secret"])

    def payment_start(self, state: TenantState, call: Call) -> Answer:
        """A payment attempt for the transaction: pending until the provider reports it paid."""
        transaction = self.transaction(state, call)
        body = call.body
        if not isinstance(body, dict) or not body.get("method_code"):
            raise bad_request("a payment needs its method_code", required=["method_code"])
        self.engine.action(state, call)  # validates the documented field types
        amount = body.get("amount", transaction.get("amount_due", 0))
        payment = self.engine.synth.fill(call.op.success_example)
        payment.update({k: v for k, v in body.items() if k in payment}, amount=amount, is_refund=False)
        payment.update(id=self.engine.ctx.ids.uuid4(), created_at=self.now())
        SHOW["payment"](payment, "pending", self.now())
        payment.update(is_pending=True, is_paid=False, is_captured=False, is_authorized=False, paid_at=None)
        transaction.setdefault("payments", []).append(payment)
        return Answer(call.op.success, payment)

    def payment_paid(self, state: TenantState, call: Call) -> Answer:
        transaction = self.transaction(state, call)
        pending = [
            p for p in transaction.get("payments", []) if current(state, "payment", p["id"]) == "pending"
        ]
        if not pending:
            raise AfostoError(400, "the transaction has no pending payment", invalid=["state"])
        payment = pending[-1]
        move(self.engine, state, "payment", payment["id"], payment, "paid")
        self.settle(transaction)
        return Answer(call.op.success, payment)

    def refund(self, state: TenantState, call: Call) -> Answer:
        transaction = self.transaction(state, call)
        body = call.body
        if not isinstance(body, dict) or not body.get("payment_id"):
            raise bad_request("a refund names the payment_id it refunds", required=["payment_id"])
        amount = body.get("amount")
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0):
            raise bad_request("amount is a positive integer (cents)", invalid=["amount"])
        payment = next((p for p in transaction.get("payments", []) if p["id"] == body["payment_id"]), None)
        if payment is None or payment.get("is_refund"):
            raise bad_request("payment_id is not a payment of this transaction", invalid=["payment_id"])
        refunded = sum(p["amount"] for p in transaction["payments"] if p.get("refunds") == payment["id"])
        amount = payment["amount"] - refunded if amount is None else amount
        if amount > payment["amount"] - refunded:
            raise bad_request("the refund is more than what is left of the payment", invalid=["amount"])
        move(self.engine, state, "payment", payment["id"], payment, "refunded")
        refund = {**payment, "id": self.engine.ctx.ids.uuid4(), "amount": amount, "is_refund": True}
        refund.update(created_at=self.now(), paid_at=self.now(), refunds=payment["id"])
        transaction["payments"].append(refund)
        self.settle(transaction)
        return Answer(call.op.success, refund)

    @staticmethod
    def settle(transaction: dict[str, Any]) -> None:
        paid = sum(
            (-p["amount"] if p.get("is_refund") else p["amount"])
            for p in transaction.get("payments", [])
            if p.get("is_paid") and isinstance(p.get("amount"), int)
        )
        total = transaction.get("amount_paid", 0) + transaction.get("amount_due", 0)
        transaction["amount_paid"] = paid
        transaction["amount_due"] = max(total - paid, 0) if isinstance(total, int) else 0

    # -- identities and 2FA ---------------------------------------------------------------
    def identity_of(self, call: Call) -> tuple[str, str]:
        body = call.body
        if not isinstance(body, dict):
            raise bad_request("send the identity's audience and email", required=["audience", "email"])
        missing = [f for f in ("audience", "email") if not body.get(f)]
        if missing:
            raise bad_request("an identity is an audience and an email", required=missing)
        if not all(isinstance(body[f], str) for f in ("audience", "email")) or "@" not in body["email"]:
            raise bad_request("email must be an address", invalid=["email"])
        return body["audience"], body["email"].lower()

    def identity_create(self, state: TenantState, call: Call) -> Answer:
        audience, email = self.identity_of(call)
        identities = state.collection("/rel/identity", ())
        key = identity_key(audience, email)
        if key in identities:
            raise AfostoError(409, "Identity already exists")
        if not isinstance(call.body.get("password"), str) or len(call.body["password"]) < 8:
            raise bad_request("password needs at least 8 characters", invalid=["password"])
        identities[key] = {
            "audience": audience,
            "email": email,
            "created_at": self.now(),
            "password_sha256": password_digest(call.body["password"]),
        }
        return Answer(call.op.success, {"expires_at": self.now(), "token": self.engine.ctx.ids.token(40)})

    def identity_exists(self, state: TenantState, call: Call) -> Answer:
        audience, email = self.identity_of(call)
        if identity_key(audience, email) in state.collection("/rel/identity", ()):
            raise AfostoError(409, "Identity already exists")
        return Answer(call.op.success)

    def secret_create(self, state: TenantState, call: Call) -> Answer:
        """Enable 2FA of a type: the secret and its QR url are shown once, then only the last 4."""
        self.engine.action(state, call)
        kind = call.params["type"]
        secret = self.engine.ctx.ids.token(32).upper()
        stored = self.engine.new_item(state, SECRETS, (), call.body or {}, key=kind)
        stored.update(type=kind, secret_last_4=secret[-4:], deleted_at=None, is_confirmed=False)
        state.states.pop(("2fa secret", kind), None)
        answer = {k: stored.get(k) for k in call.op.success_example}
        answer.update(secret=secret, qr_url=f"otpauth://totp/Afosto:{kind}?secret={secret}&issuer=Afosto")
        return Answer(call.op.success, answer)

    def secret_verify(self, state: TenantState, call: Call) -> Answer:
        kind = call.params["type"]
        secret = self.engine.items(state, SECRETS, ()).get(kind)
        if secret is None:
            raise AfostoError(404, f"no 2fa secret of type {kind!r}: POST /iam/2fa/secrets/{kind} first")
        otp = call.body.get("otp") if isinstance(call.body, dict) else None
        if not (isinstance(otp, str) and len(otp) == 6 and is_digits(otp)):
            raise bad_request("otp is the six digits of the authenticator", required=["otp"])
        verified = otp != FAILING_OTP
        if verified and current(state, "2fa secret", kind) == "unconfirmed":
            move(self.engine, state, "2fa secret", kind, secret, "confirmed")
        return Answer(call.op.success, {"is_verified": verified})

    # -- subtenants and purges ------------------------------------------------------------
    def subtenant_state(self, state: TenantState, call: Call) -> Answer:
        resource, allowed = SUBTENANT_STATES[call.op.key]
        item = self.engine.find(state, COLLECTIONS[resource], (), call.params["id"])
        body = call.body
        wanted = body.get("state") if isinstance(body, dict) else None
        if not isinstance(wanted, str) or wanted not in allowed:
            raise bad_request(f"state must be one of {', '.join(allowed)}", invalid=["state"])
        move(self.engine, state, resource, call.params["id"], item, wanted)
        return Answer(call.op.success, item)

    def purge_apply(self, state: TenantState, call: Call) -> Answer:
        purge = self.engine.find(state, "/iam/purges", (), call.params["token"])
        move(self.engine, state, "purge", call.params["token"], purge, "applied")
        return Answer(call.op.success, purge)
