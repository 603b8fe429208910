import pytest
from helpers import POSTAL, error_code

ENVELOPE_FIELDS = {
    "id",
    "name",
    "address",
    "postage",
    "plex",
    "color",
    "state",
    "state_changed_at",
    "created_at",
    "transaction",
}


def create(eko, campaign_id, **fields):
    body = {
        "name": "Invoice 9923891",
        "address": POSTAL,
        "postage": "priority",
        "plex": "simplex",
        "color": True,
    }
    return eko.post(f"/campaigns/{campaign_id}/envelopes", json={**body, **fields})


def test_create_returns_the_documented_envelope(eko, campaign):
    c = campaign()
    response = create(eko, c["id"])
    assert response.status_code == 200
    envelope = response.json()
    assert set(envelope) >= ENVELOPE_FIELDS
    assert envelope["state"] == "opened" and envelope["address"]["city"] == "Gothenburg"
    assert envelope["transaction"] == {"state": "completed", "state_changed_at": "2030-03-04T09:00:00"}
    assert "warning" not in envelope
    assert eko.get(f"/campaigns/{c['id']}/envelopes/{envelope['id']}").json() == envelope


def test_null_address_is_postal_with_a_warning(eko, campaign):
    envelope = create(eko, campaign()["id"], address=None).json()
    assert envelope["address"] is None and "missing" in envelope["warning"]


def test_incomplete_postal_address_warns_of_extra_cost(eko, campaign):
    envelope = create(eko, campaign()["id"], address={"$type": "postal", "name": ["A"]}).json()
    assert "extra cost" in envelope["warning"]


def test_defaults_agent_and_unique_id_are_echoed(eko, campaign):
    response = eko.post(
        f"/campaigns/{campaign()['id']}/envelopes",
        json={"name": "n", "address": POSTAL, "agent": "ag", "unique_id": "ext-1"},
    )
    envelope = response.json()
    assert (envelope["postage"], envelope["plex"], envelope["color"]) == ("economy", "simplex", False)
    assert envelope["agent"] == "ag" and envelope["unique_id"] == "ext-1"


def test_unique_id_is_unique_per_account_126(mockpost, eko, campaign):
    c = campaign()
    assert create(eko, c["id"], unique_id="inv-1").status_code == 200
    assert error_code(create(eko, campaign()["id"], unique_id="inv-1")) == "126"
    other = mockpost.client("ekopost", headers={"Authorization": "api-key other"})
    other_campaign = other.post("/campaigns", json={"name": "x"}).json()["id"]
    assert create(other, other_campaign, unique_id="inv-1").status_code == 200


def test_envelopes_only_while_the_campaign_is_opened_121(eko, campaign):
    c = campaign()
    eko.post(f"/campaigns/{c['id']}/cancel")
    assert error_code(create(eko, c["id"])) == "121"


def test_unknown_campaign_or_envelope(eko, campaign):
    assert error_code(create(eko, "nope")) == "106"
    c = campaign()
    missing = eko.get(f"/campaigns/{c['id']}/envelopes/f6aa0f0a-4514-46e5-be2c-539278a58e70")
    assert missing.status_code == 404 and error_code(missing) == "111"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"postage": "express"}, "127"),
        ({"plex": "triplex"}, "127"),
        ({"color": "yes"}, "127"),
        ({"name": 12}, "127"),
        ({"address": "Main street"}, "127"),
        ({"address": {"$type": "pigeon"}}, "127"),
        ({"address": {**POSTAL, "country": "Sweden"}}, "112"),
        ({"address": {**POSTAL, "country": "XX"}}, "112"),
        ({"address": {**POSTAL, "name": "not a list"}}, "135"),
        ({"postage": "rek", "address": {**POSTAL, "name": ["x" * 36]}}, "135"),
        ({"postage": "rek", "address": {**POSTAL, "postal_code": "1234"}}, "135"),
        ({"address": {"$type": "email", "subject": "s"}}, "120"),
        ({"address": {"$type": "email", "recipient": "john doe@example.com"}}, "123"),
        ({"address": {"$type": "email", "recipient": "no-at-sign"}}, "123"),
        ({"address": {"$type": "sms", "recipients": ["+46739112233"]}}, "133"),
        ({"address": {"$type": "sms", "from_name": "Ekopost"}}, "132"),
        ({"address": {"$type": "sms", "from_name": "Ekopost", "recipients": []}}, "132"),
        ({"address": {"$type": "sms", "from_name": "Ekopost", "recipients": ["0739112233"]}}, "131"),
        ({"address": {"$type": "sms", "from_name": "TwelveChars!", "recipients": ["+46739112233"]}}, "135"),
        ({"address": {"$type": "einbox", "subject": "s"}}, "119"),
        ({"address": {"$type": "einbox_kivra", "kivra_type": 1, "recipient": "198001011234"}}, "135"),
        ({"address": {"$type": "einbox_kivra", "kivra_type": 9, "recipient": "198001011234"}}, "135"),
        (
            {
                "address": {
                    "$type": "einbox_kivra",
                    "kivra_type": 3,
                    "recipient": "1",
                    "booking": {"title": "t"},
                }
            },
            "135",
        ),
        ({"address": {"$type": "einbox_signer", "signers": []}}, "122"),
        ({"address": {"$type": "einbox_signer", "signers": [{"recipient": "1"}]}}, "120"),
        (
            {"address": {"$type": "einbox_signer", "signers": [{"email": "a b@c.se", "recipient": "1"}]}},
            "123",
        ),
        ({"address": {"$type": "einbox_signer", "signers": [{"email": "a@c.se"}]}}, "119"),
        (
            {
                "address": {
                    "$type": "einbox_signer",
                    "signers": [
                        {"email": "a@c.se", "recipient": "1", "issuer": True},
                        {"email": "b@c.se", "recipient": "2", "issuer": True},
                    ],
                }
            },
            "135",
        ),
        ({"address": {"$type": "einvoice", "format": "svefaktura-1.0"}}, "119"),
        (
            {
                "address": {
                    "$type": "einvoice",
                    "recipient": "556838-4118",
                    "format": "pdf",
                    "sender": "1",
                    "sender_type": "SE.REGNO",
                    "recipient_type": "SE.REGNO",
                }
            },
            "135",
        ),
        ({"address": {"$type": "lookup"}}, "119"),
        ({"address": {"$type": "ebank", "customer_name": "x"}}, "119"),
        (
            {"address": {"$type": "ebank", "recipient": "5568384118.BNK.SE", "giro_number": "5568-3841"}},
            "135",
        ),
        ({"address": {"$type": "ebank", "recipient": "5568384118.BNK.SE", "reference_type": "iban"}}, "135"),
    ],
)
def test_each_invalid_field_gets_its_documented_code(eko, campaign, fields, code):
    c = campaign()
    response = create(eko, c["id"], **fields)
    assert response.status_code == 400, response.text
    assert error_code(response) == code, response.json()
    assert response.json()["developer_message"]
    assert eko.get(f"/campaigns/{c['id']}").json()["envelope_count"] == 0  # nothing half-created


def test_too_many_sms_recipients_134(eko, campaign):
    many = ["+46739112233"] * 100_001
    response = create(eko, campaign()["id"], address={"$type": "sms", "from_name": "Eko", "recipients": many})
    assert error_code(response) == "134"


VALID_ADDRESSES = [
    {"$type": "email", "subject": "Invoice 9923891", "recipient": "johndoe@johndoe.com"},
    {"$type": "sms", "from_name": "FöretagetAB", "recipients": ["+46739112233", "+46000000ABC"]},
    {"$type": "sms", "from": "Ekopost", "recipients": ["+46739112233"]},
    {"$type": "einbox", "subject": "Invoice 9923891", "recipient": "19800101xxxx"},
    {
        "$type": "einbox_kivra",
        "subject": "Bokning 1543",
        "recipient": "19590422XXXX",
        "kivra_type": 3,
        "booking": {"title": "Välkommen", "start_time": "2021-03-06 15:00", "end_time": "2021-03-06 17:30"},
    },
    {
        "$type": "einbox_kivra",
        "subject": "faktura",
        "recipient": "19830706XXXX",
        "kivra_type": 1,
        "invoice": {
            "reference": "01253679",
            "payable": True,
            "currency": "SEK",
            "due_date": "2021-06-28",
            "total_owed": "123.75",
            "use_ocr": False,
            "use_bg": True,
            "account": "0000-0000",
            "payment_reference": "1234023",
        },
    },
    {
        "$type": "einbox_signer",
        "info_mail": "infoepost@företaget1.com",
        "signers": [
            {"email": "johndoe1@johndoe1.com", "recipient": "19800101xxxx", "issuer": True},
            {"email": "johndoe2@johndoe2.com", "recipient": "19800202xxxx", "issuer": False},
        ],
    },
    {
        "$type": "einvoice",
        "format": "svefaktura-1.0",
        "sender": "556838-4118",
        "sender_type": "SE.REGNO",
        "recipient": "556838-4118",
        "recipient_type": "SE.REGNO",
        "intermediator": None,
    },
    {
        "$type": "ebank",
        "recipient": "5568384118.BNK.SE",
        "customer_number": "556838-4118",
        "customer_name": "No Ink AB",
        "invoice_number": "556838",
        "reference_type": "ocr",
        "reference_value": "0000556838411800",
        "giro_number": "55683841",
        "autogiro": True,
        "amount": 499.99,
        "invoice_date": "2015-01-01T00:00:00",
        "due_date": "2015-01-31T00:00:00",
    },
    {**POSTAL, "use_coverpage": True},
]


@pytest.mark.parametrize("address", VALID_ADDRESSES, ids=lambda a: a["$type"])
def test_the_documentations_own_address_samples_are_accepted(eko, campaign, address):
    response = create(eko, campaign()["id"], address=address)
    assert response.status_code == 200, response.text
    assert response.json()["address"]["$type"] == address["$type"]


def test_lookup_resolves_to_a_stable_postal_address(eko, campaign):
    c = campaign()
    first = create(eko, c["id"], address={"$type": "lookup", "recipient": "18750710XXXX"}).json()["address"]
    second = create(eko, c["id"], address={"$type": "lookup", "recipient": "18750710XXXX"}).json()["address"]
    assert first["$type"] == "postal" and first["country"] == "SE" and first["name"] and first["street"]
    assert first == second


def test_list_envelopes_filters_by_name_and_state(eko, campaign, envelope):
    c = campaign()
    a = envelope(c["id"], name="A")
    b = envelope(c["id"], name="B")
    eko.post(f"/campaigns/{c['id']}/envelopes/{b['id']}/close")
    base = f"/campaigns/{c['id']}/envelopes"
    assert [e["id"] for e in eko.get(base).json()] == [a["id"], b["id"]]
    assert [e["id"] for e in eko.get(base, params={"name": "A"}).json()] == [a["id"]]
    assert [e["id"] for e in eko.get(base, params={"state": "closed"}).json()] == [b["id"]]
    assert error_code(eko.get(base, params={"state": "lost"})) == "115"


def test_close_and_cancel_envelope(eko, campaign, envelope):
    c = campaign()
    e = envelope(c["id"])
    path = f"/campaigns/{c['id']}/envelopes/{e['id']}"
    assert eko.post(path + "/close").status_code == 200
    closed = eko.get(path).json()
    assert (
        closed["state"] == "closed"
        and closed["transaction"]["state_changed_at"] == closed["state_changed_at"]
    )
    assert eko.post(path + "/cancel").status_code == 200
    assert eko.get(path).json()["state"] == "cancelled"
    assert error_code(eko.post(path + "/close")) == "127"


def test_closing_needs_the_right_content(eko, campaign, envelope):
    c = campaign()
    postal = envelope(c["id"], content=None)
    assert error_code(eko.post(f"/campaigns/{c['id']}/envelopes/{postal['id']}/close")) == "100A"
    einvoice = {
        "$type": "einvoice",
        "format": "svefaktura-1.0",
        "sender": "556838-4118",
        "sender_type": "SE.REGNO",
        "recipient": "556838-4118",
        "recipient_type": "SE.REGNO",
    }
    edi = envelope(c["id"], address=einvoice, content=None)
    assert error_code(eko.post(f"/campaigns/{c['id']}/envelopes/{edi['id']}/close")) == "100B"
    sms = envelope(
        c["id"], address={"$type": "sms", "from_name": "Eko", "recipients": ["+46739112233"]}, content=None
    )
    assert error_code(eko.post(f"/campaigns/{c['id']}/envelopes/{sms['id']}/close")) == "129"


def test_credit_limit_per_month_113(mockpost, control, eko, campaign):
    from helpers import KEY

    control.put("/_mockpost/ekopost/account", json={"credit_limit": 2}, headers=KEY)
    c = campaign()
    assert create(eko, c["id"]).status_code == 200
    assert create(eko, c["id"]).status_code == 200
    assert error_code(create(eko, c["id"])) == "113"
    mockpost.clock.set("2030-04-01T00:00:00Z")  # a new month, a new allowance
    fresh = campaign()
    assert create(eko, fresh["id"]).status_code == 200


def test_an_ebank_amount_is_answered_as_text_as_its_field_table_types_it(eko, campaign):
    c = campaign()
    ebank = next(a for a in VALID_ADDRESSES if a["$type"] == "ebank")
    sent_as_number = create(eko, c["id"], address=ebank).json()["address"]
    assert sent_as_number["amount"] == "499.99"  # `amount String` in the ebank object's table
    sent_as_text = create(eko, c["id"], address={**ebank, "amount": "120.50"}).json()["address"]
    assert sent_as_text["amount"] == "120.50"
