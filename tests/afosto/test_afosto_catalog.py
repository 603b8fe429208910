"""The shipped catalog is exactly what the compiler makes of the reference, and holds every endpoint."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from compile_afosto_catalog import compile_catalog, serialise

from mockpost.providers.afosto import AfostoProvider
from mockpost.providers.afosto.catalog import CATALOG_FILE, load_catalog
from mockpost.providers.afosto.router import Router

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / ".." / "shared" / "seeds" / "003_cd8b5ca7f1e1be08.txt"
SHIPPED = REPO / "mockpost" / "providers" / "afosto" / CATALOG_FILE
METHOD_LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*)$", re.MULTILINE)
needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"the Afosto reference is not at {SEED}")


@needs_seed
def test_shipped_catalog_is_what_the_compiler_makes_of_the_seed() -> None:
    fresh = serialise(compile_catalog(SEED.read_text(encoding="utf-8")))
    assert fresh == SHIPPED.read_bytes(), "stale catalog: run `python tools/compile_afosto_catalog.py`"


@needs_seed
def test_catalog_holds_exactly_the_unique_method_path_pairs_of_the_seed() -> None:
    text = SEED.read_text(encoding="utf-8")
    blocks = METHOD_LINE.findall(text)
    pairs = set(blocks)
    catalog = load_catalog()
    assert len(blocks) == catalog.blocks == 565
    assert len(pairs) == 544
    assert {op.key for op in catalog.operations} == pairs
    assert len(catalog.duplicates) == 21


def test_catalog_figures_match_the_reference() -> None:
    catalog = load_catalog()
    assert len(catalog.scopes) == 116
    methods = [op.method for op in catalog.operations]
    assert (methods.count("GET"), methods.count("POST"), methods.count("PUT"), methods.count("DELETE")) == (
        239,
        177,
        85,
        43,
    )
    assert "#/definitions/" not in str([op.request for op in catalog.operations])
    assert "#/definitions/" not in str([op.examples for op in catalog.operations])


def test_parameters_carry_location_type_default_and_enum() -> None:
    catalog = load_catalog()
    barcode = {p["name"]: p for p in catalog.by_key[("GET", "/cnt/barcode")].parameters}
    assert barcode["t"]["in"] == "query"
    assert barcode["t"]["enum"] == ["ean", "code_128", "code_39", "code_93", "qr"]
    queue = {p["name"]: p for p in catalog.by_key[("GET", "/spl/queue")].parameters}
    assert queue["status"]["default"] == "scheduled"
    apps = {p["name"]: p for p in catalog.by_key[("GET", "/int/apps/store")].parameters}
    assert apps["x-page-size"] == {
        "name": "x-page-size",
        "in": "header",
        "type": "integer",
        "default": "25",
        "description": "",
    }


def test_success_codes_and_response_headers_are_as_documented() -> None:
    catalog = load_catalog()
    assert catalog.by_key[("PUT", "/spl/queue/{reference}")].success == 201
    assert catalog.by_key[("POST", "/odr/orders/{id}/allocate")].success == 202
    assert catalog.by_key[("GET", "/cnt/gif/transform")].success == 206
    assert catalog.by_key[("PUT", "/lcs/parcels/{id}/transit")].success == 204
    assert catalog.by_key[("GET", "/iam/services/sla/numbers")].success == 200  # 302 line, 200 example
    label = catalog.by_key[("POST", "/lcs/parcels/{id}/label")]
    assert [h["name"] for h in label.success_headers] == ["x-task-id"]


def test_literal_segments_win_over_parameters_and_unknown_paths_miss() -> None:
    router = Router(load_catalog().operations)
    found = router.match("POST", "/iam/users/join")
    assert found is not None and found[0].path == "/iam/users/join"
    found = router.match("PUT", "/wms/transfers/t1/transports/p2/state")
    assert found is not None and found[1] == {"transfer_id": "t1", "id": "p2"}
    assert router.match("GET", "/odr/nothing/here") is None
    assert router.allowed("/odr/orders") == ["GET", "POST"]


def test_provider_starts_fast_with_the_catalog_loaded(mockpost: Any) -> None:
    provider: AfostoProvider = mockpost.sandbox.providers["afosto"]
    assert provider.load_seconds < 1.0
    started = time.perf_counter()
    load_catalog()
    assert time.perf_counter() - started < 1.0


def test_openapi_lists_every_catalog_endpoint(mockpost: Any) -> None:
    document = mockpost.client("afosto").get("/openapi.json").json()
    assert document["info"]["description"] == AfostoProvider.description
    served = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert served == {op.key for op in load_catalog().operations}
    order = document["paths"]["/odr/orders"]["post"]
    assert order["security"] == [{"Bearer": ["odr:orders:write"]}]
    assert "x-idempotency-key" in [p["name"] for p in order["parameters"]]


def test_one_catch_all_route_serves_the_whole_catalog(mockpost: Any) -> None:
    provider: AfostoProvider = mockpost.sandbox.providers["afosto"]
    paths = {endpoint.path for endpoint in provider.endpoints()}
    assert paths == {"/{path:path}"}  # no per-endpoint Starlette routes evaluated one by one
