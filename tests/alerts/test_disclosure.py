"""What an alert may say about the other side of a match (DESIGN.md, Security).

Given/when/then through the real write path: reports are posted with the
service, matched in-process as the worker would, and the alerts are read
through the API as their recipients read them.
"""

import json

import pytest

from apps.alerts.models import Alert

RED_NAME = "Dimitrios Konstantinidis-Vlachos"
GR_NAME = "Dimitris Konstantinidis"


def alerts_of(api_as, officer) -> list[dict]:
    response = api_as(officer).get("/api/v1/alerts/")
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.parametrize("handling", ["red", "amber", "amber+strict"])
def test_a_fuzzy_alert_never_names_the_person_of_a_report_the_recipient_may_not_read(
    world, post, api_as, handling
):
    # given: AL names a person in the Balkan room (GR is no member), then GR names a similar one
    hidden = post(
        world.al_officer, world.balkan, "intel", handling=handling, body="Courier identified.",
        people=[{"name": RED_NAME, "date_of_birth": "1975-03-04"}],
    )  # fmt: skip
    mine = post(
        world.gr_officer, world.postal, "intel", body="Recipient of a parcel.",
        people=[{"name": GR_NAME, "date_of_birth": "1975-03-04"}],
    )  # fmt: skip
    assert api_as(world.gr_officer).get(f"/api/v1/reports/{hidden.pk}/").status_code == 404

    # when
    (alert,) = alerts_of(api_as, world.gr_officer)

    # then: hit/no-hit of the hidden side, and the officer's own name only
    match = alert["match"]
    assert match["kind"] == "fuzzy"
    assert match["selector"] == {"type": "person", "value": GR_NAME}
    by_id = {r["id"]: r for r in match["reports"]}
    assert by_id[hidden.pk] == {
        "id": hidden.pk, "agency": "Albanian Police", "country": "AL", "handling": handling,
    }  # fmt: skip
    assert by_id[mine.pk]["people"][0]["name"] == GR_NAME
    assert match["score"] is None
    assert "Vlachos" not in json.dumps(alert)
    assert "Dimitrios" not in json.dumps(alert)


def test_the_coordinator_reads_both_names_and_the_reasons(world, post, api_as):
    # given
    post(world.al_officer, world.balkan, "intel", handling="red",
         people=[{"name": RED_NAME, "date_of_birth": "1975-03-04"}])  # fmt: skip
    post(world.gr_officer, world.postal, "intel",
         people=[{"name": GR_NAME, "date_of_birth": "1975-03-04"}])  # fmt: skip

    # when
    (alert,) = alerts_of(api_as, world.coordinator)

    # then
    assert alert["match"]["values"] == [RED_NAME, GR_NAME]
    assert alert["match"]["score"] > 0.8
    assert any("Vlachos" in reason for reason in alert["match"]["reasons"])


def test_an_exact_alert_shows_the_shared_value_to_a_reader_of_either_side(world, post, api_as):
    # given: the same phone in a red AL report and a green GR report
    hidden = post(world.al_officer, world.balkan, "intel", handling="red",
                  body="Call +30 694 123 4567 at night.")  # fmt: skip
    post(world.gr_officer, world.postal, "intel", body="Phone 6941234567 on the parcel.")

    # when
    (alert,) = alerts_of(api_as, world.gr_officer)

    # then: the value is in GR's own report; nothing else of AL's
    match = alert["match"]
    assert match["selector"] == {"type": "phone", "value": "+306941234567"}
    assert match["reasons"] == ["same phone in a report held by Albanian Police (AL)"]
    assert "at night" not in json.dumps(alert)
    assert {
        r["id"] for r in match["reports"] if set(r) == {"id", "agency", "country", "handling"}
    } == {hidden.pk}


def test_a_coordinator_role_elsewhere_is_told_nothing(world, post):
    # given: a French officer with the coordinator role whose agency takes part
    # in no operation as a coordinating body
    from tests.factories import OfficerFactory, take_part

    take_part(world.operation, world.fr_officer.agency)
    outsider = OfficerFactory(username="fr.coordinator", agency=world.fr_officer.agency,
                              role="coordinator")  # fmt: skip
    post(world.al_officer, world.balkan, "intel", handling="red", body="Call +306941234567.")
    post(world.gr_officer, world.postal, "intel", body="Phone +306941234567.")

    # then
    assert not Alert.objects.filter(officer=outsider).exists()
    assert Alert.objects.filter(officer=world.coordinator).count() == 1


def test_an_officer_is_not_alerted_about_a_pair_of_their_own_reports(world, post):
    # given: GR posts the same phone twice; BG posts it once
    first = post(world.gr_officer, world.postal, "intel", body="Phone +306941234567.")
    post(world.gr_officer, world.postal, "intel", body="Again +306941234567.")

    # then: GR's own pair alerts the others concerned (liaison, coordinator), not GR
    concerned = set(
        Alert.objects.filter(match__report_a=first).values_list("officer__username", flat=True)
    )
    assert concerned == {"gr.liaison", "coordinator"}
