"""Running totals per operation, kept up to date as reports arrive."""

from django.db import models

from apps.operations.models import Operation


class Counter(models.Model):
    """One running total: e.g. (country, "GR", "seized.firearm") = 3.

    scope is one of total, country, agency, room, hour; key names the member
    of the scope ("" for total, an ISO code, an id, "2026-11-16T10").
    """

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="counters")
    scope = models.CharField(max_length=10)
    key = models.CharField(max_length=20)
    metric = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "scope", "key", "metric"], name="counter_unique"
            )
        ]
