"""Who may read and export a report: the handling code x the reader.

The report under test is written by gr.officer into room `postal` (members:
GR customs, BG customs, Europol). A red report names al.officer (AL police:
in the operation, not in `postal`) as its recipient.
"""

import pytest

from apps.accounts.models import Country, Role
from apps.operations.models import Phase
from apps.reports.models import Handling, Report
from apps.reports.selectors import (
    report_access,
    reports_exportable_by,
    reports_visible_to,
    viewer_for,
    with_details,
)
from apps.reports.visibility import exportable_q, may_export, may_read, readable_q

from ..factories import AgencyFactory, OfficerFactory, RoomFactory, join, take_part

HANDLINGS = [h.value for h in Handling]
ALL = set(HANDLINGS)
OPEN = {"clear", "green"}

# reader -> the handling codes under which that reader may read gr.officer's report in `postal`
READS = {
    "author": ALL,
    "room_member": OPEN | {"amber", "amber+strict"},
    "participant_not_in_room": OPEN,
    "non_participant": set(),
    "named_red_recipient": OPEN | {"red"},
    "coordinator": ALL,
    "inactive_room_member": set(),
}
NEVER_EXPORTED = {"amber+strict", "red"}


def reader_of(world, reader: str):
    if reader == "inactive_room_member":
        return OfficerFactory(
            username="bg.retired", agency=world.bg_officer.agency, is_active=False
        )
    return {
        "author": world.gr_officer,
        "room_member": world.bg_officer,
        "participant_not_in_room": world.de_officer,
        "non_participant": world.fr_officer,
        "named_red_recipient": world.al_officer,
        "coordinator": world.coordinator,
    }[reader]


def post_with(post, world, handling: str) -> Report:
    recipients = ["al.officer"] if handling == Handling.RED else []
    return post(world.gr_officer, world.postal, handling=handling, recipients=recipients)


CASES = [(h, r) for h in HANDLINGS for r in READS]


@pytest.mark.parametrize(("handling", "reader"), CASES)
def test_reports_visible_to_follows_the_handling_code(world, post, handling, reader):
    # given
    report = post_with(post, world, handling)
    officer = reader_of(world, reader)

    # when
    visible = list(reports_visible_to(officer).values_list("pk", flat=True))

    # then
    assert visible == ([report.pk] if handling in READS[reader] else [])


@pytest.mark.parametrize(("handling", "reader"), CASES)
def test_rest_report_detail_follows_the_handling_code(world, post, api_as, handling, reader):
    # given
    report = post_with(post, world, handling)
    officer = reader_of(world, reader)

    # when
    response = api_as(officer).get(f"/api/v1/reports/{report.pk}/")

    # then
    if reader == "inactive_room_member":
        assert response.status_code == 401  # an inactive account's token no longer works
    elif handling in READS[reader]:
        assert response.status_code == 200
        assert (response.json()["id"], response.json()["handling"]) == (report.pk, handling)
    else:
        assert response.status_code == 404
        assert "body" not in response.json()


@pytest.mark.parametrize(("handling", "reader"), CASES)
def test_export_follows_the_handling_code(world, post, handling, reader):
    # given
    report = post_with(post, world, handling)
    officer = reader_of(world, reader)
    expected = handling in READS[reader] and handling not in NEVER_EXPORTED

    # when
    exportable = list(reports_exportable_by(officer).values_list("pk", flat=True))
    predicate = may_export(viewer_for(officer), report_access(report))

    # then
    assert exportable == ([report.pk] if expected else [])
    assert predicate is expected


def test_inactive_author_no_longer_reads_their_own_report(world, post):
    # given
    report = post(world.gr_officer, world.postal, handling="red")
    world.gr_officer.is_active = False
    world.gr_officer.save(update_fields=["is_active"])

    # when
    viewer = viewer_for(world.gr_officer)

    # then
    assert list(reports_visible_to(world.gr_officer)) == []
    assert may_read(viewer, report_access(report)) is False


def test_coordinator_outside_the_room_reads_red_but_not_amber(world, post):
    # given: a Commission coordinator takes part in the operation but is in no room
    taxud = AgencyFactory(
        country=Country.objects.get(code="BE"), name="DG TAXUD", kind="coordinator"
    )
    take_part(world.operation, taxud)
    coordinator = OfficerFactory(username="taxud.coordinator", agency=taxud, role=Role.COORDINATOR)
    red = post(world.gr_officer, world.postal, handling="red")
    amber = post(world.gr_officer, world.postal, handling="amber")
    green = post(world.gr_officer, world.postal, handling="green")

    # when
    visible = set(reports_visible_to(coordinator).values_list("pk", flat=True))

    # then
    assert visible == {red.pk, green.pk}
    assert amber.pk not in visible


def test_coordinator_of_another_operation_reads_no_red(world, post):
    # given
    elsewhere = RoomFactory(name="Elsewhere")
    other_body = AgencyFactory(
        country=Country.objects.get(code="BE"), name="Other body", kind="coordinator"
    )
    join(elsewhere, other_body)
    coordinator = OfficerFactory(
        username="other.coordinator", agency=other_body, role=Role.COORDINATOR
    )
    post(world.gr_officer, world.postal, handling="red")

    # when
    visible = list(reports_visible_to(coordinator))

    # then
    assert visible == []


def test_red_recipient_whose_agency_left_the_operation_no_longer_reads_it(world, post):
    # given
    report = post(world.gr_officer, world.postal, handling="red", recipients=["de.officer"])
    assert list(reports_visible_to(world.de_officer)) == [report]
    world.operation.participations.filter(agency=world.de_officer.agency).delete()

    # when
    visible = list(reports_visible_to(world.de_officer))

    # then
    assert visible == []


# --- the queryset and the predicate are the same rule -------------------------------------


def test_may_read_and_readable_q_agree_on_every_combination(world, post):
    # given: every handling code in every room of two operations, by several authors,
    # red reports with no, one or two named recipients, and a wide range of viewers
    other = RoomFactory(name="Other operation room")
    join(other, world.gr_officer.agency, world.de_officer.agency)
    retired = OfficerFactory(username="gr.retired", agency=world.gr_officer.agency)
    authors = {
        world.postal: [world.gr_officer, world.bg_officer, world.coordinator, retired],
        world.balkan: [world.al_officer, world.coordinator],
        other: [world.gr_officer, world.de_officer],
    }
    red_recipients = [[], ["de.officer"], ["bg.officer", "al.officer"]]
    for room, writers in authors.items():
        for author in writers:
            for handling in HANDLINGS:
                for names in red_recipients if handling == Handling.RED else [[]]:
                    if room is other and "al.officer" in names:
                        continue  # AL police does not take part in the other operation
                    post(author, room, handling=handling, recipients=names)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    other.operation.phase = Phase.CLOSED
    other.operation.save(update_fields=["phase"])

    taxud = AgencyFactory(
        country=Country.objects.get(code="BE"), name="DG TAXUD", kind="coordinator"
    )
    take_part(world.operation, taxud)
    viewers = [
        world.gr_officer, world.gr_liaison, world.bg_officer, world.al_officer,
        world.de_officer, world.fr_officer, world.coordinator, retired,
        OfficerFactory(username="bg.inactive", agency=world.bg_officer.agency, is_active=False),
        OfficerFactory(username="no.agency", agency=None),
        OfficerFactory(username="taxud.coordinator", agency=taxud, role=Role.COORDINATOR),
        OfficerFactory(username="fr.coordinator", agency=world.fr_officer.agency, role=Role.COORDINATOR),
    ]  # fmt: skip
    reports = list(with_details(Report.objects.all()))
    assert len(reports) == (4 + 2 + 2) * (4 + 3) - 2  # authors x (4 handlings + 3 red), 2 skipped

    for officer in viewers:
        viewer = viewer_for(officer)

        # when
        by_predicate = {r.pk for r in reports if may_read(viewer, report_access(r))}
        exportable_by_predicate = {r.pk for r in reports if may_export(viewer, report_access(r))}
        by_query = set(reports_visible_to(officer).values_list("pk", flat=True))
        by_q = set(Report.objects.filter(readable_q(viewer)).values_list("pk", flat=True))
        exportable_by_query = set(reports_exportable_by(officer).values_list("pk", flat=True))
        exportable_by_q = set(
            Report.objects.filter(exportable_q(viewer)).values_list("pk", flat=True)
        )

        # then
        assert by_query == by_q == by_predicate, officer.username
        assert exportable_by_query == exportable_by_q == exportable_by_predicate, officer.username

    # and the combinations were not all trivially empty or full
    seen = {o.username: set(reports_visible_to(o).values_list("pk", flat=True)) for o in viewers}
    assert seen["coordinator"] > seen["bg.officer"] > set()
    assert seen["fr.officer"] == seen["bg.inactive"] == seen["gr.retired"] == set()
    assert seen["no.agency"] == set()


def test_access_facts_survive_the_trip_through_an_event(world, post):
    # given
    report = post(
        world.gr_officer, world.postal, handling="red", recipients=["al.officer", "de.officer"]
    )
    access = report_access(report)

    # when
    again = type(access).from_dict(access.as_dict())

    # then
    assert again == access
    assert access.as_dict()["recipient_ids"] == sorted([world.al_officer.pk, world.de_officer.pk])
