"""Selectors: typed, validated, normalised values that reports are matched on exactly.

Pure Python (no Django, no database). ``normalise(type, value)`` either returns the one
canonical string for a value - so that every way of writing the same phone number,
tracking number, wallet... gives the same string - or raises ``InvalidSelector`` with a
message that can be shown to the officer as a field error.

One module per family: tracking.py (tracking numbers), contact.py (phone, e-mail, IP,
onion), bank.py (IBAN), crypto.py (BTC, ETH, XMR), text.py (handles, marketplaces,
plates, people, addresses, companies); base.py holds the types and the error.

Every normaliser is idempotent: ``normalise(t, normalise(t, v)) == normalise(t, v)``, so
stored normalised values can be re-normalised safely (e.g. after a rule change).

Fuzzy matching of people, addresses and companies lives in ``names.py``; the keys made
here for those three types are only the *exact* folded keys.
"""

from __future__ import annotations

from .bank import IBAN_LENGTHS, _iban
from .base import (
    FOLDED_TYPES,
    MAX_VALUE_LENGTH,
    InvalidSelector,
    SelectorType,
    normalise_region,
)
from .contact import _email, _ip_address, _onion_address, _phone
from .crypto import _crypto_wallet, keccak_256
from .text import (
    _address,
    _company,
    _marketplace,
    _person,
    _vehicle_plate,
    _vendor_handle,
    fold_text,
)
from .tracking import _tracking_number, s10_check_digit, tracking_number_format

__all__ = [
    "FOLDED_TYPES",
    "IBAN_LENGTHS",
    "MAX_VALUE_LENGTH",
    "InvalidSelector",
    "SelectorType",
    "fold_text",
    "is_valid",
    "keccak_256",
    "normalise",
    "normalise_region",
    "s10_check_digit",
    "tracking_number_format",
]

_NORMALISERS = {
    SelectorType.TRACKING_NUMBER: _tracking_number,
    SelectorType.EMAIL: _email,
    SelectorType.IBAN: _iban,
    SelectorType.CRYPTO_WALLET: _crypto_wallet,
    SelectorType.IP_ADDRESS: _ip_address,
    SelectorType.ONION_ADDRESS: _onion_address,
    SelectorType.VENDOR_HANDLE: _vendor_handle,
    SelectorType.MARKETPLACE: _marketplace,
    SelectorType.VEHICLE_PLATE: _vehicle_plate,
    SelectorType.PERSON: _person,
    SelectorType.ADDRESS: _address,
    SelectorType.COMPANY: _company,
}


def normalise(selector_type: str, value: str, *, default_region: str | None = None) -> str:
    """Canonical form of ``value`` as a selector of ``selector_type``.

    ``default_region`` (ISO alpha-2, the reporting country) is used for phone numbers
    written without an international prefix. Raises ``InvalidSelector``.
    """
    try:
        stype = SelectorType(selector_type)
    except ValueError:
        known = ", ".join(t.value for t in SelectorType)
        raise InvalidSelector(
            f"unknown selector type {selector_type!r} (expected one of: {known})"
        ) from None
    if not isinstance(value, str):
        raise InvalidSelector("the value must be a string")
    if not value.strip():
        raise InvalidSelector("the value is empty")
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidSelector(f"the value is too long (at most {MAX_VALUE_LENGTH} characters)")
    if stype is SelectorType.PHONE:
        return _phone(value, default_region)
    return _NORMALISERS[stype](value)


def is_valid(selector_type: str, value: str, *, default_region: str | None = None) -> bool:
    try:
        normalise(selector_type, value, default_region=default_region)
    except InvalidSelector:
        return False
    return True
