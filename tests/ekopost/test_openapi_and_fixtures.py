import pytest
from helpers import KEY, POSTAL

from mockpost.providers.ekopost import models
from mockpost.testing import Mockpost


def test_openapi_is_generated_from_the_route_table(eko):
    document = eko.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert document["servers"][0]["url"].endswith("/ekopost")
    operations = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert ("POST", "/campaigns/{campaign_id}/envelopes/{envelope_id}/content") in operations
    assert ("POST", "/reachable/{type}") in operations and ("POST", "/sms") in operations
    assert len(operations) == 16
    assert "ErrorObject" in document["components"]["schemas"]


def test_rendered_objects_match_their_response_models(frozen, eko, campaign, envelope):
    c = campaign()
    e = envelope(c["id"], postage="rek", address=POSTAL)
    eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/close")
    eko.post(f"/campaigns/{c['id']}/close")
    frozen.clock.advance(duration="3d")
    models.CampaignOut.model_validate(eko.get(f"/campaigns/{c['id']}").json())
    models.EnvelopeOut.model_validate(eko.get(f"/campaigns/{c['id']}/envelopes/{e['id']}").json())
    content_id = frozen.state("ekopost", KEY)["campaigns"][0]["envelopes"][0]["contents"][0]["id"]
    models.ContentOut.model_validate(
        eko.get(f"/campaigns/{c['id']}/envelopes/{e['id']}/content/{content_id}").json()
    )


FIXTURES = """
ekopost:
  accounts:
    - api_key: demo
      webhook: {url: "http://mockpost/_mockpost/inbox/demo", secret: "k"}
      campaigns:
        - name: Ready
          output_date: "2030-03-05T12:00:00"
          state: closed
          envelopes:
            - name: Letter
              address: {"$type": "email", "recipient": "a@example.com", "subject": "Hi"}
              state: closed
        - name: Done
          state: completed
          envelopes:
            - name: Sent
              address: null
              state: posted
"""


def test_fixtures_seed_accounts_and_survive_reset(tmp_path):
    path = tmp_path / "fixtures.yaml"
    path.write_text(FIXTURES)
    with Mockpost(fixtures=[path]) as mock:
        mock.clock.freeze("2030-03-04T09:00:00Z")
        eko = mock.client("ekopost", headers={"Authorization": "api-key demo"})
        listed = eko.get("/campaigns", params={"start": "2000-01-01", "stop": "2100-01-01"}).json()
        assert sorted((c["name"], c["state"]) for c in listed) == [("Done", "completed"), ("Ready", "closed")]
        mock.reset()
        mock.clock.freeze("2030-03-04T09:00:00Z")
        again = eko.get("/campaigns", params={"start": "2000-01-01", "stop": "2100-01-01"}).json()
        assert len(again) == 2


@pytest.mark.parametrize("text", ["ekopost: [1]", "nirvana: {}", "ekopost:\n  accounts:\n    - {name: x}\n"])
def test_bad_fixture_files_are_refused_with_a_reason(tmp_path, text):
    from mockpost.sandbox import ConfigError

    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises((ConfigError, ValueError)) as refused:
        Mockpost(fixtures=[path])
    assert str(refused.value)


@pytest.mark.mockpost(seed=42)
def test_a_seed_repeats_ids_run_to_run_and_after_reset(mockpost):
    def ids() -> list[str]:
        eko = mockpost.client("ekopost", headers=KEY)
        c = eko.post("/campaigns", json={"name": "x"}).json()["id"]
        e = eko.post(f"/campaigns/{c}/envelopes", json={"address": POSTAL}).json()["id"]
        return [c, e]

    first = ids()
    mockpost.reset()
    assert ids() == first
    with Mockpost(seed=42) as other:
        eko = other.client("ekopost", headers=KEY)
        assert eko.post("/campaigns", json={"name": "x"}).json()["id"] == first[0]
