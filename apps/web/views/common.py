"""What every page view shares: finding an operation or room the way the API does."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from apps.core.access import Forbidden, NotFound
from apps.dashboard.selectors import Watch, watch_operation
from apps.operations.models import Operation, Room
from apps.operations.selectors import (
    access_room_by_id,
    may_start_operations,
    operation_coordinated_by,
    operations_of,
)

audit = logging.getLogger("commandcentre.audit")


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def operation_for(request: HttpRequest, operation_id: int) -> Operation:
    """An operation the officer takes part in; any other does not exist for them."""
    operation = operations_of(request.user).filter(pk=operation_id).first()
    if operation is None:
        raise Http404(_("No such operation."))
    return operation


def room_for(request: HttpRequest, room_id: int) -> Room:
    """A room of the officer's agency: 403 for a room of their operation they are not in."""
    try:
        return access_room_by_id(request.user, room_id)
    except NotFound:
        raise Http404(_("No such room.")) from None
    except Forbidden:
        raise PermissionDenied(_("Your agency is not a member of this room.")) from None


def coordinator_required(request: HttpRequest) -> None:
    """Starting a new operation: officers with the coordinator role."""
    if not may_start_operations(request.user):
        raise PermissionDenied(_("Only a coordinator may set up operations."))


def operation_coordinator_required(request: HttpRequest, operation: Operation) -> None:
    """Setting up an existing operation: its own coordinators, nobody else."""
    if not operation_coordinated_by(request.user, operation.pk):
        raise PermissionDenied(_("Only this operation's coordinators may set it up."))


def watch_for(request: HttpRequest, operation_id: int) -> Watch:
    """The officer's way into an operation's dashboard and results, or 404/403."""
    try:
        return watch_operation(request.user, operation_id)
    except NotFound:
        raise Http404(_("No such operation.")) from None
    except Forbidden:
        raise PermissionDenied(
            _(
                "The dashboard and results are for the operation's coordinators and liaison officers."
            )
        ) from None


def open_operation_required(operation: Operation) -> None:
    if operation.is_closed:
        raise PermissionDenied(_("The operation is closed; it is read-only."))
