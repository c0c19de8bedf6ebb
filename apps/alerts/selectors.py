"""Reads of alerts: an officer only ever sees their own."""

from django.db.models import Prefetch, Q, QuerySet

from apps.accounts.models import Officer
from apps.reports.models import Report
from apps.reports.selectors import reports_visible_to, with_details
from apps.reports.visibility import Viewer

from .models import Alert


def alerts_of(
    officer: Officer,
    *,
    state: str | None = None,
    kind: str | None = None,
    room_id: int | None = None,
    country: str | None = None,
    viewer: Viewer | None = None,
) -> QuerySet[Alert]:
    """The officer's alerts, newest first, narrowed by the inbox's filters.

    A filter never says more than the alerts show: `country` is the country of
    either report of the pair, which even a report's hit/no-hit stub shows;
    `room_id` matches only reports the officer may read (a stub does not say
    its room, so an unreadable report in that room does not count).
    """
    alerts = Alert.objects.filter(officer=officer)
    if state:
        alerts = alerts.filter(state=state)
    if kind:
        alerts = alerts.filter(match__kind=kind)
    if room_id is not None:
        in_room = reports_visible_to(officer, viewer=viewer).filter(room_id=room_id)
        alerts = alerts.filter(Q(match__report_a__in=in_room) | Q(match__report_b__in=in_room))
    if country:
        alerts = alerts.filter(
            Q(match__report_a__country_id=country) | Q(match__report_b__country_id=country)
        )
    detailed = with_details(Report.objects.select_related("room"))
    return alerts.select_related("match").prefetch_related(
        Prefetch("match__report_a", queryset=detailed),
        Prefetch("match__report_b", queryset=detailed),
        "match__links",
    )
