"""Tracking numbers: UPU S10 (with its check digit), UPS, FedEx, DHL."""

from __future__ import annotations

import re
import unicodedata

from .base import InvalidSelector

# --------------------------------------------------------------- tracking numbers

_S10_RE = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$", re.ASCII)
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_TRACKING_STRIP_RE = re.compile(r"[\s\-]+")
_UPS_RE = re.compile(r"^1Z[0-9A-Z]{16}$")
_FEDEX_RE = re.compile(r"^(?:\d{12}|\d{15}|\d{20}|\d{22})$", re.ASCII)
_DHL_RE = re.compile(r"^\d{10}$", re.ASCII)


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial number."""
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def tracking_number_format(normalised: str) -> str:
    """Which format a *normalised* tracking number has: s10, ups, fedex, dhl or generic.

    FedEx and DHL are recognised by length only, so a 12-digit number of another
    carrier is also called "fedex": use it as a hint, never as a fact.
    """
    if _S10_RE.match(normalised):
        return "s10"
    if _UPS_RE.match(normalised):
        return "ups"
    if _FEDEX_RE.match(normalised):
        return "fedex"
    if _DHL_RE.match(normalised):
        return "dhl"
    return "generic"


def _tracking_number(value: str) -> str:
    v = _TRACKING_STRIP_RE.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not v:
        raise InvalidSelector("tracking number is empty")
    m = _S10_RE.match(v)
    if m:
        expected = s10_check_digit(m.group(2))
        given = int(m.group(3))
        if expected != given:
            raise InvalidSelector(f"S10 check digit is {expected}, not {given}")
        return v
    if not v.isascii() or not v.isalnum():
        raise InvalidSelector(
            "a tracking number may contain only letters, digits, spaces and dashes"
        )
    if len(v) < 8:
        raise InvalidSelector("tracking number is too short (at least 8 letters or digits)")
    if len(v) > 40:
        raise InvalidSelector("tracking number is too long (at most 40 letters or digits)")
    if not any(c.isdigit() for c in v):
        # Every carrier format we know of has digits; a word is not a tracking number.
        raise InvalidSelector("a tracking number must contain digits")
    # UPS (1Z + 16), FedEx (12/15/20/22 digits), DHL (10 digits) and the carriers' other
    # alphanumeric formats (8-40 letters and digits) are accepted as they are once
    # upper-cased and stripped; see tracking_number_format() for the guess of a carrier.
    return v
