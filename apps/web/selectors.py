"""Reads the pages need, each scoped to the officer who looks.

Everything about reports goes through `apps.reports.selectors` (the one door
to them) and everything about totals through `apps.dashboard.selectors` (the
running totals), so a page never shows more than the API would, and the
dashboard never aggregates over reports.
"""

import logging
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet

from apps.accounts.models import Agency, Country, Officer
from apps.alerts.models import AlertState
from apps.alerts.payloads import alert_payload
from apps.alerts.selectors import alerts_of
from apps.core.presence import presence
from apps.operations.events import room_group
from apps.operations.models import Operation, Participation, Room
from apps.operations.selectors import (
    coordinated_operation_ids,
    operations_of,
    rooms_of,
    watched_operation_ids,
)
from apps.reports.models import Report
from apps.reports.payloads import report_payload
from apps.reports.selectors import (
    HITS,
    reports_exportable_by,
    reports_visible_to,
    viewer_for,
    with_details,
)

logger = logging.getLogger(__name__)

FEED_SIZE = 100
LATEST_HITS = 10
OPEN_ALERTS = 20
INBOX_PAGE = 25


@dataclass(frozen=True)
class OperationRooms:
    operation: Operation
    rooms: list[Room]
    coordinates: bool = False  # the officer coordinates this operation
    watches: bool = False  # the officer may open its dashboard and results


def home_operations(officer: Officer) -> list[OperationRooms]:
    """My operations, each with the rooms my agency is a member of."""
    operations = list(operations_of(officer).order_by("-starts_on", "code_name"))
    rooms: dict[int, list[Room]] = {}
    for room in rooms_of(officer).order_by("operation_id", "id"):
        rooms.setdefault(room.operation_id, []).append(room)
    coordinated = coordinated_operation_ids(officer)
    watched = watched_operation_ids(officer)
    return [
        OperationRooms(
            op,
            rooms.get(op.pk, []),
            coordinates=op.pk in coordinated,
            watches=op.pk in watched,
        )
        for op in operations
    ]


def new_alert_count(officer: Officer) -> int:
    """How many of the officer's alerts are new (the header's badge)."""
    return alerts_of(officer, state=AlertState.NEW).count()


def operation_agencies(operation: Operation) -> list[Agency]:
    """The agencies taking part, by country."""
    return list(
        Agency.objects.filter(participations__operation=operation)
        .select_related("country")
        .order_by("country__name", "name")
    )


def operation_rooms_with_members(operation: Operation) -> list[Room]:
    """Every room of the operation with its member agencies (the set-up page)."""
    return list(
        Room.objects.filter(operation=operation)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Agency.objects.select_related("country").order_by("country_id", "name"),
            )
        )
        .order_by("id")
    )


def agencies_not_taking_part(operation: Operation) -> QuerySet[Agency]:
    """Agencies a coordinator may still add to the operation."""
    taking_part = Participation.objects.filter(operation=operation).values("agency_id")
    return (
        Agency.objects.exclude(pk__in=taking_part)
        .select_related("country")
        .order_by("country__name", "name")
    )


def room_feed(officer: Officer, room: Room, *, limit: int = FEED_SIZE) -> list[dict]:
    """The newest `limit` reports of the room the officer may read, oldest first."""
    viewer = viewer_for(officer)
    ids = list(
        reports_visible_to(officer, viewer=viewer)
        .filter(room=room)
        .order_by("-seq")
        .values_list("pk", flat=True)[:limit]
    )
    return [report_payload(r) for r in _detailed(officer, viewer, ids).order_by("seq")]


def _detailed(officer: Officer, viewer, ids: list[int]) -> QuerySet[Report]:
    """Full reports for ids chosen by a lean query first.

    Choosing with the joins of `with_details` in the query makes the database
    join every candidate row before it sorts and limits (100 ms on 100k
    reports in SQLite); choosing ids alone walks an index and stops early.
    The visibility rule is applied again on the few rows loaded.
    """
    return with_details(reports_visible_to(officer, viewer=viewer).filter(pk__in=ids))


def report_for(officer: Officer, report_id: int) -> Report | None:
    """One report with everything it shows, if the officer may read it."""
    return (
        with_details(reports_visible_to(officer).select_related("room__operation", "country"))
        .filter(pk=report_id)
        .first()
    )


def latest_hits(officer: Officer, operation: Operation, *, limit: int = LATEST_HITS) -> list[dict]:
    """The operation's newest hit reports the officer may read.

    Newest by id, not by created_at: ids grow as reports are saved, and walking
    them backwards stops after `limit` hits, where sorting by time would sort
    every report of the operation first (see `_detailed`).
    """
    viewer = viewer_for(officer)
    ids = list(
        reports_visible_to(officer, viewer=viewer)
        .filter(HITS, room__operation=operation)
        .order_by("-id")
        .values_list("pk", flat=True)[:limit]
    )
    return [report_payload(r) for r in _detailed(officer, viewer, ids).order_by("-id")]


def _alerts_about(operation: Operation) -> Q:
    return Q(match__report_a__room__operation=operation) | Q(
        match__report_b__room__operation=operation
    )


def open_alerts(
    officer: Officer, operation: Operation, *, limit: int = OPEN_ALERTS
) -> tuple[int, list[dict]]:
    """My alerts about this operation not yet acknowledged: how many, and the newest."""
    alerts = (
        alerts_of(officer).filter(_alerts_about(operation)).exclude(state=AlertState.ACKNOWLEDGED)
    )
    count = alerts.count()
    viewer = viewer_for(officer)
    return count, [alert_payload(a, viewer) for a in alerts[:limit]]


@dataclass(frozen=True)
class InboxPage:
    alerts: list[dict]
    number: int
    pages: int
    count: int


def inbox_page(
    officer: Officer,
    *,
    page: int = 1,
    size: int | None = None,
    state: str | None = None,
    kind: str | None = None,
    room_id: int | None = None,
    country: str | None = None,
) -> InboxPage:
    """One page of the officer's alerts, newest first, filtered as the alerts API filters."""
    viewer = viewer_for(officer)
    alerts = alerts_of(
        officer, state=state, kind=kind, room_id=room_id, country=country, viewer=viewer
    )
    paginator = Paginator(alerts, size or INBOX_PAGE)
    found = paginator.get_page(page)
    return InboxPage(
        alerts=[alert_payload(a, viewer) for a in found],
        number=found.number,
        pages=paginator.num_pages,
        count=paginator.count,
    )


def alert_filter_rooms(officer: Officer) -> list[tuple[int, str]]:
    """The rooms the inbox can be filtered by: the officer's own (their agency's)."""
    rooms = rooms_of(officer).select_related("operation").order_by("operation__code_name", "name")
    return [(room.pk, f"{room.name} ({room.operation.code_name})") for room in rooms]


def officers_online(operation: Operation) -> int | None:
    """Officers with a room socket open in the operation now (None if presence is unreachable)."""
    room_ids = list(Room.objects.filter(operation=operation).values_list("pk", flat=True))

    async def _count() -> int:
        officers: set[int] = set()
        for room_id in room_ids:
            officers.update(seat.officer_id for seat in await presence().seats(room_group(room_id)))
        return len(officers)

    try:
        return async_to_sync(_count)()
    except Exception:  # presence is a hint; the page must render without it
        logger.warning("presence unavailable for operation %s", operation.pk, exc_info=True)
        return None


def operation_labels(operation: Operation, stats: dict) -> dict:
    """Names for the keys the totals use: countries, agencies and rooms."""
    country_codes = set(stats.get("country", {}))
    agency_ids = [int(k) for k in stats.get("agency", {}) if k.isdigit()]
    return {
        "countries": dict(
            Country.objects.filter(code__in=country_codes).values_list("code", "name")
        ),
        "agencies": {
            str(pk): {"name": name, "country": country}
            for pk, name, country in Agency.objects.filter(pk__in=agency_ids).values_list(
                "pk", "name", "country_id"
            )
        },
        "rooms": {
            str(pk): name
            for pk, name in Room.objects.filter(operation=operation).values_list("pk", "name")
        },
    }


def export_reports(officer: Officer, operation: Operation) -> QuerySet[Report]:
    """Reports of the operation the officer may export (never amber+strict or red)."""
    return (
        reports_exportable_by(officer)
        .filter(room__operation=operation)
        .select_related("agency", "author", "room", "parcel", "location_country")
        .prefetch_related("seizures")
        .order_by("created_at", "id")
    )
