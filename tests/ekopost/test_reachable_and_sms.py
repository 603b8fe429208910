from helpers import KEY, error_code


def test_reachable_echoes_the_recipient(eko):
    assert eko.post("/reachable/einbox", json={"recipient": "198001011234"}).json() == {
        "recipient": "198001011234"
    }
    ebank = eko.post("/reachable/ebank", json={"recipient": "19800101xxxx"})
    assert ebank.status_code == 200 and ebank.json() == {"recipient": "19800101xxxx.BNK.SE"}
    assert (
        eko.post("/reachable/einvoice", json={"recipient": "556838-4118"}).json()["recipient"]
        == "556838-4118"
    )


def test_unreachable_recipients_are_a_bare_404(eko, control):
    response = eko.post("/reachable/einbox", json={"recipient": "198001010000"})
    assert response.status_code == 404 and response.content == b""
    control.put("/_mockpost/ekopost/account", json={"unreachable": ["197001011234"]}, headers=KEY)
    assert eko.post("/reachable/ebank", json={"recipient": "197001011234"}).status_code == 404


def test_reachable_search_errors(eko):
    assert error_code(eko.post("/reachable/einbox")) == "114"
    assert error_code(eko.post("/reachable/einbox", json={"sender": "x"})) == "114"
    assert error_code(eko.post("/reachable/einbox", json={"recipient": 1980})) == "115"
    assert error_code(eko.post("/reachable/fax", json={"recipient": "1"})) == "115"


def test_ebank_list_lists_applicants_of_a_registered_fui(eko):
    listed = eko.post("/reachable/ebank_list", json={"sender": "0000001.000002.SEB.SE"})
    assert listed.status_code == 200
    assert listed.json() == [
        {"identifier": "19800101xxxx", "address": "19800101xxxx.BNK.SE", "reachable": True},
        {"identifier": "19830704xxxx", "address": "19830704xxxx.BNK.SE", "reachable": True},
    ]
    assert error_code(eko.post("/reachable/ebank_list", json={"sender": "9999999.000001.SEB.SE"})) == "124"
    assert error_code(eko.post("/reachable/ebank_list", json={"sender": "0000001.000003.SEB.SE"})) == "125"
    assert error_code(eko.post("/reachable/ebank_list", json={})) == "114"


def test_einvoice_ready_echoes_and_explains(eko):
    ok = eko.post(
        "/reachable/einvoiceready", json={"ReceiverCin": "800101xxxx", "SenderCin": "800102xxxx"}
    ).json()
    assert ok == {"ReceiverCin": "800101xxxx", "SenderCin": "800102xxxx", "Success": True, "ErrorMessage": ""}
    missing = eko.post("/reachable/einvoiceready", json={"ReceiverCin": "800101xxxx"}).json()
    assert missing["Success"] is False and "SenderCin or SenderGln" in missing["ErrorMessage"]
    unreachable = eko.post(
        "/reachable/einvoiceready", json={"ReceiverCin": "800101-0000", "SenderCin": "800102xxxx"}
    )
    assert unreachable.json()["Success"] is False
    assert error_code(eko.post("/reachable/einvoiceready")) == "114"


def test_direct_sms_answers_as_documented_and_is_sent(frozen, eko):
    body = {
        "From": "Ekopost",
        "Recipient": "+4673123456",
        "Text": "Direkt sms",
        "Title": "A direct sms campaign",
        "Cost_Center": "Direct cost center",
    }
    response = eko.post("/sms/", json=body)
    assert response.status_code == 200
    sent = response.json()
    assert sent == {
        "campaign_id": sent["campaign_id"],
        "envelope_id": sent["envelope_id"],
        "error": "",
        "from": "Ekopost",
        "recipient": "+4673123456",
        "text": "Direkt sms",
        "title": "A direct sms campaign",
        "cost_center": "Direct cost center",
    }
    envelope_path = f"/campaigns/{sent['campaign_id']}/envelopes/{sent['envelope_id']}"
    assert eko.get(envelope_path).json()["state"] == "transferred"
    frozen.clock.advance(duration="10m")
    posted = eko.get(envelope_path).json()
    assert posted["state"] == "posted"
    assert posted["address"]["delivery_report"][0]["status"] == "Delivered"
    assert eko.get(f"/campaigns/{sent['campaign_id']}").json()["state"] == "completed"


def test_direct_sms_validation(eko):
    base = {"From": "Ekopost", "Recipient": "+4673123456", "Text": "hi"}
    assert error_code(eko.post("/sms", json={**base, "From": ""})) == "133"
    assert error_code(eko.post("/sms", json={**base, "Recipient": None})) == "132"
    assert error_code(eko.post("/sms", json={**base, "Recipient": "073123456"})) == "131"
    assert error_code(eko.post("/sms", json={**base, "Text": ""})) == "129"
    assert error_code(eko.post("/sms", json={**base, "From": "MuchTooLongName"})) == "135"
    assert eko.get("/campaigns").json() == []  # nothing half-created


def test_ebank_list_answers_only_reachable_applicants_and_404_when_none_is(eko, control):
    fui = {"sender": "0000001.000002.SEB.SE"}
    control.put("/_mockpost/ekopost/account", json={"unreachable": ["19800101xxxx"]}, headers=KEY)
    assert eko.post("/reachable/ebank", json={"recipient": "19800101xxxx"}).status_code == 404
    assert eko.post("/reachable/ebank_list", json=fui).json() == [
        {"identifier": "19830704xxxx", "address": "19830704xxxx.BNK.SE", "reachable": True}
    ]
    control.put(
        "/_mockpost/ekopost/account", json={"unreachable": ["19800101xxxx", "19830704xxxx"]}, headers=KEY
    )
    nobody = eko.post("/reachable/ebank_list", json=fui)
    assert nobody.status_code == 404 and nobody.content == b""  # as documented, like the single check


def test_the_documented_ebank_list_sample_with_its_trailing_comma_is_accepted(eko):
    sample = b'{\n    "sender": "0000001.000002.SEB.SE",\n}'  # the reference's own sample request
    listed = eko.post("/reachable/ebank_list", content=sample, headers={"Content-Type": "application/json"})
    assert listed.status_code == 200 and len(listed.json()) == 2
    in_text = b'{"recipient": "1980,}0101xxxx", }'  # a comma inside a string is data
    assert eko.post("/reachable/einbox", content=in_text).json() == {"recipient": "1980,}0101xxxx"}
    signers = (  # the einbox_signer sample's trailing commas, inside arrays and nested objects
        b'{"name": "Avtal", "address": {"$type": "einbox_signer", "info_mail": "a@b.se",'
        b' "signers": [{"email": "c@d.se", "recipient": "19800101xxxx", "issuer": true,},],},}'
    )
    campaign = eko.post("/campaigns", json={"name": "c", "output_date": "2030-03-05T12:00:00"}).json()
    assert eko.post(f"/campaigns/{campaign['id']}/envelopes", content=signers).status_code == 200
    for broken in (b'{"sender": }', b'{"sender": "x",,}', b"[,]", b'{"sender" "x"}'):
        refused = eko.post("/reachable/ebank_list", content=broken)
        assert refused.status_code == 400 and refused.json()["error_code"], broken
