"""Operations, the agencies taking part, and their rooms."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency


class Phase(models.TextChoices):
    PLANNING = "planning", _("planning")
    INTELLIGENCE = "intelligence", _("intelligence")
    ACTION = "action", _("action")
    DEBRIEF = "debrief", _("debrief")
    CLOSED = "closed", _("closed")


class Operation(models.Model):
    code_name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.PLANNING)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    agencies = models.ManyToManyField(Agency, through="Participation", related_name="operations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "code_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__in=Phase.values), name="operation_phase_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="operation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.code_name

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED


class Participation(models.Model):
    """An agency taking part in an operation.

    `coordinating` marks the operation's coordinating bodies (Europol, a Commission
    service...): their officers with the coordinator role coordinate this operation,
    and no other. Coordination is never a property of an account alone.
    """

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="participations"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="participations")
    coordinating = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "agency"], name="participation_unique")
        ]


class Room(models.Model):
    """A shared space inside an operation; its members are agencies."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Agency, through="RoomMembership", related_name="rooms")
    # The last seq handed out; bumped under a row lock in the report write path.
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["operation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "name"], name="room_unique_name"),
            models.CheckConstraint(condition=models.Q(last_seq__gte=0), name="room_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.operation.code_name} / {self.name}"


class RoomMembership(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "agency"], name="room_membership_unique")
        ]
