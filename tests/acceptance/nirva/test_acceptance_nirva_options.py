"""Channel options (advanced mode): option types, options, and choosing them in a job."""

from __future__ import annotations

from nirva_acceptance_client import PARIS, assert_error, letters


def option_types(nirva):
    response = nirva.get("/options/type")
    assert response.status_code == 200
    return response.json()


def options(nirva):
    response = nirva.get("/options")
    assert response.status_code == 200
    return response.json()


def test_option_types_are_an_array_of_name_and_id(nirva):
    types = option_types(nirva)
    assert isinstance(types, list)
    names = {t["name"] for t in types}
    assert {"printMode", "envelopeType"} <= names
    assert all(t["id"] is not None for t in types)


def test_options_carry_value_id_and_their_option_type(nirva):
    types = {t["name"]: t["id"] for t in option_types(nirva)}
    listed = options(nirva)
    assert isinstance(listed, list)
    by_value = {o["value"]: o for o in listed}
    assert {"1SIDE", "2SIDE", "C4P"} <= set(by_value)
    # ambiguous: the related option type's field name is not documented; the spec's shape is `optionType`
    assert by_value["2SIDE"]["optionType"]["id"] == types["printMode"]
    assert by_value["1SIDE"]["optionType"]["name"] == "printMode"
    assert by_value["C4P"]["optionType"]["name"] == "envelopeType"
    assert len({o["id"] for o in listed}) == len(listed)


def test_chosen_option_ids_show_on_the_pack_groups(nirva):
    two_sided = next(o for o in options(nirva) if o["value"] == "2SIDE")
    job = nirva.create_job(letters(PARIS), options=[two_sided["id"]])
    nirva.wait_job(nirva.job_id(job), "PACK_GROUP_CREATED", "CREATED")
    groups = nirva.pack_groups(nirva.job_id(job))
    assert groups
    for group in groups:
        # ambiguous: how options appear on a packGroup is not documented; look for the chosen id anywhere
        assert str(two_sided["id"]) in str(group["options"]) or "2SIDE" in str(group["options"])


def test_unknown_option_id_is_400(nirva):
    response = nirva.send_letter(jobName="x", options=[987654321])
    assert_error(response, 400)


def test_options_need_a_token(clocked):
    assert_error(clocked.client("nirva").get("/options/type"), 401)
