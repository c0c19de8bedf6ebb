"""Setting up an operation in the pages: create it, add agencies and rooms, move its phase.

Anyone taking part sees the overview; only a coordinator gets the forms, and a
closed operation is read-only for everyone.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import Agency
from apps.accounts.services import AccountError, agency_get_or_create
from apps.operations.models import Room
from apps.operations.selectors import operation_coordinated_by
from apps.operations.services import (
    PHASE_ORDER,
    OperationError,
    operation_agency_add,
    operation_create,
    operation_phase_advance,
    operation_room_create,
    room_membership_set,
)

from .. import selectors
from ..forms import (
    MembershipForm,
    NewAgencyForm,
    OperationForm,
    ParticipationForm,
    PhaseForm,
    RoomForm,
)
from .common import (
    coordinator_required,
    open_operation_required,
    operation_coordinator_required,
    operation_for,
)


@require_http_methods(["GET", "POST"])
@login_required
def operation_new(request: HttpRequest) -> HttpResponse:
    coordinator_required(request)
    form = OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.agency_id is None:
            form.add_error(None, _("Your account has no agency."))
        else:
            try:
                operation = operation_create(
                    coordinator_agency=request.user.agency,
                    first_room=_("Whole operation"),
                    **form.cleaned_data,
                )
            except OperationError as exc:
                form.add_error("code_name", str(exc))
            else:
                messages.success(
                    request, _("Operation %(name)s created.") % {"name": operation.code_name}
                )
                return redirect("operation", operation_id=operation.pk)
    return render(request, "web/operation_new.html", {"form": form})


def _forms(operation, data=None, which: str | None = None) -> dict:
    """Every set-up form of the overview; `which` is bound to `data`."""
    taking_part = selectors.operation_agencies(operation)
    agency_ids = [a.pk for a in taking_part]
    taking_part_qs = Agency.objects.filter(pk__in=agency_ids).select_related("country")

    def bound(name):
        return data if which == name else None

    return {
        "phase_form": PhaseForm(bound("phase"), operation=operation),
        "participation_form": ParticipationForm(
            bound("participation"), agencies=selectors.agencies_not_taking_part(operation)
        ),
        "new_agency_form": NewAgencyForm(bound("new_agency")),
        "room_form": RoomForm(
            bound("room"), agencies=taking_part_qs, initial={"agencies": agency_ids}
        ),
    }


@require_GET
@login_required
def operation_detail(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = operation_for(request, operation_id)
    return _render_detail(request, operation)


def _render_detail(request, operation, *, bound: dict | None = None, status: int = 200):
    agencies = selectors.operation_agencies(operation)
    rooms = selectors.operation_rooms_with_members(operation)
    for room in rooms:
        members = {a.pk for a in room.members.all()}
        room.candidates = [a for a in agencies if a.pk not in members]
    manage = operation_coordinated_by(request.user, operation.pk) and not operation.is_closed
    context = {
        "operation": operation,
        "agencies": agencies,
        "rooms": rooms,
        "manage": manage,
        "phases": [
            (p, p.label, i <= PHASE_ORDER.index(operation.phase)) for i, p in enumerate(PHASE_ORDER)
        ],
    }
    if manage:
        context.update(_forms(operation))
        context.update(bound or {})
    return render(request, "web/operation.html", context, status=status)


def _managed(request: HttpRequest, operation_id: int):
    operation = operation_for(request, operation_id)
    operation_coordinator_required(request, operation)
    open_operation_required(operation)
    return operation


def _back(operation) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("operation", args=[operation.pk]))


@require_POST
@login_required
def operation_phase(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = _managed(request, operation_id)
    form = PhaseForm(request.POST, operation=operation)
    if not form.is_valid():
        return _render_detail(request, operation, bound={"phase_form": form}, status=400)
    try:
        operation_phase_advance(operation=operation, phase=form.cleaned_data["phase"])
    except OperationError as exc:
        form.add_error("phase", str(exc))
        return _render_detail(request, operation, bound={"phase_form": form}, status=400)
    messages.success(
        request,
        _("The operation is now in phase: %(phase)s.") % {"phase": operation.get_phase_display()},
    )
    return _back(operation)


@require_POST
@login_required
def operation_agency_add_view(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = _managed(request, operation_id)
    form = ParticipationForm(request.POST, agencies=selectors.agencies_not_taking_part(operation))
    if not form.is_valid():
        return _render_detail(request, operation, bound={"participation_form": form}, status=400)
    agency = form.cleaned_data["agency"]
    operation_agency_add(
        operation=operation, agency=agency, all_rooms=form.cleaned_data["all_rooms"]
    )
    messages.success(request, _("%(agency)s takes part.") % {"agency": agency.name})
    return _back(operation)


@require_POST
@login_required
def operation_agency_new(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = _managed(request, operation_id)
    form = NewAgencyForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, operation, bound={"new_agency_form": form}, status=400)
    try:
        with transaction.atomic():
            agency = agency_get_or_create(
                country=form.cleaned_data["country"].code,
                name=form.cleaned_data["name"].strip(),
                kind=form.cleaned_data["kind"],
            )
            operation_agency_add(
                operation=operation, agency=agency, all_rooms=form.cleaned_data["all_rooms"]
            )
    except AccountError as exc:
        form.add_error(None, str(exc))
        return _render_detail(request, operation, bound={"new_agency_form": form}, status=400)
    messages.success(request, _("%(agency)s takes part.") % {"agency": agency.name})
    return _back(operation)


@require_POST
@login_required
def operation_room_new(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = _managed(request, operation_id)
    taking_part = Agency.objects.filter(participations__operation=operation)
    form = RoomForm(request.POST, agencies=taking_part)
    if not form.is_valid():
        return _render_detail(request, operation, bound={"room_form": form}, status=400)
    try:
        room = operation_room_create(
            operation=operation,
            name=form.cleaned_data["name"].strip(),
            description=form.cleaned_data["description"],
            agencies=list(form.cleaned_data["agencies"]),
        )
    except OperationError as exc:
        form.add_error("name", str(exc))
        return _render_detail(request, operation, bound={"room_form": form}, status=400)
    messages.success(request, _("Room %(room)s created.") % {"room": room.name})
    return _back(operation)


@require_POST
@login_required
def room_membership(request: HttpRequest, operation_id: int, room_id: int) -> HttpResponse:
    operation = _managed(request, operation_id)
    room = get_object_or_404(
        Room.objects.select_related("operation"), pk=room_id, operation=operation
    )
    form = MembershipForm(
        request.POST, agencies=Agency.objects.filter(participations__operation=operation)
    )
    if not form.is_valid():
        messages.error(request, _("Choose an agency that takes part in the operation."))
        return _back(operation)
    agency, member = form.cleaned_data["agency"], form.cleaned_data["member"]
    try:
        room_membership_set(room=room, agency=agency, member=member)
    except OperationError as exc:
        messages.error(request, str(exc))
        return _back(operation)
    if member:
        messages.success(
            request, _("%(agency)s joined %(room)s.") % {"agency": agency.name, "room": room.name}
        )
    else:
        messages.success(
            request, _("%(agency)s left %(room)s.") % {"agency": agency.name, "room": room.name}
        )
    return _back(operation)
