"""The whole simple-mode flow, step by step as the provider's page walks it."""

from __future__ import annotations

from nirva_acceptance_client import BRUSSELS, PARIS, Nirva, assert_error, letters, metadata


def test_simple_mode_from_authenticate_to_logout(clocked):
    client = Nirva(clocked).authenticate("demo", "demo")  # withProfileDetail: true
    service = client.service("REGISTERED_MAIL")
    box = client.main_box(service)

    created = client.send(
        [(f"file__file_{box['name']}_0", letters(PARIS, BRUSSELS, pages_each=2))],
        {"autocreateDeliveryCommand": True, "jobName": "my job name", "serviceId": service["id"]},
    )
    assert created.status_code == 200, created.text
    job_id = client.job_id(created.json())

    job = client.wait_job(job_id, "CREATED", "PROCESSING_ERROR")
    assert job["status"] == "CREATED"
    assert sum(job["packGroupCountPerStates"].values()) == 2
    assert "NOT_ELIGIBLE" not in job["packGroupCountPerStates"]
    groups = client.pack_groups(job_id)
    assert len(groups) == 2 and all(g["status"] != "NOT_ELIGIBLE" for g in groups)

    (delivery,) = client.wait_outputted(job_id)
    assert len(delivery["shipments"]) == 2
    clocked.clock.advance(duration="7d")
    for shipment in client.shipments(job_id):
        assert shipment["status"] == 610
        (number,) = metadata(shipment, "TRACKING", "SHORT_VALUE", "TRACKING")
        assert number["value"]
        for name in ("ACKN", "CERTIF"):
            proof = client.get(f"/shipments/{shipment['id']}/trackingFile/{name}")
            assert proof.status_code == 200
            assert proof.headers["content-type"].startswith("application/pdf")

    assert client.post("/authentication/logout").status_code == 200
    assert_error(client.get(f"/jobs/{job_id}"), 401)
