"""Writes for operations, participation and rooms."""

from django.db import transaction

from apps.accounts.models import Agency
from apps.core.events import publish_on_commit

from . import events
from .models import Operation, Participation, Phase, Room, RoomMembership

PHASE_ORDER = [Phase.PLANNING, Phase.INTELLIGENCE, Phase.ACTION, Phase.DEBRIEF, Phase.CLOSED]


class OperationError(ValueError):
    pass


def operation_get_or_create(*, code_name: str, **fields) -> tuple[Operation, bool]:
    return Operation.objects.get_or_create(code_name=code_name, defaults=fields)


def participation_add(
    *, operation: Operation, agency: Agency, all_rooms: bool = False, coordinating: bool = False
) -> None:
    """Let `agency` take part in `operation` (and join all its rooms if asked).

    `coordinating` makes it one of the operation's coordinating bodies; an agency
    already taking part keeps what it had.
    """
    with transaction.atomic():
        participation, created = Participation.objects.get_or_create(
            operation=operation, agency=agency, defaults={"coordinating": coordinating}
        )
        if coordinating and not participation.coordinating:
            participation.coordinating = True
            participation.save(update_fields=["coordinating"])
        if all_rooms:
            for room in operation.rooms.all():
                room_member_add(room=room, agency=agency)


def room_get_or_create(*, operation: Operation, name: str, description: str = "") -> Room:
    room, _ = Room.objects.get_or_create(
        operation=operation, name=name, defaults={"description": description}
    )
    return room


def room_member_add(*, room: Room, agency: Agency) -> None:
    if not Participation.objects.filter(operation_id=room.operation_id, agency=agency).exists():
        raise OperationError(f"{agency} does not take part in {room.operation}.")
    RoomMembership.objects.get_or_create(room=room, agency=agency)


def room_member_remove(*, room: Room, agency: Agency) -> None:
    """Remove `agency` from `room`; its officers' open sockets are told to recheck."""
    with transaction.atomic():
        deleted, _ = RoomMembership.objects.filter(room=room, agency=agency).delete()
        if deleted:
            publish_on_commit(
                events.room_group(room.pk), events.access_changed(agency_id=agency.pk)
            )


def operation_agency_remove(*, operation: Operation, agency: Agency) -> None:
    """Take `agency` out of `operation` and all its rooms; its officers' open sockets
    (rooms, alerts, dashboard) re-check at once."""
    with transaction.atomic():
        RoomMembership.objects.filter(room__operation=operation, agency=agency).delete()
        deleted, _ = Participation.objects.filter(operation=operation, agency=agency).delete()
        if deleted:
            for officer_id in agency.officers.values_list("pk", flat=True):
                publish_on_commit(
                    events.officer_group(officer_id),
                    events.access_changed(agency_id=agency.pk, officer_id=officer_id),
                )


def operation_phase_set(*, operation: Operation, phase: str) -> Operation:
    """Move the operation to `phase`; a closed operation stays closed."""
    if phase not in Phase.values:
        raise OperationError(f"Unknown phase {phase!r}.")
    if operation.phase == Phase.CLOSED and phase != Phase.CLOSED:
        raise OperationError("A closed operation cannot be reopened.")
    operation.phase = phase
    operation.save(update_fields=["phase"])
    return operation


# --- set up from the web pages ----------------------------------------------
# The coordinator's forms call these; each refuses to touch a closed operation,
# which is read-only for good.


def _operation_open(operation: Operation) -> None:
    if operation.is_closed:
        raise OperationError("The operation is closed; it is read-only.")


@transaction.atomic
def operation_create(
    *,
    code_name: str,
    coordinator_agency: Agency,
    description: str = "",
    starts_on=None,
    ends_on=None,
    first_room: str = "Whole operation",
) -> Operation:
    """A new operation in planning, its coordinator body taking part, with a first room."""
    if Operation.objects.filter(code_name__iexact=code_name).exists():
        raise OperationError(f"An operation named {code_name!r} already exists.")
    operation = Operation.objects.create(
        code_name=code_name, description=description, starts_on=starts_on, ends_on=ends_on
    )
    Participation.objects.create(operation=operation, agency=coordinator_agency, coordinating=True)
    room = Room.objects.create(operation=operation, name=first_room)
    RoomMembership.objects.create(room=room, agency=coordinator_agency)
    return operation


def operation_agency_add(*, operation: Operation, agency: Agency, all_rooms: bool = False) -> None:
    """Let `agency` take part in an operation that is not closed."""
    _operation_open(operation)
    participation_add(operation=operation, agency=agency, all_rooms=all_rooms)


@transaction.atomic
def operation_room_create(
    *, operation: Operation, name: str, description: str = "", agencies=()
) -> Room:
    """A new room of an open operation with `agencies` (taking part already) as members."""
    _operation_open(operation)
    if Room.objects.filter(operation=operation, name__iexact=name).exists():
        raise OperationError(f"The operation already has a room named {name!r}.")
    room = Room.objects.create(operation=operation, name=name, description=description)
    for agency in agencies:
        room_member_add(room=room, agency=agency)
    return room


def room_membership_set(*, room: Room, agency: Agency, member: bool) -> None:
    """Add `agency` to or remove it from a room of an open operation."""
    _operation_open(room.operation)
    if member:
        room_member_add(room=room, agency=agency)
    else:
        room_member_remove(room=room, agency=agency)


def operation_phase_advance(*, operation: Operation, phase: str) -> Operation:
    """Move the operation forward to `phase` (never back)."""
    if phase not in Phase.values:
        raise OperationError(f"Unknown phase {phase!r}.")
    if PHASE_ORDER.index(Phase(phase)) <= PHASE_ORDER.index(Phase(operation.phase)):
        raise OperationError("An operation only moves forward through its phases.")
    return operation_phase_set(operation=operation, phase=phase)
