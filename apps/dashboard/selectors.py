"""Reads of the running totals; never an aggregate over reports."""

from apps.operations.models import Operation

from .models import Counter


def operation_stats(operation: Operation) -> dict:
    """The operation's totals, nested by scope, key and metric."""
    stats: dict[str, dict] = {"total": {}, "country": {}, "agency": {}, "room": {}, "hour": {}}
    rows = Counter.objects.filter(operation=operation).values_list("scope", "key", "metric", "value")
    for scope, key, metric, value in rows:
        if scope == "total":
            stats["total"][metric] = value
        else:
            stats.setdefault(scope, {}).setdefault(key, {})[metric] = value
    stats["participants"] = {
        "agencies": operation.participations.count(),
        "countries": operation.agencies.values("country_id").distinct().count(),
        "officers": operation.agencies.values("officers").exclude(officers=None).count(),
    }
    return stats
