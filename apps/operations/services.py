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


def participation_add(*, operation: Operation, agency: Agency, all_rooms: bool = False) -> None:
    """Let `agency` take part in `operation` (and join all its rooms if asked)."""
    with transaction.atomic():
        Participation.objects.get_or_create(operation=operation, agency=agency)
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
            publish_on_commit(events.room_group(room.pk), events.access_changed(agency_id=agency.pk))


def operation_phase_set(*, operation: Operation, phase: str) -> Operation:
    """Move the operation to `phase`; a closed operation stays closed."""
    if phase not in Phase.values:
        raise OperationError(f"Unknown phase {phase!r}.")
    if operation.phase == Phase.CLOSED and phase != Phase.CLOSED:
        raise OperationError("A closed operation cannot be reopened.")
    operation.phase = phase
    operation.save(update_fields=["phase"])
    return operation
