"""Untrusted input as typed values or field errors, the same for every edge.

DRF serializers serve as schemas only: they turn JSON into typed values or
field-level errors keyed by path ({"parcel.weight_g": [...]}).
"""

import pycountry
from rest_framework import serializers

from .schema import ClosedSerializer

ISO_COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)


class StrictSerializer(ClosedSerializer):  # closed: the schema says `additionalProperties: false`
    """Rejects keys it does not know, so a typo is an error and not silently lost."""

    # Fields the server sets: a client that sends one is told so.
    server_fields: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                errors = {}
                for key in sorted(unknown, key=str):
                    if key in self.server_fields:
                        errors[key] = ["Set by the server; do not send it."]
                    else:
                        errors[key] = ["Unknown field."]
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class CountryField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=2, min_length=2, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data).upper()
        if value not in ISO_COUNTRIES:
            raise serializers.ValidationError(f"'{value}' is not an ISO 3166-1 alpha-2 code.")
        return value


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as one level of paths a client can map to its form fields."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):
                # DRF reports a list's item errors as {index: errors}.
                path = f"{prefix}[{key}]"
            elif key == "non_field_errors" and prefix:
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, path))
    elif isinstance(errors, list) and errors and all(isinstance(e, (dict, list)) for e in errors):
        for index, value in enumerate(errors):
            if value:
                flat.update(flatten_errors(value, f"{prefix}[{index}]"))
    elif isinstance(errors, list):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat
