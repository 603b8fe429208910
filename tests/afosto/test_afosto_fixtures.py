"""--fixtures for Afosto: objects per account and collection, optionally moved along their lifecycle."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockpost.sandbox import ConfigError
from mockpost.testing import Mockpost

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "afosto-demo.yaml"
DEMO_TOKEN = {"Authorization": "Bearer demo"}


def test_demo_fixtures_load_and_come_back_after_a_reset() -> None:
    with Mockpost(fixtures=[str(DEMO)]) as mock:
        client = mock.client("afosto", headers=DEMO_TOKEN)
        orders = client.get("/odr/orders").json()
        assert [o["state"]["is_confirmed"] for o in orders] == [False, True]
        assert [p["is_in_transit"] for p in client.get("/lcs/parcels").json()] == [False, True]
        client.post("/cat/channels", json={"name": "extra"})
        mock.reset()
        assert len(client.get("/cat/channels").json()) == 1
        other = mock.client("afosto", headers={"Authorization": "Bearer someone-else"})
        assert other.get("/odr/orders").json() == []


def test_fixtures_with_an_unknown_collection_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("afosto:\n  accounts:\n    - token: t\n      collections:\n        /odr/nothing: [{}]\n")
    with pytest.raises((ConfigError, ValueError), match="/odr/nothing"):
        Mockpost(fixtures=[str(bad)])
