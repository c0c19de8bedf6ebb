"""Reads of operations and rooms, scoped to the officer who asks."""

from django.db.models import QuerySet

from apps.accounts.models import Officer, Role
from apps.core.access import Forbidden, NotFound

from .models import Operation, Participation, Room, RoomMembership


def operations_of(officer: Officer) -> QuerySet[Operation]:
    """Operations the officer's agency takes part in."""
    if not officer.is_active or not officer.agency_id:
        return Operation.objects.none()
    return Operation.objects.filter(participations__agency_id=officer.agency_id)


def rooms_of(officer: Officer) -> QuerySet[Room]:
    """Rooms the officer's agency is a member of, in operations it takes part in."""
    if not officer.is_active or not officer.agency_id:
        return Room.objects.none()
    return Room.objects.filter(
        memberships__agency_id=officer.agency_id,
        operation__participations__agency_id=officer.agency_id,
    ).select_related("operation")


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
    if not officer.is_active or not officer.agency_id or officer.role != Role.COORDINATOR:
        return frozenset()
    return frozenset(
        Participation.objects.filter(agency_id=officer.agency_id, coordinating=True).values_list(
            "operation_id", flat=True
        )
    )


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
    room = rooms_of(officer).filter(pk=room_id).first()
    if room is not None:
        return room
    if operations_of(officer).filter(rooms__pk=room_id).exists():
        raise Forbidden("Your agency is not a member of this room.")
    raise NotFound("No such room.")


def officer_is_room_member(officer: Officer, room: Room) -> bool:
    return rooms_of(officer).filter(pk=room.pk).exists()
