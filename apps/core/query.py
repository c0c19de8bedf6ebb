"""Query parameters of the REST edge, parsed in one place: a bad value is a 400 field error.

A filter value is checked against what it may be before it reaches a query,
so `?kind=%00`, `?after_seq=abc` or `?country=Greece` get a field error, never
a 500 and never an empty page that looks like an answer.
"""

import re
from collections.abc import Iterable

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

COUNTRY = re.compile(r"[A-Za-z]{2}")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _raw(request: Request, name: str) -> str | None:
    raw = request.query_params.get(name)
    return None if raw in (None, "") else raw


def query_int(request: Request, name: str, *, default: int | None = None, minimum: int = 0):
    """A whole number >= minimum, or `default` when the parameter is absent or empty."""
    raw = _raw(request, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["A whole number is required."]}) from None
    if value < minimum:
        raise ValidationError({name: [f"Must be {minimum} or more."]})
    return value


def query_choice(request: Request, name: str, choices: Iterable[str]) -> str | None:
    """One of `choices`, or None when absent."""
    raw = _raw(request, name)
    choices = list(choices)
    if raw is not None and raw not in choices:
        raise ValidationError({name: [f"One of: {', '.join(choices)}."]})
    return raw


def query_country(request: Request, name: str = "country") -> str | None:
    """An ISO 3166-1 alpha-2 code, upper-cased, or None when absent."""
    raw = _raw(request, name)
    if raw is not None and not COUNTRY.fullmatch(raw):
        raise ValidationError({name: ["A two-letter country code (ISO 3166-1 alpha-2)."]})
    return raw.upper() if raw is not None else None


def query_bool(request: Request, name: str, *, default: bool) -> bool:
    raw = _raw(request, name)
    if raw is None:
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise ValidationError({name: ["true or false (1/0, yes/no)."]})
