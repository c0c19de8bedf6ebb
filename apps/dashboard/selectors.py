"""Reads of the running totals; never an aggregate over reports.

A viewer's totals add up only the rooms and audiences they may read in full
(`apps.reports.disclosure.count_scope`), so a total says no more than the
reports behind it would.
"""

from dataclasses import dataclass

from django.db.models import Q, Sum

from apps.accounts.models import Officer
from apps.core.access import Forbidden, NotFound
from apps.operations.models import Operation
from apps.operations.selectors import may_watch_operation, operations_of
from apps.reports.disclosure import (
    AUDIENCE_COORDINATORS,
    AUDIENCE_OPERATION,
    AUDIENCE_ROOM,
    CountScope,
    count_scope,
)
from apps.reports.selectors import viewer_for
from apps.reports.visibility import Viewer

from .models import Counter


def _visible(scope: CountScope) -> Q:
    allowed = Q(pk__in=[])
    if scope.operation:
        allowed |= Q(audience=AUDIENCE_OPERATION)
        allowed |= Q(audience=AUDIENCE_ROOM, room_id__in=scope.room_ids)
    if scope.coordinators:
        allowed |= Q(audience=AUDIENCE_COORDINATORS)
    return allowed


def operation_stats(operation: Operation, scope: CountScope) -> dict:
    """The operation's totals that `scope` may see, nested by scope, key and metric."""
    stats: dict[str, dict] = {"total": {}, "country": {}, "agency": {}, "room": {}, "hour": {}}
    rows = (
        Counter.objects.filter(_visible(scope), operation=operation)
        .values_list("scope", "key", "metric")
        .annotate(sum=Sum("value"))
        .order_by()
    )
    for kind, key, metric, value in rows:
        if not value:
            continue
        if kind == "total":
            stats["total"][metric] = value
        else:
            stats.setdefault(kind, {}).setdefault(key, {})[metric] = value
    stats["participants"] = {
        "agencies": operation.participations.count(),
        "countries": operation.agencies.values("country_id").distinct().count(),
        "officers": operation.agencies.values("officers").exclude(officers=None).count(),
    }
    return stats


def totals_of_scope(operation_id: int, scope: CountScope, kind: str) -> dict[str, dict[str, int]]:
    """One kind of totals (e.g. `indicator`): {key: {metric: value}} as `scope` may see them."""
    totals: dict[str, dict[str, int]] = {}
    rows = (
        Counter.objects.filter(_visible(scope), operation_id=operation_id, scope=kind)
        .values_list("key", "metric")
        .annotate(sum=Sum("value"))
        .order_by()
    )
    for key, metric, value in rows:
        totals.setdefault(key, {})[metric] = value
    return totals


def delta_for(scope: CountScope, rows: list[list]) -> list[list]:
    """The rows of a published delta that `scope` may see, as clients get them:
    [scope, key, metric, amount]."""
    return [row[2:] for row in rows if scope.sees(row[0], row[1])]


@dataclass(frozen=True)
class Watch:
    """An officer's way into one operation's dashboard and results."""

    operation: Operation
    viewer: Viewer
    scope: CountScope

    def stats(self) -> dict:
        return operation_stats(self.operation, self.scope)


def watch_operation(officer: Officer, operation_id: int) -> Watch:
    """The one door to an operation's dashboard, totals and results.

    Not taking part: NotFound. Taking part but neither a coordinator of the
    operation nor a liaison officer: Forbidden (see `may_watch_operation`).
    """
    operation = operations_of(officer).filter(pk=operation_id).first()
    if operation is None:
        raise NotFound("No such operation.")
    if not may_watch_operation(officer, operation.pk):
        raise Forbidden(
            "The dashboard and results are for the operation's coordinators and liaison officers."
        )
    viewer = viewer_for(officer)
    return Watch(operation, viewer, count_scope(viewer, operation.pk))
