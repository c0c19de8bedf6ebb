"""Reads of reports. `reports_visible_to` is the only door to them."""

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import Officer
from apps.operations.models import Room
from apps.operations.selectors import operation_ids_of, room_ids_of

from .models import Party, Report
from .visibility import ReportAccess, Viewer, exportable_q, readable_q


def viewer_for(officer: Officer) -> Viewer:
    """The facts the visibility rule needs about `officer`, read now."""
    operation_ids = operation_ids_of(officer)
    return Viewer(
        officer_id=officer.pk,
        agency_id=officer.agency_id,
        is_coordinator=officer.is_coordinator and officer.is_active,
        operation_ids=operation_ids,
        room_ids=room_ids_of(officer, operation_ids),
        is_active=officer.is_active,
    )


def with_details(queryset: QuerySet[Report]) -> QuerySet[Report]:
    """Everything a report's payload shows, in a fixed number of queries."""
    return queryset.select_related(
        "author", "agency", "country", "room", "parcel", "location_country"
    ).prefetch_related(
        "seizures",
        "selectors",
        Prefetch("parties", queryset=Party.objects.order_by("role", "position")),
        "recipients",
    )


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
