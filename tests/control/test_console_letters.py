"""Every provider's letters as the console shows them: the documents an object holds or made, as
received, and the recipient's address block as the provider read it."""

from __future__ import annotations

from typing import Any

from easypost_connect_support import EMAIL_ONLY, STRUCTURED, delivered_job, payload_pdf_job, upload
from nirva_support import PARIS, START, create_job, letter, pdf_of, sign_in

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

EPC = {"x-api-key": "console-letters"}
ADDRESS = [{"kind": "ADDRESS_FIRST_NAME", "value": "Ann"}, *STRUCTURED, *EMAIL_ONLY]


def described(mock: Mockpost, provider: str, kind: str, object_id: Any) -> dict[str, Any]:
    account = mock.accounts(provider)[0]["account"]
    return mock.object(provider, account, kind, str(object_id))


def document_bytes(mock: Mockpost, provider: str, kind: str, object_id: Any, index: int = 0) -> bytes:
    account = mock.accounts(provider)[0]["account"]
    path = f"/_mockpost/accounts/{provider}/{account}/objects/{kind}/{object_id}/documents/{index}"
    answer = mock.client().get(path)
    assert answer.status_code == 200, answer.text
    return answer.content


def test_an_easypost_connect_job_keeps_its_uploaded_file_and_its_events_their_proofs(mockpost):
    mockpost.clock.freeze(START)
    api = mockpost.client("easypost-connect", headers=EPC)
    letters = make_pdf([["EMAIL_ADDRESS: ann@example.be"]])
    job = delivered_job(mockpost, api, letters)
    detail = described(mockpost, "easypost-connect", "job", job["id"])
    assert [(d["name"], d["mime"], d["role"]) for d in detail["documents"]] == [
        ("letters.pdf", "application/pdf", "upload")
    ]
    assert document_bytes(mockpost, "easypost-connect", "job", job["id"]) == letters
    [event] = detail["related"]
    proofs = described(mockpost, "easypost-connect", "sending_event", event["id"])["documents"]
    assert proofs and all(d["mime"] == "application/pdf" and d["role"] == "proof" for d in proofs)
    assert document_bytes(mockpost, "easypost-connect", "sending_event", event["id"]).startswith(b"%PDF-")


def test_an_easypost_connect_payload_pdf_shows_the_address_its_identifiers_give(mockpost):
    mockpost.clock.freeze(START)
    api = mockpost.client("easypost-connect", headers=EPC)
    created = payload_pdf_job(api, ADDRESS, role="payload-pdf")
    assert created.status_code == 201, created.text
    job = created.json()
    assert upload(mockpost, job, make_pdf([["Dear Ann"]])).status_code == 200
    detail = described(mockpost, "easypost-connect", "job", job["id"])
    assert detail["address"] == ["Ann Peeters", "Rue Neuve 1", "1000 Brussels", "BE"]
    assert detail["documents"][0]["role"] == "payload PDF"


def test_a_nirva_job_keeps_its_files_and_a_pack_group_the_address_nirva_read(mockpost):
    mockpost.clock.freeze(START)
    client = mockpost.client("nirva")
    headers = sign_in(client)
    pdf = pdf_of(letter(PARIS, pages=2))
    job = create_job(client, headers, pdf)
    mockpost.clock.advance(duration="1h")
    detail = described(mockpost, "nirva", "job", job["id"])
    assert [d["mime"] for d in detail["documents"]] == ["application/pdf"]
    assert document_bytes(mockpost, "nirva", "job", job["id"]) == pdf
    group = next(r for r in detail["related"] if r["kind"] == "packGroup")
    group_detail = described(mockpost, "nirva", "packGroup", group["id"])
    assert group_detail["address"][:3] == PARIS
    assert group_detail["documents"][0]["role"] == "pages 1-2 of the job's file"


def test_a_nirva_shipment_shows_its_tracking_files(mockpost):
    mockpost.clock.freeze(START)
    client = mockpost.client("nirva")
    headers = sign_in(client)
    create_job(client, headers, pdf_of(letter(PARIS)), part="file__file_REGISTERED_0", serviceId="102")
    mockpost.clock.advance(duration="30d")
    account = mockpost.accounts("nirva")[0]["account"]
    shipments = mockpost.objects("nirva", account, "shipment")
    assert shipments
    shipment = described(mockpost, "nirva", "shipment", shipments[0]["id"])
    assert shipment["address"][:3] == PARIS
    assert shipment["documents"], shipment["wire"]
    assert all(isinstance(d["name"], str) and d["size"] > 0 for d in shipment["documents"])


def test_documents_of_an_object_without_any_is_an_empty_list(mockpost: Mockpost) -> None:
    eko = mockpost.client("ekopost", headers={"Authorization": "api-key x"})
    campaign = eko.post("/campaigns", json={"name": "x"}).json()["id"]
    detail = described(mockpost, "ekopost", "campaign", campaign)
    assert detail["documents"] == [] and detail["address"] is None
