"""Text selectors: vendor handles, marketplaces, vehicle plates, people, addresses, companies."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

from apps.core.text import fold_text

from .base import InvalidSelector

# -------------------------------------------------------- handles and marketplaces

_HANDLE_DROP_RE = re.compile(r"[^a-z0-9_.\-]+")


def _vendor_handle(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).strip().lstrip("@").strip()
    v = _HANDLE_DROP_RE.sub("", unidecode(v).casefold())
    if not v:
        raise InvalidSelector("vendor handle is empty (letters, digits, _ . - are kept)")
    if len(v) > 100:
        raise InvalidSelector("vendor handle is too long")
    return v


_ALNUM_DROP_RE = re.compile(r"[^a-z0-9]+")
_MARKET_SUFFIX_RE = re.compile(r"(?:marketplace|market)$")


def _marketplace(value: str) -> str:
    """Market name key: "Dream Market", "DreamMarket", "dream-market.onion" -> "dream".

    Rule (deliberately simple): NFKC, transliterate, casefold; drop a ".onion" ending;
    keep only a-z0-9 (spaces and punctuation go); drop ONE trailing "market" or
    "marketplace" if something is left. So "Empire" and "Empire Market" fold together,
    while "Silk Road 2" stays distinct from "Silk Road".
    """
    v = unidecode(unicodedata.normalize("NFKC", value)).casefold().strip()
    v = re.sub(r"\.onion$", "", v)
    v = _ALNUM_DROP_RE.sub("", v)
    stripped = _MARKET_SUFFIX_RE.sub("", v)
    v = stripped or v
    if not v:
        raise InvalidSelector("marketplace name is empty")
    if len(v) > 100:
        raise InvalidSelector("marketplace name is too long")
    return v


# ----------------------------------------------------------------- vehicle plates

# Letters of Cyrillic (BG, MK, RS...) and Greek plates that are written like Latin ones:
# map by shape, not by sound (unidecode would give В->V, Н->N, Р->R, Х->Kh, Η->I...).
_PLATE_HOMOGLYPHS = str.maketrans({
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
})  # fmt: skip
_PLATE_SEPARATORS_RE = re.compile(r"[\s\-.·•_|]+")


def _vehicle_plate(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).upper()
    v = v.translate(_PLATE_HOMOGLYPHS)
    v = _PLATE_SEPARATORS_RE.sub("", v)
    v = unidecode(v).upper()
    v = _PLATE_SEPARATORS_RE.sub("", v)
    if not v:
        raise InvalidSelector("vehicle plate is empty")
    if not v.isascii() or not v.isalnum():
        raise InvalidSelector("a vehicle plate may contain only letters, digits, spaces and dashes")
    if not 2 <= len(v) <= 12:
        raise InvalidSelector("a vehicle plate has 2 to 12 letters and digits")
    return v


# ---------------------------------------------------- people, addresses, companies


def _person(value: str) -> str:
    folded = fold_text(value)
    if not folded:
        raise InvalidSelector("name is empty")
    # Word order varies (family name first in many registers and scripts).
    return " ".join(sorted(folded.split()))


def _address(value: str) -> str:
    folded = fold_text(value)
    if not folded:
        raise InvalidSelector("address is empty")
    return folded


# Legal-form words, written as they are after folding with dots removed ("s.r.o." ->
# "sro", "sp. z o.o." -> "sp z oo", "Α.Ε." -> "ae", "A/S" -> "a s"). Removed only at the
# start or end of the name (Russian "ООО Ромашка" puts it first), repeatedly
# ("GmbH & Co. KG"), and never when nothing would be left.
_LEGAL_FORMS_TEXT = """
ltd limited llc llp lp plc inc incorporated corp corporation co company
gmbh mbh ag kg kgaa ohg ug eg ev se
sa sas sasu sarl eurl snc sca scs
srl srls spa sapa sl slu sau
bv nv vof cv bvba sprl cvba
oy oyj ab hb as asa aps ivs a s
ou uab sia
kft zrt nyrt bt kkt
sro spol s ro as
doo dooel dd ad ood eood ead et
ooo oao zao pao
shpk sha
ae ike epe oe ee
sp z oo spzoo sp zoo
lda ltda sagl ehf hf
"""
_LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(
    {
        tuple(form.split())
        for form in (
            "spol s ro",
            "sp z oo",
            "sp zoo",
            "sp z o o",
            "a s",
            # dotted abbreviations typed with spaces: "s. r. o.", "d. o. o.", "S. A."
            "s r o",
            "d o o",
            "s r l",
            "s a",
            "a e",
            "sh p k",
        )
    }
    | {(word,) for word in _LEGAL_FORMS_TEXT.split()}
)
_LEGAL_FORM_MAX_TOKENS = max(len(f) for f in _LEGAL_FORMS)


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    changed = True
    while changed and tokens:
        changed = False
        for n in range(_LEGAL_FORM_MAX_TOKENS, 0, -1):
            if len(tokens) > n and tuple(tokens[-n:]) in _LEGAL_FORMS:
                tokens = tokens[:-n]
                changed = True
                break
            if len(tokens) > n and tuple(tokens[:n]) in _LEGAL_FORMS:
                tokens = tokens[n:]
                changed = True
                break
    return tokens


def _company(value: str) -> str:
    # Dots go before folding so dotted abbreviations collapse: "S.R.L." == "SRL".
    v = unicodedata.normalize("NFKC", value).replace(".", "")
    tokens = fold_text(v).split()
    if not tokens:
        raise InvalidSelector("company name is empty")
    return " ".join(_strip_legal_forms(tokens))
