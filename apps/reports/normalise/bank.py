"""Bank accounts: IBAN (the SWIFT registry's lengths and formats, mod 97)."""

from __future__ import annotations

import re
import unicodedata
from itertools import product
from string import ascii_uppercase

from schwifty import IBAN
from schwifty import exceptions as iban_errors
from schwifty import registry as iban_registry

from .base import InvalidSelector

# -------------------------------------------------------------------------- IBAN


def _iban_lengths() -> dict[str, int]:
    """IBAN length by country: schwifty's copy of the SWIFT IBAN registry (ISO 13616),
    without the "aspirational" formats that are not in the registry."""
    lengths = {}
    for code in map("".join, product(ascii_uppercase, repeat=2)):
        try:
            spec = iban_registry.get_iban_spec(code)
        except iban_errors.InvalidCountryCode:
            continue
        if not spec.aspirational:
            lengths[code] = spec.iban_length
    return lengths


#: IBAN length by country (SWIFT IBAN registry, ISO 13616).
IBAN_LENGTHS: dict[str, int] = _iban_lengths()

_IBAN_STRIP_RE = re.compile(r"[\s\-.]+")


def _iban(value: str) -> str:
    v = _IBAN_STRIP_RE.sub("", unicodedata.normalize("NFKC", value)).upper()
    v = v.removeprefix("IBAN")
    if not v.isascii() or not v.isalnum():
        raise InvalidSelector("an IBAN may contain only letters and digits")
    if len(v) < 5 or not v[:2].isalpha() or not v[2:4].isdigit():
        raise InvalidSelector("an IBAN starts with a country code and two check digits")
    country = v[:2]
    expected = IBAN_LENGTHS.get(country)
    if expected is None:
        raise InvalidSelector(f"{country} is not a country that uses IBAN")
    if len(v) != expected:
        raise InvalidSelector(f"an IBAN of {country} has {expected} characters, not {len(v)}")
    try:
        IBAN(v)  # the registry's account format, then ISO 7064 mod 97-10
    except iban_errors.InvalidChecksumDigits:
        raise InvalidSelector("IBAN check digits are wrong (mod 97)") from None
    except iban_errors.SchwiftyException:
        raise InvalidSelector(f"not an account number of the IBAN format of {country}") from None
    return v
