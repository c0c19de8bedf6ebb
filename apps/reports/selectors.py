"""Reads of reports. `reports_visible_to` is the only door to them."""

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from apps.accounts.models import Officer, Role
from apps.accounts.selectors import officers_signed_in
from apps.operations.models import Participation, Room, RoomMembership
from apps.operations.selectors import coordinated_operation_ids, operation_ids_of, room_ids_of

from .models import Kind, Outcome, Party, Report
from .visibility import ReportAccess, Viewer, exportable_q, readable_q

#: A hit: a hit report, or a check whose outcome was a hit. `HITS` is the same rule as a
#: query (the latest hits); `report_is_hit` for a report in hand (totals, effectiveness).
HITS = Q(kind=Kind.HIT) | Q(kind=Kind.CHECK, outcome=Outcome.HIT)


def report_is_hit(report) -> bool:
    return report.kind == Kind.HIT or (report.kind == Kind.CHECK and report.outcome == Outcome.HIT)


def viewer_for(officer: Officer) -> Viewer:
    """The facts the visibility rule needs about `officer`, read now."""
    operation_ids = operation_ids_of(officer)
    return Viewer(
        officer_id=officer.pk,
        agency_id=officer.agency_id,
        operation_ids=operation_ids,
        room_ids=room_ids_of(officer, operation_ids),
        coordinated_operation_ids=coordinated_operation_ids(officer) & operation_ids,
        is_active=officer.is_active,
    )


def viewers_for(officers: list[Officer]) -> dict[int, Viewer]:
    """viewer_for of many officers at once, in two queries."""
    agency_ids = {o.agency_id for o in officers if o.agency_id and o.is_active}
    operations: dict[int, set[int]] = {a: set() for a in agency_ids}
    coordinating: dict[int, set[int]] = {a: set() for a in agency_ids}
    for agency_id, operation_id, is_coordinating in Participation.objects.filter(
        agency_id__in=agency_ids
    ).values_list("agency_id", "operation_id", "coordinating"):
        operations[agency_id].add(operation_id)
        if is_coordinating:
            coordinating[agency_id].add(operation_id)
    rooms: dict[int, set[int]] = {a: set() for a in agency_ids}
    for agency_id, room_id, operation_id in RoomMembership.objects.filter(
        agency_id__in=agency_ids
    ).values_list("agency_id", "room_id", "room__operation_id"):
        if operation_id in operations[agency_id]:
            rooms[agency_id].add(room_id)
    viewers = {}
    for officer in officers:
        agency = officer.agency_id if officer.is_active else None
        allowed = agency is not None and agency in agency_ids
        coordinates = allowed and officer.role == Role.COORDINATOR
        viewers[officer.pk] = Viewer(
            officer_id=officer.pk,
            agency_id=officer.agency_id,
            operation_ids=frozenset(operations[agency]) if agency in operations else frozenset(),
            room_ids=frozenset(rooms[agency]) if agency in rooms else frozenset(),
            coordinated_operation_ids=(
                frozenset(coordinating[agency])
                if coordinates and agency in coordinating
                else frozenset()
            ),
            is_active=officer.is_active,
        )
    return viewers


def socket_viewers(keys: list[tuple[int, str | None, str | None]]) -> dict[tuple, Viewer | None]:
    """For open sockets, keyed (officer id, token, session key): what each officer may
    read now, or None where the account or the credential no longer holds."""
    officers = officers_signed_in(keys)
    viewers = viewers_for([o for o in officers.values() if o is not None])
    return {key: None if o is None else viewers[o.pk] for key, o in officers.items()}


#: The rows a report's payload joins, and the relations it prefetches.
DETAILS_JOINED = ("author", "agency", "room", "parcel")


def _details_prefetched() -> list:
    return [
        "seizures",
        "selectors",
        Prefetch("parties", queryset=Party.objects.order_by("role", "position")),
        "recipients",
    ]


def with_details(queryset: QuerySet[Report]) -> QuerySet[Report]:
    """Everything a report's payload shows, in a fixed number of queries.

    Countries are shown by their codes, which the report's row holds: joining the country
    table twice more cost PostgreSQL more to plan (6 ms of 8 tables) than to run.
    """
    return queryset.select_related(*DETAILS_JOINED).prefetch_related(*_details_prefetched())


def with_selectors_and_parties(queryset: QuerySet[Report]) -> QuerySet[Report]:
    """What the matcher reads first (the rows of `with_details`, its selectors and parties);
    `details_complete` adds the rest once a report turns out to be shown."""
    return queryset.select_related(*DETAILS_JOINED).prefetch_related(*_details_prefetched()[1:3])


def details_complete(reports: list[Report]) -> None:
    """Prefetch what `with_details` would have for reports read with DETAILS_JOINED; what a
    report holds already is not read again (one query per relation for all of them)."""
    prefetch_related_objects(reports, *_details_prefetched())


def reports_visible_to(officer: Officer, *, viewer: Viewer | None = None) -> QuerySet[Report]:
    """Every report `officer` may read; nothing else."""
    if not officer.is_active:
        return Report.objects.none()
    viewer = viewer or viewer_for(officer)
    return Report.objects.filter(readable_q(viewer))


def reports_exportable_by(officer: Officer) -> QuerySet[Report]:
    if not officer.is_active:
        return Report.objects.none()
    return Report.objects.filter(exportable_q(viewer_for(officer)))


def room_reports_visible_to(
    officer: Officer, room: Room, *, after_seq: int = 0, viewer: Viewer | None = None
) -> QuerySet[Report]:
    """The room's reports `officer` may read, after `after_seq`, oldest first."""
    return with_details(
        reports_visible_to(officer, viewer=viewer).filter(room=room, seq__gt=after_seq)
    ).order_by("seq")


def report_access(report: Report) -> ReportAccess:
    return ReportAccess(
        report_id=report.pk,
        author_id=report.author_id,
        operation_id=report.room.operation_id,
        room_id=report.room_id,
        handling=report.handling,
        recipient_ids=frozenset(r.pk for r in report.recipients.all()),
    )
