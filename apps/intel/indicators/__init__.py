"""Risk indicators: the parameters of each kind, checked and compiled into rules.

Pure Python (no database): `indicator_params_clean(kind, params)` validates and
normalises what an analyst typed with the kind's params serializer (params.py);
`compile_rule(...)` turns a saved indicator into a `Rule` whose test, the kind's
entry in `RULES` (rules.py), says whether it fires on the facts of one parcel
(facts.py). Rules of the kinds `earlier_selector` and `earlier_person` look their
evidence up in an `Evidence` object that scoring fills from the database indexes,
once per batch.
"""

from ..models import IndicatorKind
from .facts import Evidence, Fired, ParcelFacts, Person
from .params import (
    DARK_WEB_SIGNALS,
    DEFAULT_PERSON_SCORE,
    EARLIER_KINDS_DEFAULT,
    PARAMS,
    PARCEL_SELECTOR_TYPES,
    PARTY_ROLES,
    ParamsInvalid,
    indicator_params_clean,
)
from .rules import ANONYMOUS_EMAIL_DOMAINS, CRYPTO_PAYMENT_WORDS, RULES, Rule, compile_rule

__all__ = [
    "ANONYMOUS_EMAIL_DOMAINS",
    "CRYPTO_PAYMENT_WORDS",
    "DARK_WEB_SIGNALS",
    "DEFAULT_PERSON_SCORE",
    "EARLIER_KINDS_DEFAULT",
    "PARAMS",
    "PARCEL_SELECTOR_TYPES",
    "PARTY_ROLES",
    "RULES",
    "Evidence",
    "Fired",
    "IndicatorKind",
    "ParamsInvalid",
    "ParcelFacts",
    "Person",
    "Rule",
    "compile_rule",
    "indicator_params_clean",
]
