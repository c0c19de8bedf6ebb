"""Writes of alerts: who is told about a match, and acknowledging."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Officer, Role
from apps.core.access import NotFound
from apps.crossmatch.hooks import MatchMade
from apps.operations.selectors import coordinated_operation_ids_of
from apps.reports.selectors import viewers_for

from . import events
from .models import Alert, AlertState
from .payloads import alert_payload


class AlertNotFound(NotFound):
    """Not one of the officer's alerts."""


def officers_concerned(made: list[MatchMade]) -> dict[int, list[Officer]]:
    """For each pair: the authors of its told reports (both, or the live side of an import
    match), their agencies' liaison officers, and the coordinators of those reports'
    operations. One query for all the pairs.
    """
    told = {
        m.match.pk: [r for r in (m.match.report_a, m.match.report_b) if r.pk in m.told]
        for m in made
    }
    reports = [r for rs in told.values() for r in rs]
    if not reports:
        return {pk: [] for pk in told}
    authors = Q(pk__in={r.author_id for r in reports})
    liaisons = Q(role=Role.LIAISON, agency_id__in={r.agency_id for r in reports})
    # Coordinators of these operations only: the coordinator role of another
    # operation, or of an agency that merely takes part, concerns nothing here.
    coordinators = Q(
        role=Role.COORDINATOR,
        agency__participations__operation_id__in={r.room.operation_id for r in reports},
        agency__participations__coordinating=True,
    )
    candidates = list(
        Officer.objects.filter(is_active=True)
        .filter(authors | liaisons | coordinators)
        .select_related("agency")
        .distinct()
    )
    coordinated = coordinated_operation_ids_of(candidates)
    out: dict[int, list[Officer]] = {}
    for pk, pair in told.items():
        operations = {r.room.operation_id for r in pair}
        out[pk] = [
            o
            for o in candidates
            if o.pk in {r.author_id for r in pair}
            or (o.role == Role.LIAISON and o.agency_id in {r.agency_id for r in pair})
            or (o.role == Role.COORDINATOR and coordinated.get(o.pk, set()) & operations)
        ]
    return out


def alerts_for_matches(made: list[MatchMade]) -> None:
    """The matches-made hook (see AlertsConfig.ready): one alert per officer concerned and pair.

    A new pair makes an alert for each officer concerned (none to an officer for a pair
    of their own two reports); a pair that gained a selector makes its alerts new again
    and sends them again, whole. Published once committed.
    """
    created = [m.match for m in made if m.created]
    gained = [m.match for m in made if not m.created]
    viewers: dict = {}
    if created:
        concerned = officers_concerned([m for m in made if m.created])
        pending = [
            Alert(officer=officer, match=match)
            for match in created
            for officer in concerned[match.pk]
            # Two reports of one author tell that author nothing new.
            if not (officer.pk == match.report_a.author_id == match.report_b.author_id)
        ]
        # The pairs were created in this transaction, so none of these exist yet.
        alerts = Alert.objects.bulk_create(pending)
        viewers.update(viewers_for(list({a.officer_id: a.officer for a in alerts}.values())))
        for alert in alerts:
            events.alert_created_on_commit(
                alert.officer_id, alert_payload(alert, viewers[alert.officer_id])
            )
    if gained:
        by_pk = {m.pk: m for m in gained}
        alerts = list(Alert.objects.filter(match__in=gained).select_related("officer"))
        now = timezone.now()
        Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(
            state=AlertState.NEW, updated_at=now, acknowledged_at=None
        )
        officers = [a.officer for a in alerts if a.officer_id not in viewers]
        viewers.update(viewers_for(list({o.pk: o for o in officers}.values())))
        for alert in alerts:
            alert.match = by_pk[alert.match_id]
            alert.state, alert.updated_at, alert.acknowledged_at = AlertState.NEW, now, None
            events.alert_updated_on_commit(
                alert.officer_id, alert_payload(alert, viewers[alert.officer_id])
            )


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
