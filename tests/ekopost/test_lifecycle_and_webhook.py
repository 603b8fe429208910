import hashlib
import hmac
import json

from helpers import KEY, POSTAL, error_code

SIGNATURE_HEADER = "x-ekopost-signature"


def setup_webhook(mockpost, secret="s3cret"):
    response = mockpost.client().put(
        "/_mockpost/ekopost/webhook", json={"url": mockpost.inbox_url("eko"), "secret": secret}, headers=KEY
    )
    assert response.status_code == 200


def closed_campaign(eko, campaign, envelope, **envelope_fields):
    c = campaign()
    e = envelope(c["id"], **envelope_fields)
    eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/close")
    assert eko.post(f"/campaigns/{c['id']}/close").status_code == 200
    return c, e


def states(eko, c, e):
    return (
        eko.get(f"/campaigns/{c['id']}").json()["state"],
        eko.get(f"/campaigns/{c['id']}/envelopes/{e['id']}").json()["state"],
    )


def test_printed_mail_timeline_from_output_date_to_completed(frozen, eko, campaign, envelope):
    c, e = closed_campaign(eko, campaign, envelope)  # output_date 2030-03-05T12:00:00
    frozen.clock.set("2030-03-05T11:59:59Z")
    assert states(eko, c, e) == ("closed", "closed")
    frozen.clock.advance(1)
    assert states(eko, c, e) == ("transferred", "transferred")
    frozen.clock.advance(duration="1d")
    assert states(eko, c, e) == ("transferred", "printed")
    frozen.clock.advance(duration="1d")
    assert states(eko, c, e) == ("completed", "posted")
    envelope_now = eko.get(f"/campaigns/{c['id']}/envelopes/{e['id']}").json()
    assert envelope_now["state_changed_at"] == "2030-03-07T12:00:00"
    assert eko.get(f"/campaigns/{c['id']}").json()["state_changed_at"] == "2030-03-07T12:00:00"


def test_every_envelope_is_final_within_seven_days_of_output(frozen, eko, campaign, envelope):
    c, e = closed_campaign(eko, campaign, envelope)
    frozen.clock.set("2030-03-12T12:00:00Z")
    assert states(eko, c, e) == ("completed", "posted")


def test_past_output_date_transfers_at_once(frozen, eko, campaign, envelope):
    c = campaign(output_date="2020-01-01T00:00:00")
    e = envelope(c["id"])
    eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/close")
    eko.post(f"/campaigns/{c['id']}/close")
    assert states(eko, c, e) == ("transferred", "transferred")


def test_electronic_envelopes_skip_printing(frozen, eko, campaign, envelope):
    email = {"$type": "email", "subject": "Invoice", "recipient": "john@example.com"}
    c, e = closed_campaign(eko, campaign, envelope, address=email)
    frozen.clock.set("2030-03-05T12:00:00Z")
    frozen.clock.advance(duration="10m")
    assert states(eko, c, e) == ("completed", "posted")


def test_cancel_is_refused_once_transferred(frozen, eko, campaign, envelope):
    c, e = closed_campaign(eko, campaign, envelope)
    frozen.clock.set("2030-03-05T12:00:00Z")
    for path in (f"/campaigns/{c['id']}/cancel", f"/campaigns/{c['id']}/envelopes/{e['id']}/cancel"):
        refused = eko.post(path)
        assert refused.status_code == 400 and error_code(refused) == "127"
        assert "no longer" in refused.json()["developer_message"]
    assert states(eko, c, e) == ("transferred", "transferred")


def test_cancelling_a_closed_campaign_stops_the_timeline(frozen, eko, campaign, envelope):
    c, e = closed_campaign(eko, campaign, envelope)
    assert eko.post(f"/campaigns/{c['id']}/cancel").status_code == 200
    frozen.clock.advance(duration="7d")
    assert states(eko, c, e) == ("cancelled", "cancelled")


def test_completion_webhook_is_signed_hmac_sha1(frozen, eko, campaign, envelope):
    setup_webhook(frozen)
    _c, e = closed_campaign(eko, campaign, envelope)
    frozen.clock.advance(duration="7d")
    items = frozen.inbox("eko")
    assert len(items) == 1
    body = items[0]["body"]
    assert json.loads(body) == [{"ObjectId": e["id"], "StatusName": "posted"}]
    expected = hmac.new(b"s3cret", body.encode(), hashlib.sha1).hexdigest()
    assert items[0]["headers"][SIGNATURE_HEADER] == expected
    assert items[0]["received_at"] == "2030-03-07T12:00:00Z"


def test_webhook_lists_every_envelope_with_its_final_status(frozen, eko, campaign, envelope):
    setup_webhook(frozen)
    c = campaign()
    posted, failed, cancelled = (envelope(c["id"], name=n) for n in ("ok", "bad", "gone"))
    for e in (posted, failed):
        eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/close")
    eko.post(f"/campaigns/{c['id']}/envelopes/{cancelled['id']}/cancel")
    eko.post(f"/campaigns/{c['id']}/close")
    frozen.clock.set("2030-03-05T12:00:00Z")
    frozen.transition(
        "ekopost", KEY, resource="envelope", id=failed["id"], state="failed", reason="Paper jam"
    )
    frozen.clock.advance(duration="3d")
    statuses = {i["ObjectId"]: i["StatusName"] for i in json.loads(frozen.inbox("eko")[0]["body"])}
    assert statuses == {posted["id"]: "posted", failed["id"]: "failed", cancelled["id"]: "cancelled"}
    bad = eko.get(f"/campaigns/{c['id']}/envelopes/{failed['id']}").json()
    assert bad["state"] == "failed" and bad["failed_reason"] == "Paper jam"


def test_failing_receiver_is_retried_on_the_clock(frozen, eko, campaign, envelope):
    _c, _e = closed_campaign(eko, campaign, envelope)
    frozen.client().put(
        "/_mockpost/ekopost/webhook",
        json={"url": "http://127.0.0.1:9/unreachable", "secret": "k"},
        headers=KEY,
    )
    frozen.clock.set("2030-03-07T12:00:00Z")
    attempts = frozen.deliveries("ekopost")
    assert len(attempts) == 1 and attempts[0]["status"] is None and attempts[0]["error"]
    frozen.clock.advance(duration="1d")
    attempts = frozen.deliveries("ekopost")
    assert [a["at"] for a in attempts] == [
        "2030-03-07T12:00:00Z",
        "2030-03-07T12:01:00Z",
        "2030-03-07T12:06:00Z",
        "2030-03-07T12:36:00Z",
        "2030-03-07T14:36:00Z",
        "2030-03-07T20:36:00Z",
    ]
    assert attempts[-1]["delivery_state"] == "failed"


def test_all_envelopes_failed_means_a_failed_campaign_without_webhook(frozen, eko, campaign, envelope):
    setup_webhook(frozen)
    c, e = closed_campaign(eko, campaign, envelope)
    frozen.clock.set("2030-03-05T12:00:00Z")
    frozen.transition("ekopost", KEY, resource="envelope", id=e["id"], state="failed", reason="Unreadable")
    assert states(eko, c, e) == ("failed", "failed")
    assert frozen.inbox("eko") == []


def test_forcing_a_campaign_to_fail_fails_its_envelopes(frozen, eko, campaign, envelope):
    c, e = closed_campaign(eko, campaign, envelope)
    frozen.transition(
        "ekopost", KEY, resource="campaign", id=c["id"], state="failed", reason="Facility closed"
    )
    assert states(eko, c, e) == ("failed", "failed")
    assert eko.get(f"/campaigns/{c['id']}/envelopes/{e['id']}").json()["failed_reason"] == "Facility closed"
    frozen.clock.advance(duration="7d")
    assert states(eko, c, e) == ("failed", "failed")


def test_forced_printed_continues_the_timeline_from_there(frozen, eko, campaign, envelope):
    c, e = closed_campaign(eko, campaign, envelope)
    frozen.clock.set("2030-03-05T12:00:00Z")
    frozen.transition("ekopost", KEY, resource="envelope", id=e["id"], state="printed")
    frozen.clock.advance(duration="1d")
    assert states(eko, c, e) == ("completed", "posted")


def test_registered_mail_gets_tracking_once_registered(frozen, eko, campaign, envelope):
    c, e = closed_campaign(eko, campaign, envelope, postage="rek", address=POSTAL)
    path = f"/campaigns/{c['id']}/envelopes/{e['id']}"
    assert "tracking" not in eko.get(path).json()
    frozen.clock.set("2030-03-06T12:00:00Z")
    tracking = eko.get(path).json()["tracking"]
    assert tracking["tracking_state"] == "Init"
    assert tracking["parcel_no"].startswith("RR") and tracking["parcel_no"].endswith("SE")
    assert tracking["parcel_no"] in tracking["track_url"]
    frozen.clock.advance(duration="1d")
    assert eko.get(path).json()["tracking"]["tracking_state"] == "InTransit"
    frozen.clock.advance(duration="2d")
    assert eko.get(path).json()["tracking"]["tracking_state"] == "Delivered"


def test_sms_delivery_report_after_posting(frozen, eko, campaign, envelope):
    address = {"$type": "sms", "from_name": "Ekopost", "recipients": ["+46000000000", "+46000000ABC"]}
    c, e = closed_campaign(eko, campaign, envelope, address=address, content="sms")
    frozen.clock.set("2030-03-05T12:10:00Z")
    got = eko.get(f"/campaigns/{c['id']}/envelopes/{e['id']}").json()
    assert got["state"] == "posted"
    report = got["address"]["delivery_report"]
    assert [(r["phone_number"], r["status"], r["status_reason"]) for r in report] == [
        ("+46000000000", "Delivered", ""),
        ("+46000000ABC", "Failed", "Invalid destination number"),
    ]
    assert isinstance(report[0]["id"], int) and report[1]["id"] == report[0]["id"] + 1


def test_timeline_is_configurable():
    from helpers import document

    from mockpost.testing import Mockpost

    with Mockpost(options={"ekopost": {"print_after": "2h", "post_after": "3h"}}) as mock:
        mock.clock.freeze("2030-03-04T09:00:00Z")
        eko = mock.client("ekopost", headers=KEY)
        c = eko.post("/campaigns", json={"name": "x"}).json()
        e = eko.post(f"/campaigns/{c['id']}/envelopes", json={"address": POSTAL}).json()
        eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/content", json=document())
        eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/close")
        eko.post(f"/campaigns/{c['id']}/close")
        mock.clock.advance(duration="5h")
        assert eko.get(f"/campaigns/{c['id']}").json()["state"] == "completed"
