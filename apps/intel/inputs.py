"""Parsing untrusted input of the intel app into typed values or field errors.

As in apps/reports/inputs.py, DRF serializers serve only as schemas here.
"""

from rest_framework import serializers

from apps.core.inputs import StrictSerializer, flatten_errors

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
