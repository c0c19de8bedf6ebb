"""Matches between reports, the blocking index for fuzzy names, and noise control."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.operations.models import Operation
from apps.reports.models import Party, Report


class MatchKind(models.TextChoices):
    EXACT = "exact", _("exact")
    FUZZY = "fuzzy", _("fuzzy")


class Match(models.Model):
    """Two reports that share selectors or name similar people, addresses or companies.

    One row per pair of reports (report_a is always the earlier one, lower id), listing
    every selector and name they share in its links. `kind` is exact when any link is,
    `score` the highest of the links'.
    """

    report_a = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    report_b = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=MatchKind.choices)
    score = models.FloatField(default=1.0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["report_a", "report_b"], name="match_pair_unique"),
            models.CheckConstraint(
                condition=Q(report_a__lt=models.F("report_b")), name="match_ordered"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="match_score_range"
            ),
        ]
        indexes = [models.Index(fields=["report_b"], name="match_report_b_idx")]


class MatchLink(models.Model):
    """One selector or name a matched pair shares, with its score and reasons."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=MatchKind.choices)
    selector_type = models.CharField(max_length=20)
    # The value as it stands in report_a; for a fuzzy link `value_b` is the
    # (similar, not equal) value in report_b, for an exact link the same value.
    # Disclosure shows each side only to those who may read that report.
    value = models.CharField(max_length=500)
    value_b = models.CharField(max_length=500, blank=True, default="")
    score = models.FloatField(default=1.0)
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["match", "selector_type", "value"], name="matchlink_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="matchlink_score_range"
            ),
        ]


class NameKey(models.Model):
    """Blocking keys of the people, addresses and companies a report names.

    Fuzzy candidates come from looking up a new name's keys here, never from
    a scan of earlier reports.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="name_keys")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, null=True, related_name="+")
    entity = models.CharField(max_length=10)  # person, address, company
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "key", "report", "party"], name="namekey_unique"
            )
        ]
        indexes = [models.Index(fields=["entity", "key"], name="namekey_lookup_idx")]


class ExcludedSelector(models.Model):
    """A value an operation's analysts decided never to alert on (a hub's address...)."""

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="excluded_selectors"
    )
    selector_type = models.CharField(max_length=20)
    normalised = models.CharField(max_length=500)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "selector_type", "normalised"], name="excluded_selector_unique"
            )
        ]


class NameTokenCount(models.Model):
    """How many stored names contain each name token; the row "" counts all names.

    Lets the person score weigh a rare name above a common one (term-frequency
    adjustment) without counting over the names at matching time.
    """

    token = models.CharField(max_length=64, primary_key=True)
    count = models.BigIntegerField(default=0)
