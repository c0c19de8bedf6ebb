"""Untrusted input as typed values or field errors, the same for every edge.

DRF serializers serve as schemas only: they turn JSON into typed values or
field-level errors keyed by path ({"parcel.weight_g": [...]}).
"""

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import pycountry
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty, get_error_detail
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.utils import html
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from .schema import ClosedSerializer

ISO_COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)


class StrictSerializer(ClosedSerializer):  # closed: the schema says `additionalProperties: false`
    """Rejects keys it does not know, so a typo is an error and not silently lost."""

    # Fields the server sets: a client that sends one is told so.
    server_fields: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = self.unknown_field_errors(data)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def unknown_field_errors(self, data: dict) -> dict[str, list[str]]:
        """An error for each key of `data` that is not a field, in key order."""
        unknown = data.keys() - self.fields.keys()
        errors = {}
        for key in sorted(unknown, key=str):
            if key in self.server_fields:
                errors[key] = ["Set by the server; do not send it."]
            else:
                errors[key] = ["Unknown field."]
        return errors


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


# ------------------------------------------------------------------ compiled schemas
#
# A DRF serializer is declared once and stays the schema (the OpenAPI document is made
# from it), but running it costs: a serializer instance per call, deep copies of its
# fields, a chain of methods per value. `compile_serializer` walks the declaration once
# and returns a plain function that gives the same validated data and the same errors
# (the same ValidationError detail, so the same paths and messages). The common case of
# each field is checked inline (a string within its length, an integer within its
# bounds, a known choice); anything else - a value of another type, an error, a field
# type not listed here - is handed to the declared field's own `run_validation`, so the
# messages are DRF's by construction. Serializer `validate_<field>` and `validate`
# methods are called on one prototype instance: they must use only their argument.
# tests/core/test_compiled_inputs.py holds the two to agreement on random inputs.

Check = Callable[[Any], Any]
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_CHAR_VALIDATORS = (
    MaxLengthValidator,
    MinLengthValidator,
    ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
)


def compile_serializer(serializer_class: type[serializers.Serializer]) -> Check:
    """`serializer_class`'s validation as one function: data -> validated data.

    Raises rest_framework's ValidationError with the detail
    `serializer_class(data=data).is_valid()` would have put in `.errors`.
    """
    return _compile(serializer_class())


def _compile(field: serializers.Field) -> Check:
    if type(field) is serializers.ListSerializer:
        convert = _list_serializer(field)
    elif isinstance(field, serializers.Serializer) and type(field).to_internal_value in (
        serializers.Serializer.to_internal_value,
        StrictSerializer.to_internal_value,
    ):
        convert = _serializer(field)
    elif type(field) is serializers.CharField and _only(field, _CHAR_VALIDATORS):
        convert = _char(field)
    elif type(field) is CountryField and _only(field, _CHAR_VALIDATORS):
        convert = _country(field)
    elif type(field) is serializers.IntegerField and _only(field, _NUMBER_VALIDATORS):
        convert = _number(field, int)
    elif type(field) is serializers.FloatField and _only(field, _NUMBER_VALIDATORS):
        convert = _number(field, float)
    elif type(field) is serializers.ChoiceField and not field.validators:
        convert = _choice(field)
    elif type(field) is serializers.ListField and _only(field, _LENGTH_VALIDATORS):
        convert = _list(field)
    else:
        return field.run_validation
    return _with_empties(field, convert)


_NUMBER_VALIDATORS = (MaxValueValidator, MinValueValidator)
_LENGTH_VALIDATORS = (MaxLengthValidator, MinLengthValidator)


def _only(field: serializers.Field, kinds: tuple[type, ...]) -> bool:
    return all(type(v) in kinds for v in field.validators)


def _with_empties(field: serializers.Field, convert: Check) -> Check:
    """Field.validate_empty_values: missing -> required or default, None -> null or None."""
    required, allow_null, default = field.required, field.allow_null, field.default
    # Field.get_default without its lookups: a plain value, or a plain callable (list).
    plain = default is not empty and not (
        hasattr(default, "set_context") or getattr(default, "requires_context", False)
    )
    make = default if plain and callable(default) else None

    def check(value: Any) -> Any:
        if value is empty:
            if required:
                field.fail("required")
            if not plain:
                return field.get_default()  # SkipField when there is none
            return default if make is None else make()
        if value is None:
            if not allow_null:
                field.fail("null")
            return None
        return convert(value)

    return check


def _char(field: serializers.CharField) -> Check:
    low, high = field.min_length or 0, field.max_length
    trim, allow_blank, slow = field.trim_whitespace, field.allow_blank, field.run_validation

    def convert(value: Any) -> Any:
        if type(value) is not str:
            return slow(value)
        text = value.strip() if trim else value
        if not text:
            if allow_blank:
                return ""
            field.fail("blank")
        if (
            low <= len(text)
            and (high is None or len(text) <= high)
            and "\x00" not in text
            and (text.isascii() or not _SURROGATE_RE.search(text))
        ):
            return text
        return slow(value)

    return convert


def _number(field: serializers.Field, kind: type) -> Check:
    low, high, slow = field.min_value, field.max_value, field.run_validation
    take_float = kind is float

    def convert(value: Any) -> Any:
        # Plain ints of sane size (DRF words huge ones and floats for an integer itself),
        # and strings of digits (a CSV cell).
        if type(value) is str and 0 < len(value) < 16 and value.isascii() and value.isdigit():
            value = int(value)
        if type(value) is int:
            if value.bit_length() > 52:
                return slow(value)
        elif not (take_float and type(value) is float and math.isfinite(value)):
            return slow(value)
        if (low is None or value >= low) and (high is None or value <= high):
            return kind(value)
        return slow(value)

    return convert


def _country(field: serializers.CharField) -> Check:
    slow = field.run_validation

    def convert(value: Any) -> Any:
        if type(value) is str:
            code = value.strip().upper()
            if code in ISO_COUNTRIES:
                return code
        return slow(value)

    return convert


def _choice(field: serializers.ChoiceField) -> Check:
    choices, allow_blank, slow = (
        field.choice_strings_to_values,
        field.allow_blank,
        field.run_validation,
    )

    def convert(value: Any) -> Any:
        if type(value) is str and (value or allow_blank):
            if not value:
                return ""
            if value in choices:
                return choices[value]
        return slow(value)

    return convert


def _list(field: serializers.ListField) -> Check:
    low, high, allow_empty = field.min_length or 0, field.max_length, field.allow_empty
    child, slow = _compile(field.child), field.run_validation

    def convert(value: Any) -> Any:
        if type(value) is not list or not (
            max(low, 0 if allow_empty else 1) <= len(value) and (high is None or len(value) <= high)
        ):
            return slow(value)
        return _each(child, value)

    return convert


def _each(child: Check, items: list) -> list:
    """Items through `child`; their errors as {index: detail}, as DRF gives them."""
    out, errors = [], {}
    for index, item in enumerate(items):
        try:
            out.append(child(item))
        except ValidationError as exc:
            errors[index] = exc.detail
        except DjangoValidationError as exc:
            errors[index] = get_error_detail(exc)
    if errors:
        raise ValidationError(errors)
    return out


def _list_serializer(field: serializers.ListSerializer) -> Check:
    child = _compile(field.child)
    messages = field.error_messages
    low, high, allow_empty = field.min_length, field.max_length, field.allow_empty
    finish = _finisher(field, serializers.ListSerializer)

    def convert(value: Any) -> Any:
        if not isinstance(value, list):
            message = messages["not_a_list"].format(input_type=type(value).__name__)
        elif not allow_empty and not value:
            message = messages["empty"]
        elif high is not None and len(value) > high:
            message = messages["max_length"].format(max_length=high)
        elif low is not None and len(value) < low:
            message = messages["min_length"].format(min_length=low)
        else:
            return finish(_each(child, value))
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})

    return convert


def _serializer(serializer: serializers.Serializer) -> Check:
    fields = []
    for field in serializer.fields.values():
        if field.read_only:
            continue
        assert field.source_attrs == [field.field_name], "compiled schemas take plain fields"
        validate_one = getattr(serializer, f"validate_{field.field_name}", None)
        fields.append((field.field_name, _compile(field), validate_one))
    unknown = serializer.unknown_field_errors if isinstance(serializer, StrictSerializer) else None
    names = frozenset(serializer.fields.keys())
    invalid = serializer.error_messages["invalid"]
    finish = _finisher(serializer, serializers.Serializer)

    def convert(data: Any) -> Any:
        if html.is_html_input(data):
            return serializer.run_validation(data)  # a form's lists and nesting: DRF's own
        if unknown is not None and isinstance(data, dict) and not names.issuperset(data):
            errors = unknown(data)
            if errors:
                raise ValidationError(errors)
        if not isinstance(data, Mapping):
            message = invalid.format(datatype=type(data).__name__)
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
        out: dict[str, Any] = {}
        errors = {}
        for name, check, validate_one in fields:
            try:
                value = check(data.get(name, empty))
                if validate_one is not None:
                    value = validate_one(value)
            except ValidationError as exc:
                errors[name] = exc.detail
            except DjangoValidationError as exc:
                errors[name] = get_error_detail(exc)
            except SkipField:
                pass
            else:
                out[name] = value
        if errors:
            raise ValidationError(errors)
        return finish(out)

    return convert


def _finisher(serializer: serializers.BaseSerializer, base: type) -> Check:
    """The serializer's own validators and `validate`, errors as DRF words them."""
    validators = bool(serializer.validators)
    validate = serializer.validate if type(serializer).validate is not base.validate else None
    if not validators and validate is None:
        return lambda value: value

    def finish(value: Any) -> Any:
        try:
            if validators:
                serializer.run_validators(value)
            if validate is not None:
                value = validate(value)
        except (ValidationError, DjangoValidationError) as exc:
            raise ValidationError(detail=as_serializer_error(exc)) from None
        return value

    return finish
