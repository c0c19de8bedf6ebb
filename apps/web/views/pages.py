"""Officers' pages: home, a room's live feed, one report, the alert inbox."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.accounts.models import Country
from apps.core.audit import alert_reports_shown, audit_read
from apps.operations.selectors import may_start_operations
from apps.reports.models import Handling, Kind, Outcome, PartyRole, SeizureCategory, SiteType
from apps.reports.normalise import SelectorType

from .. import selectors
from ..forms import AlertFilterForm
from .common import audit, client_address, room_for


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My operations and the rooms I can go into."""
    return render(
        request,
        "web/home.html",
        {
            "operations": selectors.home_operations(request.user),
            "may_start_operations": may_start_operations(request.user),
        },
    )


@require_GET
@login_required
def room(request: HttpRequest, room_id: int) -> HttpResponse:
    """A room: the live feed, presence and the forms to post."""
    room = room_for(request, room_id)
    feed = selectors.room_feed(request.user, room)
    audit.info(
        "read room=%s reports=%s by=%s via=page from=%s",
        room.pk,
        ",".join(str(r["id"]) for r in feed),
        request.user.username,
        client_address(request),
    )
    operation = room.operation
    return render(
        request,
        "web/room.html",
        {
            "room": room,
            "operation": operation,
            "may_post": not operation.is_closed,
            "page_data": {
                "room": room.pk,
                "operation": operation.pk,
                "closed": operation.is_closed,
                "me": request.user.username,
                "feed": feed,
            },
            "countries": Country.objects.order_by("name").values_list("code", "name"),
            "kinds": Kind.choices,
            "handlings": Handling.choices,
            "outcomes": Outcome.choices,
            "site_types": SiteType.choices,
            "categories": SeizureCategory.choices,
            "selector_types": [(t.value, t.value.replace("_", " ")) for t in SelectorType],
        },
    )


@require_GET
@login_required
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    """One report, if I may read it; 404 otherwise, as over the API."""
    found = selectors.report_for(request.user, report_id)
    if found is None:
        raise Http404(_("No such report."))
    audit.info(
        "read report=%s by=%s via=page from=%s",
        found.pk,
        request.user.username,
        client_address(request),
    )
    parties = list(found.parties.all())
    try:
        parcel = found.parcel
    except found.__class__.parcel.RelatedObjectDoesNotExist:
        parcel = None
    return render(
        request,
        "web/report.html",
        {
            "report": found,
            "operation": found.room.operation,
            "parcel": parcel,
            "sender": next((p for p in parties if p.role == PartyRole.SENDER), None),
            "recipient": next((p for p in parties if p.role == PartyRole.RECIPIENT), None),
            "people": [p for p in parties if p.role == PartyRole.PERSON],
        },
    )


@require_GET
@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """My alert inbox, filtered and paged by the query string; new alerts arrive over /ws/alerts/."""
    form = AlertFilterForm(
        request.GET,
        rooms=selectors.alert_filter_rooms(request.user),
        countries=list(Country.objects.order_by("name").values_list("code", "name")),
    )
    filters = form.filters()
    found = selectors.inbox_page(request.user, page=form.cleaned_data.get("page") or 1, **filters)
    inbox = found.alerts
    for what, ids in (
        ("alerts", [a["id"] for a in inbox]),
        ("reports", alert_reports_shown(inbox)),
    ):
        audit_read(
            username=request.user.username, what=what, ids=ids, via="page-alerts",
            origin=client_address(request),
        )  # fmt: skip
    query = {k: v for k, v in request.GET.items() if k != "page" and k in form.fields and v}
    return render(
        request,
        "web/alerts.html",
        {
            "form": form,
            "inbox": found,
            "filtered": any(v is not None for v in filters.values()),
            "query": urlencode(query),
            # live alerts join the list only when it shows the newest of every alert
            "page_data": {"alerts": inbox, "live": found.number == 1 and not any(filters.values())},
        },
    )
