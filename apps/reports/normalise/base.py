"""What every family shares: the selector types and the error a bad value raises."""

from __future__ import annotations

from enum import StrEnum

import phonenumbers


class SelectorType(StrEnum):
    TRACKING_NUMBER = "tracking_number"
    PHONE = "phone"
    EMAIL = "email"
    IBAN = "iban"
    CRYPTO_WALLET = "crypto_wallet"
    IP_ADDRESS = "ip_address"
    ONION_ADDRESS = "onion_address"
    VENDOR_HANDLE = "vendor_handle"
    MARKETPLACE = "marketplace"
    VEHICLE_PLATE = "vehicle_plate"
    PERSON = "person"
    ADDRESS = "address"
    COMPANY = "company"


#: Types whose normalised value is a folded text key (fuzzy matching applies to them too).
FOLDED_TYPES = frozenset({SelectorType.PERSON, SelectorType.ADDRESS, SelectorType.COMPANY})

#: Longest raw value accepted for any selector (an address is the longest real one).
MAX_VALUE_LENGTH = 500


class InvalidSelector(ValueError):
    """A selector value that cannot be normalised; ``message`` is for humans."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- helpers


def normalise_region(region: str | None) -> str | None:
    """ISO 3166-1 alpha-2 region for phonenumbers, or None.

    Accepts the EU's own codes too (EL for Greece, UK for the United Kingdom), which
    appear in Europol/Commission data. Unknown codes give None (no default region).
    """
    if not region or not isinstance(region, str):
        return None
    code = region.strip().upper()
    code = {"EL": "GR", "UK": "GB"}.get(code, code)
    return code if code in phonenumbers.SUPPORTED_REGIONS else None
