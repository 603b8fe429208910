from helpers import error_code

FIELDS = {
    "id",
    "name",
    "output_date",
    "cost_center",
    "envelope_count",
    "state",
    "state_changed_at",
    "created_at",
    "signing",
}


def test_create_returns_the_documented_campaign(eko):
    response = eko.post(
        "/campaigns",
        json={"name": "Invoice March 2015", "output_date": "2030-06-01T12:00:00", "cost_center": "Fin"},
    )
    assert response.status_code == 200
    campaign = response.json()
    assert set(campaign) == FIELDS
    assert campaign["state"] == "opened" and campaign["envelope_count"] == 0 and campaign["signing"] is False
    assert campaign["output_date"] == "2030-06-01T12:00:00"
    assert campaign["created_at"] == campaign["state_changed_at"] == "2030-03-04T09:00:00"
    assert eko.get(f"/campaigns/{campaign['id']}").json() == campaign


def test_output_date_with_offset_is_stored_in_utc(eko):
    campaign = eko.post("/campaigns", json={"name": "x", "output_date": "2030-06-01T14:00:00+02:00"}).json()
    assert campaign["output_date"] == "2030-06-01T12:00:00"


def test_missing_output_date_means_now(eko):
    assert eko.post("/campaigns", json={"name": "x"}).json()["output_date"] == "2030-03-04T09:00:00"


def test_bad_campaign_fields_give_127(eko):
    for body in ({"name": 5}, {"output_date": "next tuesday"}, {"cost_center": ["a"]}, [1, 2]):
        response = eko.post("/campaigns", json=body)
        assert response.status_code == 400 and error_code(response) == "127", body


def test_unknown_campaign_is_404_with_code_106(eko):
    response = eko.get("/campaigns/4ebeab48-ee03-474f-bc79-c6db082c2bad")
    assert response.status_code == 404 and error_code(response) == "106"


def test_list_defaults_to_campaigns_created_today_newest_first(frozen, eko):
    yesterday = eko.post("/campaigns", json={"name": "old"}).json()
    frozen.clock.advance(duration="1d")
    first = eko.post("/campaigns", json={"name": "first"}).json()
    frozen.clock.advance(duration="1h")
    second = eko.post("/campaigns", json={"name": "second"}).json()
    listed = [c["id"] for c in eko.get("/campaigns").json()]
    assert listed == [second["id"], first["id"]]
    assert yesterday["id"] not in listed


def test_list_filters_by_window_name_and_state(frozen, eko):
    a = eko.post("/campaigns", json={"name": "A"}).json()
    frozen.clock.advance(duration="2d")
    b = eko.post("/campaigns", json={"name": "B"}).json()
    eko.post(f"/campaigns/{b['id']}/cancel")
    window = {"start": "2030-03-01", "stop": "2030-03-10"}
    assert [c["id"] for c in eko.get("/campaigns", params=window).json()] == [b["id"], a["id"]]
    assert [c["id"] for c in eko.get("/campaigns", params={**window, "name": "A"}).json()] == [a["id"]]
    assert [c["id"] for c in eko.get("/campaigns", params={**window, "state": "cancelled"}).json()] == [
        b["id"]
    ]
    assert (
        eko.get("/campaigns", params={"start": "2030-03-04", "stop": "2030-03-04"}).json()[0]["id"] == a["id"]
    )


def test_invalid_timespan_gives_116_and_invalid_state_115(eko):
    assert error_code(eko.get("/campaigns", params={"start": "2030-03-10", "stop": "2030-03-01"})) == "116"
    assert error_code(eko.get("/campaigns", params={"start": "not a date"})) == "116"
    assert error_code(eko.get("/campaigns", params={"state": "sleeping"})) == "115"


def test_close_needs_an_envelope_101_and_all_closed_102(eko, campaign, envelope):
    c = campaign()
    assert error_code(eko.post(f"/campaigns/{c['id']}/close")) == "101"
    e = envelope(c["id"])
    response = eko.post(f"/campaigns/{c['id']}/close")
    assert error_code(response) == "102" and e["id"] in response.json()["developer_message"]
    eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/close")
    assert eko.post(f"/campaigns/{c['id']}/close").status_code == 200
    assert eko.get(f"/campaigns/{c['id']}").json()["state"] == "closed"


def test_cancelled_envelopes_do_not_count_for_closing(eko, campaign, envelope):
    c = campaign()
    e = envelope(c["id"])
    eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/cancel")
    assert error_code(eko.post(f"/campaigns/{c['id']}/close")) == "101"


def test_cancel_cancels_open_envelopes_too(eko, campaign, envelope):
    c = campaign()
    e = envelope(c["id"])
    assert eko.post(f"/campaigns/{c['id']}/cancel").status_code == 200
    assert eko.get(f"/campaigns/{c['id']}").json()["state"] == "cancelled"
    assert eko.get(f"/campaigns/{c['id']}/envelopes/{e['id']}").json()["state"] == "cancelled"
    assert eko.post(f"/campaigns/{c['id']}/cancel").status_code == 200  # idempotent
    refused = eko.post(f"/campaigns/{c['id']}/close")
    assert refused.status_code == 400 and error_code(refused) == "127"


def test_envelope_count_and_signing_follow_the_envelopes(eko, campaign, envelope):
    c = campaign()
    envelope(c["id"])
    signer = {
        "$type": "einbox_signer",
        "info_mail": "info@example.com",
        "signers": [{"email": "a@example.com", "recipient": "198001011234", "issuer": True}],
    }
    envelope(c["id"], address=signer)
    got = eko.get(f"/campaigns/{c['id']}").json()
    assert got["envelope_count"] == 2 and got["signing"] is True


def test_seed_samples_with_trailing_slash_work(eko):
    assert eko.post("/campaigns/", json={"name": "slash"}).status_code == 200


def test_listing_by_name_reads_only_the_campaigns_of_that_name(frozen, eko):
    """The name is looked up in an index: the other campaigns of the window are never read."""
    for n in range(200):
        eko.post("/campaigns", json={"name": f"bulk {n}"})
    wanted = [eko.post("/campaigns", json={"name": "Invoice March"}).json() for _ in range(2)]
    eko.post(f"/campaigns/{wanted[0]['id']}/cancel")
    account = next(state for _, state in frozen.sandbox.store.tenants("ekopost"))
    reads = []

    class Counting(dict):
        def __getitem__(self, key):
            reads.append(key)
            return super().__getitem__(key)

    account.campaigns = Counting(account.campaigns)
    window = {"start": "2030-01-01", "stop": "2030-12-31", "name": "Invoice March"}
    listed = eko.get("/campaigns", params=window).json()
    assert [c["id"] for c in listed] == [wanted[1]["id"], wanted[0]["id"]]
    assert sorted(reads) == sorted(c["id"] for c in wanted)
    cancelled = eko.get("/campaigns", params={**window, "state": "cancelled"}).json()
    assert [c["id"] for c in cancelled] == [wanted[0]["id"]]
    assert eko.get("/campaigns", params={**window, "name": "nobody"}).json() == []
