"""Writes of alerts: who is told about a match, and acknowledging."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Officer, Role
from apps.core.access import NotFound
from apps.crossmatch.models import Match
from apps.reports.selectors import viewers_for

from . import events
from .models import Alert, AlertState
from .payloads import alert_payload


class AlertNotFound(NotFound):
    """Not one of the officer's alerts."""


def officers_concerned(match: Match) -> list[Officer]:
    """Authors of both reports, their agencies' liaison officers, the operations' coordinators."""
    reports = (match.report_a, match.report_b)
    authors = Q(pk__in=[r.author_id for r in reports])
    liaisons = Q(role=Role.LIAISON, agency_id__in=[r.agency_id for r in reports])
    # Coordinators of these operations only: the coordinator role of another
    # operation, or of an agency that merely takes part, concerns nothing here.
    coordinators = Q(
        role=Role.COORDINATOR,
        agency__participations__operation_id__in=[r.room.operation_id for r in reports],
        agency__participations__coordinating=True,
    )
    return list(
        Officer.objects.filter(is_active=True)
        .filter(authors | liaisons | coordinators)
        .select_related("agency")
        .distinct()
    )


def alerts_create_for_match(match: Match, *, viewers: dict | None = None) -> list[Alert]:
    """One alert per concerned officer of a match just made, published once committed.

    `viewers` caches each officer's visibility facts across the matches of one run.
    """
    viewers = {} if viewers is None else viewers
    # Two reports of one author tell that author nothing new: no alert for their own pair.
    own = match.report_a.author_id if match.report_a.author_id == match.report_b.author_id else None
    officers = [o for o in officers_concerned(match) if o.pk != own]
    # The match was created in this transaction, so none of these exist yet.
    alerts = Alert.objects.bulk_create([Alert(officer=o, match=match) for o in officers])
    viewers.update(viewers_for([o for o in officers if o.pk not in viewers]))
    for officer, alert in zip(officers, alerts, strict=True):
        events.alert_created_on_commit(officer.pk, alert_payload(alert, viewers[officer.pk]))
    return alerts


def alerts_create_for_matches(matches: list[Match]) -> None:
    """The matches-made hook (see AlertsConfig.ready): alerts for each new match."""
    viewers: dict = {}
    for match in matches:
        alerts_create_for_match(match, viewers=viewers)


@transaction.atomic
def alert_acknowledge(*, alert_id: int, officer: Officer) -> Alert:
    """Acknowledge one of `officer`'s own alerts (again is harmless)."""
    alert = Alert.objects.select_for_update().filter(pk=alert_id, officer=officer).first()
    if alert is None:
        raise AlertNotFound("No such alert.")
    if alert.state != AlertState.ACKNOWLEDGED:
        alert.state = AlertState.ACKNOWLEDGED
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["state", "acknowledged_at"])
        events.alert_updated_on_commit(officer.pk, {"id": alert.pk, "state": alert.state})
    return alert
