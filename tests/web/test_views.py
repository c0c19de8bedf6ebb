"""The web pages through Django's test client: who sees what, set-up, export, escaping."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from apps.accounts.models import Agency, Country
from apps.dashboard.models import Counter
from apps.operations.models import Operation, Participation, Phase, Room, RoomMembership
from apps.reports.models import Report

pytestmark = pytest.mark.django_db

SCRIPT_BODY = '<script>alert("x")</script><img src=x onerror="alert(1)"> & more'
PARCEL = {"tracking_number": "RR123456785US"}


def page_data(response) -> dict:
    """The JSON a page hands its script (json_script), as the browser would parse it."""
    match = re.search(
        r'<script id="page-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.DOTALL,
    )
    assert match, "page has no page-data"
    return json.loads(match.group(1))


def operation_state(operation: Operation) -> dict:
    operation.refresh_from_db()
    return {
        "phase": operation.phase,
        "agencies": sorted(
            Participation.objects.filter(operation=operation).values_list("agency_id", flat=True)
        ),
        "rooms": sorted(Room.objects.filter(operation=operation).values_list("name", flat=True)),
        "memberships": sorted(
            RoomMembership.objects.filter(room__operation=operation).values_list(
                "room_id", "agency_id"
            )
        ),
    }


# --- signing in ----------------------------------------------------------------


def test_pages_ask_anonymous_visitors_to_sign_in(client, world):
    for url in (reverse("home"), reverse("room", args=[world.postal.pk]), reverse("alerts")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_sign_in_then_sign_out(client, world):
    response = client.post(
        reverse("login"), {"username": "gr.officer", "password": "pass-word-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_home_lists_my_operations_and_only_my_rooms(client, world):
    client.force_login(world.gr_officer)

    content = client.get(reverse("home")).content.decode()

    assert world.operation.code_name in content
    assert "Postal hubs" in content
    assert "Balkan route" not in content


# --- the same visibility rule as the API ------------------------------------------------


def test_an_officer_whose_agency_does_not_take_part_gets_404_everywhere(client, world, post):
    report = post(world.gr_officer, world.postal, "update")
    client.force_login(world.fr_officer)
    op = world.operation.pk
    urls = [
        reverse("room", args=[world.postal.pk]),
        reverse("report", args=[report.pk]),
        reverse("operation", args=[op]),
        reverse("dashboard", args=[op]),
        reverse("dashboard-live", args=[op]),
        reverse("results", args=[op]),
        reverse("results-csv", args=[op]),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)


def test_a_room_of_my_operation_that_my_agency_is_not_in_is_403(client, world):
    client.force_login(world.de_officer)

    assert client.get(reverse("room", args=[world.postal.pk])).status_code == 403


def test_the_room_page_shows_only_the_reports_i_may_read(client, world, post):
    green = post(world.bg_officer, world.postal, "update", body="green for all")
    red = post(world.bg_officer, world.postal, "update", handling="red", body="red for nobody")
    client.force_login(world.gr_officer)

    data = page_data(client.get(reverse("room", args=[world.postal.pk])))

    assert [r["id"] for r in data["feed"]] == [green.pk]
    assert red.pk not in [r["id"] for r in data["feed"]]


def test_a_report_i_may_not_read_is_404_on_its_page(client, world, post):
    amber = post(world.gr_officer, world.postal, "update", handling="amber")
    client.force_login(world.al_officer)  # takes part, but is not in the postal room

    assert client.get(reverse("report", args=[amber.pk])).status_code == 404


# --- escaping -------------------------------------------------------------------------------


def test_html_in_a_report_is_escaped_on_its_page(client, world, post):
    report = post(world.gr_officer, world.postal, "update", body=SCRIPT_BODY)
    client.force_login(world.gr_officer)

    content = client.get(reverse("report", args=[report.pk])).content.decode()

    assert SCRIPT_BODY not in content
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=" in content


def test_html_in_a_report_reaches_the_room_script_as_inert_json(client, world, post):
    post(world.gr_officer, world.postal, "update", body=SCRIPT_BODY)
    client.force_login(world.bg_officer)

    response = client.get(reverse("room", args=[world.postal.pk]))

    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert page_data(response)["feed"][0]["body"] == SCRIPT_BODY


def test_html_in_an_agency_name_is_escaped_in_the_header(client, world):
    world.gr_officer.agency.name = "<b>Hellenic</b> Customs"
    world.gr_officer.agency.save()
    client.force_login(world.gr_officer)

    content = client.get(reverse("home")).content.decode()

    assert "<b>Hellenic</b>" not in content
    assert "&lt;b&gt;Hellenic&lt;/b&gt; Customs" in content


# --- alerts --------------------------------------------------------------------------------


def test_the_header_counts_my_new_alerts_on_every_page(client, world, post):
    post(world.gr_officer, world.postal, "hit", parcel=PARCEL)
    post(world.bg_officer, world.postal, "intel", body="Parcel seen", parcel=PARCEL)
    client.force_login(world.gr_officer)

    for url in (reverse("home"), reverse("alerts"), reverse("room", args=[world.postal.pk])):
        content = client.get(url).content.decode()
        assert 'id="alert-count" class="count-badge" data-count="1">1<' in content


def test_the_inbox_says_why_and_hides_what_i_may_not_read(client, world, post):
    hidden = post(
        world.gr_officer,
        world.postal,
        "hit",
        handling="amber",
        body="Pistol in a speaker",
        parcel={"recipient": {"phone": "694 123 4567"}},
    )
    mine = post(world.al_officer, world.balkan, "intel", body="Buyer uses +30 694 123 4567.")
    client.force_login(world.al_officer)

    response = client.get(reverse("alerts"))

    [alert] = page_data(response)["alerts"]
    assert alert["state"] == "new"
    assert alert["match"]["selector"] == {"type": "phone", "value": "+306941234567"}
    assert alert["match"]["reports"][0] == {
        "id": hidden.pk,
        "agency": "Hellenic Customs",
        "country": "GR",
        "handling": "amber",
    }
    assert alert["match"]["reports"][1]["id"] == mine.pk
    assert "Pistol in a speaker" not in response.content.decode()


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_shows_the_running_totals(client, world, post):
    post(world.gr_officer, world.postal, "check", checks_count=40, outcome="hit")
    post(world.gr_officer, world.postal, "hit", seizures=[{"category": "firearm", "quantity": 2}])
    client.force_login(world.coordinator)

    data = page_data(client.get(reverse("dashboard", args=[world.operation.pk])))

    total = data["stats"]["total"]
    assert (
        total["kind.check"],
        total["kind.hit"],
        total["items_checked"],
        total["seized.firearm"],
    ) == (1, 1, 40, 2)
    assert data["stats"]["country"]["GR"]["reports"] == 2
    assert data["labels"]["countries"]["GR"] == "Greece"
    # a check whose outcome was a hit is a hit wherever hits are counted and listed
    assert total["hits"] == 2
    assert [h["kind"] for h in data["live"]["hits"]] == ["hit", "check"]


def test_the_dashboard_does_not_read_more_as_reports_grow(
    client, world, post, django_assert_max_num_queries
):
    client.force_login(world.coordinator)
    url = reverse("dashboard", args=[world.operation.pk])
    post(world.gr_officer, world.postal, "check")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        post(world.bg_officer, world.postal, "check", checks_count=3, outcome="clear")
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)
    # and no query counts or sums over the reports table
    assert not [
        q["sql"] for q in many if re.search(r'(COUNT|SUM)\([^)]*"reports_report"', q["sql"])
    ]


def test_the_latest_hits_are_only_those_i_may_read(client, world, post):
    post(world.bg_officer, world.postal, "hit", handling="red", body="red hit")
    green = post(world.bg_officer, world.postal, "hit", body="green hit")
    client.force_login(world.gr_liaison)  # the pages of liaison officers and coordinators

    live = client.get(reverse("dashboard-live", args=[world.operation.pk])).json()

    assert [h["id"] for h in live["hits"]] == [green.pk]


# --- results and export --------------------------------------------------------------------------------


def test_results_give_the_press_release_totals_by_country(client, world, post):
    post(world.gr_officer, world.postal, "check", checks_count=400, outcome="clear")
    post(
        world.gr_officer,
        world.postal,
        "hit",
        seizures=[
            {"category": "firearm", "quantity": 1},
            {"category": "ammunition", "quantity": 50},
        ],
    )
    post(
        world.bg_officer,
        world.postal,
        "hit",
        seizures=[{"category": "other_weapon", "quantity": 3}],
    )
    client.force_login(world.gr_liaison)  # the pages of liaison officers and coordinators

    response = client.get(reverse("results", args=[world.operation.pk]))

    content = response.content.decode()
    assert response.context["total"]["items_checked"] == 400
    assert response.context["total"]["firearm"] == 1
    assert response.context["total"]["ammunition"] == 50
    assert response.context["total"]["other_weapon"] == 3
    assert [(r["code"], r["hits"]) for r in response.context["by_country"]] == [
        ("BG", 1),
        ("GR", 1),
    ]
    assert "1 firearms" in content and "50 rounds of ammunition" in content


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_holds_only_the_reports_i_may_export(client, world, post):
    green = post(world.bg_officer, world.postal, "update", body="green")
    amber = post(world.bg_officer, world.postal, "update", handling="amber", body="amber")
    post(world.bg_officer, world.postal, "update", handling="amber+strict", body="strict")
    post(
        world.bg_officer,
        world.postal,
        "update",
        handling="red",
        body="red",
        recipients=["gr.officer"],
    )
    post(world.al_officer, world.balkan, "update", handling="amber", body="other room")
    own_red = post(world.gr_officer, world.postal, "update", handling="red", body="my red")
    client.force_login(world.gr_liaison)  # the pages of liaison officers and coordinators

    response = client.get(reverse("results-csv", args=[world.operation.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert [int(r["id"]) for r in rows] == [green.pk, amber.pk]
    assert own_red.pk not in [int(r["id"]) for r in rows]
    assert rows[0]["country"] == "BG" and rows[0]["handling"] == "green"


def test_csv_export_cannot_smuggle_a_spreadsheet_formula(client, world, post):
    post(world.gr_officer, world.postal, "update", body='=HYPERLINK("http://x","click")')
    client.force_login(world.gr_liaison)  # the pages of liaison officers and coordinators

    [row] = csv_rows(client.get(reverse("results-csv", args=[world.operation.pk])))

    assert row["body"] == '\'=HYPERLINK("http://x","click")'


# --- setting up an operation -------------------------------------------------------------------------------


def test_a_coordinator_creates_an_operation_in_the_pages(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("operation-new")).status_code == 200

    response = client.post(
        reverse("operation-new"),
        {
            "code_name": "ARMSTRONG VIII",
            "description": "Next year",
            "starts_on": "2027-11-15",
            "ends_on": "2027-11-19",
        },
    )

    operation = Operation.objects.get(code_name="ARMSTRONG VIII")
    assert response["Location"] == reverse("operation", args=[operation.pk])
    assert operation_state(operation) == {
        "phase": "planning",
        "agencies": [world.coordinator.agency_id],
        "rooms": ["Whole operation"],
        "memberships": [(operation.rooms.get().pk, world.coordinator.agency_id)],
    }


def test_creating_an_operation_checks_the_form(client, world):
    client.force_login(world.coordinator)
    before = Operation.objects.count()

    response = client.post(
        reverse("operation-new"),
        {
            "code_name": world.operation.code_name.lower(),
            "starts_on": "2027-11-19",
            "ends_on": "2027-11-15",
        },
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"code_name", "ends_on"}
    assert Operation.objects.count() == before


def test_a_coordinator_adds_agencies_and_rooms_and_moves_the_phase(client, world):
    client.force_login(world.coordinator)
    op = world.operation
    fr = world.fr_officer.agency

    assert (
        client.post(reverse("operation-agency-add", args=[op.pk]), {"agency": fr.pk}).status_code
        == 302
    )
    response = client.post(
        reverse("operation-agency-new", args=[op.pk]),
        {
            "country": "CY",
            "name": "Cyprus Police",
            "kind": "police",
            "all_rooms": "on",
        },
    )
    assert response.status_code == 302
    cy = Agency.objects.get(name="Cyprus Police", country=Country.objects.get(code="CY"))
    response = client.post(
        reverse("operation-room-new", args=[op.pk]),
        {
            "name": "Dark-web vendors",
            "description": "Vendors and markets",
            "agencies": [fr.pk, cy.pk],
        },
    )
    assert response.status_code == 302
    darkweb = Room.objects.get(operation=op, name="Dark-web vendors")
    response = client.post(
        reverse("room-membership", args=[op.pk, darkweb.pk]), {"agency": cy.pk, "member": "0"}
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("operation-phase", args=[op.pk]), {"phase": "debrief"}).status_code
        == 302
    )

    state = operation_state(op)
    assert state["phase"] == "debrief"
    assert {fr.pk, cy.pk} <= set(state["agencies"])
    assert (world.postal.pk, cy.pk) in state["memberships"]  # all_rooms
    assert (darkweb.pk, fr.pk) in state["memberships"]
    assert (darkweb.pk, cy.pk) not in state["memberships"]


def test_the_phase_never_moves_back(client, world):
    client.force_login(world.coordinator)
    before = operation_state(world.operation)

    response = client.post(
        reverse("operation-phase", args=[world.operation.pk]), {"phase": "planning"}
    )

    assert response.status_code == 400
    assert operation_state(world.operation) == before


def test_an_officer_who_is_not_a_coordinator_cannot_set_up_operations(client, world):
    client.force_login(world.gr_liaison)
    op = world.operation
    before = operation_state(op)
    operations_before = Operation.objects.count()

    responses = [
        client.get(reverse("operation-new")),
        client.post(reverse("operation-new"), {"code_name": "MINE"}),
        client.post(reverse("operation-phase", args=[op.pk]), {"phase": "closed"}),
        client.post(
            reverse("operation-agency-add", args=[op.pk]), {"agency": world.fr_officer.agency_id}
        ),
        client.post(reverse("operation-room-new", args=[op.pk]), {"name": "Mine"}),
        client.post(
            reverse("room-membership", args=[op.pk, world.postal.pk]),
            {"agency": world.bg_officer.agency_id, "member": "0"},
        ),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert operation_state(op) == before
    assert Operation.objects.count() == operations_before
    overview = client.get(reverse("operation", args=[op.pk])).content.decode()
    assert 'id="phase-form"' not in overview
    assert 'id="room-new-form"' not in overview


def test_a_closed_operation_is_read_only_in_the_pages(client, world, post):
    post(world.gr_officer, world.postal, "update", body="before closing")
    client.force_login(world.coordinator)
    assert (
        client.post(
            reverse("operation-phase", args=[world.operation.pk]), {"phase": "closed"}
        ).status_code
        == 302
    )
    op = world.operation
    before = operation_state(op)

    responses = [
        client.post(reverse("operation-phase", args=[op.pk]), {"phase": "closed"}),
        client.post(
            reverse("operation-agency-add", args=[op.pk]), {"agency": world.fr_officer.agency_id}
        ),
        client.post(reverse("operation-room-new", args=[op.pk]), {"name": "After"}),
        client.post(
            reverse("room-membership", args=[op.pk, world.postal.pk]),
            {"agency": world.bg_officer.agency_id, "member": "0"},
        ),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert operation_state(op) == before == {**before, "phase": Phase.CLOSED}
    overview = client.get(reverse("operation", args=[op.pk])).content.decode()
    assert 'id="phase-form"' not in overview and 'id="agency-add-form"' not in overview
    client.force_login(world.gr_officer)
    room = client.get(reverse("room", args=[world.postal.pk]))
    assert room.status_code == 200
    assert 'id="report-form"' not in room.content.decode()
    assert page_data(room)["closed"] is True
    assert [r["body"] for r in page_data(room)["feed"]] == ["before closing"]


def test_set_up_pages_show_the_forms_to_a_coordinator(client, world):
    client.force_login(world.coordinator)

    content = client.get(reverse("operation", args=[world.operation.pk])).content.decode()

    for form_id in ("phase-form", "agency-add-form", "agency-new-form", "room-new-form"):
        assert f'id="{form_id}"' in content


def test_counters_exist_for_what_the_dashboard_shows(world, post):
    """The dashboard reads Counter rows written with each report (sanity of the fixture)."""
    post(
        world.gr_officer, world.postal, "hit", seizures=[{"category": "ammunition", "quantity": 7}]
    )

    assert (
        Counter.objects.get(
            operation=world.operation, scope="total", metric="seized.ammunition"
        ).value
        == 7
    )
    assert Report.objects.count() == 1


def test_dashboard_results_and_export_are_for_coordinators_and_liaison_officers(client, world):
    pages = ["dashboard", "dashboard-live", "results", "results-csv"]

    def answers(officer):
        client.force_login(officer)
        return [client.get(reverse(p, args=[world.operation.pk])).status_code for p in pages]

    assert answers(world.gr_officer) == [403, 403, 403, 403]
    assert answers(world.fr_officer) == [404, 404, 404, 404]
    assert answers(world.gr_liaison) == [200, 200, 200, 200]
    assert answers(world.coordinator) == [200, 200, 200, 200]


def test_a_coordinator_role_reaches_only_the_operations_its_agency_coordinates(client, world, post):
    """Coordination is a role in an operation, never a property of an account."""
    from tests.factories import OfficerFactory, take_part

    # given: French Police takes part (not as a coordinating body); one of its
    # officers has the coordinator role, as `create_officer --role coordinator` makes
    take_part(world.operation, world.fr_officer.agency)
    french = OfficerFactory(username="fr.coordinator", agency=world.fr_officer.agency,
                            role="coordinator")  # fmt: skip
    red = post(world.gr_officer, world.postal, "update", handling="red", body="red")
    op = world.operation
    before = operation_state(op)
    client.force_login(french)

    # when
    responses = [
        client.post(reverse("operation-phase", args=[op.pk]), {"phase": "closed"}),
        client.post(
            reverse("room-membership", args=[op.pk, world.postal.pk]),
            {"agency": french.agency_id, "member": "1"},
        ),
        client.post(reverse("operation-room-new", args=[op.pk]), {"name": "Mine"}),
        client.get(reverse("report", args=[red.pk])),
        client.get(reverse("dashboard", args=[op.pk])),
    ]

    # then
    assert [r.status_code for r in responses] == [403, 403, 403, 404, 403]
    assert operation_state(op) == before
    # while the coordinator of the coordinating body does set it up
    client.force_login(world.coordinator)
    assert client.get(reverse("report", args=[red.pk])).status_code == 200
