"""Bad input gets a 400 that names the field, and changes nothing."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ..factories import report_data

SET_BY_SERVER = ["Set by the server; do not send it."]


def future(days: int = 1) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


def hit(**seizure) -> dict:
    return report_data("hit", seizures=[{"category": "firearm", "quantity": 1, **seizure}])


def intel(**fields) -> dict:
    return report_data("intel", body="", **fields)


# (case, the report as posted, the error keys of the answer)
BAD_REPORTS = [
    ("missing client_id", without(report_data(), "client_id"), {"client_id"}),
    ("client_id not a uuid", report_data(client_id="not-a-uuid"), {"client_id"}),
    ("unknown kind", report_data(kind="seizure"), {"kind"}),
    ("unknown handling", report_data(handling="TLP:RED"), {"handling"}),
    ("check without outcome", report_data("check", outcome=""), {"outcome"}),
    ("hit without seizures", report_data("hit", seizures=[]), {"seizures"}),
    ("quantity 0", hit(quantity=0), {"seizures[0].quantity"}),
    ("negative quantity", hit(quantity=-3), {"seizures[0].quantity"}),
    ("quantity a string", hit(quantity="many"), {"seizures[0].quantity"}),
    ("unknown seizure category", hit(category="grenade"), {"seizures[0].category"}),
    (
        "second seizure line bad",
        report_data("hit", seizures=[{"category": "firearm", "quantity": 1},
                                     {"category": "ammunition", "quantity": 0}]),
        {"seizures[1].quantity"},
    ),  # fmt: skip
    ("country XX", report_data(location={"country": "XX"}), {"location.country"}),
    ("country Greece", report_data(location={"country": "Greece"}), {"location.country"}),
    ("parcel origin XX", intel(parcel={"origin_country": "XX"}), {"parcel.origin_country"}),
    ("lat 91", report_data(location={"lat": 91, "lon": 23.6}), {"location.lat"}),
    ("lat without lon", report_data(location={"lat": 37.9}), {"location"}),
    ("weight_g 0", intel(parcel={"weight_g": 0}), {"parcel.weight_g"}),
    ("occurred_at in the future", report_data(occurred_at=future()), {"occurred_at"}),
    (
        "date_of_birth in the future",
        intel(people=[{"name": "Nikos Pappas", "date_of_birth": future(400)[:10]}]),
        {"people[0].date_of_birth"},
    ),
    (
        "sender date_of_birth in the future",
        intel(parcel={"sender": {"name": "A B", "date_of_birth": future(400)[:10]}}),
        {"parcel.sender.date_of_birth"},
    ),
    ("party with nothing in it", intel(people=[{"name": ""}]), {"people[0]"}),
    ("S10 check digit wrong", intel(parcel={"tracking_number": "RR123456784US"}), {"parcel.tracking_number"}),
    ("phone invalid", intel(people=[{"phone": "12"}]), {"people[0].phone"}),
    ("email invalid", intel(people=[{"email": "not-an-email"}]), {"people[0].email"}),
    (
        "recipient phone invalid",
        intel(parcel={"recipient": {"phone": "12"}}),
        {"parcel.recipient.phone"},
    ),
    ("unknown selector type", intel(selectors=[{"type": "shoe_size", "value": "44"}]), {"selectors[0].type"}),
    ("selector value invalid", intel(selectors=[{"type": "phone", "value": "abc"}]), {"selectors[0].value"}),
    ("selector without value", intel(selectors=[{"type": "email"}]), {"selectors[0].value"}),
    ("server field author", report_data(author="someone.else"), {"author"}),
    ("server field seq", report_data(seq=1), {"seq"}),
    ("server field country", report_data(country="DE"), {"country"}),
    ("unknown field", report_data(colour="red"), {"colour"}),
    ("unknown nested field", intel(parcel={"tracking_number": "", "colour": "red"}), {"parcel.colour"}),
    ("body too long", report_data(body="x" * 20_001), {"body"}),
    ("too many seizures", report_data("hit", seizures=[{"category": "other", "quantity": 1}] * 101), {"seizures"}),
    ("recipients on a non-red report", report_data(handling="amber", recipients=["bg.officer"]), {"recipients"}),
    ("unknown recipient", report_data(handling="red", recipients=["nobody"]), {"recipients[0]"}),
    ("recipient name too long", report_data(handling="red", recipients=["x" * 151]), {"recipients[0]"}),
    ("amends not a number", report_data(amends="yesterday"), {"amends"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "keys"),
    [(data, keys) for _, data, keys in BAD_REPORTS],
    ids=[c for c, _, _ in BAD_REPORTS],
)
def test_bad_report_gets_400_naming_the_field_and_writes_nothing(world, api_as, rows, data, keys):
    # given
    before = rows()

    # when
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", data, format="json"
    )

    # then
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == keys
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)
    assert rows() == before


def test_server_fields_are_named_as_set_by_the_server(world, api_as, rows):
    # given
    before = rows()
    data = report_data(author="bg.officer", seq=7, country="BG")

    # when
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", data, format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "author": SET_BY_SERVER,
        "country": SET_BY_SERVER,
        "seq": SET_BY_SERVER,
    }
    assert rows() == before


def test_an_unknown_field_is_named_as_unknown(world, api_as, rows):
    # given
    before = rows()

    # when
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", report_data(colour="red"), format="json"
    )

    # then
    assert (response.status_code, response.json()) == (400, {"colour": ["Unknown field."]})
    assert rows() == before


@pytest.mark.parametrize(
    "body",
    [json.dumps([report_data()]), json.dumps("a report"), json.dumps(42), "null"],
    ids=["a list", "a string", "a number", "null"],
)
def test_a_body_that_is_not_an_object_gets_400_and_writes_nothing(world, api_as, rows, body):
    # given
    before = rows()

    # when
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", body, content_type="application/json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["A report is a JSON object."]}
    assert rows() == before


def test_malformed_json_gets_400_and_writes_nothing(world, api_as, rows):
    # given
    before = rows()

    # when
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/",
        '{"kind": "update",',
        content_type="application/json",
    )

    # then
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert rows() == before


def test_amending_a_report_one_may_not_read_gets_400_and_writes_nothing(world, api_as, post, rows):
    # given: a red report in the same room, not addressed to gr.officer
    secret = post(world.bg_officer, world.postal, handling="red", body="Only for the coordinators.")
    before = rows()

    # when
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", report_data(amends=secret.pk), format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {"amends": [f"No report {secret.pk} that you may read in this room."]}
    assert "Only for the coordinators." not in response.content.decode()
    assert rows() == before


def test_every_bad_field_is_named_at_once(world, api_as, rows):
    # given
    before = rows()
    data = report_data(
        "hit",
        handling="amber",
        location={"country": "XX", "lat": 91, "lon": 0},
        seizures=[{"category": "grenade", "quantity": 0}],
        parcel={"weight_g": 0},
    )

    # when
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", data, format="json"
    )

    # then
    assert response.status_code == 400
    assert set(response.json()) == {
        "location.country", "location.lat", "seizures[0].category", "seizures[0].quantity",
        "parcel.weight_g",
    }  # fmt: skip
    assert rows() == before


def test_a_request_body_over_the_upload_limit_gets_a_json_400_and_writes_nothing(
    world, api_as, rows, settings
):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = rows()

    # when
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", report_data(body="x" * 10_001), format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The request body is too large."]}
    assert rows() == before
