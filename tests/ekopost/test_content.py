import base64

import pytest
from helpers import attachment, document, error_code, markup, sms_text

PDF = document()


def content_path(c, e):
    return f"/campaigns/{c['id']}/envelopes/{e['id']}/content"


@pytest.fixture
def target(campaign, envelope):
    c = campaign()
    return c, envelope(c["id"], content=None)


def test_create_and_get_document(eko, target):
    c, e = target
    created = eko.post(content_path(c, e), json={**PDF, "return_address": "true"}).json()
    assert set(created) == {"id", "mime", "length", "type", "created_at", "return_address"}
    assert (
        created["type"] == "document"
        and created["length"] == PDF["length"]
        and created["return_address"] is True
    )
    assert eko.get(content_path(c, e) + f"/{created['id']}").json() == created


def test_unknown_content_is_a_404(eko, target):
    c, e = target
    assert eko.get(content_path(c, e) + "/d2c5fedd-0749-482c-94b9-7f13bd442a04").status_code == 404


def test_unknown_content_is_a_404_with_the_error_object_its_openapi_promises(eko, target):
    c, e = target
    response = eko.get(content_path(c, e) + "/d2c5fedd-0749-482c-94b9-7f13bd442a04")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"error_code", "error_message", "developer_message"}
    assert "d2c5fedd-0749-482c-94b9-7f13bd442a04" in body["developer_message"]
    operation = eko.get("/openapi.json").json()["paths"][
        "/campaigns/{campaign_id}/envelopes/{envelope_id}/content/{content_id}"
    ]["get"]
    assert "content" in operation["responses"]["404"]


def test_an_unreachable_recipient_is_a_bodiless_404_as_its_openapi_says(eko):
    operation = eko.get("/openapi.json").json()["paths"]["/reachable/{type}"]["post"]
    assert "content" not in operation["responses"]["404"]


def test_one_document_103_and_one_markup_110_but_many_attachments(eko, target):
    c, e = target
    assert eko.post(content_path(c, e), json=PDF).status_code == 200
    assert error_code(eko.post(content_path(c, e), json=PDF)) == "103"
    assert eko.post(content_path(c, e), json=attachment()).status_code == 200
    assert eko.post(content_path(c, e), json=attachment()).status_code == 200
    assert eko.post(content_path(c, e), json=markup()).status_code == 200
    assert error_code(eko.post(content_path(c, e), json=markup())) == "110"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**PDF, "mime": "image/png"}, "104"),
        ({**attachment(), "mime": "text/plain"}, "108"),
        ({**markup(), "mime": "text/xml"}, "109"),
        ({**PDF, "length": PDF["length"] + 1}, "117"),
        ({**attachment(), "length": 1}, "118"),
        ({**markup(), "length": 3}, "127"),
        ({**PDF, "data": ""}, "129"),
        ({**PDF, "data": "%%% not base64 %%%"}, "127"),
        ({**PDF, "type": "poster"}, "127"),
        ({**PDF, "length": "1024"}, "127"),
        ({**PDF, "data": 12}, "127"),
        ({**PDF, "return_address": "maybe"}, "127"),
        (
            {
                "data": base64.b64encode(b"any carnal pleas").decode(),
                "mime": "application/pdf",
                "length": 16,
                "type": "document",
            },
            "107",
        ),
        ({**PDF, "return_address": True, "address": {"$type": "postal", "country": "Narnia"}}, "112"),
        ({**PDF, "address": {"$type": "email", "recipient": "a@b.se"}}, "135"),
    ],
)
def test_content_rules_give_documented_codes(eko, target, body, code):
    c, e = target
    response = eko.post(content_path(c, e), json=body)
    assert response.status_code == 400, response.text
    assert error_code(response) == code


def test_base64_with_line_breaks_is_accepted(eko, target):
    c, e = target
    wrapped = "\n".join(PDF["data"][i : i + 76] for i in range(0, len(PDF["data"]), 76))
    assert eko.post(content_path(c, e), json={**PDF, "data": wrapped}).status_code == 200


def test_content_only_while_the_envelope_is_opened(eko, campaign, envelope):
    c = campaign()
    e = envelope(c["id"])
    eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/close")
    assert error_code(eko.post(content_path(c, e), json=attachment())) == "127"


def test_sms_content_rules(eko, campaign, envelope):
    c = campaign()
    sms = envelope(
        c["id"], address={"$type": "sms", "from_name": "Eko", "recipients": ["+46739112233"]}, content=None
    )
    assert error_code(eko.post(content_path(c, sms), json={**sms_text(), "mime": "application/pdf"})) == "128"
    assert error_code(eko.post(content_path(c, sms), json={**sms_text(), "data": "ab$cd"})) == "130"
    assert error_code(eko.post(content_path(c, sms), json=PDF)) == "127"  # an sms envelope takes sms text
    # the documentation's own sms sample declares length 1024 for 16 bytes: length is not checked for sms
    assert eko.post(content_path(c, sms), json={**sms_text(), "length": 1024}).status_code == 200
    postal = envelope(c["id"], content=None)
    assert error_code(eko.post(content_path(c, postal), json=sms_text())) == "127"
