"""Alerts: an officer is told about a match that concerns them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.crossmatch.models import Match


class AlertState(models.TextChoices):
    NEW = "new", _("new")
    SEEN = "seen", _("seen")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")


class Alert(models.Model):
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="alerts")
    state = models.CharField(max_length=12, choices=AlertState.choices, default=AlertState.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    # when the pair gained a selector after the alert was made (the alert is new again)
    updated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "match"], name="alert_unique"),
            models.CheckConstraint(
                condition=Q(state__in=AlertState.values), name="alert_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["officer", "state"], name="alert_inbox_idx")]
