"""Parsing and checking a report as posted, the same for REST and WebSocket.

DRF serializers are used here only as a schema: they turn untrusted JSON into
typed values or field-level errors. What the report means (may this officer
post here, who are the recipients) is decided in services.py.
"""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from apps.core.inputs import CountryField, StrictSerializer, compile_serializer, flatten_errors

from .models import Handling, Kind, Outcome, SeizureCategory, SiteType
from .normalise import SelectorType

# Fields the server sets; a client that sends them is told so instead of being ignored.
SERVER_FIELDS = ("id", "room", "seq", "created_at", "author", "agency", "country")


class ReportPart(StrictSerializer):
    """A report or a part of it: the server's own fields are refused by name."""

    server_fields = SERVER_FIELDS


# A clock a little ahead is tolerated; a report of the future is not.
CLOCK_SKEW = timedelta(minutes=5)


class PartyInput(ReportPart):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_date_of_birth(self, value):
        if value and value > timezone.now().date():
            raise serializers.ValidationError("A date of birth cannot be in the future.")
        return value

    def validate(self, attrs):
        if not any(attrs.get(k) for k in ("name", "address", "phone", "email", "company")):
            raise serializers.ValidationError(
                "Give at least one of name, address, phone, email or company."
            )
        return attrs


class LocationInput(ReportPart):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    country = CountryField(required=False, allow_null=True, default=None)
    site_type = serializers.ChoiceField(
        choices=SiteType.choices, required=False, allow_blank=True, default=""
    )
    lat = serializers.FloatField(
        min_value=-90, max_value=90, required=False, allow_null=True, default=None
    )
    lon = serializers.FloatField(
        min_value=-180, max_value=180, required=False, allow_null=True, default=None
    )

    def validate(self, attrs):
        if (attrs.get("lat") is None) != (attrs.get("lon") is None):
            raise serializers.ValidationError("Give both lat and lon, or neither.")
        return attrs


class SeizureInput(ReportPart):
    category = serializers.ChoiceField(choices=SeizureCategory.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class ParcelInput(ReportPart):
    tracking_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    carrier = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    origin_country = CountryField(required=False, allow_null=True, default=None)
    destination_country = CountryField(required=False, allow_null=True, default=None)
    declared_content = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    weight_g = serializers.IntegerField(
        min_value=1, max_value=1_000_000, required=False, allow_null=True, default=None
    )
    sender = PartyInput(required=False, allow_null=True, default=None)
    recipient = PartyInput(required=False, allow_null=True, default=None)


class SelectorInput(ReportPart):
    type = serializers.ChoiceField(choices=[t.value for t in SelectorType])
    value = serializers.CharField(max_length=500)


class ReportInput(ReportPart):
    client_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    handling = serializers.ChoiceField(choices=Handling.choices, default=Handling.GREEN)
    body = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    location = LocationInput(required=False, allow_null=True, default=None)
    checks_count = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True, default=None
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, allow_blank=True, default=""
    )
    seizures = SeizureInput(many=True, required=False, default=list, max_length=100)
    parcel = ParcelInput(required=False, allow_null=True, default=None)
    people = PartyInput(many=True, required=False, default=list, max_length=50)
    selectors = SelectorInput(many=True, required=False, default=list, max_length=200)
    recipients = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, default=list, max_length=100
    )
    amends = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)

    def validate_occurred_at(self, value):
        if value and value > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError("occurred_at is in the future.")
        return value

    def validate(self, attrs):
        errors: dict[str, list[str]] = {}
        kind = attrs["kind"]
        if kind == Kind.CHECK:
            if not attrs["outcome"]:
                errors["outcome"] = ["A check needs an outcome: clear, suspicious or hit."]
            if attrs["seizures"]:
                errors["seizures"] = ["Seizures belong in a hit report."]
        elif attrs["outcome"]:
            errors["outcome"] = ["Only a check has an outcome."]
        if kind != Kind.CHECK and attrs["checks_count"] is not None:
            errors["checks_count"] = ["Only a check counts items checked."]
        if kind == Kind.HIT and not attrs["seizures"]:
            errors["seizures"] = ["A hit needs at least one seizure line."]
        if kind in (Kind.UPDATE,) and not attrs["body"].strip():
            errors["body"] = ["An update needs a text."]
        if kind == Kind.INTEL and not (
            attrs["body"].strip() or attrs["people"] or attrs["selectors"] or attrs["parcel"]
        ):
            errors["body"] = ["Intelligence needs a text, people, a parcel or selectors."]
        if attrs["recipients"] and attrs["handling"] != Handling.RED:
            errors["recipients"] = ["Only a red report names recipients."]
        if errors:
            raise serializers.ValidationError(errors)
        if kind == Kind.CHECK and attrs["checks_count"] is None:
            attrs["checks_count"] = 1
        return attrs


#: ReportInput as one function (apps/core/inputs.compile_serializer): the same values and
#: errors, without building a serializer per report. Posts and imports both use it.
validate_report = compile_serializer(ReportInput)


def parse_report(data: object) -> tuple[dict | None, dict[str, list[str]]]:
    """Typed values, or field errors keyed by path: {"parcel.weight_g": [...]}."""
    if not isinstance(data, dict):
        return None, {"non_field_errors": ["A report is a JSON object."]}
    try:
        return validate_report(data), {}
    except ValidationError as exc:
        return None, flatten_errors(exc.detail)
