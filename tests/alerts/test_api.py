"""The alert inbox over REST: filters by state, match kind, room and country, and paging.

Alerts come from the real write path (reports posted with the service and matched
in-process); a filter must never tell an officer more than the alerts themselves show.
"""

import pytest

from apps.alerts.models import Alert, AlertState

PHONE_GR, PHONE_BG = "6941234567", "+30 694 123 4567"
PHONE_2 = "+30 697 765 4321"
NAME_A, NAME_B = "Dimitrios Konstantinidis-Vlachos", "Dimitris Konstantinidis"


@pytest.fixture
def inbox(world, post):
    """GR's alerts: an exact one with BG (postal), an exact one with a red AL report
    (balkan, GR may not read it) and a fuzzy one with a green AL report (balkan)."""
    bg = post(world.bg_officer, world.postal, "intel", body=f"Phone {PHONE_BG}.")
    red = post(world.al_officer, world.balkan, "intel", handling="red", body=f"Call {PHONE_2}.")
    green = post(
        world.al_officer, world.balkan, "intel", handling="green",
        people=[{"name": NAME_A, "date_of_birth": "1975-03-04"}],
    )  # fmt: skip
    gr = post(
        world.gr_officer, world.postal, "intel", body=f"Phone {PHONE_GR}, also {PHONE_2}.",
        people=[{"name": NAME_B, "date_of_birth": "1975-03-04"}],
    )  # fmt: skip
    return {"bg": bg, "red": red, "green": green, "gr": gr}


def ids_of_other(response, mine) -> set[int]:
    """The report on the other side of each alert in a page."""
    assert response.status_code == 200, response.content
    return {
        r["id"]
        for alert in response.json()["results"]
        for r in alert["match"]["reports"]
        if r["id"] != mine.pk
    }


def test_without_filters_the_officer_gets_every_alert_of_theirs(world, api_as, inbox):
    response = api_as(world.gr_officer).get("/api/v1/alerts/")
    assert response.json()["count"] == 3
    assert ids_of_other(response, inbox["gr"]) == {
        inbox["bg"].pk, inbox["red"].pk, inbox["green"].pk
    }  # fmt: skip


def test_kind_filters_exact_and_fuzzy(world, api_as, inbox):
    client = api_as(world.gr_officer)
    exact = client.get("/api/v1/alerts/?kind=exact")
    fuzzy = client.get("/api/v1/alerts/?kind=fuzzy")
    assert ids_of_other(exact, inbox["gr"]) == {inbox["bg"].pk, inbox["red"].pk}
    assert ids_of_other(fuzzy, inbox["gr"]) == {inbox["green"].pk}


def test_state_filters_new_and_acknowledged(world, api_as, inbox):
    # given: GR acknowledges the alert about the BG report
    client = api_as(world.gr_officer)
    about_bg = Alert.objects.get(officer=world.gr_officer, match__report_a=inbox["bg"])
    assert client.post(f"/api/v1/alerts/{about_bg.pk}/ack/").status_code == 200

    # when
    acknowledged = client.get("/api/v1/alerts/?state=acknowledged")
    new = client.get("/api/v1/alerts/?state=new")

    # then
    assert [a["id"] for a in acknowledged.json()["results"]] == [about_bg.pk]
    assert ids_of_other(new, inbox["gr"]) == {inbox["red"].pk, inbox["green"].pk}
    assert all(a["state"] == AlertState.NEW for a in new.json()["results"])


def test_country_filters_on_either_report_of_the_pair(world, api_as, inbox):
    client = api_as(world.gr_officer)
    assert ids_of_other(client.get("/api/v1/alerts/?country=al"), inbox["gr"]) == {
        inbox["red"].pk, inbox["green"].pk
    }  # fmt: skip
    assert ids_of_other(client.get("/api/v1/alerts/?country=BG"), inbox["gr"]) == {inbox["bg"].pk}
    assert client.get("/api/v1/alerts/?country=GR").json()["count"] == 3
    assert client.get("/api/v1/alerts/?country=FR").json()["count"] == 0


def test_a_room_filter_counts_only_reports_the_officer_may_read(world, api_as, inbox):
    # given: GR's agency is no member of the Balkan room; the red AL report there is a stub to GR
    client = api_as(world.gr_officer)
    assert client.get(f"/api/v1/reports/{inbox['red'].pk}/").status_code == 404

    # when
    balkan = client.get(f"/api/v1/alerts/?room={world.balkan.pk}")

    # then: the green AL report (readable) counts, the red one does not
    assert balkan.json()["count"] == 1
    assert ids_of_other(balkan, inbox["gr"]) == {inbox["green"].pk}
    # the red report's stub shows no room, and its alert is still in the unfiltered inbox
    (red_alert,) = [
        a for a in client.get("/api/v1/alerts/").json()["results"]
        if inbox["red"].pk in {r["id"] for r in a["match"]["reports"]}
    ]  # fmt: skip
    stub = next(r for r in red_alert["match"]["reports"] if r["id"] == inbox["red"].pk)
    assert "room" not in stub


def test_the_coordinator_who_may_read_the_red_report_finds_it_by_room(world, api_as, inbox):
    balkan = api_as(world.coordinator).get(f"/api/v1/alerts/?room={world.balkan.pk}")
    assert balkan.status_code == 200
    shown = {r["id"] for a in balkan.json()["results"] for r in a["match"]["reports"]}
    assert inbox["red"].pk in shown


def test_an_officer_never_sees_anothers_alerts_through_filters(world, api_as, inbox):
    # FR takes no part in the operation and has no alerts, whatever the filter
    client = api_as(world.fr_officer)
    for query in ("", "?country=GR", f"?room={world.postal.pk}", "?kind=exact", "?state=new"):
        response = client.get(f"/api/v1/alerts/{query}")
        assert response.status_code == 200
        assert response.json()["count"] == 0


def test_alerts_are_paged_as_the_other_lists(world, api_as, inbox):
    client = api_as(world.gr_officer)
    first = client.get("/api/v1/alerts/?page_size=2").json()
    second = client.get("/api/v1/alerts/?page_size=2&page=2").json()
    assert first["count"] == second["count"] == 3
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert first["next"] is not None and second["next"] is None
    seen = [a["id"] for a in first["results"] + second["results"]]
    assert len(set(seen)) == 3
    # newest first across pages
    assert seen == sorted(seen, reverse=True)


def test_filters_and_paging_combine(world, api_as, inbox):
    response = api_as(world.gr_officer).get("/api/v1/alerts/?kind=exact&country=AL&page_size=1")
    assert response.json()["count"] == 1
    assert ids_of_other(response, inbox["gr"]) == {inbox["red"].pk}


@pytest.mark.parametrize(
    "query, field",
    [
        ("state=unread", "state"),
        ("kind=similar", "kind"),
        ("room=balkan", "room"),
        ("room=0", "room"),
        ("country=Greece", "country"),
        ("country=%00", "country"),
        ("page=abc", "page"),
        ("page_size=-1", "page_size"),
    ],
)
def test_a_bad_filter_value_gets_a_field_error(world, api_as, query, field):
    response = api_as(world.gr_officer).get(f"/api/v1/alerts/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_alert_names_the_rooms_of_the_reports_it_shows_in_full(world, api_as, inbox):
    # when
    alerts = api_as(world.gr_officer).get("/api/v1/alerts/").json()["results"]

    # then: the green AL report's room is named, the red one's (a stub) is not
    by_other = {
        next(r["id"] for r in a["match"]["reports"] if r["id"] != inbox["gr"].pk): a for a in alerts
    }
    postal = {"id": world.postal.pk, "name": "Postal hubs"}
    balkan = {"id": world.balkan.pk, "name": "Balkan route"}
    assert by_other[inbox["green"].pk]["rooms"] == sorted([postal, balkan], key=lambda r: r["id"])
    assert by_other[inbox["red"].pk]["rooms"] == [postal]
    assert by_other[inbox["bg"].pk]["rooms"] == [postal]
