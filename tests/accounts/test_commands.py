"""The administration commands: create_officer and load_demo."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import Agency, Officer
from apps.dashboard.models import Counter
from apps.operations.models import Operation, Participation, Room, RoomMembership
from apps.reports.management.commands.load_demo import COUNTRIES
from apps.reports.models import Report
from apps.reports.services import report_create

from ..factories import report_data, token_expiry


def create_officer(username: str, **options) -> str:
    out = StringIO()
    arguments = {
        "password": "s3cret-pass", "country": "PT", "agency": "Portuguese Police",
        "kind": "police", "role": "liaison", **options,
    }  # fmt: skip
    call_command("create_officer", username, stdout=out, **arguments)
    return out.getvalue()


# The apps whose tables the commands write to (directly or through report_create).
TOUCHED_APPS = [
    "accounts",
    "authtoken",
    "operations",
    "reports",
    "dashboard",
    "crossmatch",
    "alerts",
]


def every_table() -> dict[str, object]:
    """Row counts of every table the commands touch, the totals and the rooms' seq counters."""
    rows: dict[str, object] = {
        model._meta.label: model.objects.count()
        for label in TOUCHED_APPS
        for model in apps.get_app_config(label).get_models()
    }
    rows["Counter.values"] = sorted(Counter.objects.values_list("scope", "key", "metric", "value"))
    rows["Room.last_seq"] = sorted(Room.objects.values_list("name", "last_seq"))
    rows["Officer.passwords"] = sorted(Officer.objects.values_list("username", "password"))
    return rows


# --- create_officer --------------------------------------------------------------------------


def test_create_officer_creates_the_agency_when_missing(db):
    # given
    assert not Agency.objects.filter(name="Portuguese Police").exists()

    # when
    out = create_officer("pt.liaison", country="pt")

    # then
    officer = Officer.objects.get(username="pt.liaison")
    agency = Agency.objects.get(name="Portuguese Police")
    assert (agency.country_id, agency.kind) == ("PT", "police")
    assert (officer.agency, officer.role, officer.is_active) == (agency, "liaison", True)
    assert officer.check_password("s3cret-pass")
    assert Token.objects.filter(user=officer).count() == 1
    assert out.strip() == "created pt.liaison (liaison, Portuguese Police (PT))"


def test_create_officer_reuses_an_existing_agency(world):
    # given
    agencies = Agency.objects.count()

    # when
    create_officer(
        "gr.second", country="GR", agency="Hellenic Customs", kind="customs", role="officer"
    )

    # then
    assert Agency.objects.count() == agencies
    assert Officer.objects.get(username="gr.second").agency == world.gr_officer.agency


def test_create_officer_with_operation_takes_part_and_joins_every_room(world):
    # given
    code_name = world.operation.code_name

    # when
    create_officer("gr.police", country="GR", agency="Hellenic Police", operation=code_name)

    # then
    officer = Officer.objects.get(username="gr.police")
    assert (
        Participation.objects.filter(operation=world.operation, agency=officer.agency).count() == 1
    )
    assert sorted(
        RoomMembership.objects.filter(agency=officer.agency).values_list("room__name", flat=True)
    ) == ["Balkan route", "Postal hubs"]
    for room in (world.postal, world.balkan):
        assert report_create(room=room, author=officer, data=report_data()).created is True


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"country": "XX"}, "Unknown country code 'XX': use ISO 3166-1 alpha-2."),
        ({"country": "Greece"}, "Unknown country code 'Greece': use ISO 3166-1 alpha-2."),
        ({"operation": "NO SUCH OPERATION"}, "No operation 'NO SUCH OPERATION'."),
    ],
)
def test_create_officer_refuses_bad_input_and_creates_nothing(world, options, message):
    # given
    before = every_table()

    # when
    with pytest.raises(CommandError) as refused:
        create_officer("pt.liaison", **options)

    # then
    assert str(refused.value) == message
    assert every_table() == before


def test_create_officer_refuses_a_duplicate_username_and_creates_nothing(world):
    # given: the new agency named in the command must not be left behind either
    before = every_table()

    # when
    with pytest.raises(CommandError) as refused:
        create_officer("gr.officer", country="PT", agency="Portuguese Police")

    # then
    assert str(refused.value) == "An officer named 'gr.officer' already exists."
    assert every_table() == before
    assert not Agency.objects.filter(name="Portuguese Police").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1x", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("4815162342108", "This password is entirely numeric."),
        ("pt.liaison-1", "The password is too similar to the username."),
    ],
)
def test_create_officer_refuses_a_weak_password_and_creates_nothing(world, password, message):
    # given
    before = every_table()

    # when
    with pytest.raises(CommandError) as refused:
        create_officer("pt.liaison", password=password, operation=world.operation.code_name)

    # then
    assert str(refused.value) == f"Password refused: {message}"
    assert every_table() == before
    assert not Agency.objects.filter(name="Portuguese Police").exists()


@pytest.mark.parametrize("options", [{"kind": "army"}, {"role": "chief"}])
def test_create_officer_refuses_an_unknown_kind_or_role(world, options):
    # given
    before = every_table()

    # when
    with pytest.raises(CommandError) as refused:
        create_officer("pt.liaison", **options)

    # then
    assert "invalid choice" in str(refused.value)
    assert every_table() == before


# --- load_demo -------------------------------------------------------------------------------


def load_demo(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_load_demo_creates_armstrong_vii(db):
    # given
    # when
    out = load_demo()

    # then
    operation = Operation.objects.get(code_name="ARMSTRONG VII")
    assert operation.phase == "action"
    assert (str(operation.starts_on), str(operation.ends_on)) == ("2020-11-16", "2020-11-20")
    assert len(COUNTRIES) == 25
    participants = Agency.objects.filter(participations__operation=operation)
    assert participants.count() == 2 + 2 * 25
    assert set(participants.values_list("country_id", flat=True)) == set(COUNTRIES) | {"BE"}
    assert sorted(participants.filter(kind="coordinator").values_list("name", flat=True)) == [
        "European Commission DG TAXUD", "Europol",
    ]  # fmt: skip
    for code in COUNTRIES:
        assert sorted(participants.filter(country_id=code).exclude(kind="coordinator").values_list(
            "kind", flat=True
        )) == ["customs", "police"], code  # fmt: skip
    assert sorted(operation.rooms.values_list("name", flat=True)) == [
        "Balkan route", "Dark-web vendors", "Postal hubs", "Whole operation",
    ]  # fmt: skip
    whole = operation.rooms.get(name="Whole operation")
    assert whole.members.count() == 52
    assert Officer.objects.count() == 3 + 2 * 25
    assert Officer.objects.get(username="europol.coordinator").role == "coordinator"
    assert Officer.objects.get(username="gr.police").role == "liaison"
    assert Report.objects.count() == 6
    assert sorted(operation.rooms.values_list("name", "last_seq")) == [
        ("Balkan route", 1), ("Dark-web vendors", 0), ("Postal hubs", 4), ("Whole operation", 1),
    ]  # fmt: skip
    assert "armstrong7" in out
    assert "europol.coordinator" in out and "gr.customs" in out


def test_load_demo_twice_changes_nothing(db):
    # given
    load_demo()
    before = every_table()

    # when
    load_demo()

    # then
    assert every_table() == before


def test_load_demo_running_totals_match_the_demo_reports(db):
    # given
    load_demo()
    operation = Operation.objects.get(code_name="ARMSTRONG VII")

    # when
    total = dict(
        Counter.objects.filter(operation=operation, scope="total")
        .values_list("metric")
        .annotate(Sum("value"))
        .order_by()
    )

    # then
    assert total == {
        "reports": 6, "kind.hit": 2, "hits": 2, "kind.intel": 1, "kind.check": 2, "kind.update": 1,
        "items_checked": 642, "outcome.clear": 1, "outcome.suspicious": 1,
        "seized.firearm_part": 2, "seized.ammunition": 150, "seized.other_weapon": 4,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("options", "password"),
    [({}, "armstrong7"), ({"password": "other-demo-pass"}, "other-demo-pass")],
)
def test_demo_credentials_get_a_token(db, options, password):
    # given
    load_demo(**options)

    # when
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "gr.customs", "password": password}, format="json"
    )

    # then
    token = Token.objects.get(user__username="gr.customs")
    assert response.status_code == 200
    assert response.json() == {"token": token.key, "expires_at": token_expiry(token)}


def test_load_demo_refuses_a_weak_password_and_loads_nothing(db):
    # given
    before = every_table()

    # when
    with pytest.raises(CommandError) as refused:
        load_demo(password="zq-7")

    # then
    assert str(refused.value) == (
        "Password refused: This password is too short. It must contain at least 10 characters."
    )
    assert every_table() == before


def test_demo_officers_see_the_demo_reports_through_the_api(db):
    # given
    load_demo()
    token = (
        APIClient()
        .post(
            "/api/v1/auth/token/",
            {"username": "gr.customs", "password": "armstrong7"},
            format="json",
        )
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    postal = Room.objects.get(name="Postal hubs")

    # when
    response = client.get(f"/api/v1/rooms/{postal.pk}/reports/")

    # then
    assert response.status_code == 200
    assert [(r["seq"], r["author"]) for r in response.json()["results"]] == [
        (1, "gr.customs"), (2, "de.customs"), (3, "bg.customs"), (4, "es.customs"),
    ]  # fmt: skip
