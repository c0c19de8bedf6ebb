"""Participation, room membership and the phases of an operation."""

import pytest

from apps.accounts.models import Country
from apps.operations.models import Operation, Participation, Phase, Room, RoomMembership
from apps.operations.selectors import officer_is_room_member, operations_of, rooms_of
from apps.operations.services import (
    OperationError,
    operation_agency_remove,
    operation_get_or_create,
    operation_phase_set,
    participation_add,
    room_get_or_create,
    room_member_add,
    room_member_remove,
)
from apps.reports.models import Report
from apps.reports.selectors import reports_visible_to
from apps.reports.services import ReportRefused, report_create

from ..factories import AgencyFactory, OfficerFactory, report_data


def memberships() -> list[tuple[str, str]]:
    return sorted(RoomMembership.objects.values_list("room__name", "agency__name"))


def participations() -> list[tuple[str, str]]:
    return sorted(Participation.objects.values_list("operation__code_name", "agency__name"))


@pytest.fixture
def published(monkeypatch):
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "apps.core.events.publish", lambda group, event: sent.append((group, event))
    )
    return sent


# --- participation and membership ------------------------------------------------------------


def test_participation_add_is_idempotent(world):
    # given
    participation_add(operation=world.operation, agency=world.fr_officer.agency)

    # when
    participation_add(operation=world.operation, agency=world.fr_officer.agency)

    # then
    assert Participation.objects.filter(agency=world.fr_officer.agency).count() == 1
    assert list(operations_of(world.fr_officer)) == [world.operation]
    assert list(rooms_of(world.fr_officer)) == []


def test_participation_add_with_all_rooms_joins_every_room(world):
    # given
    fr = world.fr_officer.agency

    # when
    participation_add(operation=world.operation, agency=fr, all_rooms=True)

    # then
    assert [room.name for room in rooms_of(world.fr_officer)] == ["Postal hubs", "Balkan route"]
    assert report_create(room=world.balkan, author=world.fr_officer, data=report_data()).created


def test_a_room_member_must_take_part_in_the_operation(world):
    # given
    before = (memberships(), participations())

    # when
    with pytest.raises(OperationError) as refused:
        room_member_add(room=world.postal, agency=world.fr_officer.agency)

    # then
    assert (
        str(refused.value)
        == f"French Police (FR) does not take part in {world.operation.code_name}."
    )
    assert (memberships(), participations()) == before


def test_room_member_add_is_idempotent(world):
    # given
    room_member_add(room=world.postal, agency=world.de_officer.agency)

    # when
    room_member_add(room=world.postal, agency=world.de_officer.agency)

    # then
    assert (
        RoomMembership.objects.filter(room=world.postal, agency=world.de_officer.agency).count()
        == 1
    )
    assert officer_is_room_member(world.de_officer, world.postal)


def test_removing_a_member_tells_the_room_sockets_after_commit(
    world, published, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks() as callbacks:
        # when
        room_member_remove(room=world.postal, agency=world.bg_officer.agency)
        assert published == []
    for callback in callbacks:
        callback()

    # then
    assert published == [
        (
            f"room.{world.postal.pk}",
            {"type": "access.changed", "agency_id": world.bg_officer.agency_id, "officer_id": None},
        )
    ]
    assert not officer_is_room_member(world.bg_officer, world.postal)


def test_removing_an_agency_from_the_operation_tells_its_officers_sockets_after_commit(
    world, published, django_capture_on_commit_callbacks
):
    # given: GR customs has two officers and sits in the postal room
    gr = world.gr_officer.agency
    with django_capture_on_commit_callbacks() as callbacks:
        # when
        operation_agency_remove(operation=world.operation, agency=gr)
        assert published == []
    for callback in callbacks:
        callback()

    # then
    assert sorted(published) == sorted(
        (
            f"officer.{officer.pk}",
            {"type": "access.changed", "agency_id": gr.pk, "officer_id": officer.pk},
        )
        for officer in (world.gr_officer, world.gr_liaison)
    )
    assert ("Postal hubs", "Hellenic Customs") not in memberships()
    assert (world.operation.code_name, "Hellenic Customs") not in participations()
    assert list(operations_of(world.gr_officer)) == []


def test_removing_an_agency_that_takes_no_part_changes_and_publishes_nothing(
    world, published, django_capture_on_commit_callbacks
):
    # given
    before = (memberships(), participations())

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        operation_agency_remove(operation=world.operation, agency=world.fr_officer.agency)

    # then
    assert (callbacks, published) == ([], [])
    assert (memberships(), participations()) == before


def test_removing_an_agency_that_is_no_member_changes_and_publishes_nothing(
    world, published, django_capture_on_commit_callbacks
):
    # given
    before = memberships()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        room_member_remove(room=world.postal, agency=world.de_officer.agency)

    # then
    assert (callbacks, published) == ([], [])
    assert memberships() == before


def test_a_removed_member_can_no_longer_post_or_read_the_rooms_amber_reports(world, post):
    # given
    amber = post(world.gr_officer, world.postal, handling="amber")
    green = post(world.gr_officer, world.postal, handling="green")
    room_member_remove(room=world.postal, agency=world.bg_officer.agency)
    reports = Report.objects.count()

    # when
    with pytest.raises(ReportRefused) as refused:
        post(world.bg_officer, world.postal)
    readable = set(reports_visible_to(world.bg_officer))

    # then
    assert refused.value.code == "not_member"
    assert Report.objects.count() == reports
    assert readable == {green}
    assert amber not in readable


def test_membership_without_participation_gives_no_access(world):
    # given: BG customs stops taking part but its membership row is left behind
    Participation.objects.filter(operation=world.operation, agency=world.bg_officer.agency).delete()
    reports = Report.objects.count()

    # when
    with pytest.raises(ReportRefused) as refused:
        report_create(room=world.postal, author=world.bg_officer, data=report_data())

    # then
    assert refused.value.code == "not_member"
    assert Report.objects.count() == reports
    assert list(rooms_of(world.bg_officer)) == []
    assert list(operations_of(world.bg_officer)) == []


def test_an_inactive_officer_takes_part_in_nothing(world):
    # given
    world.gr_officer.is_active = False
    world.gr_officer.save(update_fields=["is_active"])

    # when
    operations, rooms = list(operations_of(world.gr_officer)), list(rooms_of(world.gr_officer))

    # then
    assert (operations, rooms) == ([], [])


def test_operation_and_room_get_or_create_are_idempotent(db):
    # given
    operation, created = operation_get_or_create(code_name="ARMSTRONG VIII", phase=Phase.PLANNING)
    room = room_get_or_create(operation=operation, name="Whole operation")

    # when
    again, created_again = operation_get_or_create(code_name="ARMSTRONG VIII", phase=Phase.ACTION)
    room_again = room_get_or_create(operation=operation, name="Whole operation")

    # then
    assert (created, created_again) == (True, False)
    assert (again, again.phase) == (operation, "planning")
    assert room_again == room
    assert (Operation.objects.count(), Room.objects.count()) == (1, 1)


# --- phases ----------------------------------------------------------------------------------


def test_an_operation_moves_through_its_phases_to_closed(world):
    # given
    operation = world.operation
    operation_phase_set(operation=operation, phase=Phase.PLANNING)

    # when
    for phase in [Phase.INTELLIGENCE, Phase.ACTION, Phase.DEBRIEF, Phase.CLOSED]:
        operation_phase_set(operation=operation, phase=phase)

    # then
    operation.refresh_from_db()
    assert operation.phase == "closed"
    assert operation.is_closed


@pytest.mark.parametrize("phase", [Phase.PLANNING, Phase.INTELLIGENCE, Phase.ACTION, Phase.DEBRIEF])
def test_a_closed_operation_cannot_be_reopened(world, phase):
    # given
    operation_phase_set(operation=world.operation, phase=Phase.CLOSED)

    # when
    with pytest.raises(OperationError) as refused:
        operation_phase_set(operation=world.operation, phase=phase)

    # then
    assert str(refused.value) == "A closed operation cannot be reopened."
    assert Operation.objects.get(pk=world.operation.pk).phase == "closed"


def test_closing_a_closed_operation_again_is_allowed(world):
    # given
    operation_phase_set(operation=world.operation, phase=Phase.CLOSED)

    # when
    operation = operation_phase_set(operation=world.operation, phase=Phase.CLOSED)

    # then
    assert Operation.objects.get(pk=operation.pk).phase == "closed"


def test_an_unknown_phase_is_refused_and_changes_nothing(world):
    # given
    # when
    with pytest.raises(OperationError) as refused:
        operation_phase_set(operation=world.operation, phase="party")

    # then
    assert str(refused.value) == "Unknown phase 'party'."
    assert Operation.objects.get(pk=world.operation.pk).phase == "action"


def test_a_closed_operation_is_read_only(world, post):
    # given
    report = post(world.gr_officer, world.postal)
    operation_phase_set(operation=world.operation, phase=Phase.CLOSED)
    room = Room.objects.get(pk=world.postal.pk)
    reports = Report.objects.count()

    # when
    with pytest.raises(ReportRefused) as refused:
        report_create(room=room, author=world.gr_officer, data=report_data())

    # then
    assert (refused.value.code, refused.value.message) == (
        "operation_closed", "The operation is closed; it is read-only.",
    )  # fmt: skip
    assert Report.objects.count() == reports
    assert list(reports_visible_to(world.bg_officer)) == [report]  # reading still works


def test_a_retry_after_the_operation_closed_gets_the_saved_report(world):
    # given: a client lost the answer to its post, and the operation closed meanwhile
    data = report_data()
    first = report_create(room=world.postal, author=world.gr_officer, data=data).report
    operation_phase_set(operation=world.operation, phase=Phase.CLOSED)
    room = Room.objects.get(pk=world.postal.pk)

    # when
    again = report_create(room=room, author=world.gr_officer, data=dict(data))

    # then
    assert (again.report.pk, again.created) == (first.pk, False)
    assert Report.objects.count() == 1


def test_rooms_belong_to_one_operation(world):
    # given: the same agency in a second operation
    other, _ = operation_get_or_create(code_name="OTHER", phase=Phase.ACTION)
    lone = room_get_or_create(operation=other, name="Postal hubs")
    participation_add(operation=other, agency=world.gr_officer.agency, all_rooms=True)
    be = AgencyFactory(country=Country.objects.get(code="BE"), name="Belgian Customs")
    be_officer = OfficerFactory(username="be.officer", agency=be)
    participation_add(operation=other, agency=be, all_rooms=True)

    # when
    gr_rooms = sorted((r.operation.code_name, r.name) for r in rooms_of(world.gr_officer))
    be_rooms = list(rooms_of(be_officer))

    # then
    assert gr_rooms == sorted([
        (world.operation.code_name, "Postal hubs"), ("OTHER", "Postal hubs"),
    ])  # fmt: skip
    assert be_rooms == [lone]
    assert not officer_is_room_member(be_officer, world.postal)
