"""The intelligence phase: imports of earlier seizures, risk indicators and scored parcels."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.operations.models import Operation, Room
from apps.reports.models import Report


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    # The file names agencies nobody knows: an analyst maps them, then it is loaded.
    NEEDS_AGENCIES = "needs_agencies", _("needs agencies")
    LOADING = "loading", _("loading")
    # Every row is in; the batches are still being cross-matched.
    MATCHING = "matching", _("matching")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportRun(models.Model):
    """One import of a file of earlier seizures: what came in, what was refused, what matched.

    It is also the analyst's summary: matches found while matching the import are
    counted here instead of raising one alert each.
    """

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="import_runs")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="import_runs")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_runs"
    )
    name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=10)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_existing = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # [{"line": 12, "reason": "parcel.weight_g: ..."}], the first MAX_STORED_ERRORS only.
    errors = models.JSONField(default=list, blank=True)
    agencies_created = models.JSONField(default=list, blank=True)
    # [{"country": "GR", "name": "Hellenic Police", "kinds": ["police"], "rows": 12}]:
    # agencies of the file no name or alias resolves; nothing loads while any is left.
    agencies_unknown = models.JSONField(default=list, blank=True)
    batches_total = models.PositiveIntegerField(default=0)
    batches_matched = models.PositiveIntegerField(default=0)
    matches_found = models.PositiveIntegerField(default=0)
    # An upload waiting for its task; emptied once it is read.
    source = models.BinaryField(null=True, blank=True, editable=False)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    loaded_at = models.DateTimeField(null=True, blank=True)
    # Last time a batch was matched: a run that stops progressing is swept.
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_run_status_valid"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="import_run_status_idx")]

    def __str__(self) -> str:
        return f"import {self.pk} {self.name} ({self.status})"


class ImportedReport(models.Model):
    """Which import brought a report in, under which row key.

    The key (also the report's client_id) is derived from the row, so importing
    the same rows again - from the same file or another, by any analyst - finds
    them here and creates nothing.
    """

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="import_record")
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="imported")
    line = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "key"], name="imported_report_unique_key")
        ]


class IndicatorKind(models.TextChoices):
    ORIGIN_COUNTRY = "origin_country", _("origin country")
    DESTINATION_COUNTRY = "destination_country", _("destination country")
    ROUTE = "route", _("route (origin and destination)")
    CARRIER = "carrier", _("carrier")
    DECLARED_CONTENT = "declared_content", _("declared content words")
    WEIGHT_RANGE = "weight_range", _("weight range")
    WATCHED_SELECTOR = "watched_selector", _("sender or recipient is a watched selector")
    EARLIER_SELECTOR = "earlier_selector", _("selector seen in earlier seizures")
    EARLIER_PERSON = "earlier_person", _("person seen in earlier seizures")
    DARK_WEB = "dark_web", _("signs of a dark-web purchase")


class Indicator(models.Model):
    """An operation's rule for choosing parcels to control; `params` is validated per kind."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=IndicatorKind.choices)
    params = models.JSONField(default=dict)
    weight = models.FloatField(default=10.0)
    explanation = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["operation_id", "-weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "name"], name="indicator_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=IndicatorKind.values), name="indicator_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=-100, weight__lte=100), name="indicator_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every save (services, the admin) is a new version: scoring, which checks the
        # active indicators' (id, updated_at) before each batch, compiles them again.
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class IndicatorStat(models.Model):
    """How an indicator does: parcels it flagged, of those checked, of those hits.

    Running counts, written with F() additions as scores and reports arrive.
    """

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, primary_key=True, related_name="stat"
    )
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    flagged = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)


class ScoredParcel(models.Model):
    """A parcel on which at least one indicator fired, by its normalised tracking number.

    A later check or hit report on the same tracking number counts for every
    indicator that fired (once per parcel: checked_at and hit_at are set once).
    """

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    tracking_number = models.CharField(max_length=64)
    indicator_ids = models.JSONField(default=list)
    score = models.FloatField(default=0)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hit_at = models.DateTimeField(null=True, blank=True)
    hit_report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "tracking_number"], name="scored_parcel_unique"
            )
        ]
