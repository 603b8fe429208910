"""One resource model: accounts, objects, history and timers, asked the same way of every provider."""

from __future__ import annotations

import base64

import pytest

from mockpost.core.pdf import make_pdf

KEY = "model-key-123456"
EKO = {"Authorization": f"api-key {KEY}"}


def letter(mockpost) -> tuple[str, str]:
    """An Ekopost campaign with one closed e-mail envelope, closed for output on 5 March at noon."""
    eko = mockpost.client("ekopost", headers=EKO)
    campaign = eko.post(
        "/campaigns", json={"name": "March", "output_date": "2030-03-05T12:00:00", "cost_center": "F"}
    ).json()["id"]
    envelope = eko.post(
        f"/campaigns/{campaign}/envelopes",
        json={
            "name": "Invoice 1",
            "address": {"$type": "email", "recipient": "a@example.com", "subject": "Hi"},
        },
    ).json()["id"]
    pdf = make_pdf([["Hello"]])
    eko.post(
        f"/campaigns/{campaign}/envelopes/{envelope}/content",
        json={
            "type": "document",
            "mime": "application/pdf",
            "data": base64.b64encode(pdf).decode(),
            "length": len(pdf),
        },
    )
    assert eko.post(f"/campaigns/{campaign}/envelopes/{envelope}/close").status_code == 200
    assert eko.post(f"/campaigns/{campaign}/close").status_code == 200
    return campaign, envelope


def test_a_campaign_walks_through_a_clock_advance_with_its_history_and_timers(mockpost):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    campaign, envelope = letter(mockpost)
    control = mockpost.client()
    base = f"/_mockpost/accounts/ekopost/{KEY}/objects"

    before = control.get(f"{base}/campaign/{campaign}").json()
    assert before["state"] == "closed"
    assert before["timers"] == [{"due": "2030-03-05T12:00:00Z", "action": "transfer"}]
    assert [(c["from"], c["to"], c["at"], c["cause"]) for c in before["history"]] == [
        (None, "opened", "2030-03-04T09:00:00Z", "request"),
        ("opened", "closed", "2030-03-04T09:00:00Z", "request"),
    ]
    assert before["wire"] == mockpost.client("ekopost", headers=EKO).get(f"/campaigns/{campaign}").json()
    assert {"kind": "envelope", "id": envelope} in before["related"]

    mockpost.clock.advance(duration="2d")

    after = control.get(f"{base}/campaign/{campaign}").json()
    assert after["state"] == "completed" and after["timers"] == []
    assert [(c["to"], c["at"], c["cause"]) for c in after["history"][2:]] == [
        ("transferred", "2030-03-05T12:00:00Z", "timer"),
        ("completed", "2030-03-05T12:10:00Z", "timer"),
    ]
    moved = control.get(f"{base}/envelope/{envelope}").json()
    assert [(c["to"], c["at"], c["cause"]) for c in moved["history"]] == [
        ("opened", "2030-03-04T09:00:00Z", "request"),
        ("closed", "2030-03-04T09:00:00Z", "request"),
        ("transferred", "2030-03-05T12:00:00Z", "timer"),
        ("posted", "2030-03-05T12:10:00Z", "timer"),
    ]
    assert moved["updated_at"] == "2030-03-05T12:10:00Z"


def test_pending_timers_are_listed_by_due_time_as_data(mockpost):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    campaign, _ = letter(mockpost)
    account = mockpost.accounts("ekopost")[0]["account"]
    timers = mockpost.client().get("/_mockpost/timers").json()["items"]
    assert timers == [
        {
            "provider": "ekopost",
            "account": account,
            "kind": "campaign",
            "id": campaign,
            "due": "2030-03-05T12:00:00Z",
            "action": "transfer",
        }
    ]
    mockpost.clock.advance(duration="1d3h")  # transferred at noon: the envelope's step is next
    [step] = mockpost.timers()
    assert (step["kind"], step["due"], step["action"]) == ("envelope", "2030-03-05T12:10:00Z", "post")


def test_accounts_are_listed_with_a_masked_label_and_object_counts(mockpost):
    letter(mockpost)
    [account] = mockpost.client().get("/_mockpost/accounts").json()["items"]
    assert account["provider"] == "ekopost"
    assert account["label"] == "api-key mo…56"
    assert KEY not in str(account)
    assert account["objects"] == {"campaign": 1, "envelope": 1}


@pytest.mark.parametrize("name", ["label", "credential", "id"])
def test_an_account_is_named_by_its_id_label_or_credential(mockpost, name):
    campaign, _ = letter(mockpost)
    [account] = mockpost.accounts("ekopost")
    given = {"label": account["label"], "credential": KEY, "id": account["account"]}[name]
    listed = mockpost.client().get(
        f"/_mockpost/accounts/ekopost/{given}/objects", params={"kind": "campaign"}
    )
    assert [item["id"] for item in listed.json()["items"]] == [campaign]


def test_objects_filter_by_kind_and_state(mockpost):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    campaign, envelope = letter(mockpost)
    objects = mockpost.objects("ekopost", KEY)
    assert [(o["kind"], o["id"], o["state"]) for o in objects] == [
        ("campaign", campaign, "closed"),
        ("envelope", envelope, "closed"),
    ]
    assert set(objects[0]) == {"kind", "id", "state", "created_at", "updated_at"}
    assert mockpost.objects("ekopost", KEY, state="opened") == []
    assert [o["id"] for o in mockpost.objects("ekopost", KEY, kind="envelope")] == [envelope]


def test_the_journal_filters_by_account_label_or_credential(mockpost):
    letter(mockpost)
    label = mockpost.accounts("ekopost")[0]["label"]
    for given in (label, KEY):
        entries = mockpost.client().get("/_mockpost/journal", params={"tenant": given}).json()["items"]
        assert len(entries) == 5


@pytest.mark.parametrize(
    "path",
    [
        "/_mockpost/accounts/nowhere/x/objects",
        "/_mockpost/accounts/ekopost/unknown-account/objects",
        f"/_mockpost/accounts/ekopost/{KEY}/objects?kind=parcel",
        f"/_mockpost/accounts/ekopost/{KEY}/objects/campaign/no-such-id",
        f"/_mockpost/accounts/ekopost/{KEY}/objects/parcel/x",
    ],
)
def test_unknown_names_answer_404_saying_what_is_unknown(mockpost, path):
    letter(mockpost)
    answer = mockpost.client().get(path)
    assert answer.status_code == 404
    assert answer.json()["error"]


def test_fixtures_and_forced_transitions_are_recorded_with_their_cause(mockpost):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    _campaign, envelope = letter(mockpost)
    mockpost.transition("ekopost", EKO, resource="envelope", id=envelope, state="failed", reason="torn")
    history = mockpost.object("ekopost", KEY, "envelope", envelope)["history"]
    assert history[-1] == {
        "from": "closed",
        "to": "failed",
        "at": "2030-03-04T09:00:00Z",
        "cause": "forced",
        "reason": "torn",
    }


def test_fixture_objects_carry_the_fixture_cause(tmp_path):
    from mockpost.testing.inprocess import Mockpost

    fixtures = tmp_path / "world.yaml"
    fixtures.write_text(
        "ekopost:\n  accounts:\n    - api_key: fixture-key-9999\n      campaigns:\n"
        "        - name: Seeded\n          state: closed\n          output_date: '2031-01-01T00:00:00'\n"
        "          envelopes:\n            - name: One\n              state: closed\n"
        "              address: {$type: email, recipient: a@example.com, subject: S}\n"
    )
    with Mockpost(fixtures=[fixtures]) as mock:
        [summary] = mock.objects("ekopost", "fixture-key-9999", kind="campaign")
        history = mock.object("ekopost", "fixture-key-9999", "campaign", summary["id"])["history"]
        assert [(c["to"], c["cause"]) for c in history] == [("opened", "fixture"), ("closed", "fixture")]
