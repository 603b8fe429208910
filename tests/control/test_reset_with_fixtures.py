"""A reset of one account leaves the data --fixtures gave the other accounts as it is."""

from __future__ import annotations

from pathlib import Path

from mockpost.testing import Mockpost

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EKOPOST_DEMO = {"Authorization": "api-key demo"}
EASYPOST_DEMO = {"x-api-key": "demo-key"}


def test_reset_of_another_account_does_not_load_the_fixtures_twice() -> None:
    files = [str(FIXTURES / "ekopost-demo.yaml"), str(FIXTURES / "easypost-connect-demo.yaml")]
    with Mockpost(freeze_at="2030-03-04T09:00:00Z", fixtures=files) as mock:
        eko = mock.client("ekopost", headers=EKOPOST_DEMO)
        easypost = mock.client("easypost-connect", headers=EASYPOST_DEMO)
        campaigns = eko.get("/campaigns").json()
        companies = easypost.get("/companies").json()
        control = mock.client()
        for params in ({"provider": "ekopost", "tenant": "someone"}, {"tenant": "someone"}):
            answer = control.post("/_mockpost/reset", params=params)
            assert answer.status_code == 200, answer.text
        assert eko.get("/campaigns").json() == campaigns
        assert easypost.get("/companies").json() == companies


def test_reset_of_a_fixture_account_empties_it_and_a_provider_reset_brings_it_back() -> None:
    with Mockpost(freeze_at="2030-03-04T09:00:00Z", fixtures=[str(FIXTURES / "ekopost-demo.yaml")]) as mock:
        eko = mock.client("ekopost", headers=EKOPOST_DEMO)
        campaigns = eko.get("/campaigns").json()
        tenant = mock.client().get("/_mockpost/state/ekopost", headers=EKOPOST_DEMO).json()["tenant"]
        reset = mock.client().post("/_mockpost/reset", params={"provider": "ekopost", "tenant": tenant})
        assert reset.status_code == 200
        assert eko.get("/campaigns").json() == []
        mock.reset("ekopost")
        assert [c["name"] for c in eko.get("/campaigns").json()] == [c["name"] for c in campaigns]
