"""Folding text for comparison: the one rule for names that must match however written."""

import re
import unicodedata

from unidecode import unidecode

_APOSTROPHES_RE = re.compile(r"['`´‘’ʼ]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def fold_text(value: str) -> str:
    """NFKC, transliterate to ASCII, casefold, punctuation to spaces, collapse spaces.

    Apostrophes are dropped rather than spaced ("O'Brien" == "OBrien").
    """
    v = unidecode(unicodedata.normalize("NFKC", value)).casefold()
    v = _APOSTROPHES_RE.sub("", v)
    return _NON_ALNUM_RE.sub(" ", v).strip()
