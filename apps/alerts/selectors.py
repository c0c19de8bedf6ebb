"""Reads of alerts: an officer only ever sees their own."""

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import Officer
from apps.reports.models import Report
from apps.reports.selectors import with_details

from .models import Alert


def alerts_of(officer: Officer, *, state: str | None = None) -> QuerySet[Alert]:
    alerts = Alert.objects.filter(officer=officer)
    if state:
        alerts = alerts.filter(state=state)
    detailed = with_details(Report.objects.select_related("room"))
    return alerts.select_related("match").prefetch_related(
        Prefetch("match__report_a", queryset=detailed),
        Prefetch("match__report_b", queryset=detailed),
        "match__links",
    )
