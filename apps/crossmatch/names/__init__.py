"""Fuzzy matching of people, addresses and companies across scripts, spellings and typos.

Pure Python (no Django, no database): the caller stores the keys and, optionally, token
counts in its own tables.

How a new report's person is matched (the same for addresses and companies)::

    keys = person_keys(name, country)            # <= 40 short strings, e.g. "p:hristos"
    # store: one row (key, item_id) per key, indexed on key
    # retrieve: the earlier items sharing the most keys with the new one
    #   SELECT item_id, COUNT(*) AS shared FROM crossmatch_key
    #    WHERE key = ANY(:keys) AND item_id <> :me
    #    GROUP BY item_id ORDER BY shared DESC LIMIT 100
    # score each candidate:
    score, reasons = person_score(PersonRecord(name, dob, country),
                                  PersonRecord(other_name, other_dob, other_country),
                                  token_frequency=share_of_names_with, name_count=n_names)
    if score >= PERSON_MATCH_THRESHOLD: ...   # a fuzzy Match with score and reasons

Candidates always come from the key index, never from a scan. ``BlockingIndex`` is the
same retrieval in memory (for tests and for callers without a database).

The token frequencies are optional but recommended: keep a table token -> number of stored
names containing it, fed with ``name_tokens(name, country)`` for every stored name; pass
``token_frequency=lambda t: count(t) / n_names`` and ``name_count=n_names``. With them,
exact agreement on a rare name weighs more than on a common one (Splink's
term-frequency adjustment), and a one-letter variant seen once or twice is recognised as a
typo of an established name even when no date of birth backs it up.

Modules: ``translit`` (script-aware transliteration and the fold), ``nicknames``,
``person``, ``address``, ``company``, ``blocking`` (one-deletion keys, in-memory index).
"""

from .address import (
    ADDRESS_MATCH_THRESHOLD,
    ParsedAddress,
    address_keys,
    address_score,
    parse_address,
)
from .blocking import DELETE_PREFIX, BlockingIndex, deletes
from .company import (
    COMPANY_MATCH_THRESHOLD,
    ParsedCompany,
    company_keys,
    company_score,
    parse_company,
)
from .nicknames import NICKNAME_GROUPS
from .person import (
    MAX_KEYS_PER_NAME,
    PERSON_MATCH_THRESHOLD,
    NameToken,
    PersonRecord,
    analyse_name,
    dob_relation,
    name_similarity,
    name_tokens,
    person_keys,
    person_score,
)
from .translit import (
    cyrillic_language,
    cyrillic_to_latin,
    display_forms,
    fold,
    fold_forms,
    greek_to_latin,
    latin_forms,
    plain_forms,
    script_of,
    strip_diacritics,
)

__all__ = [
    # people
    "PersonRecord",
    "PERSON_MATCH_THRESHOLD",
    "MAX_KEYS_PER_NAME",
    "person_keys",
    "person_score",
    "name_tokens",
    "name_similarity",
    "dob_relation",
    "analyse_name",
    "NameToken",
    "NICKNAME_GROUPS",
    # addresses and companies
    "ADDRESS_MATCH_THRESHOLD",
    "address_keys",
    "address_score",
    "parse_address",
    "ParsedAddress",
    "COMPANY_MATCH_THRESHOLD",
    "company_keys",
    "company_score",
    "parse_company",
    "ParsedCompany",
    # blocking
    "BlockingIndex",
    "deletes",
    "DELETE_PREFIX",
    # transliteration
    "display_forms",
    "latin_forms",
    "fold",
    "fold_forms",
    "plain_forms",
    "greek_to_latin",
    "cyrillic_to_latin",
    "cyrillic_language",
    "script_of",
    "strip_diacritics",
]
