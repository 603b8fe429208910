"""docs/scenarios.md and docs/easypost-connect.md answer what a scenario writer asked while writing
from the docs alone: every provider's account keys, the webhook delivery record, what `documentId`
means where. Checked against the code, so the pages cannot drift from it."""

from __future__ import annotations

import re
from pathlib import Path

from mockpost.scenarios.providers import SUPPORT
from mockpost.testing import Mockpost

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCENARIOS = (DOCS / "scenarios.md").read_text(encoding="utf-8")
EASYPOST_CONNECT = (DOCS / "easypost-connect.md").read_text(encoding="utf-8")
SECTIONS = {
    "ekopost": "Ekopost",
    "easypost-connect": "EasyPost Connect",
    "nirva": "Nirva",
    "inpost": "InPost",
    "afosto": "Afosto",
}


def section(text: str, heading: str) -> str:
    found = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert found is not None, f"no section {heading!r}"
    return found.group(1)


def test_every_provider_has_a_section_listing_each_of_its_account_keys():
    assert set(SECTIONS) == set(SUPPORT)
    for name, heading in SECTIONS.items():
        text = section(SCENARIOS, heading)
        missing = [key for key in SUPPORT[name].account_keys if f"`{key}`" not in text]
        assert not missing, f"{heading}: account keys not documented: {missing}"


def test_the_delivery_record_documents_every_field_mockpost_returns():
    with Mockpost() as mock:
        mock.clock.freeze("2030-03-04T09:00:00Z")
        client = mock.client("easypost-connect", headers={"x-api-key": "k"})
        subscription = {"name": "x", "url": mock.inbox_url("x"), "eventTypes": ["job.status.changed"]}
        hook = client.post("/webhooks", json=subscription)
        client.post(f"/webhooks/{hook.json()['id']}/test", json={})
        (record,) = mock.client().get("/_mockpost/webhooks/outbox").json()["items"]
    text = section(SCENARIOS, "Webhook delivery records")
    for field in [*record, *record["attempts"][0]]:
        assert f"`{field}`" in text, f"delivery record field {field!r} is not documented"


def test_peppol_document_id_says_which_id_it_is_where():
    text = section(EASYPOST_CONNECT, "Peppol documents: `id` and `documentId`")
    webhook_row = next(line for line in text.splitlines() if "peppol.document.received" in line)
    assert "**resource id**" in webhook_row
    injection_row = next(line for line in text.splitlines() if "injection route" in line)
    assert "**document number**" in injection_row


def test_the_scenario_page_answers_the_format_questions():
    assert "Quote a `{{ variable }}` that starts a value" in SCENARIOS
    form_row = next(line for line in SCENARIOS.splitlines() if line.startswith("| `form` |"))
    assert "JSON text" in form_row
