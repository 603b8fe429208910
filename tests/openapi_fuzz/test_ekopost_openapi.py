"""Ekopost's OpenAPI document, fuzzed (see openapi_fuzz_support): no 5xx, answers as documented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import POSTAL, document
from openapi_fuzz_support import FuzzTarget, fuzz_sandbox, known, operations

pytestmark = pytest.mark.fuzz
KEY = {"Authorization": "api-key demo"}  # the account of fixtures/ekopost-demo.yaml
MAX_EXAMPLES = 30


@pytest.fixture(scope="module")
def ekopost() -> Iterator[FuzzTarget]:
    with fuzz_sandbox("ekopost-demo.yaml") as mock:
        eko = mock.client("ekopost", headers=KEY)
        opened = eko.post("/campaigns", json={"name": "Fuzz"}).json()["id"]  # a letter with its content
        letter = eko.post(f"/campaigns/{opened}/envelopes", json={"name": "Letter", "address": POSTAL})
        added = eko.post(f"/campaigns/{opened}/envelopes/{letter.json()['id']}/content", json=document())
        assert added.status_code == 200, added.text
        campaigns = [c["id"] for c in eko.get("/campaigns").json()]
        envelopes = [e for c in campaigns for e in eko.get(f"/campaigns/{c}/envelopes").json()]
        yield FuzzTarget(
            mock,
            "/ekopost",
            headers=KEY,
            ids={
                "campaign_id": known(campaigns),
                "envelope_id": known(e["id"] for e in envelopes),
                "content_id": known(c.get("id") for e in envelopes for c in e.get("content") or []),
            },
        )


@pytest.mark.parametrize("operation", operations("/ekopost"))
def test_ekopost_answers_as_documented(ekopost: FuzzTarget, operation: str) -> None:
    ekopost.fuzz(operation, MAX_EXAMPLES)
