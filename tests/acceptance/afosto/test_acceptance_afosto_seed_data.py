"""The walk's endpoint table is what the reference says: regenerated and compared when the reference
text is next to the repository, and checked against the reference's published figures always."""

from __future__ import annotations

from collections import Counter

import pytest
from afosto_seed import ENDPOINTS, dump, load, parse, seed_path


def test_the_shipped_endpoint_table_matches_the_reference_text() -> None:
    source = seed_path()
    if source is None:
        pytest.skip("the Afosto reference text is not next to this checkout")
    assert dump(parse(source.read_text(encoding="utf-8"))) == ENDPOINTS.read_text(encoding="utf-8"), (
        "stale: run python tests/acceptance/afosto/afosto_seed.py"
    )


def test_the_endpoint_table_has_the_reference_figures() -> None:
    endpoints = load()
    assert Counter(e["method"] for e in endpoints) == {"GET": 239, "POST": 177, "PUT": 85, "DELETE": 43}
    assert len({e["path"] for e in endpoints}) == 375
    assert sum(len(e["params"]) for e in endpoints) == 649
    assert {e["success"] for e in endpoints} == {200, 201, 202, 204, 206}
    assert sum("x-task-id" in e["headers"] for e in endpoints) == 21
    by_pair = {(e["method"], e["path"]): e for e in endpoints}
    assert by_pair[("GET", "/iam/services/sla/numbers")]["success"] == 200
    assert by_pair[("PUT", "/spl/queue/{reference}")]["success"] == 201
    assert by_pair[("GET", "/cnt/gif/transform")]["success"] == 206
    assert by_pair[("POST", "/odr/orders/{id}/allocate")]["success"] == 202
    assert by_pair[("GET", "/iam/profiles/{path}")]["successes"] == [200, 204, 206]
    assert "#/definitions/" not in ENDPOINTS.read_text(encoding="utf-8")
