"""More hand-modelled endpoints: warehouse claims, invoices, transactions and payments, 2FA secrets,
identities, subtenant invites and authorization requests, purges, app installs.

Every state change goes through `Objects.move`, so the lifecycle tables decide what is allowed.
"""

from __future__ import annotations

from typing import Any

from mockpost.core.numbers import is_digits
from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import AfostoError, bad_request
from mockpost.providers.afosto.lifecycle import BY_NAME, CLAIM
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.sessions import identity_key, password_digest
from mockpost.providers.afosto.state import Parents, TenantState
from mockpost.providers.afosto.validation import require_fields

CLAIMS = "/wms/claims"
TRANSACTIONS = "/odr/transactions"
INVOICES = "/odr/invoices"
SECRETS = "/iam/2fa/secrets"
INTEGRATIONS = "/int/apps/integrations"
PURGES = "/iam/purges"
SUBTENANT_STATES = {
    ("PUT", "/iam/subtenants/invites/{id}"): ("invites", ("approved", "declined")),
    ("PUT", "/iam/subtenants/authorizations/requests/{id}"): (
        "authorization_requests",
        ("approved", "declined", "revoked"),
    ),
}
FAILING_OTP = "000000"  # any other six digits verify: the mock has no authenticator app to agree with


class Workflows:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store
        self.objects = engine.objects

    def register(self) -> None:
        self.store.on_create.setdefault(TRANSACTIONS, []).append(self.new_transaction)
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
                ("POST", "/iam/purges"): self.purge_request,
                ("POST", "/iam/purges/{token}"): self.purge_apply,
                ("POST", "/int/apps/store/{code}"): self.install_app,
                **{key: self.subtenant_state for key in SUBTENANT_STATES},
            }
        )

    # -- claims ---------------------------------------------------------------------------
    def claim(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.store.find(state, CLAIMS, (), call.params["id"])

    def claim_status(self, state: TenantState, call: Call) -> Answer:
        self.claim(state, call)
        now = self.objects.state_of(state, "claims", call.params["id"])
        return Answer(
            200,
            {
                "is_cancelable": CLAIM.allows(now, "cancelled"),
                "with_warning": now == "confirmed",
            },
        )

    def claim_cancel(self, state: TenantState, call: Call) -> Answer:
        self.objects.move(state, "claims", call.params["id"], self.claim(state, call), "cancelled")
        return Answer(call.op.success)

    def claim_extend(self, state: TenantState, call: Call) -> Answer:
        claim = self.claim(state, call)
        body = require_fields(call.body, ("expires_at",), "send the new expires_at")
        key = call.params["id"]
        self.objects.allow_change(state, "claims", key, claim)
        claim["expires_at"] = body["expires_at"]
        return Answer(call.op.success, claim)

    def claim_confirm(self, state: TenantState, call: Call) -> Answer:
        """A reservation becomes an actual claim on the target (an order, a transfer ...)."""
        claim = self.claim(state, call)
        body = require_fields(call.body, ("target_id",), "send the target_id the claim is for")
        self.objects.move(state, "claims", call.params["id"], claim, "confirmed")
        claim["target"] = body["target_id"]
        return Answer(call.op.success, claim)

    def install_app(self, state: TenantState, call: Call) -> Answer:
        """Installing an app from the store creates an integration of it. The install result's state
        (`pending_authentication`, `success`, `failed`) follows the app's `authentication`: a
        `redirect` app waits for its user to authenticate at `redirect_url`; a `post` app is
        installed with the credentials the request posts, and waits for them when it posts none."""
        app = self.store.find(state, "/int/apps/store", (), call.params["code"])
        body = call.body if isinstance(call.body, dict) else {}
        method = (app.get("authentication") or {}).get("type")
        installed = not method or (method == "post" and bool(body.get("credentials")))
        name = body.get("name") or app.get("name")
        fields = {"app_code": app["code"], "is_installed": installed, "name": name}
        if isinstance(body.get("configuration"), dict):
            fields["configuration"] = body["configuration"]
        integration = self.store.new_item(state, INTEGRATIONS, (), fields)
        integration.update(active_at=self.engine.now() if installed else None, deleted_at=None)
        page = f"https://app.afosto.io/integrations/{integration['id']}"
        answer = {
            "redirect_url": page if installed else f"{page}/authenticate",
            "state": "success" if installed else "pending_authentication",
        }
        return Answer(call.op.success, answer)

    # -- invoices, transactions and payments ----------------------------------------------
    def invoice_paid(self, state: TenantState, call: Call) -> Answer:
        invoice = self.store.find(state, INVOICES, (), call.params["id"])
        paid_at = call.body.get("paid_at")
        self.objects.move(state, "invoices", call.params["id"], invoice, "paid")
        invoice["paid_at"] = paid_at or self.engine.now()
        return Answer(call.op.success, invoice)

    @staticmethod
    def new_transaction(state: TenantState, parents: Parents, key: str, transaction: dict[str, Any]) -> None:
        """A new transaction has no payments yet: all of its amount is due."""
        amount = transaction.get("amount")
        due = (
            amount if isinstance(amount, int) and not isinstance(amount, bool) else transaction["amount_due"]
        )
        transaction.update(payments=[], amount_paid=0, amount_due=due)

    def transaction(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.store.find(state, TRANSACTIONS, (), call.params["secret"])

    def payment_start(self, state: TenantState, call: Call) -> Answer:
        """A payment attempt for the transaction: pending until the provider reports it paid."""
        transaction = self.transaction(state, call)
        body = require_fields(call.body, ("method_code",), "a payment needs its method_code")
        amount = body.get("amount", transaction.get("amount_due", 0))
        payment = self.engine.synth.fill(call.op.success_example)
        payment.update({k: v for k, v in body.items() if k in payment}, amount=amount, is_refund=False)
        payment.update(id=self.engine.ctx.ids.uuid4(), created_at=self.engine.now())
        payment.update(is_pending=True, is_paid=False, is_captured=False, is_authorized=False, paid_at=None)
        transaction.setdefault("payments", []).append(payment)
        self.objects.begin(state, "payments", payment["id"], payment, parents=(call.params["secret"],))
        return Answer(call.op.success, payment)

    def payment_paid(self, state: TenantState, call: Call) -> Answer:
        transaction = self.transaction(state, call)
        payments = [p for p in transaction.get("payments", []) if not p.get("is_refund")]
        pending = [p for p in payments if self.objects.state_of(state, "payments", p["id"]) == "pending"]
        if not pending:
            raise AfostoError(400, "the transaction has no pending payment", invalid=["state"])
        payment = pending[-1]
        self.objects.move(state, "payments", payment["id"], payment, "paid")
        self.settle(transaction)
        return Answer(call.op.success, payment)

    def refund(self, state: TenantState, call: Call) -> Answer:
        transaction = self.transaction(state, call)
        body = require_fields(call.body, ("payment_id",), "a refund names the payment_id it refunds")
        amount = body.get("amount")
        if amount is not None and amount <= 0:
            raise bad_request("amount is a positive integer (cents)", invalid=["amount"])
        payment = next((p for p in transaction.get("payments", []) if p["id"] == body["payment_id"]), None)
        if payment is None or payment.get("is_refund"):
            raise bad_request("payment_id is not a payment of this transaction", invalid=["payment_id"])
        refunded = sum(p["amount"] for p in transaction["payments"] if p.get("refunds") == payment["id"])
        amount = payment["amount"] - refunded if amount is None else amount
        if amount > payment["amount"] - refunded:
            raise bad_request("the refund is more than what is left of the payment", invalid=["amount"])
        self.objects.move(state, "payments", payment["id"], payment, "refunded")
        refund = {**payment, "id": self.engine.ctx.ids.uuid4(), "amount": amount, "is_refund": True}
        refund.update(created_at=self.engine.now(), paid_at=self.engine.now(), refunds=payment["id"])
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
        body = require_fields(call.body, ("audience", "email"), "an identity is an audience and an email")
        if "@" not in body["email"]:
            raise bad_request("email must be an address", invalid=["email"])
        return body["audience"], body["email"].lower()

    def identity_create(self, state: TenantState, call: Call) -> Answer:
        audience, email = self.identity_of(call)
        identities = state.collection("/rel/identity", ())
        key = identity_key(audience, email)
        if key in identities:
            raise AfostoError(409, "Identity already exists")
        if len(call.body.get("password") or "") < 8:
            raise bad_request("password needs at least 8 characters", invalid=["password"])
        identities[key] = {
            "audience": audience,
            "email": email,
            "created_at": self.engine.now(),
            "password_sha256": password_digest(call.body["password"]),
        }
        token = self.engine.ctx.ids.token(40)
        return Answer(call.op.success, {"expires_at": self.engine.now(), "token": token})

    def identity_exists(self, state: TenantState, call: Call) -> Answer:
        audience, email = self.identity_of(call)
        if identity_key(audience, email) in state.collection("/rel/identity", ()):
            raise AfostoError(409, "Identity already exists")
        return Answer(call.op.success)

    def secret_create(self, state: TenantState, call: Call) -> Answer:
        """Enable 2FA of a type: the secret and its QR url are shown once, then only the last 4."""
        kind = call.params["type"]
        secret = self.engine.ctx.ids.token(32).upper()
        stored = self.store.new_item(state, SECRETS, (), call.body or {}, key=kind)
        stored.update(type=kind, secret_last_4=secret[-4:], deleted_at=None, is_confirmed=False)
        answer = {k: stored.get(k) for k in call.op.success_example}
        answer.update(secret=secret, qr_url=f"otpauth://totp/Afosto:{kind}?secret={secret}&issuer=Afosto")
        return Answer(call.op.success, answer)

    def secret_verify(self, state: TenantState, call: Call) -> Answer:
        kind = call.params["type"]
        secret = self.store.items(state, SECRETS, ()).get(kind)
        if secret is None:
            raise AfostoError(404, f"no 2fa secret of type {kind!r}: POST /iam/2fa/secrets/{kind} first")
        otp = call.body.get("otp") if isinstance(call.body, dict) else None
        if not (isinstance(otp, str) and len(otp) == 6 and is_digits(otp)):
            raise bad_request("otp is the six digits of the authenticator", required=["otp"])
        verified = otp != FAILING_OTP
        if verified and self.objects.state_of(state, "2fa_secrets", kind) == "unconfirmed":
            self.objects.move(state, "2fa_secrets", kind, secret, "confirmed")
        return Answer(call.op.success, {"is_verified": verified})

    # -- subtenants and purges ------------------------------------------------------------
    def subtenant_state(self, state: TenantState, call: Call) -> Answer:
        kind, allowed = SUBTENANT_STATES[call.op.key]
        item = self.store.find(state, BY_NAME[kind].collection, (), call.params["id"])
        body = call.body
        wanted = body.get("state") if isinstance(body, dict) else None
        if not isinstance(wanted, str) or wanted not in allowed:
            raise bad_request(f"state must be one of {', '.join(allowed)}", invalid=["state"])
        self.objects.move(state, kind, call.params["id"], item, wanted)
        return Answer(call.op.success, item)

    def purge_request(self, state: TenantState, call: Call) -> Answer:
        """A purge token for the domains (`IamPurgeToken`: its `id` is a number, it expires a day
        later); it is signed when it is applied. The answer is the token data, as described."""
        body = call.body
        if not body.get("domains"):
            raise bad_request("send the domains to purge", required=["domains"])
        if not all(body["domains"]):
            raise bad_request("domains is a list of host names", invalid=["domains"])
        purge = self.store.new_item(state, PURGES, (), {"domains": list(body["domains"])})
        purge["signer"] = None
        return Answer(call.op.success, dict(purge))  # a copy: the answer gains the documented extras

    def purge_apply(self, state: TenantState, call: Call) -> Answer:
        purge = self.store.find(state, PURGES, (), call.params["token"])
        self.objects.move(state, "purges", call.params["token"], purge, "applied")
        purge["signer"] = purge["requester"]  # the account applies its own purge
        return Answer(call.op.success, purge)
