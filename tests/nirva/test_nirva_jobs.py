"""Jobs: the multipart upload, PDF split, processing on the clock, packGroups and eligibility,
validation, packGroup edits, administrators acting for other users."""

from __future__ import annotations

from typing import Any

import httpx
from nirva_support import PARIS, TOO_LONG, create_job, is_envelope, letter, pdf_of, sign_in, upload

from mockpost.testing import Mockpost


def job_after(mock: Mockpost, client: httpx.Client, headers: dict[str, str], job_id: int, wait: str) -> Any:
    mock.clock.advance(duration=wait)
    return client.get(f"/jobs/{job_id}", headers=headers).json()


def test_job_is_processing_then_split_into_packgroups_then_created(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    pdf = pdf_of(letter(PARIS, pages=2), letter(PARIS, pages=3), letter(PARIS, pages=1))
    job = create_job(nirva, demo, pdf)
    assert job["status"] == "PROCESSING" and job["jobName"] == "March invoices"
    assert job_after(nirva_mock, nirva, demo, job["id"], "29s")["status"] == "PROCESSING"
    split = job_after(nirva_mock, nirva, demo, job["id"], "1s")
    assert split["status"] == "PACK_GROUP_CREATED"
    assert split["packGroupCountPerStates"] == {"ELIGIBLE": 3}
    groups = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()
    assert [(g["firstPage"], g["pageCount"]) for g in groups] == [(1, 2), (3, 3), (6, 1)]
    assert groups[0]["eligibility"][0]["requirements"][0]["raw"] == "\n".join(PARIS)
    created = job_after(nirva_mock, nirva, demo, job["id"], "30s")
    assert created["status"] == "CREATED"
    assert created["packGroupCountPerStates"] == {"IN_DELIVERY": 3}


def test_a_pdf_without_markers_is_one_document(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of([[*PARIS, "Invoice"], ["Terms"], ["More terms"]]))
    nirva_mock.clock.advance(duration="30s")
    groups = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()
    assert [(g["firstPage"], g["pageCount"]) for g in groups] == [(1, 3)]


def test_pages_per_document_splits_every_n_pages(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of([[*PARIS]] * 4), pagesPerDocument=2)
    nirva_mock.clock.advance(duration="30s")
    groups = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()
    assert [(g["firstPage"], g["pageCount"]) for g in groups] == [(1, 2), (3, 2)]


UNPROCESSABLE: list[tuple[bytes, dict[str, Any], str]] = [
    (b"this is not a pdf", {}, "not a PDF"),
    (b"%PDF-1.4\n garbage that no reader accepts", {}, "cannot be read"),
    (pdf_of([["cover"]], letter(PARIS, 2)), {}, "before the first"),
    (pdf_of([["a"]] * 3), {"pagesPerDocument": 2}, "cannot be split"),
]


def test_unreadable_or_unsplittable_files_end_in_processing_error(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    jobs = [(create_job(nirva, demo, data, **extra), why) for data, extra, why in UNPROCESSABLE]
    assert {job["status"] for job, _ in jobs} == {"PROCESSING"}
    nirva_mock.clock.advance(duration="1m")
    for job, why in jobs:
        failed = nirva.get(f"/jobs/{job['id']}", headers=demo).json()
        assert failed["status"] == "PROCESSING_ERROR"
        assert why in failed["errorMessage"]
        assert nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json() == []
        assert nirva.get(f"/deliveries?jobId={job['id']}", headers=demo).json() == []


def test_the_three_documented_part_spellings(nirva: httpx.Client, demo: dict[str, str]) -> None:
    for part in ("file__file_LETTER_0", "file_file__LETTER_0", "file_main5001_0"):
        job = create_job(nirva, demo, pdf_of(letter(PARIS)), part=part)
        assert job["files"][0]["boxId"] == "5001"


def test_several_files_and_an_attachment_box(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    files = {
        "file__file_LETTER_1": pdf_of(letter(PARIS, 2)),
        "file__file_LETTER_0": pdf_of(letter(PARIS, 1)),
        "file__file_ANNEX_0": pdf_of([["General terms"], ["More terms"]]),
    }
    response = upload(nirva, demo, files)
    assert response.status_code == 200
    assert [f["part"] for f in response.json()["files"]] == [
        "file__file_LETTER_0",
        "file__file_LETTER_1",
        "file__file_ANNEX_0",
    ]
    nirva_mock.clock.advance(duration="30s")
    groups = nirva.get(f"/jobs/{response.json()['id']}/packGroups", headers=demo).json()
    assert [g["pageCount"] for g in groups] == [1 + 2, 2 + 2]  # each document carries the annex


REFUSED: list[tuple[dict[str, bytes], dict[str, Any], int, str]] = [
    ({"file__file_NOPE_0": b"%PDF-"}, {}, 400, "names no box"),
    ({"file__file_EMAIL_0": b"%PDF-"}, {}, 400, "names no box"),  # a box of another service
    ({"file__file_LETTER_0": b"%PDF-"}, {"serviceId": "999"}, 400, "serviceId"),
    ({"file__file_LETTER_0": b"%PDF-"}, {"serviceId": None}, 400, "serviceId"),
    ({"file__file_ANNEX_0": b"%PDF-"}, {}, 400, "MAIN box"),
    ({}, {}, 400, "multipart"),  # no file part at all: httpx sends a urlencoded form
    ({"file__file_LETTER_0": b"%PDF-"}, {"options": [11, 12]}, 400, "printMode"),
    ({"file__file_LETTER_0": b"%PDF-"}, {"options": [999]}, 400, "option"),
    ({"file__file_LETTER_0": b"%PDF-"}, {"autocreateDeliveryCommand": "yes"}, 400, "autocreate"),
    ({"file__file_LETTER_0": b"%PDF-"}, {"targetOwnerId": 1}, 403, "administrator"),
    ({"file__file_LETTER_0": b"%PDF-"}, {"pagesPerDocument": 0}, 400, "pagesPerDocument"),
]


def test_refused_uploads_create_nothing(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    for files, parameters, status, words in REFUSED:
        response = upload(nirva, demo, files, **parameters)
        assert is_envelope(response, status), (files, parameters)
        assert words in response.json()["message"]
    assert nirva_mock.state("nirva", demo)["jobs"] == []


def test_parameters_part_must_be_json_object(nirva: httpx.Client, demo: dict[str, str]) -> None:
    pdf = ("a.pdf", pdf_of(letter(PARIS)), "application/pdf")
    for parameters in ("{", "[1]", '"x"'):
        response = nirva.post(
            "/jobs", headers=demo, data={"parameters": parameters}, files={"file__file_LETTER_0": pdf}
        )
        assert is_envelope(response, 400)
    missing = nirva.post("/jobs", headers=demo, files={"file__file_LETTER_0": pdf})
    assert is_envelope(missing, 400) and "parameters" in missing.json()["message"]
    not_multipart = nirva.post("/jobs", headers=demo, json={"jobName": "x"})
    assert is_envelope(not_multipart, 400) and "multipart" in not_multipart.json()["message"]


def test_not_eligible_packgroup_holds_the_job_until_edited(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of(letter(PARIS), letter(TOO_LONG)))
    stuck = job_after(nirva_mock, nirva, demo, job["id"], "10m")
    assert stuck["status"] == "PACK_GROUP_CREATED"
    assert stuck["packGroupCountPerStates"] == {"ELIGIBLE": 1, "NOT_ELIGIBLE": 1}
    groups = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()
    bad = next(g for g in groups if g["status"] == "NOT_ELIGIBLE")
    requirement = bad["eligibility"][0]["requirements"][0]
    assert requirement["valid"] is False and "38" in requirement["message"]
    assert nirva.get(f"/deliveries?jobId={job['id']}", headers=demo).json() == []

    still_bad = nirva.post(
        f"/packGroups/{bad['id']}/edit",
        headers=demo,
        json={"requirements": [{"name": "ADDRESS", "raw": "NOT_ELIGIBLE\n75002 PARIS"}]},
    )
    assert still_bad.status_code == 200 and still_bad.json()["status"] == "NOT_ELIGIBLE"
    fixed = nirva.post(
        f"/packGroups/{bad['id']}/edit",
        headers=demo,
        json={"requirements": [{"name": "ADDRESS", "raw": "\n".join(PARIS)}]},
    )
    assert fixed.status_code == 200
    assert fixed.json()["status"] == "ELIGIBLE"
    assert fixed.json()["eligibility"][0]["requirements"][0]["value"] == " / ".join(PARIS)
    created = job_after(nirva_mock, nirva, demo, job["id"], "30s")
    assert created["status"] == "CREATED"
    assert len(nirva.get(f"/deliveries?jobId={job['id']}", headers=demo).json()) == 1
    again = nirva.post(f"/packGroups/{bad['id']}/edit", headers=demo, json={"ADDRESS": {"raw": "x"}})
    assert is_envelope(again, 409)


def test_edit_refuses_unknown_requirements_and_bad_bodies(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of(letter(TOO_LONG)))
    nirva_mock.clock.advance(duration="1m")
    group = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()[0]
    before = nirva_mock.state("nirva", demo)
    for body in (
        {"requirements": [{"name": "EMAIL", "raw": "a@b.fr"}]},
        {"requirements": []},
        [1],
        "x",
        None,
    ):
        assert is_envelope(nirva.post(f"/packGroups/{group['id']}/edit", headers=demo, json=body), 400)
    assert is_envelope(nirva.post("/packGroups/999999/edit", headers=demo, json={"ADDRESS": "x"}), 404)
    assert nirva_mock.state("nirva", demo) == before


def test_edit_takes_the_raw_value_in_the_shapes_a_client_may_send(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    address = "\n".join(PARIS)
    shapes: list[Any] = [
        {"requirements": [{"name": "ADDRESS", "raw": address}]},
        [{"name": "ADDRESS", "rawValue": address}],
        {"name": "ADDRESS", "RAW": address},
        {"fields": [{"name": "ADDRESS", "value": address}]},
        {"RAW": {"ADDRESS": address}},
        {"ADDRESS": {"raw": address}},
        {"ADDRESS": address},
        {"raw": address},  # the packGroup has one requirement: that one
    ]
    job = create_job(
        nirva, demo, pdf_of(*[letter(TOO_LONG) for _ in shapes]), autocreateDeliveryCommand=False
    )
    nirva_mock.clock.advance(duration="1m")
    groups = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()
    for group, body in zip(groups, shapes, strict=True):
        edited = nirva.post(f"/packGroups/{group['id']}/edit", headers=demo, json=body)
        assert edited.status_code == 200 and edited.json()["status"] == "ELIGIBLE", body


def test_without_autocreate_the_job_waits_for_validate(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of(letter(PARIS)), autocreateDeliveryCommand=False)
    assert is_envelope(nirva.post(f"/jobs/{job['id']}/validate", headers=demo), 409)  # still processing
    waiting = job_after(nirva_mock, nirva, demo, job["id"], "1d")
    assert waiting["status"] == "PACK_GROUP_CREATED"
    assert waiting["packGroupCountPerStates"] == {"ELIGIBLE": 1}
    validated = nirva.post(f"/jobs/{job['id']}/validate", headers=demo)
    assert validated.status_code == 200 and validated.json()["status"] == "CREATED"
    assert [d["status"] for d in nirva.get(f"/deliveries?jobId={job['id']}", headers=demo).json()] == [
        "CREATED"
    ]
    assert is_envelope(nirva.post(f"/jobs/{job['id']}/validate", headers=demo), 409)


def test_validate_refuses_while_a_packgroup_is_not_eligible(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of(letter(TOO_LONG)), autocreateDeliveryCommand=False)
    nirva_mock.clock.advance(duration="1m")
    refused = nirva.post(f"/jobs/{job['id']}/validate", headers=demo)
    assert is_envelope(refused, 409) and "NOT_ELIGIBLE" in refused.json()["message"]


def test_chosen_options_replace_service_defaults_on_packgroups(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of(letter(PARIS)), options=[12])
    by_value = create_job(nirva, demo, pdf_of(letter(PARIS)), options=["C4P", "COLOR"])
    nirva_mock.clock.advance(duration="30s")
    group = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()[0]
    assert sorted(o["value"] for o in group["options"]) == ["2SIDE", "C5"]
    group = nirva.get(f"/jobs/{by_value['id']}/packGroups", headers=demo).json()[0]
    assert sorted(o["value"] for o in group["options"]) == ["1SIDE", "C4P", "COLOR"]


def test_administrator_creates_jobs_for_another_user(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str], admin: dict[str, str]
) -> None:
    job = create_job(nirva, admin, pdf_of(letter(PARIS)), targetOwnerId=2)
    assert job["ownerId"] == 2 and job["creatorId"] == 1
    assert nirva.get(f"/jobs/{job['id']}", headers=demo).status_code == 200  # the owner sees it
    unknown = upload(nirva, admin, {"file__file_LETTER_0": pdf_of(letter(PARIS))}, targetOwnerId=99)
    assert is_envelope(unknown, 400)
    by_login = create_job(nirva, admin, pdf_of(letter(PARIS)), targetOwnerId="demo")
    assert by_login["ownerId"] == 2
    refused = upload(nirva, demo, {"file__file_LETTER_0": pdf_of(letter(PARIS))}, targetOwnerId="admin")
    assert is_envelope(refused, 403)


def test_users_do_not_see_each_others_jobs(nirva: httpx.Client, demo: dict[str, str]) -> None:
    job = create_job(nirva, demo, pdf_of(letter(PARIS)))
    other = sign_in(nirva, "someone.else", "x")
    assert is_envelope(nirva.get(f"/jobs/{job['id']}", headers=other), 404)
    assert is_envelope(nirva.get(f"/jobs/{job['id']}/packGroups", headers=other), 404)
    assert is_envelope(nirva.get(f"/deliveries?jobId={job['id']}", headers=other), 404)
    assert is_envelope(nirva.get("/jobs/not-a-number", headers=demo), 404)


def test_blank_first_page_has_no_address_and_marker_only_pages_keep_their_text(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    blank = create_job(nirva, demo, pdf_of([[], ["Invoice"]]))
    markers = create_job(nirva, demo, pdf_of([["Page 1/2"], ["Page 2/2"]]))
    assert blank["jobId"] == blank["id"]
    nirva_mock.clock.advance(duration="30s")
    (empty,) = nirva.get(f"/jobs/{blank['id']}/packGroups", headers=demo).json()
    assert empty["status"] == "NOT_ELIGIBLE"
    assert "empty" in empty["eligibility"][0]["requirements"][0]["message"]
    (kept,) = nirva.get(f"/jobs/{markers['id']}/packGroups", headers=demo).json()
    assert kept["pageCount"] == 2
    assert kept["eligibility"][0]["requirements"][0]["raw"] == "Page 1/2"


def test_without_markers_each_page_starting_with_a_recipient_starts_a_document(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    pages = [
        [*PARIS, "Dear customer,"],
        ["Terms and conditions"],
        ["Marie Peeters", "Rue Neuve 1", "1000 BRUXELLES", "BELGIQUE"],
        ["claire.martin@example.com", "Your newsletter"],
        [],
    ]
    job = create_job(nirva, demo, pdf_of(pages))
    nirva_mock.clock.advance(duration="30s")
    groups = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()
    assert [(g["firstPage"], g["pageCount"]) for g in groups] == [(1, 2), (3, 1), (4, 2)]


def test_an_address_needs_a_postcode_line_and_keeps_a_country_line(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    body_text = "Dear customer, please find your invoice for March enclosed."
    letters = {
        "no postcode": ["Jean Dupont", "12 rue de la Paix", "PARIS"],
        "name only": ["Jean Dupont"],
        "body after the address": [*PARIS, body_text],
        "belgian": ["Marie Peeters", "Rue Neuve 1", "B-1000 BRUXELLES", "BELGIQUE", body_text],
        "postcode after the town": ["John Doe", "1 Main Street", "Springfield, IL 62701", body_text],
        "a reference is no postcode": ["Jean Dupont", "Invoice 2030-031", "12 rue de la Paix"],
        "on one line": ["Jean Dupont, 12 rue de la Paix, 75002 PARIS", body_text],
    }
    jobs = {name: create_job(nirva, demo, pdf_of(letter(lines)))["id"] for name, lines in letters.items()}
    nirva_mock.clock.advance(duration="30s")
    found = {}
    for name, job_id in jobs.items():
        (group,) = nirva.get(f"/jobs/{job_id}/packGroups", headers=demo).json()
        found[name] = (group["status"], group["eligibility"][0]["requirements"][0]["raw"])
    assert found["no postcode"][0] == "NOT_ELIGIBLE"
    assert found["name only"][0] == "NOT_ELIGIBLE"
    assert found["body after the address"] == ("ELIGIBLE", "\n".join(PARIS))
    assert found["belgian"] == ("ELIGIBLE", "Marie Peeters\nRue Neuve 1\nB-1000 BRUXELLES\nBELGIQUE")
    assert found["postcode after the town"][0] == "ELIGIBLE"
    assert found["a reference is no postcode"][0] == "NOT_ELIGIBLE"
    assert found["on one line"] == ("ELIGIBLE", "Jean Dupont, 12 rue de la Paix, 75002 PARIS")


def test_forced_packgroup_eligibility(
    nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]
) -> None:
    job = create_job(nirva, demo, pdf_of(letter(PARIS)))
    nirva_mock.clock.advance(duration="30s")
    (group,) = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()
    forced = nirva_mock.transition(
        "nirva",
        demo,
        resource="packGroup",
        id=str(group["id"]),
        state="NOT_ELIGIBLE",
        reason="unknown street",
    )
    assert forced["status"] == "NOT_ELIGIBLE"
    assert forced["eligibility"][0]["requirements"][0]["message"] == "unknown street"
    assert job_after(nirva_mock, nirva, demo, job["id"], "10m")["status"] == "PACK_GROUP_CREATED"
    edited = nirva.post(f"/packGroups/{group['id']}/edit", headers=demo, json={"ADDRESS": "\n".join(PARIS)})
    assert edited.json()["status"] == "ELIGIBLE"
    assert job_after(nirva_mock, nirva, demo, job["id"], "30s")["status"] == "CREATED"
    refused = nirva_mock.client().post(
        "/_mockpost/nirva/transition",
        json={"resource": "packGroup", "id": str(group["id"]), "state": "NOT_ELIGIBLE"},
        headers=demo,
    )
    assert refused.status_code == 409


def test_compressed_pdfs_are_read(nirva_mock: Mockpost, nirva: httpx.Client, demo: dict[str, str]) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(letter(PARIS, 2), letter(PARIS, 1)))))
    for page in writer.pages:
        page.compress_content_streams()
    buffer = io.BytesIO()
    writer.write(buffer)
    assert b"/FlateDecode" in buffer.getvalue()
    job = create_job(nirva, demo, buffer.getvalue())
    nirva_mock.clock.advance(duration="30s")
    groups = nirva.get(f"/jobs/{job['id']}/packGroups", headers=demo).json()
    assert [(g["pageCount"], g["status"]) for g in groups] == [(2, "ELIGIBLE"), (1, "ELIGIBLE")]
