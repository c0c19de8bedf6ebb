"""A strict serializer compiled into one plain function, for inputs that come in thousands.

`compile_serializer(SerializerClass)` reads the serializer's declared fields and
returns `check(data) -> dict | None`: the same validated dict the serializer
would return, or None when the data is anything but plainly valid. The caller
then runs the serializer itself, which gives the field errors: so the compiled
function decides nothing the serializer does not, it only skips DRF's machinery
(field objects, error collection, OrderedDicts) on the common path. It runs the
serializer's own `validate_<field>` and `validate` methods on what it built.

Compiled: CharField (and CountryField), IntegerField, DateField and nested
serializers of those, with their standard validators. A serializer holding
anything else compiles to a function that always says None (the serializer
decides everything); `tests/core/test_compiled_inputs.py` holds the two to
the same answers on generated input.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.core import validators as dj
from rest_framework import fields as f
from rest_framework import serializers
from rest_framework.fields import empty

from .inputs import ISO_COUNTRIES, CountryField, StrictSerializer

Check = Callable[[Any], Any]
#: What a compiled field returns for a value it leaves to the serializer.
DECLINE = object()
_SURROGATE = re.compile("[\ud800-\udfff]")
_STANDARD = (
    dj.MaxLengthValidator,
    dj.MinLengthValidator,
    dj.MaxValueValidator,
    dj.MinValueValidator,
    f.ProhibitNullCharactersValidator,
    f.ProhibitSurrogateCharactersValidator,
)


class NotCompiled(Exception):
    """The serializer holds something this module does not compile."""


def compile_serializer(serializer_class: type[StrictSerializer]) -> Callable[[Any], dict | None]:
    """`check(data)`: the validated dict of `serializer_class`, or None to ask the serializer."""
    try:
        check = _serializer(serializer_class())
    except NotCompiled:
        return lambda data: None

    def run(data: Any) -> dict | None:
        value = check(data)
        return None if value is DECLINE else value

    return run


def _default(field: f.Field) -> Any:
    if field.required or field.default is empty:
        raise NotCompiled(f"{field.field_name}: required fields are not compiled")
    default = field.default
    if callable(default):
        raise NotCompiled(f"{field.field_name}: callable defaults are not compiled")
    return default


def _limits(field: f.Field) -> tuple[Any, Any]:
    low = high = None
    for v in field.validators:
        if not isinstance(v, _STANDARD):
            raise NotCompiled(f"{field.field_name}: validator {v!r}")
        if isinstance(v, (dj.MaxLengthValidator, dj.MaxValueValidator)):
            high = v.limit_value
        elif isinstance(v, (dj.MinLengthValidator, dj.MinValueValidator)):
            low = v.limit_value
    return low, high


def _field(field: f.Field) -> Check:
    allow_null = field.allow_null
    if isinstance(field, StrictSerializer):
        nested = _serializer(field)

        def check_nested(value: Any) -> Any:
            if value is None:
                return None if allow_null else DECLINE
            return nested(value)

        return check_nested
    low, high = _limits(field)
    low = 0 if low is None else low
    if type(field) in (f.CharField, CountryField):
        if not field.trim_whitespace:
            raise NotCompiled(f"{field.field_name}: untrimmed text")
        allow_blank = field.allow_blank
        country = type(field) is CountryField
        high = 10**9 if high is None else high

        def check_text(value: Any) -> Any:
            if type(value) is not str:
                return None if value is None and allow_null else DECLINE
            text = value.strip()
            if not text:
                return "" if allow_blank else DECLINE
            if not low <= len(text) <= high or "\x00" in text:
                return DECLINE
            if not text.isascii() and _SURROGATE.search(text):
                return DECLINE
            if country:
                text = text.upper()
                return text if text in ISO_COUNTRIES else DECLINE
            return text

        return check_text
    if type(field) is f.IntegerField:

        def check_int(value: Any) -> Any:
            if type(value) is not int:
                return None if value is None and allow_null else DECLINE
            if (field.min_value is not None and value < field.min_value) or (
                field.max_value is not None and value > field.max_value
            ):
                return DECLINE
            return value

        return check_int
    if type(field) is f.DateField and field.validators == []:
        if getattr(field, "input_formats", None) not in (None, [f.ISO_8601]):
            raise NotCompiled(f"{field.field_name}: date formats")

        def check_date(value: Any) -> Any:
            if type(value) is not str:
                return None if value is None and allow_null else DECLINE
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                return DECLINE

        return check_date
    raise NotCompiled(f"{field.field_name}: {type(field).__name__}")


def _serializer(serializer: StrictSerializer) -> Check:
    if not isinstance(serializer, StrictSerializer) or getattr(serializer, "many", False):
        raise NotCompiled(type(serializer).__name__)
    if serializer.validators:
        raise NotCompiled(f"{type(serializer).__name__}: serializer validators")
    plan = []
    for name, field in serializer.fields.items():
        if field.read_only or field.source != name:
            raise NotCompiled(f"{name}: read-only or sourced fields")
        hook = getattr(serializer, f"validate_{name}", None)
        plan.append((name, _field(field), _default(field), hook))
    known = frozenset(serializer.fields)
    validate = serializer.validate
    plain_validate = type(serializer).validate is serializers.Serializer.validate

    def check(data: Any) -> Any:
        if type(data) is not dict or not known.issuperset(data):
            return DECLINE
        out = {}
        for name, check_field, default, hook in plan:
            if name in data:
                value = check_field(data[name])
                if value is DECLINE:
                    return DECLINE
            else:
                value = default
            if hook is not None:
                try:
                    value = hook(value)
                except serializers.ValidationError:
                    return DECLINE
            out[name] = value
        if not plain_validate:
            try:
                out = validate(out)
            except serializers.ValidationError:
                return DECLINE
        return out

    return check
