"""Positions and sku listings of a fulfilment location: ordered, listed, searched by sku, removed."""

from __future__ import annotations

from typing import Any

import httpx
from afosto_support import afosto_client


def new_location(afosto: httpx.Client) -> str:
    created = afosto.post("/lcs/locations", json={"name": "Utrecht"})
    assert created.status_code == 200, created.text
    return str(created.json()["id"])


def test_reordering_positions_makes_and_sorts_them(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    base = f"/lcs/locations/{new_location(afosto)}/positions"
    assert afosto.put(base, json=["B-02", "A-01"]).json() == {"success": 2}
    assert [(p["code"], p["sorting"]) for p in afosto.get(base).json()] == [("B-02", 1), ("A-01", 2)]
    assert afosto.put(base, json=["A-01", "B-02"]).status_code == 200
    assert [p["code"] for p in afosto.get(base).json()] == ["A-01", "B-02"]
    assert afosto.get(f"{base}/A-01").json()["sorting"] == 1


def test_listed_skus_show_at_their_position_and_are_found_by_sku(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    location = new_location(afosto)
    listing = [{"sku": "8712345678906", "position": "A-01"}, {"sku": "8712345678913", "position": "A-01"}]
    answer = afosto.put(f"/lcs/locations/{location}/skus", json=listing)
    assert answer.json() == {"success": 2, "failed": 0}
    assert [s["sku"] for s in afosto.get(f"/lcs/locations/{location}/skus").json()] == [
        "8712345678906",
        "8712345678913",
    ]
    position = afosto.get(f"/lcs/locations/{location}/positions/A-01").json()
    assert [s["sku"] for s in position["skus"]] == ["8712345678906", "8712345678913"]
    found = afosto.post(f"/lcs/locations/{location}/positions/search", json=["8712345678913"])
    assert found.status_code == 200
    assert (found.json()["sku"], found.json()["position"]) == ("8712345678913", "A-01")
    missing = afosto.post(f"/lcs/locations/{location}/positions/search", json=["0000000000000"])
    assert missing.status_code == 404 and missing.json()["code"] == 404


def test_removed_positions_are_gone_and_bad_bodies_are_refused(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    base = f"/lcs/locations/{new_location(afosto)}/positions"
    afosto.put(base, json=["A-01", "B-02"])
    assert afosto.request("DELETE", base, json=["A-01", "Z-99"]).json() == {"success": 1}
    assert afosto.get(f"{base}/A-01").status_code == 404
    bad = afosto.put(base, json=[{"code": "A-01"}])
    assert bad.status_code == 400 and bad.json()["errors"]["invalid value"] == ["body"]
    no_position = afosto.put(base.replace("positions", "skus"), json=[{"sku": "8712345678906"}])
    assert no_position.status_code == 400
    unknown = afosto.put("/lcs/locations/nope/positions", json=["A-01"])
    assert unknown.status_code == 404


def test_a_listed_payment_method_reads_back_by_provider_and_code(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    listed = afosto.get("/odr/methods").json()[0]
    read = afosto.get(f"/odr/methods/{listed['provider_code']}/{listed['code']}")
    assert read.status_code == 200
    assert read.json() == listed
    assert afosto.get(f"/odr/methods/nope/{listed['code']}").status_code == 404


def test_a_made_up_word_is_never_a_placeholder_word() -> None:
    from mockpost.providers.afosto.synth import Synthesizer

    words = iter(["object", "string", "huis"])

    class Faker:
        def word(self) -> str:
            return next(words)

    class Context:
        ids = None

        def faker(self, locale: str) -> Faker:
            return Faker()

    assert Synthesizer(Context()).fill({"remark": "string"}) == {"remark": "huis"}  # type: ignore[arg-type]
