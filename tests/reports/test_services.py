"""The report write path: validate, save in one transaction, publish on commit."""

import asyncio
import uuid
from datetime import date

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Sum

from apps.crossmatch.tasks import match_report_task
from apps.dashboard.models import Counter
from apps.operations.models import Phase
from apps.reports import hooks
from apps.reports.models import Parcel, Party, Report, ReportRecipient, Seizure, Selector
from apps.reports.payloads import report_payload
from apps.reports.selectors import report_access, with_details
from apps.reports.services import ReportInvalid, ReportRefused, report_create

from ..factories import OfficerFactory, report_data


@pytest.fixture
def published(monkeypatch):
    """Every (group, event) handed to the channel layer, and every task enqueued."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "apps.core.events.publish", lambda group, event: sent.append((group, event))
    )
    monkeypatch.setattr(match_report_task, "delay", lambda *args: sent.append(("task", args)))
    return sent


def full_hit(**fields) -> dict:
    data = report_data(
        "hit",
        handling="amber",
        body="Pistols hidden in a speaker.",
        occurred_at="2026-11-16T09:30:00Z",
        location={"name": "Athens mail centre", "country": "gr", "site_type": "postal_hub",
                  "lat": 37.94, "lon": 23.65},
        seizures=[{"category": "firearm", "quantity": 2, "description": "pistols"},
                  {"category": "ammunition", "quantity": 50}],
        parcel={"tracking_number": "RR123456785US", "carrier": "USPS", "origin_country": "US",
                "destination_country": "GR", "declared_content": "audio equipment",
                "weight_g": 2300, "sender": {"email": "Sender@Example.org"},
                "recipient": {"phone": "694 123 4567", "date_of_birth": "1980-02-03"}},
        people=[{"name": "Nikos Pappas"}, {"phone": "+49 30 1234567"}],
        selectors=[{"type": "iban", "value": "GR16 0110 1250 0000 0001 2300 695"}],
    )  # fmt: skip
    data.update(fields)
    return data


# --- what is saved ---------------------------------------------------------------------------


def test_report_create_saves_the_report_and_everything_it_carries(world):
    # given
    data = full_hit()

    # when
    posted = report_create(room=world.postal, author=world.gr_officer, data=data)

    # then
    report = Report.objects.get()
    assert posted.created is True
    assert posted.report.pk == report.pk
    assert (report.room, report.seq, str(report.client_id)) == (world.postal, 1, data["client_id"])
    assert (report.kind, report.handling, report.body) == (
        "hit",
        "amber",
        "Pistols hidden in a speaker.",
    )
    assert report.occurred_at.isoformat() == "2026-11-16T09:30:00+00:00"
    assert (report.location_name, report.location_country_id, report.site_type) == (
        "Athens mail centre",
        "GR",
        "postal_hub",
    )
    assert (report.lat, report.lon) == (37.94, 23.65)
    assert list(
        Seizure.objects.values_list("report_id", "category", "quantity", "description")
    ) == [
        (report.pk, "firearm", 2, "pistols"),
        (report.pk, "ammunition", 50, ""),
    ]
    parcel = Parcel.objects.get()
    assert (parcel.report_id, parcel.tracking_number, parcel.carrier) == (
        report.pk,
        "RR123456785US",
        "USPS",
    )
    assert (parcel.origin_country_id, parcel.destination_country_id) == ("US", "GR")
    assert (parcel.declared_content, parcel.weight_g) == ("audio equipment", 2300)
    assert list(
        Party.objects.order_by("role", "position").values_list(
            "role", "position", "name", "phone", "email", "date_of_birth"
        )
    ) == [
        ("person", 0, "Nikos Pappas", "", "", None),
        ("person", 1, "", "+49 30 1234567", "", None),
        ("recipient", 0, "", "694 123 4567", "", date(1980, 2, 3)),
        ("sender", 0, "", "", "Sender@Example.org", None),
    ]
    selectors = set(
        Selector.objects.filter(report=report).values_list("type", "normalised", "source")
    )
    assert {
        ("tracking_number", "RR123456785US", "parcel.tracking_number"),
        ("email", "sender@example.org", "parcel.sender.email"),
        ("phone", "+306941234567", "parcel.recipient.phone"),
        ("person", "nikos pappas", "people[0].name"),
        ("phone", "+49301234567", "people[1].phone"),
        ("iban", "GR1601101250000000012300695", "selectors[0]"),
    } <= selectors
    assert Report.objects.count() == 1


def test_a_failure_inside_the_write_path_writes_nothing_and_loses_no_seq(world, rows, monkeypatch):
    # given: the last step of the transaction (a hook registered after all the
    # others: name index, totals, effectiveness, matching) fails
    before = rows()

    def broken(saved):
        raise RuntimeError("database went away")

    monkeypatch.setitem(hooks._reports_saved, "test.broken", broken)

    # when
    with pytest.raises(RuntimeError):
        report_create(room=world.postal, author=world.gr_officer, data=full_hit())

    # then
    assert rows() == before
    monkeypatch.undo()
    assert (
        report_create(room=world.postal, author=world.gr_officer, data=full_hit()).report.seq == 1
    )


def test_seq_counts_per_room_without_gaps(world, post):
    # given
    # when
    seqs = [
        (room.name, post(author, room).seq)
        for author, room in [
            (world.gr_officer, world.postal),
            (world.al_officer, world.balkan),
            (world.bg_officer, world.postal),
            (world.coordinator, world.balkan),
            (world.coordinator, world.postal),
        ]
    ]

    # then
    assert seqs == [
        ("Postal hubs", 1), ("Balkan route", 1), ("Postal hubs", 2), ("Balkan route", 2),
        ("Postal hubs", 3),
    ]  # fmt: skip
    world.postal.refresh_from_db()
    world.balkan.refresh_from_db()
    assert (world.postal.last_seq, world.balkan.last_seq) == (3, 2)


def test_rejected_and_repeated_posts_use_no_seq(world, post):
    # given
    first = post(world.gr_officer, world.postal)
    with pytest.raises(ReportInvalid):
        post(world.gr_officer, world.postal, kind="check", outcome="")
    with pytest.raises(ReportRefused):
        post(world.de_officer, world.postal)
    report_create(
        room=world.postal, author=world.gr_officer,
        data=report_data(client_id=str(first.client_id)),
    )  # fmt: skip

    # when
    second = post(world.bg_officer, world.postal)

    # then
    assert (first.seq, second.seq) == (1, 2)


# --- idempotency -----------------------------------------------------------------------------


def test_posting_the_same_client_id_again_returns_the_first_report_and_writes_nothing(world, rows):
    # given
    data = full_hit()
    first = report_create(room=world.postal, author=world.gr_officer, data=data)
    before = rows()

    # when
    again = report_create(room=world.postal, author=world.gr_officer, data=dict(data))

    # then
    assert (again.report.pk, again.created) == (first.report.pk, False)
    assert again.report.seq == 1
    assert rows() == before


def test_a_repeated_client_id_keeps_the_first_content(world, rows):
    # given
    client_id = str(uuid.uuid4())
    first = report_create(
        room=world.postal, author=world.gr_officer,
        data=report_data(client_id=client_id, body="first words"),
    )  # fmt: skip
    before = rows()

    # when
    again = report_create(
        room=world.postal, author=world.gr_officer,
        data=report_data(client_id=client_id, body="second words"),
    )  # fmt: skip

    # then
    assert (again.report.pk, again.created, again.report.body) == (
        first.report.pk,
        False,
        "first words",
    )
    assert rows() == before


def test_the_same_client_id_in_another_room_is_invalid(world, rows):
    # given: the coordinator's agency is a member of both rooms
    data = report_data()
    first = report_create(room=world.postal, author=world.coordinator, data=data)
    before = rows()

    # when
    with pytest.raises(ReportInvalid) as refused:
        report_create(room=world.balkan, author=world.coordinator, data=dict(data))

    # then
    assert refused.value.errors == {
        "client_id": [f"Already used for report {first.report.pk} in another room."]
    }
    assert rows() == before


def test_the_same_client_id_from_another_author_is_another_report(world):
    # given
    data = report_data()
    first = report_create(room=world.postal, author=world.gr_officer, data=data)

    # when
    other = report_create(room=world.postal, author=world.bg_officer, data=dict(data))

    # then
    assert other.created is True
    assert other.report.pk != first.report.pk
    assert (other.report.author, other.report.seq) == (world.bg_officer, 2)


# --- identity comes from the server ----------------------------------------------------------


def test_author_agency_and_country_are_set_by_the_server(world):
    # given: a location in another country does not change who reports
    data = report_data(location={"country": "BG", "name": "Kapitan Andreevo"})

    # when
    report = report_create(room=world.postal, author=world.gr_liaison, data=data).report

    # then
    assert report.author == world.gr_liaison
    assert report.agency == world.gr_liaison.agency
    assert (report.country_id, report.location_country_id) == ("GR", "BG")


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("de_officer", "not_member"),  # takes part in the operation, not in the room
        ("fr_officer", "not_member"),  # does not take part at all
        ("al_officer", "not_member"),  # member of the other room only
    ],
)
def test_an_officer_outside_the_room_may_not_post_and_nothing_is_written(world, rows, who, code):
    # given
    before = rows()

    # when
    with pytest.raises(ReportRefused) as refused:
        report_create(room=world.postal, author=getattr(world, who), data=full_hit())

    # then
    assert refused.value.code == code
    assert rows() == before


def test_posting_into_a_closed_operation_is_refused_and_nothing_is_written(world, rows):
    # given
    world.operation.phase = Phase.CLOSED
    world.operation.save(update_fields=["phase"])
    world.postal.refresh_from_db()
    before = rows()

    # when
    with pytest.raises(ReportRefused) as refused:
        report_create(room=world.postal, author=world.gr_officer, data=full_hit())

    # then
    assert refused.value.code == "operation_closed"
    assert rows() == before


def test_an_inactive_officer_may_not_post_and_nothing_is_written(world, rows):
    # given
    world.gr_officer.is_active = False
    world.gr_officer.save(update_fields=["is_active"])
    before = rows()

    # when
    with pytest.raises(ReportRefused) as refused:
        report_create(room=world.postal, author=world.gr_officer, data=full_hit())

    # then
    assert refused.value.code == "forbidden"
    assert rows() == before


def test_an_officer_without_an_agency_may_not_post(world, rows):
    # given
    nobody = OfficerFactory(username="no.agency", agency=None)
    before = rows()

    # when
    with pytest.raises(ReportRefused) as refused:
        report_create(room=world.postal, author=nobody, data=full_hit())

    # then
    assert refused.value.code == "forbidden"
    assert rows() == before


# --- recipients ------------------------------------------------------------------------------


def test_a_red_report_keeps_its_named_recipients_once_each(world):
    # given
    data = report_data(handling="red", recipients=["al.officer", "de.officer", "al.officer"])

    # when
    report = report_create(room=world.postal, author=world.gr_officer, data=data).report

    # then
    assert sorted(ReportRecipient.objects.values_list("report_id", "officer__username")) == [
        (report.pk, "al.officer"),
        (report.pk, "de.officer"),
    ]


@pytest.mark.parametrize(
    ("recipients", "errors"),
    [
        (["nobody"], {"recipients[0]": ["No officer 'nobody' takes part in this operation."]}),
        (
            ["al.officer", "fr.officer"],
            {"recipients[1]": ["No officer 'fr.officer' takes part in this operation."]},
        ),
        (
            ["bg.retired"],
            {"recipients[0]": ["No officer 'bg.retired' takes part in this operation."]},
        ),
    ],
)
def test_recipients_must_be_active_officers_of_the_operation(world, rows, recipients, errors):
    # given
    OfficerFactory(username="bg.retired", agency=world.bg_officer.agency, is_active=False)
    before = rows()

    # when
    with pytest.raises(ReportInvalid) as invalid:
        report_create(
            room=world.postal, author=world.gr_officer,
            data=report_data(handling="red", recipients=recipients),
        )  # fmt: skip

    # then
    assert invalid.value.errors == errors
    assert rows() == before


def test_only_a_red_report_names_recipients(world, rows):
    # given
    before = rows()

    # when
    with pytest.raises(ReportInvalid) as invalid:
        report_create(
            room=world.postal, author=world.gr_officer,
            data=report_data(handling="amber", recipients=["bg.officer"]),
        )  # fmt: skip

    # then
    assert invalid.value.errors == {"recipients": ["Only a red report names recipients."]}
    assert rows() == before


# --- amendments ------------------------------------------------------------------------------


def test_an_amendment_points_to_the_report_it_amends(world, post):
    # given
    original = post(world.bg_officer, world.postal, kind="check", checks_count=10)

    # when
    amendment = post(
        world.gr_officer, world.postal, kind="check", checks_count=12, amends=original.pk
    )

    # then
    assert (amendment.amends_id, amendment.seq) == (original.pk, 2)
    assert list(original.amendments.all()) == [amendment]
    original.refresh_from_db()
    assert original.checks_count == 10  # never edited in place


def test_amending_a_report_of_another_room_is_invalid(world, post, rows):
    # given: the coordinator may read both rooms
    elsewhere = post(world.coordinator, world.balkan)
    before = rows()

    # when
    with pytest.raises(ReportInvalid) as invalid:
        post(world.coordinator, world.postal, amends=elsewhere.pk)

    # then
    assert invalid.value.errors == {
        "amends": [f"No report {elsewhere.pk} that you may read in this room."]
    }
    assert rows() == before


def test_amending_a_report_one_may_not_read_is_invalid(world, post, rows):
    # given: a red report in the same room, not addressed to bg.officer
    secret = post(world.gr_officer, world.postal, handling="red")
    before = rows()

    # when
    with pytest.raises(ReportInvalid) as invalid:
        post(world.bg_officer, world.postal, amends=secret.pk)

    # then
    assert invalid.value.errors == {
        "amends": [f"No report {secret.pk} that you may read in this room."]
    }
    assert rows() == before


def test_amending_a_report_that_does_not_exist_is_invalid(world, post, rows):
    # given
    before = rows()

    # when
    with pytest.raises(ReportInvalid) as invalid:
        post(world.gr_officer, world.postal, amends=999_999)

    # then
    assert invalid.value.errors == {"amends": ["No report 999999 that you may read in this room."]}
    assert rows() == before


# --- running totals --------------------------------------------------------------------------


def totals(world, scope: str, key: str) -> dict[str, int]:
    return dict(
        Counter.objects.filter(operation=world.operation, scope=scope, key=key)
        .values_list("metric")
        .annotate(Sum("value"))
        .order_by()
    )


def test_running_totals_count_checks_items_and_seizures(world, post):
    # given
    check = post(world.gr_officer, world.postal, kind="check", checks_count=412, outcome="hit")
    post(world.gr_officer, world.postal, kind="hit", seizures=[
        {"category": "firearm", "quantity": 2},
        {"category": "ammunition", "quantity": 150},
        {"category": "firearm", "quantity": 1},
    ])  # fmt: skip
    post(world.al_officer, world.balkan, kind="check", checks_count=30, outcome="clear")

    # when
    gr = totals(world, "country", "GR")
    al = totals(world, "country", "AL")
    postal = totals(world, "room", str(world.postal.pk))
    everything = totals(world, "total", "")
    hour = totals(world, "hour", check.created_at.strftime("%Y-%m-%dT%H"))

    # then
    assert gr == {
        "reports": 2, "kind.check": 1, "kind.hit": 1, "items_checked": 412, "outcome.hit": 1,
        "checks_hit": 1, "seized.firearm": 3, "seized.ammunition": 150,
        "hits": 2,  # the hit report and the check whose outcome was a hit
    }  # fmt: skip
    assert postal == gr
    assert al == {"reports": 1, "kind.check": 1, "items_checked": 30, "outcome.clear": 1}
    assert everything == {
        "reports": 3, "kind.check": 2, "kind.hit": 1, "items_checked": 442, "outcome.hit": 1,
        "outcome.clear": 1, "checks_hit": 1, "seized.firearm": 3, "seized.ammunition": 150,
        "hits": 2,
    }  # fmt: skip
    assert totals(world, "agency", str(world.gr_officer.agency_id)) == gr
    assert hour == everything


def test_a_repeated_post_is_counted_once(world):
    # given
    data = report_data("check", checks_count=7)
    report_create(room=world.postal, author=world.gr_officer, data=data)

    # when
    report_create(room=world.postal, author=world.gr_officer, data=dict(data))

    # then
    assert totals(world, "total", "") == {
        "reports": 1, "kind.check": 1, "items_checked": 7, "outcome.clear": 1,
    }  # fmt: skip


# --- publishing on commit --------------------------------------------------------------------


def test_report_created_is_published_to_the_room_only_after_commit(
    world, published, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks() as callbacks:
        report = report_create(room=world.postal, author=world.gr_officer, data=full_hit()).report
        # then: nothing reaches the channel layer or the broker before the commit
        assert published == []

    # when: the transaction commits
    for callback in callbacks:
        callback()

    # then
    groups = [group for group, _ in published]
    assert groups == [f"room.{world.postal.pk}", f"dashboard.{world.operation.pk}", "task"]
    created = published[0][1]
    assert created["type"] == "report.created"
    assert (created["room"], created["seq"], created["report"]["id"]) == (
        world.postal.pk,
        1,
        report.pk,
    )
    assert created["access"] == {
        "report_id": report.pk, "author_id": world.gr_officer.pk, "operation_id": world.operation.pk,
        "room_id": world.postal.pk, "handling": "amber", "recipient_ids": [],
    }  # fmt: skip
    assert published[2] == ("task", (report.pk,))


def test_stats_delta_is_published_to_the_dashboard_after_commit(
    world, published, django_capture_on_commit_callbacks
):
    # given
    # when
    with django_capture_on_commit_callbacks(execute=True):
        report_create(
            room=world.postal, author=world.gr_officer, data=report_data("check", checks_count=5)
        )

    # then
    group, event = published[1]
    assert group == f"dashboard.{world.operation.pk}"
    assert (event["type"], event["operation"]) == ("stats.delta", world.operation.pk)
    # green: counted for every participant, kept apart by room
    postal = world.postal.pk
    assert [postal, "operation", "total", "", "items_checked", 5] in event["delta"]
    assert [postal, "operation", "country", "GR", "reports", 1] in event["delta"]


def test_stats_delta_of_an_amber_report_is_for_the_room_and_of_a_red_one_for_coordinators(
    world, published, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        report_create(
            room=world.postal, author=world.gr_officer, data=report_data("hit", handling="amber")
        )
        report_create(
            room=world.postal, author=world.gr_officer, data=report_data("hit", handling="red")
        )

    # then
    amber, red = [event["delta"] for group, event in published if group.startswith("dashboard.")]
    assert {tuple(row[:2]) for row in amber} == {(world.postal.pk, "room")}
    assert {tuple(row[:2]) for row in red} == {(world.postal.pk, "coordinators")}


def test_the_event_reaches_a_channel_in_the_room_group(
    world, django_capture_on_commit_callbacks, monkeypatch, settings
):
    # given: a socket's channel in the room's group, on the real in-memory channel layer
    # (the Redis layer is exercised by tests/integration with real server processes)
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    monkeypatch.setattr(channel_layers, "backends", {})
    monkeypatch.setattr(match_report_task, "delay", lambda *args: None)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"room.{world.postal.pk}", channel)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        report = report_create(
            room=world.postal, author=world.gr_officer, data=report_data()
        ).report

    # then
    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=2)

    try:
        event = async_to_sync(receive)()
    finally:
        async_to_sync(layer.flush)()
    assert (event["type"], event["report"]["id"], event["report"]["seq"]) == (
        "report.created",
        report.pk,
        1,
    )


def test_a_repeated_post_publishes_nothing(world, published, django_capture_on_commit_callbacks):
    # given
    data = report_data()
    with django_capture_on_commit_callbacks(execute=True):
        report_create(room=world.postal, author=world.gr_officer, data=data)
    published.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_create(room=world.postal, author=world.gr_officer, data=dict(data))

    # then
    assert callbacks == []
    assert published == []


def test_nothing_is_published_when_the_transaction_rolls_back(
    world, rows, published, django_capture_on_commit_callbacks
):
    # given
    before = rows()

    # when: the caller's transaction fails after the post
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                report_create(room=world.postal, author=world.gr_officer, data=full_hit())
                raise RuntimeError("caller fails after posting")

    # then
    assert callbacks == []
    assert published == []
    assert rows() == before


def test_nothing_is_published_when_the_write_path_fails(
    world, rows, published, monkeypatch, django_capture_on_commit_callbacks
):
    # given
    before = rows()

    def broken(saved):
        raise RuntimeError("database went away")

    monkeypatch.setitem(hooks._reports_saved, "test.broken", broken)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            report_create(room=world.postal, author=world.gr_officer, data=full_hit())

    # then
    assert callbacks == []
    assert published == []
    assert rows() == before


@pytest.mark.parametrize("extra", [{}, {"handling": "red", "recipients": ["bg.officer"]}])
def test_the_posted_report_is_what_reading_it_back_gives(
    world, published, django_capture_on_commit_callbacks, django_assert_num_queries, extra
):
    # given a full hit (and a red one naming a recipient)
    with django_capture_on_commit_callbacks(execute=True):
        posted = report_create(
            room=world.postal, author=world.gr_officer, data=full_hit(**extra)
        ).report
    # when its payload and access facts are made from what the post returned
    with django_assert_num_queries(0):
        payload, access = report_payload(posted), report_access(posted)
    # then they are those of the report read back from the database, and the same were
    # announced to the room
    stored = with_details(Report.objects.filter(pk=posted.pk)).get()
    assert payload == report_payload(stored)
    assert access == report_access(stored)
    created = published[0][1]
    assert created["report"] == report_payload(stored)
    assert created["access"] == report_access(stored).as_dict()
