"""Countries, agencies and the officers who work for them."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.text import fold_text


class Country(models.Model):
    """An ISO 3166-1 country; the table is filled from the standard by a migration."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"), name="country_code_alpha2"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class AgencyKind(models.TextChoices):
    POLICE = "police", _("police")
    CUSTOMS = "customs", _("customs")
    BORDER = "border", _("border guard")
    COORDINATOR = "coordinator", _("coordinator body")


class Agency(models.Model):
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)

    class Meta:
        ordering = ["country_id", "name"]
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="agency_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind__in=AgencyKind.values), name="agency_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


class AgencyAlias(models.Model):
    """Another name of an agency in its country ("Hellenic Police" for Greece's police).

    Imports resolve a row's agency by its exact name, then by these; `folded` is the
    name through apps/core/text.fold_text, so case, accents and spacing do not matter.
    """

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    folded = models.CharField(max_length=200, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    created_by = models.ForeignKey(
        "Officer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country_id", "folded"]
        verbose_name_plural = _("agency aliases")
        constraints = [
            models.UniqueConstraint(fields=["country", "folded"], name="agency_alias_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id}) = {self.agency.name}"

    def clean(self) -> None:
        """For the admin's form (services check the same before they write)."""
        self.folded = fold_text(self.name or "")
        if self.agency_id and self.country_id and self.agency.country_id != self.country_id:
            raise ValidationError({"agency": _("An alias names an agency of its own country.")})
        twin = AgencyAlias.objects.filter(country_id=self.country_id, folded=self.folded)
        if self.folded and twin.exclude(pk=self.pk).exists():
            raise ValidationError({"name": _("The country has this alias already.")})


class Role(models.TextChoices):
    OFFICER = "officer", _("officer")
    LIAISON = "liaison", _("liaison officer")
    ANALYST = "analyst", _("analyst")
    COORDINATOR = "coordinator", _("coordinator")


class Officer(AbstractUser):
    """A user of one agency. Country comes from the agency, never from the client."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="officers", null=True, blank=True
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="officer_role_valid"
            )
        ]

    @property
    def country_id(self) -> str | None:
        return self.agency.country_id if self.agency_id else None
