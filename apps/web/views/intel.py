"""The analysts' pages: risk indicators with their effectiveness, imports of earlier seizures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.selectors import agencies_of_countries
from apps.core.text import fold_text
from apps.intel.imports import import_run_map_agencies, officer_may_map_agencies
from apps.intel.models import ImportStatus
from apps.intel.payloads import indicator_payload
from apps.intel.selectors import (
    import_run_for,
    import_runs_of,
    indicator_counts_for,
    indicator_for,
    indicators_of,
    operation_of,
)
from apps.intel.services import (
    IntelInvalid,
    IntelRefused,
    indicator_create,
    indicator_update,
    officer_may_analyse,
    officer_may_change_intel,
)
from apps.intel.uploads import import_upload_start
from apps.operations.selectors import rooms_of

from ..forms import AgencyMappingForm, ImportForm, IndicatorForm


def _operation(request: HttpRequest, operation_id: int):
    operation = operation_of(request.user, operation_id)
    if operation is None:
        raise Http404(_("No such operation."))
    return operation


def _form_errors(form, errors: dict[str, list[str]]) -> None:
    for path, messages_ in errors.items():
        field = path.split(".")[0].split("[")[0]
        text = " ".join(messages_) if field == path else f"{path}: {' '.join(messages_)}"
        form.add_error(field if field in form.fields else None, text)


@require_http_methods(["GET", "POST"])
@login_required
def indicators(request: HttpRequest, operation_id: int) -> HttpResponse:
    """The operation's indicators, their counts (live) and, for analysts, a form for a new one."""
    operation = _operation(request, operation_id)
    may_edit = officer_may_change_intel(request.user, operation)
    form = IndicatorForm(request.POST or None) if may_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            indicator = indicator_create(
                operation=operation, officer=request.user, data=form.cleaned_data
            )
        except IntelInvalid as exc:
            _form_errors(form, exc.errors)
        except IntelRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Indicator %(name)s added.") % {"name": indicator.name})
            return redirect("intel-indicators", operation_id=operation.pk)
    counts = indicator_counts_for(request.user, operation.pk)
    rows = [indicator_payload(i, counts) for i in indicators_of(request.user, operation)]
    return render(
        request,
        "web/intel/indicators.html",
        {"operation": operation, "indicators": rows, "form": form, "may_edit": may_edit},
    )


@require_POST
@login_required
def indicator_toggle(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """Switch an indicator on or off; its counts stay."""
    indicator = indicator_for(request.user, indicator_id)
    if indicator is None:
        raise Http404(_("No such indicator."))
    try:
        indicator_update(
            indicator=indicator, officer=request.user, data={"active": not indicator.active}
        )
    except IntelRefused as exc:
        messages.error(request, exc.message)
    return redirect("intel-indicators", operation_id=indicator.operation_id)


@require_http_methods(["GET", "POST"])
@login_required
def imports(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Upload a file of earlier seizures; the imports so far."""
    operation = _operation(request, operation_id)
    if not officer_may_analyse(request.user, operation):
        raise Http404(_("No such page."))
    rooms = rooms_of(request.user).filter(operation=operation)
    form = ImportForm(request.POST or None, request.FILES or None, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_upload_start(
                operation=operation,
                officer=request.user,
                upload=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                room_id=form.cleaned_data["room"],
            )
        except IntelInvalid as exc:
            _form_errors(form, exc.errors)
        except IntelRefused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("intel-import", run_id=run.pk)
    runs = import_runs_of(request.user, operation)[:50]
    return render(
        request, "web/intel/imports.html", {"operation": operation, "form": form, "runs": runs}
    )


def _mapping_forms(request: HttpRequest, run, data=None) -> list[AgencyMappingForm]:
    """A form per unknown agency of the run, for those who may map them; with `data`,
    only the one it names (country and name), bound to it."""
    if run.status != ImportStatus.NEEDS_AGENCIES or not officer_may_map_agencies(request.user, run):
        return []
    unknowns = list(enumerate(run.agencies_unknown))
    if data is not None:
        named = (data.get("country", ""), fold_text(data.get("name", "")))
        unknowns = [(i, u) for i, u in unknowns if (u["country"], fold_text(u["name"])) == named]
    agencies = agencies_of_countries(u["country"] for _i, u in unknowns)
    return [
        AgencyMappingForm(
            data,
            unknown=unknown,
            agencies=agencies.get(unknown["country"], []),
            auto_id=f"id_agency{index}_%s",
        )
        for index, unknown in unknowns
    ]


@login_required
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """One import: counts, rejected rows with line and reason, matches found; while it
    waits for agencies, a form for each unknown one."""
    run = import_run_for(request.user, run_id)
    if run is None:
        raise Http404(_("No such import."))
    return render(
        request,
        "web/intel/import.html",
        {"run": run, "operation": run.operation, "forms": _mapping_forms(request, run)},
    )


@require_POST
@login_required
def import_agencies(request: HttpRequest, run_id: int) -> HttpResponse:
    """Map one unknown agency of an import (the form of its row on the import's page)."""
    run = import_run_for(request.user, run_id)
    if run is None:
        raise Http404(_("No such import."))
    if not officer_may_map_agencies(request.user, run):
        raise PermissionDenied(
            _("Only the import's analyst and the coordinators map its agencies.")
        )
    forms = _mapping_forms(request, run, request.POST)
    if not forms:
        messages.error(request, _("This import is not waiting for that agency."))
        return redirect("intel-import", run_id=run.pk)
    form = forms[0]
    if form.is_valid():
        try:
            run = import_run_map_agencies(
                run=run, officer=request.user, data={"agencies": [form.mapping()]}
            )
        except IntelInvalid as exc:
            _form_errors(form, {"target": [" ".join(m) for m in exc.errors.values()]})
        except IntelRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("%(name)s is mapped.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("intel-import", run_id=run.pk)
    others = [f for f in _mapping_forms(request, run) if f.unknown["name"] != form.unknown["name"]]
    return render(
        request,
        "web/intel/import.html",
        {"run": run, "operation": run.operation, "forms": [form, *others]},
        status=400,
    )
