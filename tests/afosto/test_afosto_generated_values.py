"""Values the sandbox makes up are the reference's own: documented enums, formats, nested fields,
each endpoint's lifecycle words, and moments and references that fit the object."""

from __future__ import annotations

import re
from typing import Any

import pytest
from afosto_support import START, afosto_client

from mockpost.providers.afosto.catalog import load_catalog
from mockpost.providers.afosto.synth import Synthesizer
from mockpost.testing import Mockpost

PHONE_TYPES = ["fixed_number", "mobile", "toll-free", "premium", "shared_cost", "voip", "personal"]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
FORMATS = {
    "string (uuid)": UUID,
    "string (date-time)": MOMENT,
    "string (datetime)": MOMENT,
    "string (date)": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


def at(value: Any, path: list[str]) -> list[Any]:
    """Every value at `path` ("[]" steps into each element of a list)."""
    if not path:
        return [value]
    step, rest = path[0], path[1:]
    if step == "[]":
        return [found for item in value or [] for found in at(item, rest)] if isinstance(value, list) else []
    return at(value.get(step), rest) if isinstance(value, dict) else []


def mismatches(example: Any, value: Any, where: str = "$") -> list[str]:
    """Generated values that do not have the format their placeholder names."""
    if isinstance(example, dict) and isinstance(value, dict):
        return [p for key in example for p in mismatches(example[key], value.get(key), f"{where}.{key}")]
    if isinstance(example, list) and example and isinstance(value, list):
        return [p for item in value for p in mismatches(example[0], item, f"{where}[]")]
    pattern = FORMATS.get(example) if isinstance(example, str) else None
    if pattern is not None and value is not None and not pattern.match(str(value)):
        return [f"{where}={value!r}"]
    return []


class Context:
    """What the synthesizer needs of the provider: ids, a clock, a seeded random source, Faker."""

    def __init__(self, mock: Mockpost) -> None:
        provider = mock.sandbox.providers["afosto"]
        self.ids, self.rng, self.now, self.faker = (
            provider.ctx.ids,
            provider.ctx.rng,
            provider.ctx.now,
            provider.ctx.faker,
        )


def test_no_made_up_word_in_a_field_with_a_documented_enum_or_format(mockpost: Mockpost) -> None:
    catalog = load_catalog()
    synth = Synthesizer(Context(mockpost), catalog.fields)  # type: ignore[arg-type]
    wrong = []
    for op in catalog.operations:
        for code, found in op.enums.items():
            made = synth.fill(op.examples[code])
            for path, values in found:
                wrong += [f"{op.method} {op.path} {path}={v!r}" for v in at(made, path) if v not in values]
            wrong += [f"{op.method} {op.path} {p}" for p in mismatches(op.examples[code], made)]
    assert not wrong, "\n".join(wrong[:30])
    assert sum(len(found) for op in catalog.operations for found in op.enums.values()) > 300


def test_an_order_is_of_a_documented_type(mockpost: Mockpost) -> None:
    order = afosto_client(mockpost).post("/odr/orders", json={}).json()
    assert order["state"]["type"] in ["cart", "order", "backorder", "wishlist"]
    assert order["processing"]["allocation"] in ["auto", "manual", "none"]


def test_phone_numbers_are_typed_and_formatted_as_documented(mockpost: Mockpost) -> None:
    afosto = afosto_client(mockpost)
    phone = afosto.post("/rel/phonenumbers", json={}).json()
    organisation = afosto.post("/rel/organisations", json={"name": "Bakkerij"}).json()
    contact = afosto.put("/rel/contacts", json={"email": "jan@example.com"}).json()
    numbers = [
        phone,
        organisation["phone_numbers"]["primary"],
        contact["organisations"]["primary"]["phone_numbers"]["primary"],
    ]
    for number in numbers:
        assert number["type"] in PHONE_TYPES
        assert re.fullmatch(r"\+31\d{9}", number["number"]), number  # E.164
        assert re.fullmatch(r"0[\d ]{9,11}", number["national"]), number  # the national form of it
        assert number["national"].replace(" ", "")[1:] == number["number"][3:]


def test_lines_of_calculations_invoices_and_transactions_are_products_handling_or_shipping(
    mockpost: Mockpost,
) -> None:
    afosto = afosto_client(mockpost)
    order = afosto.post("/odr/orders", json={}).json()
    calculation = afosto.post(f"/odr/orders/{order['id']}/calculation", json={}).json()
    invoice = afosto.post("/odr/invoices", json={"items": [{"sku": "8712345678906", "quantity": 1}]}).json()
    transaction = afosto.post("/odr/transactions", json={}).json()
    types = [line["type"] for line in calculation["items"] + calculation["services"]]
    types += [line["type"] for line in invoice["items"]] + [
        i["type"] for i in transaction["purchase"]["items"]
    ]
    assert set(types) <= {"product", "handling", "shipping", "purchasable"}


def test_states_and_statuses_are_documented_words(mockpost: Mockpost) -> None:
    afosto = afosto_client(mockpost)
    request = afosto.post("/iam/subtenants/requests", json={}).json()
    hub = afosto.post("/spl/hubs", json={"name": "Warehouse"}).json()
    theme = afosto.post("/tpl/templates/themes", json={}).json()
    assert request["state"] in ["pending", "approved", "revoked", "expired"]
    assert hub["status"] in ["online", "offline"]
    assert theme["active_build"]["git_reference"]["type"] in ["tag", "branch"]


def test_shipment_items_have_every_documented_field_though_the_request_sent_few(mockpost: Mockpost) -> None:
    afosto = afosto_client(mockpost)
    order_item, claim_item = "0b5f8f4e-1c1d-4b8e-9f0e-3a7c2d1e5f60", "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
    sent = {
        "sku": "8712345678906",
        "quantity": 1,
        "references": [{"order_item_id": order_item, "claim_item_id": claim_item}],
    }
    shipment = afosto.post("/lcs/shipments", json={"items": [sent]}).json()
    read = afosto.get(f"/lcs/shipments/{shipment['id']}").json()
    backordered = afosto.put(f"/lcs/shipments/{shipment['id']}/items/backorders", json=[]).json()
    documented = {"reference", "position", "order_item_id", "claim_item_id", "is_in_transit", "service"}
    for answer in (shipment, read, backordered):
        item = answer["items"][0]
        assert documented <= set(item), documented - set(item)
        assert (item["order_item_id"], item["claim_item_id"]) == (order_item, claim_item)
        assert item["is_in_transit"] is False and isinstance(item["service"], list)


def test_invoice_items_are_invoice_lines_not_the_request_echoed(mockpost: Mockpost) -> None:
    invoice = afosto_client(mockpost).post("/odr/invoices", json={"items": [{"sku": "8712345678906"}]}).json()
    line = invoice["items"][0]
    documented = {
        "id",
        "type",
        "is_discounted",
        "subtotal",
        "adjustments",
        "total",
        "total_revenue",
        "order_items",
    }
    assert documented <= set(line), documented - set(line)
    assert line["sku"] == "8712345678906" and UUID.match(line["id"])


def test_a_picking_list_ranks_its_items_and_labels_its_own_shipments(mockpost: Mockpost) -> None:
    afosto = afosto_client(mockpost)
    items = [{"sku": "8712345678906", "quantity": 1}, {"sku": "8712345678913", "quantity": 2}]
    shipment = afosto.post("/lcs/shipments", json={"items": items}).json()
    made = afosto.post("/lcs/lists", json={"shipments": [{"id": shipment["id"], "label": "A"}]}).json()
    handling = afosto.get(f"/lcs/lists/{made['id']}").json()
    assert [line["rank"] for line in handling["items"]] == [1, 2]
    assert handling["sorting_labels"] == [{"shipment_id": shipment["id"], "label": "A"}]


def test_an_organisation_answers_objects_where_the_request_named_ids(mockpost: Mockpost) -> None:
    afosto = afosto_client(mockpost)
    address = afosto.post("/rel/addresses", json={"locality": "Utrecht", "postal_code": "3511 AB"}).json()
    body = {"name": "Bakkerij", "billing": {"primary": address["id"]}, "registrations": [{"number": "1234"}]}
    organisation = afosto.post("/rel/organisations", json=body).json()
    primary = organisation["billing"]["primary"]
    assert isinstance(primary, dict)
    assert (primary["id"], primary["locality"], primary["postal_code"]) == (
        address["id"],
        "Utrecht",
        "3511 AB",
    )
    verification = organisation["registrations"][0]["verification"]
    assert {"is_pending", "is_valid", "verified_at"} <= set(verification)
    assert afosto.get(f"/rel/organisations/{organisation['id']}").json()["billing"]["primary"] == primary


def test_a_purge_token_has_a_numeric_id_and_expires_after_it_is_made(mockpost: Mockpost) -> None:
    afosto = afosto_client(mockpost)
    purge = afosto.post("/iam/purges", json={"domains": ["shop.example.com"]}).json()
    read = afosto.get(f"/iam/purges/{purge['token']}").json()
    assert isinstance(read["id"], int) and not isinstance(read["id"], bool)
    assert (read["id"], read["domains"]) == (purge["id"], ["shop.example.com"])
    assert read["created_at"] == START and read["expires_at"] > read["created_at"]
    assert read["signer"] is None
    assert afosto.post(f"/iam/purges/{purge['token']}").json()["signer"] == read["requester"]


def test_a_new_hub_is_not_disabled(mockpost: Mockpost) -> None:
    hub = afosto_client(mockpost).post("/spl/hubs", json={"name": "Warehouse"}).json()
    assert hub["disabled_at"] is None
    assert hub["created_at"] == hub["updated_at"] == START


@pytest.mark.parametrize(("key", "found"), [("color", ["blue", "red"]), ("size", ["L"])])
def test_filter_keys_and_values_are_the_ones_skus_were_given(
    mockpost: Mockpost, key: str, found: list[str]
) -> None:
    afosto = afosto_client(mockpost)
    given = [
        {"sku": "8712345678906", "filters": {"color": "red", "size": "L"}},
        {"sku": "8712345678913", "filters": {"color": "blue"}},
        {"filters": {"color": "green"}},
    ]
    assert afosto.put("/odr/filters", json=given).json() == {"success": 2, "failed": 1}
    assert afosto.get("/odr/filters/keys").json() == ["color", "size"]
    assert afosto.get(f"/odr/filters/keys/{key}").json() == found
    assert afosto.get("/odr/filters/keys/weight").status_code == 404


def test_a_location_lists_the_positions_stock_was_booked_at(mockpost: Mockpost) -> None:
    afosto = afosto_client(mockpost)
    location = afosto.put("/wms/locations", json={"id": "utrecht", "name": "Utrecht"}).json()
    assert afosto.get(f"/wms/locations/{location['id']}/positions").json() == []
    stock = [{"sku": "8712345678906", "position": "B2.1040", "quantity": 2}]
    booked = afosto.post(f"/wms/locations/{location['id']}/overage", json=stock).json()
    assert [(i["position"], i["location_id"], i["state"]) for i in booked] == [
        ("B2.1040", "utrecht", "available")
    ] * 2
    assert afosto.get(f"/wms/locations/{location['id']}/positions").json() == ["B2.1040"]
    logs = afosto.get(f"/wms/locations/{location['id']}/positions/B2.1040/logs")
    assert logs.status_code == 200
