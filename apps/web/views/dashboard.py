"""The coordinator's live dashboard and an operation's results.

The totals come from the running counters (`operation_stats`), kept at write
time: nothing here aggregates over the operation's reports. The latest hits
and open alerts are short, indexed reads with a LIMIT.
"""

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from apps.reports.models import Report

from .. import selectors
from .common import audit, client_address, watch_for

PRESS_CATEGORIES = ("firearm", "firearm_part", "ammunition", "other_weapon", "explosive", "other")
PRESS_HEADINGS = [
    ("firearm", _("Firearms")),
    ("firearm_part", _("Firearm parts")),
    ("ammunition", _("Ammunition (rounds)")),
    ("other_weapon", _("Other weapons")),
    ("explosive", _("Explosives")),
    ("other", _("Other")),
]


def _live(request: HttpRequest, operation) -> dict:
    alert_count, alerts = selectors.open_alerts(request.user, operation)
    hits = selectors.latest_hits(request.user, operation)
    if hits:
        audit.info(
            "read reports=%s by=%s via=dashboard from=%s",
            ",".join(str(h["id"]) for h in hits),
            request.user.username,
            client_address(request),
        )
    return {
        "online": selectors.officers_online(operation),
        "hits": hits,
        "alerts": {"count": alert_count, "items": alerts},
    }


@require_GET
@login_required
def dashboard(request: HttpRequest, operation_id: int) -> HttpResponse:
    """The page shell with the totals as they are now; the socket keeps them live."""
    watch = watch_for(request, operation_id)
    operation, stats = watch.operation, watch.stats()
    return render(
        request,
        "web/dashboard.html",
        {
            "operation": operation,
            "page_data": {
                "operation": operation.pk,
                "stats": stats,
                "labels": selectors.operation_labels(operation, stats),
                "live": _live(request, operation),
            },
        },
    )


@require_GET
@login_required
def dashboard_live(request: HttpRequest, operation_id: int) -> JsonResponse:
    """What the dashboard shows besides the totals: who is online, latest hits, open alerts."""
    return JsonResponse(_live(request, watch_for(request, operation_id).operation))


def _press_row(metrics: dict) -> dict:
    return {
        "reports": metrics.get("reports", 0),
        "checks": metrics.get("kind.check", 0),
        "items_checked": metrics.get("items_checked", 0),
        "hits": metrics.get("hits", 0),
        **{category: metrics.get(f"seized.{category}", 0) for category in PRESS_CATEGORIES},
    }


@require_GET
@login_required
def results(request: HttpRequest, operation_id: int) -> HttpResponse:
    """The operation's totals as a press release needs them, by country (what I may read)."""
    watch = watch_for(request, operation_id)
    operation, stats = watch.operation, watch.stats()
    labels = selectors.operation_labels(operation, stats)
    by_country = sorted(
        (
            {"code": code, "name": labels["countries"].get(code, code), **_press_row(metrics)}
            for code, metrics in stats.get("country", {}).items()
        ),
        key=lambda row: row["name"],
    )
    return render(
        request,
        "web/results.html",
        {
            "operation": operation,
            "participants": stats["participants"],
            "total": _press_row(stats["total"]),
            "by_country": by_country,
            "categories": PRESS_HEADINGS,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


CSV_COLUMNS = [
    "id",
    "room",
    "seq",
    "created_at_utc",
    "occurred_at_utc",
    "kind",
    "handling",
    "country",
    "agency",
    "author",
    "location",
    "location_country",
    "site_type",
    "checks_count",
    "outcome",
    "seizures",
    "tracking_number",
    "carrier",
    "origin_country",
    "destination_country",
    "declared_content",
    "weight_g",
    "body",
    "amends",
]


def _csv_row(report: Report) -> list:
    try:
        parcel = report.parcel
    except Report.parcel.RelatedObjectDoesNotExist:
        parcel = None
    seizures = "; ".join(
        f"{s.category}:{s.quantity}" + (f" ({s.description})" if s.description else "")
        for s in report.seizures.all()
    )
    return [
        report.pk,
        report.room.name,
        report.seq,
        report.created_at.astimezone(timezone.UTC).isoformat(),
        report.occurred_at.astimezone(timezone.UTC).isoformat() if report.occurred_at else "",
        report.kind,
        report.handling,
        report.country_id,
        report.agency.name,
        report.author.username,
        report.location_name,
        report.location_country_id or "",
        report.site_type,
        report.checks_count,
        report.outcome,
        seizures,
        parcel.tracking_number if parcel else "",
        parcel.carrier if parcel else "",
        (parcel.origin_country_id or "") if parcel else "",
        (parcel.destination_country_id or "") if parcel else "",
        parcel.declared_content if parcel else "",
        parcel.weight_g if parcel else "",
        report.body,
        report.amends_id or "",
    ]


@require_GET
@login_required
def results_csv(request: HttpRequest, operation_id: int) -> StreamingHttpResponse:
    """The reports of the operation I may export, as CSV (never amber+strict or red)."""
    operation = watch_for(request, operation_id).operation
    reports = selectors.export_reports(request.user, operation)
    audit.info(
        "export operation=%s by=%s from=%s",
        operation.pk,
        request.user.username,
        client_address(request),
    )
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for report in reports.iterator(chunk_size=1000):
            yield writer.writerow([_cell(v) for v in _csv_row(report)])

    filename = "".join(c if c.isalnum() else "-" for c in operation.code_name).strip("-")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{filename or "operation"}-reports.csv"'
    )
    return response
