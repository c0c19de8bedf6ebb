"""Reports and what they carry: seizures, a parcel, parties and selectors.

Reports are never edited in place; an amendment is a new report that points
to the one it amends.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency, Country
from apps.operations.models import Room


class Kind(models.TextChoices):
    CHECK = "check", _("check")
    HIT = "hit", _("hit")
    INTEL = "intel", _("intelligence")
    UPDATE = "update", _("update")


class Handling(models.TextChoices):
    """TLP 2.0: who may read, forward and export a report."""

    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


class Outcome(models.TextChoices):
    CLEAR = "clear", _("clear")
    SUSPICIOUS = "suspicious", _("suspicious")
    HIT = "hit", _("hit")


class SiteType(models.TextChoices):
    POSTAL_HUB = "postal_hub", _("postal hub")
    COURIER_HUB = "courier_hub", _("courier hub")
    AIRPORT = "airport", _("airport")
    SEAPORT = "seaport", _("seaport")
    BORDER_CROSSING = "border_crossing", _("border crossing")
    CUSTOMS_PREMISES = "customs_premises", _("customs premises")
    ROAD = "road", _("road")
    OTHER = "other", _("other")


class SeizureCategory(models.TextChoices):
    FIREARM = "firearm", _("firearm")
    FIREARM_PART = "firearm_part", _("firearm part")
    AMMUNITION = "ammunition", _("ammunition")
    OTHER_WEAPON = "other_weapon", _("other weapon")
    EXPLOSIVE = "explosive", _("explosive")
    OTHER = "other", _("other")


class Report(models.Model):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="reports")
    seq = models.BigIntegerField()
    client_id = models.UUIDField(default=uuid.uuid4)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports"
    )
    # Copied from the author's agency at the time of writing, never from the client.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reports")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    handling = models.CharField(max_length=12, choices=Handling.choices, default=Handling.GREEN)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    location_name = models.CharField(max_length=200, blank=True)
    location_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site_type = models.CharField(max_length=20, choices=SiteType.choices, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    checks_count = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ReportRecipient", related_name="addressed_reports"
    )
    # Set in the same transaction as the report's matches; the sweep re-enqueues
    # reports that stay unmatched, so a lost task never loses a match.
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="report_unique_seq"),
            models.UniqueConstraint(fields=["author", "client_id"], name="report_unique_client_id"),
            models.CheckConstraint(condition=Q(seq__gt=0), name="report_seq_positive"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="report_kind_valid"),
            models.CheckConstraint(
                condition=Q(handling__in=Handling.values), name="report_handling_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values),
                name="report_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90),
                name="report_lat_range",
            ),
            models.CheckConstraint(
                condition=Q(lon__isnull=True) | Q(lon__gte=-180, lon__lte=180),
                name="report_lon_range",
            ),
        ]
        indexes = [
            models.Index(fields=["matched_at", "created_at"], name="report_unmatched_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq} in room {self.room_id}"


class ReportRecipient(models.Model):
    """Who may read a `red` report besides its author and the coordinators."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "officer"], name="report_recipient_unique")
        ]


class Seizure(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="seizures")
    category = models.CharField(max_length=20, choices=SeizureCategory.choices)
    quantity = models.PositiveIntegerField()
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="seizure_quantity_positive"),
            models.CheckConstraint(
                condition=Q(category__in=SeizureCategory.values), name="seizure_category_valid"
            ),
        ]


class Parcel(models.Model):
    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="parcel")
    tracking_number = models.CharField(max_length=64, blank=True)
    carrier = models.CharField(max_length=100, blank=True)
    origin_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declared_content = models.CharField(max_length=500, blank=True)
    weight_g = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_g__isnull=True) | Q(weight_g__gt=0),
                name="parcel_weight_positive",
            )
        ]


class PartyRole(models.TextChoices):
    SENDER = "sender", _("sender")
    RECIPIENT = "recipient", _("recipient")
    PERSON = "person", _("person named")


class Party(models.Model):
    """A person or company named by a report: a parcel's sender or recipient, or one of its people."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=500, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=254, blank=True)
    company = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "role", "position"], name="party_unique_position"
            ),
            models.CheckConstraint(condition=Q(role__in=PartyRole.values), name="party_role_valid"),
        ]


class Selector(models.Model):
    """One occurrence of a typed, normalised value in a report; what is matched."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="selectors")
    type = models.CharField(max_length=20)
    value = models.CharField(max_length=500)
    normalised = models.CharField(max_length=500)
    source = models.CharField(max_length=60)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "type", "normalised"], name="selector_unique_per_report"
            )
        ]
        indexes = [models.Index(fields=["type", "normalised"], name="selector_lookup_idx")]
