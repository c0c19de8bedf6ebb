"""Reads of operations and rooms, scoped to the officer who asks."""

import time

from django.db.models import QuerySet

from apps.accounts.models import Officer, Role
from apps.core.access import Forbidden, NotFound
from apps.core.prepared import PreparedQuery

from .models import Operation, Participation, Room, RoomMembership

#: How long a room just read by `access_room_by_id` vouches for its reader's membership,
#: for the same request (see officer_is_room_member).
MEMBERSHIP_FRESH_SECONDS = 1.0


def operations_of(officer: Officer) -> QuerySet[Operation]:
    """Operations the officer's agency takes part in."""
    if not officer.is_active or not officer.agency_id:
        return Operation.objects.none()
    return Operation.objects.filter(participations__agency_id=officer.agency_id)


def rooms_of(officer: Officer) -> QuerySet[Room]:
    """Rooms the officer's agency is a member of, in operations it takes part in."""
    if not officer.is_active or not officer.agency_id:
        return Room.objects.none()
    return _rooms_of_agency(officer.agency_id)


def _rooms_of_agency(agency_id: int) -> QuerySet[Room]:
    return Room.objects.filter(
        memberships__agency_id=agency_id,
        operation__participations__agency_id=agency_id,
    ).select_related("operation")


# rooms_of(officer).filter(pk=room_id), compiled once: asked on every post.
_room_of_agency: PreparedQuery[Room] = PreparedQuery(
    lambda agency_id, room_id: _rooms_of_agency(agency_id).filter(pk=room_id)[:1], int, int
)


def _room_of(officer: Officer, room_id: int) -> Room | None:
    if not officer.is_active or not officer.agency_id:
        return None
    return _room_of_agency.first(officer.agency_id, room_id)


def operation_ids_of(officer: Officer) -> frozenset[int]:
    if not officer.is_active or not officer.agency_id:
        return frozenset()
    return frozenset(
        Participation.objects.filter(agency_id=officer.agency_id).values_list(
            "operation_id", flat=True
        )
    )


def coordinated_operation_ids(officer: Officer) -> frozenset[int]:
    """Operations `officer` coordinates: a coordinator of one of their coordinating bodies."""
    return coordinated_operation_ids_of([officer]).get(officer.pk, frozenset())


def coordinated_operation_ids_of(officers: list[Officer]) -> dict[int, frozenset[int]]:
    """officer id -> the operations each coordinates (the rule above), one query for all."""
    coordinators = [
        o for o in officers if o.is_active and o.agency_id and o.role == Role.COORDINATOR
    ]
    by_agency: dict[int | None, set[int]] = {}
    if coordinators:
        for agency_id, operation_id in Participation.objects.filter(
            agency_id__in={o.agency_id for o in coordinators}, coordinating=True
        ).values_list("agency_id", "operation_id"):
            by_agency.setdefault(agency_id, set()).add(operation_id)
    return {o.pk: frozenset(by_agency.get(o.agency_id, ())) for o in coordinators}


def operation_coordinated_by(officer: Officer, operation_id: int) -> bool:
    return operation_id in coordinated_operation_ids(officer)


def operations_coordinated_by(officer: Officer) -> QuerySet[Operation]:
    return Operation.objects.filter(pk__in=coordinated_operation_ids(officer))


# Who may open an operation's dashboard and results: its coordinators, and the
# liaison officers of the agencies taking part (they brief their national
# authorities). What each of them sees there is still cut to what they may read.
def watched_operation_ids(officer: Officer) -> frozenset[int]:
    """Every operation whose dashboard and results `officer` may open (see above)."""
    if officer.role == Role.LIAISON:
        return operation_ids_of(officer)
    return coordinated_operation_ids(officer)


def may_watch_operation(officer: Officer, operation_id: int) -> bool:
    return operation_id in watched_operation_ids(officer)


def may_start_operations(officer: Officer) -> bool:
    """Only coordinators start operations; they coordinate those and no others."""
    return officer.is_active and bool(officer.agency_id) and officer.role == Role.COORDINATOR


def room_ids_of(officer: Officer, operation_ids: frozenset[int]) -> frozenset[int]:
    if not operation_ids or officer.agency_id is None:
        return frozenset()
    return frozenset(
        RoomMembership.objects.filter(
            agency_id=officer.agency_id, room__operation_id__in=operation_ids
        ).values_list("room_id", flat=True)
    )


def access_room_by_id(officer: Officer, room_id: int) -> Room:
    """The one door to a room for every edge (REST, pages, sockets).

    A room of the officer's agency; Forbidden for a room of one of their
    operations that their agency is not a member of; NotFound for any other,
    which does not exist as far as this officer is concerned.
    """
    room = _room_of(officer, room_id)
    if room is not None:
        setattr(room, "_member_seen", (officer.pk, officer.agency_id, time.monotonic()))  # noqa: B010
        return room
    if operations_of(officer).filter(rooms__pk=room_id).exists():
        raise Forbidden("Your agency is not a member of this room.")
    raise NotFound("No such room.")


def officer_is_room_member(officer: Officer, room: Room, *, just_entered: bool = False) -> bool:
    """Whether the officer's agency is a member of `room` now.

    `just_entered`: the caller read `room` through `access_room_by_id` for this officer
    in the same request (a REST post reads its room, then posts into it); if that was
    under a second ago the answer stands without asking again. Any other room object,
    such as the one a socket holds for its lifetime, is checked in the database.
    """
    seen = getattr(room, "_member_seen", None)
    if (
        just_entered
        and seen is not None
        and seen[:2] == (officer.pk, officer.agency_id)
        and time.monotonic() - seen[2] < MEMBERSHIP_FRESH_SECONDS
    ):
        return officer.is_active
    return _room_of(officer, room.pk) is not None
