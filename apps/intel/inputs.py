"""Parsing untrusted input of the intel app into typed values or field errors.

As in apps/reports/inputs.py, DRF serializers serve only as schemas here.
"""

from rest_framework import serializers

from apps.accounts.models import AgencyKind
from apps.core.inputs import CountryField, StrictSerializer, flatten_errors

from .models import IndicatorKind


class IndicatorInput(StrictSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=IndicatorKind.choices)
    params = serializers.JSONField(required=False, default=dict)
    weight = serializers.FloatField(min_value=-100, max_value=100, required=False, default=10.0)
    explanation = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    active = serializers.BooleanField(required=False, default=True)

    def validate_name(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("A name is required.")
        return value


class ImportOptionsInput(StrictSerializer):
    """What comes with an uploaded file besides the file itself."""

    room = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AgencyMappingItem(StrictSerializer):
    """One unknown agency of an import: an existing agency it is, or a new one to create."""

    country = CountryField(help_text="the reporting country of the unknown agency")
    name = serializers.CharField(max_length=200, help_text="its name as the import lists it")
    agency = serializers.IntegerField(
        min_value=1, required=False, help_text="an existing agency of that country it is"
    )
    kind = serializers.ChoiceField(
        choices=AgencyKind.choices,
        required=False,
        help_text="or: create an agency of this name and kind in that country",
    )

    def validate(self, attrs: dict) -> dict:
        if ("agency" in attrs) == ("kind" in attrs):
            raise serializers.ValidationError(
                "Give `agency` (an existing agency of that country) or `kind` (to create one)."
            )
        return attrs


class AgencyMappingInput(StrictSerializer):
    """How an analyst resolves an import's unknown agencies (some or all of them)."""

    agencies = AgencyMappingItem(many=True, allow_empty=False, max_length=1000)


def parse_input(schema: type[serializers.Serializer], data: object, *, partial: bool = False):
    """(values, {}) or (None, {"field.path": [messages]})."""
    if not isinstance(data, dict):
        return None, {"non_field_errors": ["Send a JSON object."]}
    parser = schema(data=data, partial=partial)
    if parser.is_valid():
        values = dict(parser.validated_data)
        if partial:
            values = {k: v for k, v in values.items() if k in data}
        return values, {}
    return None, flatten_errors(parser.errors)
