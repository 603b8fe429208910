"""Nirva in scenarios: session tokens, users of one organisation, unsigned webhooks.

Authentication. Nirva has no static credential: a client signs in with POST
/authentication/authenticate and sends the session token as X-Auth-Token. A scenario does either:
  * the documented steps itself: authenticate (`auth: false`), `save: {token: $.token}` and send
    `headers: {X-Auth-Token: "{{ token }}"}` — which runs unchanged against a real IHM sandbox with
    the login and password in the request;
  * or gives the account a `token`: the account's user then has a session open with exactly that
    token from the start (on the mock), and every request of the account sends it. Against a real
    sandbox, `env: {token: NIRVA_TOKEN}` reads a token obtained beforehand instead.
Control-plane steps (`transition`) send the account's token when it has one; without one, in open
mode, the control plane addresses the demo (default) organisation.

Accounts are users of the default organisation (open mode), in the provider's fixture format: the
account's user is added to (or replaces the same login among) the organisation's users; its webhook
becomes the organisation's webhook (Nirva has one URL per organisation, set by the administrator).
Rules watch jobs, packGroups, deliveries and shipments (states as strings, e.g. "600"), as the API
renders them. Timeline options are the provider's own (`Provider.set_timeline`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider
from mockpost.scenarios.providers.base import ProviderSupport, problem_of

TOKEN_HEADER = "X-Auth-Token"
ACCOUNT_KEYS = (
    "login",
    "password",
    "token",
    "administrator",
    "id",
    "services",
    "firstName",
    "lastName",
    "email",
)


class NirvaSupport(ProviderSupport):
    name = "nirva"
    account_keys = ACCOUNT_KEYS

    def auth_headers(self, account: dict[str, Any]) -> dict[str, str]:
        login_of(account)  # checked here too, so a file without one is refused when it is loaded
        token = account.get("token")
        return {TOKEN_HEADER: str(token)} if token else {}

    def load_account(
        self, provider: Provider, account: dict[str, Any], webhook: dict[str, str] | None
    ) -> None:
        # unknown keys were refused when the file was loaded (account_keys)
        login = login_of(account)
        users: list[dict[str, Any]] = provider.fixture_users()  # type: ignore[attr-defined]
        same = next((user for user in users if user.get("login") == login), None)
        entry = {**(same or {}), **account}
        if "id" not in entry:
            entry["id"] = 1 + max((int(user.get("id", n + 1)) for n, user in enumerate(users)), default=0)
        data: dict[str, Any] = {"users": [*(user for user in users if user is not same), entry]}
        if webhook is not None:
            data["webhook"] = {"url": webhook["url"]}
        provider.seed(data)

    def verify_signature(self, body: str, headers: dict[str, str], secret: str) -> str | None:
        # Nirva's webhook calls carry no signature (none is documented): nothing to verify.
        return None

    def timeline_problem(self, overrides: dict[str, Any]) -> str | None:
        from mockpost.providers.nirva.lifecycle import Timeline

        return problem_of(Timeline.from_options, overrides)

    def resources(self, provider: Provider, tenant: str) -> Iterator[tuple[str, dict[str, Any]]]:
        org = provider.ctx.store.existing(provider.name, tenant)
        if org is None:
            return
        kinds = provider.kinds
        for job in org.jobs.values():
            view = kinds["job"].wire(job)
            # one view per uploaded file, so `where: {fileName: bad.pdf}` matches any of the job's files
            for file in job.files or [{}]:
                yield "job", {**view, "state": job.state, "fileName": file.get("fileName", "")}
            for group in job.pack_groups.values():
                yield "packGroup", {**kinds["packGroup"].wire(group), "state": group.state}
            for delivery in job.deliveries.values():
                delivery_view = {**kinds["delivery"].wire(delivery), "state": delivery.state}
                del delivery_view["shipments"]  # each is a resource of its own
                yield "delivery", delivery_view
                for shipment in delivery.shipments.values():
                    yield "shipment", {**kinds["shipment"].wire(shipment), "state": shipment.state}

    def lifecycles(self) -> list[Lifecycle]:
        from mockpost.providers.nirva.lifecycle import DELIVERY, JOB, PACK_GROUP, SHIPMENT

        return [JOB, PACK_GROUP, DELIVERY, SHIPMENT]


def login_of(account: dict[str, Any]) -> str:
    login = account.get("login")
    if not login:
        raise ValueError(
            "a Nirva account needs a login (and a password); give it a token to send X-Auth-Token "
            "on every request, or authenticate in a step"
        )
    return str(login)


SUPPORT = NirvaSupport()
