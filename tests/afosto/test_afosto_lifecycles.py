"""The hand-modelled lifecycles, step by step, including the transitions their tables refuse."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from afosto_support import START, TOKEN, afosto_client, refused


def test_order_goes_from_calculation_to_fulfilment(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    order = afosto.post("/odr/orders", json={"type": "order"}).json()
    base = f"/odr/orders/{order['id']}"
    assert order["state"]["is_locked"] is False
    no_calculation = afosto.post(
        f"{base}/authorize", json={"calculation_id": "0b5f8f4e-1c1d-4b8e-9f0e-3a7c2d1e5f60"}
    )
    assert no_calculation.json()["errors"]["invalid value"] == ["calculation_id"]
    calculation = afosto.post(f"{base}/calculation", json={}).json()
    assert afosto.get(f"{base}/calculation").json()["id"] == calculation["id"]
    assert afosto.get(f"/odr/calculations/{calculation['id']}").status_code == 200
    authorized = afosto.post(f"{base}/authorize", json={"calculation_id": calculation["id"]}).json()
    assert authorized["is_locked"] is True and authorized["is_accepted"] is False
    assert afosto.get(f"/odr/transactions/{authorized['transaction_secret']}").status_code == 200
    assert afosto.post(f"{base}/accept").status_code == 204
    assert afosto.post(f"{base}/confirm").status_code == 204
    allocated = afosto.post(f"{base}/allocate")
    assert allocated.status_code == 202 and allocated.headers["x-task-id"]
    assert afosto.post(f"{base}/fulfil").status_code == 202
    state = afosto.get(base).json()["state"]
    assert (state["is_accepted"], state["is_confirmed"], state["is_finished"]) == (True, True, True)
    refused(afosto.post(f"{base}/cancel"))


def test_order_steps_out_of_order_are_refused(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    order = afosto.post("/odr/orders", json={}).json()
    base = f"/odr/orders/{order['id']}"
    refused(afosto.post(f"{base}/confirm"))
    refused(afosto.post(f"{base}/fulfil"))
    afosto.post(f"{base}/accept")
    refused(afosto.post(f"{base}/accept"))
    cancel = afosto.post(f"{base}/cancel")
    assert cancel.status_code == 200 and cancel.json() == {"is_accepted": True, "warnings": []}
    assert cancel.headers["x-task-id"]
    assert afosto.get(base).json()["state"]["is_canceled"] is True
    refused(afosto.post(f"{base}/accept"))


def test_order_flow_marks_actions_handled(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    order = afosto.post("/odr/orders", json={}).json()
    done = afosto.put(
        f"/odr/orders/{order['id']}/flow",
        json={"code": "pick", "actions": [{"code": "scan", "is_handled": True}]},
    )
    assert done.status_code == 204
    flow = afosto.get(f"/odr/orders/{order['id']}").json()["state"]["flow"]
    step = next(s for s in flow if s["code"] == "pick")
    assert (
        step["actions"][0]["is_handled"] is True
        and step["actions"][0]["handled_at"] == "2030-03-04T09:00:00Z"
    )
    assert afosto.put(f"/odr/orders/{order['id']}/flow", json={}).json()["errors"]["required"] == ["code"]


def test_parcel_goes_in_transit_then_finished(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    parcel = afosto.post("/lcs/parcels", json={"number": "P1"}).json()
    base = f"/lcs/parcels/{parcel['id']}"
    assert afosto.put(f"{base}/transit").status_code == 204
    moving = afosto.get(base).json()
    assert moving["is_in_transit"] is True and moving["in_transit_at"] == "2030-03-04T09:00:00Z"
    mockpost.clock.advance(duration="1d")
    assert afosto.put(f"{base}/finished").status_code == 204
    done = afosto.get(base).json()
    assert done["is_finished"] is True and done["finished_at"] == "2030-03-05T09:00:00Z"
    refused(afosto.put(f"{base}/transit"))
    refused(afosto.put(f"{base}/finished"))


def test_parcel_label_request_is_recorded(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    parcel = afosto.post("/lcs/parcels", json={}).json()
    slip = afosto.post(f"/lcs/parcels/{parcel['id']}/slip")
    assert slip.status_code == 204 and slip.headers["x-task-id"]
    label = afosto.get(f"/lcs/parcels/{parcel['id']}").json()["label"]
    assert label["requested_at"] == "2030-03-04T09:00:00Z" and label["file_id"]
    assert afosto.post("/lcs/parcels/nope/label").status_code == 404


def test_print_job_statuses(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    assert afosto.post("/spl/queue", json={"hub_id": "nope", "job": "a.zpl"}).status_code == 404
    assert afosto.post("/spl/queue", json={}).json()["errors"]["required"] == ["hub_id", "job"]
    hub = afosto.post("/spl/hubs", json={"name": "Hub"}).json()
    job = afosto.post("/spl/queue", json={"hub_id": hub["id"], "job": "a.zpl", "reference": "job-1"}).json()
    assert (job["reference"], job["status"]) == ("job-1", "scheduled")
    assert [j["reference"] for j in afosto.get("/spl/queue").json()] == [
        "job-1"
    ]  # status defaults to scheduled
    pending = afosto.put("/spl/queue/job-1", json={"status": "pending", "changed_at": START})
    assert pending.status_code == 201 and pending.json() == {"reference": "job-1", "status": "pending"}
    assert afosto.get("/spl/queue").json() == []
    printed = afosto.put("/spl/queue/job-1", json={"status": "success"}).json()
    assert printed["status"] == "success"  # the answer is a SplJobResult: success, not printed
    assert afosto.get("/spl/queue/job-1").json()["status"] == "printed"  # the job itself (SplJob)
    assert (
        afosto.get("/spl/queue", params={"status": "printed"}).json()[0]["printed_at"]
        == "2030-03-04T09:00:00Z"
    )
    refused(afosto.put("/spl/queue/job-1", json={"status": "cancelled"}))
    assert afosto.put("/spl/queue/job-1", json={"status": "lost"}).json()["errors"]["invalid value"] == [
        "status"
    ]
    assert afosto.put("/spl/queue/unknown", json={"status": "pending"}).status_code == 404


def test_content_batch_validate_confirm_and_delete_rules(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    batch = afosto.post("/cnt/batches", json={"reference": "b1"}).json()
    base = f"/cnt/batches/{batch['id']}"
    refused(afosto.put(f"{base}/confirm"))
    validated = afosto.put(f"{base}/validate")
    assert validated.status_code == 200 and validated.headers["x-task-id"]
    after = afosto.get(base).json()[0]
    assert after["is_locked"] is True and after["is_accepted"] is True
    assert after["task_id"] == validated.headers["x-task-id"]
    assert afosto.put(f"{base}/confirm").status_code == 200
    assert afosto.get(base).json()[0]["is_confirmed"] is True
    refused(afosto.delete(base))
    other = afosto.post("/cnt/batches", json={}).json()
    assert afosto.delete(f"/cnt/batches/{other['id']}").status_code == 200
    assert afosto.get(f"/cnt/batches/{other['id']}").status_code == 404


def test_forced_transition_through_the_control_plane(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    order = afosto.post("/odr/orders", json={}).json()
    moved = mockpost.transition("afosto", TOKEN, resource="order", id=order["id"], state="confirmed")
    assert moved["state"]["is_confirmed"] is True
    assert afosto.post(f"/odr/orders/{order['id']}/allocate").status_code == 202
    root = mockpost.client()
    missing = root.post(
        "/_mockpost/afosto/transition",
        json={"resource": "order", "id": "nope", "state": "accepted"},
        headers=TOKEN,
    )
    assert missing.status_code == 404
    backwards = root.post(
        "/_mockpost/afosto/transition",
        json={"resource": "order", "id": order["id"], "state": "open"},
        headers=TOKEN,
    )
    assert backwards.status_code == 409


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    assert len(zlib.decompress(data[idat + 4 : idat + 4 + length])) == height * (width + 1)
    return width, height


def test_barcode_is_a_png(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    image = afosto.get("/cnt/barcode", params={"t": "ean", "v": "8712345678906"})
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert png_size(image.content)[1] == 40
    assert afosto.get("/cnt/barcode", params={"v": "8712345678906"}).content == image.content
    assert afosto.get("/cnt/barcode").json()["errors"]["required"] == ["v"]
    assert afosto.get("/cnt/barcode", params={"t": "aztec", "v": "1"}).json()["errors"]["invalid value"] == [
        "t"
    ]


def test_html_renders_to_a_pdf(mockpost: Any) -> None:
    import base64

    afosto = afosto_client(mockpost)
    pdf = afosto.post("/cnt/html/inline", json={"content": base64.b64encode(b"<h1>Invoice</h1>").decode()})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"Invoice" in pdf.content
    assert afosto.post("/cnt/html/inline", json={"content": "***"}).json()["errors"]["invalid value"] == [
        "content"
    ]


def test_upload_needs_a_live_signature_and_records_a_file(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    pdf = {"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}
    assert afosto.post("/cnt/files/upload/made-up", files=pdf).status_code == 404
    signed = afosto.post("/cnt/files/signature", json={"path": "/labels", "is_public": True}).json()
    assert signed["expires_at"] == "2030-03-04T10:00:00Z"
    uploaded = afosto.post(f"/cnt/files/upload/{signed['signature']}", files=pdf)
    assert uploaded.status_code == 200
    record = uploaded.json()[0]
    assert (record["filename"], record["is_public"]) == ("a.pdf", True)
    assert afosto.get(f"/cnt/files/{record['id']}").status_code == 200
    assert afosto.post(f"/cnt/files/upload/{signed['signature']}", content=b"plain").status_code == 400
    mockpost.clock.advance(duration="1h")
    expired = afosto.post(f"/cnt/files/upload/{signed['signature']}", files=pdf)
    assert expired.json()["errors"]["invalid value"] == ["signature"]
