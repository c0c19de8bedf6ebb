"""Running totals per operation, kept up to date as reports arrive."""

from django.db import models

from apps.operations.models import Operation


class Counter(models.Model):
    """One running total: e.g. (room 4, audience room, country, "GR", "seized.firearm") = 3.

    scope is one of total, country, agency, room, hour, indicator; key names the
    member of the scope ("" for total, an ISO code, an id, "2026-11-16T10").
    Totals are kept apart per room and audience (who the counted reports are
    readable by, see `apps.reports.disclosure.count_audience`) so that each
    viewer's totals add up only what they may read; room 0 holds what belongs
    to no room (indicator counts of scored parcels).
    """

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="counters")
    room_id = models.BigIntegerField(default=0)
    audience = models.CharField(max_length=12, default="operation")
    scope = models.CharField(max_length=10)
    key = models.CharField(max_length=20)
    metric = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "room_id", "audience", "scope", "key", "metric"],
                name="counter_unique",
            )
        ]
