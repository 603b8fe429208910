"""What existing ShipX clients rely on besides paths and bodies (michalbiarda/shipx-php-sdk and
python-sendparcel-inpost, read from their source): how they join the base URL, which content types
they parse, how they send array parameters and which headers mark a label as a file."""

from __future__ import annotations

from inpost_support import TOKEN, assert_error


def test_base_url_with_a_trailing_slash_joined_by_concatenation(frozen):
    """The PHP SDK builds `$baseUri . '/v1/...'`: a base ending in `/` gives `//v1/`."""
    root = frozen.client(headers=TOKEN)
    listed = root.get("/inpost//v1/organizations")
    assert listed.status_code == 200 and listed.json()["href"].endswith("/inpost/v1/organizations")
    assert root.get("/inpost/v1/organizations/").status_code == 200


def test_json_answers_have_the_bare_media_type_clients_compare(frozen, shipx, org_id):
    """The PHP SDK parses a body only when the media type before `; ` is exactly application/json,
    for 200/201 answers and for 400/401/403/404/500 errors."""
    for response in (
        shipx.get("/v1/organizations"),
        shipx.get(f"/v1/organizations/{org_id}/statistics"),
        shipx.get("/v1/shipments/1"),
        frozen.client("inpost").get("/v1/organizations"),
        shipx.get("/v1/organizations", params={"sort_by": "nope"}),
    ):
        assert response.headers["content-type"].split("; ")[0] == "application/json"


def test_labels_are_marked_binary_and_cancel_is_an_empty_204(frozen, shipx, org_id, create):
    created = create("locker")
    cancel = shipx.delete(f"/v1/shipments/{created['id']}")
    assert cancel.status_code == 204 and cancel.content == b""
    confirmed = create("courier")
    frozen.clock.advance(duration="1m")
    label = shipx.get(f"/v1/shipments/{confirmed['id']}/label", params={"format": "Pdf", "type": "A6"})
    assert label.headers["content-transfer-encoding"] == "binary"
    assert label.headers["content-type"] == "application/pdf"


def test_php_style_array_parameters_select_bulk_labels(frozen, shipx, org_id, create):
    first, second = create("locker"), create("courier")
    frozen.clock.advance(duration="1m")
    query = f"shipment_ids%5B%5D={first['id']}&shipment_ids%5B%5D={second['id']}&format=Zpl"
    labels = shipx.get(f"/v1/organizations/{org_id}/shipments/labels?{query}")
    assert labels.status_code == 200 and labels.text.count("^XA") == 2


def test_get_and_delete_with_a_json_content_type_and_no_body(frozen, shipx, create):
    """python-sendparcel-inpost sends `Content-Type: application/json` on every request."""
    created = create("locker")
    headers = {"Content-Type": "application/json"}
    assert shipx.get(f"/v1/shipments/{created['id']}", headers=headers).status_code == 200
    assert shipx.delete(f"/v1/shipments/{created['id']}", headers=headers).status_code == 204
    assert_error(shipx.delete(f"/v1/shipments/{created['id']}", headers=headers), 400, "invalid_action")
