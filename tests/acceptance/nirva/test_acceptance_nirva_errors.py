"""Documented errors: the `{"error", "message"}` envelope, and nothing half-applied after a refusal."""

from __future__ import annotations

import pytest
from nirva_acceptance_client import PARIS, assert_error, letters


def job_count(nirva):
    return len(nirva.mock.state("nirva", nirva.headers)["jobs"])


def mail_parts(nirva, name_of=lambda box: f"file__file_{box['name']}_0"):
    service = nirva.service("MAIL")
    return service, [(name_of(nirva.main_box(service)), letters(PARIS))]


def test_unknown_service_is_400(nirva):
    _service, parts = mail_parts(nirva)
    assert_error(nirva.send(parts, {"jobName": "x", "serviceId": "no-such-service"}), 400)


def test_unknown_box_is_400(nirva):
    service, _parts = mail_parts(nirva)
    response = nirva.send([("file__file_NO_SUCH_BOX_0", letters(PARIS))], {"serviceId": service["id"]})
    assert_error(response, 400)


def test_a_box_of_another_service_is_400(nirva):
    mail = nirva.service("MAIL")
    email_box = nirva.main_box(nirva.service("EMAIL"))
    response = nirva.send([(f"file_main{email_box['id']}_0", letters(PARIS))], {"serviceId": mail["id"]})
    assert_error(response, 400)


def test_missing_parameters_part_is_400(nirva):
    _service, parts = mail_parts(nirva)
    files = [(name, ("a.pdf", content, "application/pdf")) for name, content in parts]
    assert_error(nirva.post("/jobs", files=files), 400)


def test_parameters_that_are_not_json_are_400(nirva):
    _service, parts = mail_parts(nirva)
    assert_error(nirva.send(parts, "{serviceId: oops"), 400)


def test_parameters_without_service_id_are_400(nirva):
    _service, parts = mail_parts(nirva)
    assert_error(nirva.send(parts, {"jobName": "x", "autocreateDeliveryCommand": True}), 400)


def test_service_id_of_the_wrong_type_is_400_naming_it(nirva):
    _service, parts = mail_parts(nirva)
    body = assert_error(nirva.send(parts, {"serviceId": ["101"]}), 400)
    assert "serviceId" in body["message"] and "required" not in body["message"]


def test_no_file_is_400(nirva):
    service = nirva.service("MAIL")
    response = nirva.post("/jobs", files={"parameters": (None, f'{{"serviceId": "{service["id"]}"}}')})
    assert_error(response, 400)


def test_a_body_that_is_not_multipart_is_400(nirva):
    response = nirva.post("/jobs", json={"serviceId": nirva.service("MAIL")["id"]})
    assert_error(response, 400)


def test_malformed_multipart_is_400(nirva):
    response = nirva.post(
        "/jobs",
        content=b'--xyz\r\nContent-Disposition: form-data; name="param',
        headers={"content-type": "multipart/form-data; boundary=xyz"},
    )
    assert response.status_code == 400
    assert_error(response, 400)


def test_refused_job_creations_leave_nothing_behind(nirva):
    service, parts = mail_parts(nirva)
    nirva.send(parts, {"jobName": "x", "serviceId": "no-such-service"})
    nirva.send([("file__file_NO_SUCH_BOX_0", letters(PARIS))], {"serviceId": service["id"]})
    nirva.send(parts, "{oops")
    # a good file part followed by a bad one: refused as a whole
    nirva.send([*parts, ("file__file_NO_SUCH_BOX_1", letters(PARIS))], {"serviceId": service["id"]})
    assert job_count(nirva) == 0
    nirva.send(parts, {"serviceId": service["id"]})
    assert job_count(nirva) == 1


@pytest.mark.parametrize(
    "path", ["/jobs/999999", "/jobs/999999/packGroups", "/shipments/999999/trackingFile/ACKN"]
)
def test_unknown_ids_are_404(nirva, path):
    assert_error(nirva.get(path), 404)


def test_non_numeric_job_id_is_not_found(nirva):
    # ambiguous: a malformed id could be 400; the mock treats it as an id it does not know
    assert_error(nirva.get("/jobs/not-a-number"), 404)


def test_unknown_route_is_404_in_the_envelope(nirva):
    assert_error(nirva.get("/no/such/route"), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/jobs/1"),
        ("GET", "/jobs/1/packGroups"),
        ("POST", "/jobs"),
        ("POST", "/packGroups/1/edit"),
        ("GET", "/deliveries?jobId=1"),
        ("GET", "/shipments/1/trackingFile/ACKN"),
        ("GET", "/options"),
        ("GET", "/options/type"),
    ],
)
def test_every_route_needs_the_token(clocked, method, path):
    assert_error(clocked.client("nirva").request(method, path), 401)
