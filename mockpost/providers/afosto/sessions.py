"""Checkout sessions (`/odr/sessions`): who is buying, what they chose, and the hand-off to payment.

A session is `open` until a contact is on it (`authenticate`, `authenticated`, or a new `contact`),
then `authenticated`; `authorize` with the session's calculation hands it to payment (`authorized`).
It `expired` once the clock passes its `expires_at`: a timed step planned when it is made. Every
change to the session or its documents is a self-loop in the lifecycle table, so an authorized or
expired session refuses them all.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import AfostoError, bad_request
from mockpost.providers.afosto.models import Answer, Call, Handler
from mockpost.providers.afosto.objects import Found
from mockpost.providers.afosto.state import Parents, TenantState
from mockpost.providers.afosto.synth import iso
from mockpost.providers.afosto.validation import require_fields

SESSIONS = "/odr/sessions"
SESSION_PATH = "/odr/sessions/{id}"
CONTACTS = "/rel/contacts"
IDENTITIES = "/rel/identity"
TRANSACTIONS = "/odr/transactions"
CALCULATION = "/odr/sessions/{}/calculation"
SESSION_LIFETIME = timedelta(hours=1)  # the reference gives no default; one hour of checkout
CONTACT_FIELDS = ("id", "email", "given_name", "family_name", "additional_name")
PAYMENT_PAGE = "https://pay.example.com/transactions/"  # stands in for the payment provider's page
KIND = "checkout_sessions"


def password_digest(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def identity_key(audience: str, email: str) -> str:
    return f"{audience}\0{email.lower()}"


def parse_moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


class Sessions:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store
        self.objects = engine.objects

    def register(self) -> None:
        own: dict[tuple[str, str], Handler] = {
            ("POST", SESSIONS): self.start,
            ("GET", SESSION_PATH): self.read,
            ("POST", f"{SESSION_PATH}/authenticate"): self.authenticate,
            ("POST", f"{SESSION_PATH}/authenticated"): self.authenticated,
            ("POST", f"{SESSION_PATH}/identity"): self.identity,
            ("POST", f"{SESSION_PATH}/contact"): self.new_contact,
            ("GET", f"{SESSION_PATH}/contact"): self.contact,
            ("POST", f"{SESSION_PATH}/authorize"): self.authorize,
            ("PUT", f"{SESSION_PATH}/order"): self.attach_order,
        }
        self.engine.handlers.update(own)
        self.store.on_create.setdefault(SESSIONS, []).append(self.plan_expiry)
        self.engine.timer_actions[(KIND, "expire")] = self.expire
        # The session's other documents (shipping, billing, phone numbers ...) stay generic
        # `{active, options}` choices, but only while the session takes changes.
        for op in self.engine.catalog.operations:
            if op.path.startswith(f"{SESSION_PATH}/") and op.method != "GET" and op.key not in own:
                served = self.engine.handlers.get(op.key) or self.engine.patterns[op.pattern]
                self.engine.handlers[op.key] = self.while_open(served)

    # -- the session ----------------------------------------------------------------------
    def plan_expiry(self, state: TenantState, parents: Parents, key: str, session: dict[str, Any]) -> None:
        expires = parse_moment(session.get("expires_at"))
        if expires is not None:
            self.engine.ctx.schedule(state.tenant, KIND, key, expires, "expire")

    def expire(self, state: TenantState, session: Found) -> None:
        """The clock passed the session's expires_at (authorizing it first ends its timed work)."""
        self.objects.move(state, KIND, session.id, session.item, "expired")

    def session(self, state: TenantState, call: Call) -> dict[str, Any]:
        return self.store.find(state, SESSIONS, (), call.params["id"])

    def changing(self, state: TenantState, call: Call) -> dict[str, Any]:
        """The session, if its state still takes changes (400 naming `state` otherwise)."""
        session = self.session(state, call)
        key = call.params["id"]
        self.objects.allow_change(state, KIND, key, session)
        return session

    def while_open(self, served: Handler) -> Handler:
        def guarded(state: TenantState, call: Call) -> Answer:
            self.changing(state, call)
            return served(state, call)

        return guarded

    def start(self, state: TenantState, call: Call) -> Answer:
        """A session expires at the future `expires_at` given, else an hour after it starts."""
        given = call.body.get("expires_at")
        expires = parse_moment(given) if given is not None else None
        if given is not None and (expires is None or expires <= self.engine.ctx.now()):
            raise bad_request("expires_at is a future ISO-8601 date-time", invalid=["expires_at"])
        lasting = iso(expires or self.engine.ctx.now() + SESSION_LIFETIME)
        return self.engine.crud.create(state, replace(call, body={**call.body, "expires_at": lasting}))

    def read(self, state: TenantState, call: Call) -> Answer:
        return Answer(call.op.success, self.session(state, call))

    # -- who is buying --------------------------------------------------------------------
    def contact_answer(self, contact: dict[str, Any]) -> dict[str, Any]:
        return {name: contact.get(name) for name in CONTACT_FIELDS}

    def put_contact(self, state: TenantState, call: Call, session: dict[str, Any], contact_id: str) -> None:
        session["contact_id"] = contact_id
        key = call.params["id"]
        self.objects.move(state, KIND, key, session, "authenticated")

    def authenticate(self, state: TenantState, call: Call) -> Answer:
        """Email and password of an identity of the session's audience (`POST /rel/identity/create`)."""
        session = self.changing(state, call)
        login = ("email", "password")
        body = require_fields(call.body, login, "authenticate with email and password")
        identities = state.collection(IDENTITIES, ())
        audience = str(session.get("audience") or "")
        identity = identities.get(identity_key(audience, body["email"]))
        if identity is None or identity.get("password_sha256") != password_digest(body["password"]):
            raise bad_request("no identity with this email and password", invalid=["email", "password"])
        contact_id = identity.get("contact_id")
        contacts = self.store.items(state, CONTACTS, ())
        if contact_id not in contacts:
            contact = self.store.new_item(state, CONTACTS, (), {"email": identity["email"]})
            contact_id = identity["contact_id"] = contact["id"]
        self.put_contact(state, call, session, contact_id)
        return Answer(call.op.success, self.contact_answer(contacts[contact_id]))

    def authenticated(self, state: TenantState, call: Call) -> Answer:
        """A contact the shop has already authenticated itself."""
        session = self.changing(state, call)
        body = require_fields(call.body, ("contact_id",), "name the authenticated contact_id")
        contact = self.store.items(state, CONTACTS, ()).get(body["contact_id"])
        if contact is None:
            raise bad_request(f"no contact {body['contact_id']!r} in this account", invalid=["contact_id"])
        self.put_contact(state, call, session, contact["id"])
        return Answer(call.op.success, self.contact_answer(contact))

    def identity(self, state: TenantState, call: Call) -> Answer:
        """204 when an identity with this email exists for the session's audience, else 404."""
        session = self.session(state, call)
        body = require_fields(call.body, ("email",), "send the email to look up")
        audience = str(session.get("audience") or "")
        if identity_key(audience, body["email"]) not in state.collection(IDENTITIES, ()):
            raise AfostoError(404, f"no identity {body['email']!r} for this session's audience")
        return Answer(call.op.success)

    def new_contact(self, state: TenantState, call: Call) -> Answer:
        """A guest: a new contact, made from the body, becomes the session's contact."""
        session = self.changing(state, call)
        body = require_fields(call.body, ("email",), "a new contact needs at least an email")
        fields = {k: v for k, v in body.items() if k in CONTACT_FIELDS and k != "id"}
        contact = self.store.new_item(state, CONTACTS, (), fields)
        self.put_contact(state, call, session, contact["id"])
        return Answer(call.op.success)

    def contact(self, state: TenantState, call: Call) -> Answer:
        session = self.session(state, call)
        contact = self.store.items(state, CONTACTS, ()).get(str(session.get("contact_id")))
        if contact is None:
            raise AfostoError(404, "the session has no contact yet: authenticate or add a contact first")
        return Answer(call.op.success, contact)

    # -- the hand-off ---------------------------------------------------------------------
    def attach_order(self, state: TenantState, call: Call) -> Answer:
        """Attach an existing order to the session."""
        session = self.changing(state, call)
        body = require_fields(call.body, ("order_id",), "send the order_id to attach")
        if body["order_id"] not in self.store.items(state, "/odr/orders", ()):
            raise bad_request(f"no order {body['order_id']!r} in this account", invalid=["order_id"])
        session["order_id"] = body["order_id"]
        return Answer(call.op.success, {"order_id": body["order_id"]})

    def authorize(self, state: TenantState, call: Call) -> Answer:
        """The session's calculation, accepted: a transaction to pay, and where to pay it."""
        session = self.session(state, call)
        needs = "authorize names the session's calculation_id"
        body = require_fields(call.body, ("calculation_id",), needs)
        calculation = state.singletons.get((CALCULATION, (call.params["id"],)))
        if not isinstance(calculation, dict) or calculation.get("id") != body["calculation_id"]:
            raise bad_request(
                "calculation_id is not this session's calculation: GET .../calculation first",
                invalid=["calculation_id"],
            )
        self.objects.move(state, KIND, call.params["id"], session, "authorized")
        transaction = self.store.new_item(state, TRANSACTIONS, (), {"order_id": session.get("order_id")})
        session["transaction_secret"] = transaction["secret"]
        return Answer(
            call.op.success, {"accepted": True, "forward_uri": PAYMENT_PAGE + transaction["secret"]}
        )
