"""EasyPost Connect's OpenAPI document, fuzzed (see openapi_fuzz_support): no 5xx, answers as
documented."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from easypost_connect_support import payload_pdf_job, pdf, single_file_job, upload
from openapi_fuzz_support import FuzzTarget, fuzz_sandbox, known, operations

pytestmark = pytest.mark.fuzz
KEY = {"x-api-key": "demo-key"}  # the account of fixtures/easypost-connect-demo.yaml
MAX_EXAMPLES = 30
LISTS = ("/jobs", "/sending-events", "/workflows", "/companies", "/departments", "/users", "/webhooks")


@pytest.fixture(scope="module")
def easypost_connect() -> Iterator[FuzzTarget]:
    with fuzz_sandbox("easypost-connect-demo.yaml") as mock:
        client = mock.client("easypost-connect", headers=KEY)
        sent = single_file_job(client)  # uploaded: it runs and makes a sending event with files
        assert upload(mock, sent, pdf("EMAIL_ADDRESS: ann@example.be")).status_code == 200
        waiting = single_file_job(client, filename="later.pdf")  # waits for its file
        assert payload_pdf_job(client).status_code == 201
        mock.clock.advance(duration="1h")
        found = {path: client.get(path).json() for path in LISTS}
        events = found["/sending-events"]
        documents = client.get("/peppol-incoming-documents").json()
        tenant, company, _ = urlsplit(waiting["fileUploadUrl"]).path.split("/")[-3:]
        yield FuzzTarget(
            mock,
            "/easypost-connect",
            headers=KEY,
            ids={
                "id": known(item["id"] for items in found.values() for item in items),
                "fileReference": known(f["fileReference"] for e in events for f in e["files"]),
                "tenant": [tenant],
                "companyId": [company],
                "jobId": known(job["id"] for job in found["/jobs"]),
                "eventId": known(event["id"] for event in events),
                "senderId": known(d["senderId"] for d in documents),
                "documentId": known(d["id"] for d in documents),
            },
        )


@pytest.mark.parametrize("operation", operations("/easypost-connect"))
def test_easypost_connect_answers_as_documented(easypost_connect: FuzzTarget, operation: str) -> None:
    easypost_connect.fuzz(operation, MAX_EXAMPLES)
