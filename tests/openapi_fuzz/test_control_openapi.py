"""The control plane's OpenAPI document, fuzzed (see openapi_fuzz_support): no 5xx, answers as
documented.

The sandbox holds every provider's demo data. The tenant routes (`/state/{provider}`,
`/{provider}/transition`, `/ekopost/webhook` ...) carry the credentials of the provider they name,
then run once more without any.
What a case changes for the cases after it is undone: a fault it added (a latency fault would
hold every later request) and a clock it let run. A reset loads the demo data again, with the
same ids (the seed is fixed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from openapi_fuzz_support import FuzzTarget, fuzz_sandbox, known, operations

pytestmark = pytest.mark.fuzz
MAX_EXAMPLES = 30
# the live feed never ends, so it has no answer to check (tests/control/test_console_api.py covers it)
ENDLESS = ("GET /events",)
DEMO = ("ekopost", "easypost-connect", "nirva", "afosto", "inpost")
CREDENTIALS = {  # each provider's demo account, from fixtures/<provider>-demo.yaml
    "ekopost": {"Authorization": "api-key demo"},
    "easypost-connect": {"x-api-key": "demo-key"},
    "nirva": {"X-Auth-Token": "demo-token"},
    "afosto": {"Authorization": "Bearer demo"},
    "inpost": {"Authorization": "Bearer demo"},
}


def is_tenant_route(operation: str) -> bool:
    """Routes that take the credentials of the provider their path names."""
    path = operation.split(" ", 1)[1]
    return path.split("/")[1] in (*DEMO, "state", "{provider}")


def tenant_credentials(case: schemathesis.Case) -> dict[str, str]:
    """The credentials of the provider a tenant route names, in its path or its path parameter."""
    named = (case.path_parameters or {}).get("provider") or case.path.split("/")[1]
    return CREDENTIALS.get(str(named), {})


@pytest.fixture(scope="module")
def control() -> Iterator[FuzzTarget]:
    with fuzz_sandbox(*(f"{name}-demo.yaml" for name in DEMO)) as mock:
        mock.clock.advance(duration="3d")  # letters posted, webhooks delivered to the demo inboxes
        for name, path in (("ekopost", "/campaigns"), ("inpost", "/v1/organizations")):
            assert mock.client(name, headers=CREDENTIALS[name]).get(path).status_code == 200  # journaled
        # a fault that never fires (no such path), so fault ids are known
        kept = mock.faults.add(path="/nowhere/*", status=503)["id"]
        accounts = mock.accounts()
        objects = [o for a in accounts for o in mock.objects(a["provider"], a["account"])]
        inboxes = mock.client().get("/_mockpost/inbox").json()["items"]

        def undo() -> None:
            for fault in mock.faults.list():
                if fault["id"] != kept:
                    mock.faults.remove(fault["id"])
            if not mock.clock.frozen:
                mock.clock.freeze()

        yield FuzzTarget(
            mock,
            "/_mockpost",
            headers=tenant_credentials,
            after_case=undo,
            ids={
                "provider": list(DEMO),
                "account": known(a["account"] for a in accounts),
                "kind": known(o["kind"] for o in objects),
                "id": known(o["id"] for o in objects),
                "index": ["0"],
                "page": ["1"],
                "entry_id": known(entry["id"] for entry in mock.journal()),
                "delivery_id": known(d["delivery_id"] for d in mock.deliveries()),
                "fault_id": [kept],
                "name": known(inbox["name"] for inbox in inboxes),
            },
        )


@pytest.mark.parametrize("operation", operations("/_mockpost", exclude=ENDLESS))
def test_control_plane_answers_as_documented(control: FuzzTarget, operation: str) -> None:
    control.fuzz(operation, MAX_EXAMPLES)


@pytest.fixture(scope="module")
def control_without_credentials(control: FuzzTarget) -> FuzzTarget:
    return FuzzTarget(control.mock, control.mount, ids=control.ids, after_case=control.after_case)


@pytest.mark.parametrize("operation", [op for op in operations("/_mockpost") if is_tenant_route(op)])
def test_control_plane_tenant_routes_without_credentials_answer_as_documented(
    control_without_credentials: FuzzTarget, operation: str
) -> None:
    control_without_credentials.fuzz(operation, MAX_EXAMPLES // 3)
