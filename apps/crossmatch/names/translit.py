"""Script-aware transliteration to Latin and a phonetic-ish fold that makes spellings meet.

Two steps, kept apart on purpose:

1. ``latin_forms(word)`` turns one word in any script into one or more Latin spellings.
   Greek and Cyrillic use language-specific rule tables (below); everything else goes
   through Unidecode. Several forms are kept because one Greek or Bulgarian name is
   written several ways in Latin (``Χρήστος``: Christos, Hristos, Khristos).
2. ``fold(latin)`` maps a Latin spelling to a short lowercase ASCII *key form* in which the
   usual variants coincide: č/ch/ç/cz/cs/ts/tz -> c, š/sh/sch/sz -> s, ž/zh/zs -> z,
   xh/dzh/dž/gj/dj/đ -> j, kh -> h, ph -> f, th -> t, w -> v, x -> ks, ou -> u,
   ae/oe/ue -> a/o/u, Albanian q ~ Macedonian kj -> c, y -> i (j before a vowel at the start),
   doubled letters collapsed,
   -off -> -ov. An English/German "ch" is ambiguous (Christos / Chela), so a Latin token
   that contains one gets two key forms (``c`` reading and ``h`` reading).

Why not a package for step 1: generic Unidecode gives Greek "Χρήστος" -> "Khrestos" and
Bulgarian "Щ" -> "Shch"; cyrtranslit 1.2.0 (maintained, small) maps character by character,
so Greek ου -> "oy", η -> "h", ω -> "w", and Bulgarian ъ -> "ă", Macedonian ѓ -> "ǵ". PyICU
needs libicu-dev and a compiler. The tables below follow ELOT 743 / UNGEGN (Greek), the
Bulgarian Streamlined System (official since 2009) and the Macedonian official
romanisation; they are about a hundred lines and need nothing but the standard library.
Unidecode (pinned in requirements.txt) handles all other scripts and diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

__all__ = [
    "script_of",
    "cyrillic_language",
    "greek_to_latin",
    "cyrillic_to_latin",
    "latin_forms",
    "display_forms",
    "fold",
    "fold_forms",
    "plain_forms",
    "strip_diacritics",
]

# --------------------------------------------------------------------------------------
# Script detection
# --------------------------------------------------------------------------------------


def _is_greek(ch: str) -> bool:
    return "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff"


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def script_of(text: str) -> str:
    """'greek', 'cyrillic', 'latin', 'mixed' or 'other' (by the letters in ``text``)."""
    seen = set()
    for ch in text:
        if not ch.isalpha():
            continue
        if _is_greek(ch):
            seen.add("greek")
        elif _is_cyrillic(ch):
            seen.add("cyrillic")
        elif ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
            seen.add("latin")
        else:
            seen.add("other")
    if not seen:
        return "other"
    if len(seen) > 1:
        return "mixed"
    return seen.pop()


_COUNTRY_CYRILLIC = {
    "MK": "mk",
    "BG": "bg",
    "RS": "sr",
    "ME": "sr",
    "BA": "sr",
    "RU": "ru",
    "BY": "ru",
    "UA": "uk",
    "KZ": "ru",
}


def cyrillic_language(text: str, country: str | None = None) -> str:
    """Guess which Cyrillic orthography ``text`` is in: 'bg', 'mk', 'sr', 'ru' or 'uk'.

    Letters decide first (ѓ ќ ѕ -> Macedonian, ђ ћ -> Serbian, ы э ё -> Russian,
    і ї є ґ -> Ukrainian, й щ ъ ь ю я -> Bulgarian/Russian); else the country, else 'bg'.
    """
    low = text.lower()
    if any(c in low for c in "ѓќѕ"):
        return "mk"
    if any(c in low for c in "ђћ"):
        return "sr"
    if any(c in low for c in "іїєґ"):
        return "uk"
    if any(c in low for c in "ыэё"):
        return "ru"
    if any(c in low for c in "љњџј"):
        return "sr" if (country or "").upper() in ("RS", "ME", "BA") else "mk"
    hint = _COUNTRY_CYRILLIC.get((country or "").upper())
    if hint in ("mk", "sr") and any(c in low for c in "йщъьюя"):
        return "bg"
    return hint or "bg"


# --------------------------------------------------------------------------------------
# Greek: ELOT 743 (the passport standard) and a common "phonetic" practice
# --------------------------------------------------------------------------------------

_GR_SINGLE = {
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "th",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "x",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "ς": "s",
    "τ": "t",
    "υ": "y",
    "φ": "f",
    "χ": "ch",
    "ψ": "ps",
    "ω": "o",
    "ϲ": "s",
    "ϐ": "v",
    "ϑ": "th",
    "ϕ": "f",
}
_GR_VOWELS = set("αεηιουω")
_GR_VOICELESS = set("θκξπστφχψ")
_GR_DIPHTHONG = {
    "αι": ("ai", "e"),
    "ει": ("ei", "i"),
    "οι": ("oi", "i"),
    "υι": ("yi", "i"),
    "ου": ("ou", "ou"),
}


def _greek_letters(word: str) -> tuple[list[str], list[bool]]:
    letters: list[str] = []
    diaeresis: list[bool] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch == "\u0308":  # diaeresis: the vowel is read apart (Αϊ -> a-i, not e)
            if diaeresis:
                diaeresis[-1] = True
        elif unicodedata.combining(ch):
            continue
        else:
            letters.append(ch)
            diaeresis.append(False)
    return letters, diaeresis


def greek_to_latin(word: str, scheme: str = "elot", chi: str = "ch") -> str:
    """Greek -> Latin. ``scheme``: 'elot' (ELOT 743 / ISO 843 type 2, as in Greek passports:
    μπ -> mp, ντ -> nt, γκ -> gk, αι -> ai, ει -> ei, οι -> oi, υ -> y, αυ -> av/af) or
    'phonetic' (common informal practice: initial μπ/ντ/γκ -> b/d/g, medial mb/nd/ng,
    αι -> e, ει/οι/υι -> i, υ -> i, γι + vowel -> y). Accents are dropped; a diaeresis
    splits a digraph. ``chi`` is how χ is written ('ch' for display, 'kh' internally).
    """
    letters, dia = _greek_letters(word)
    elot = scheme == "elot"
    out: list[str] = []
    i, n = 0, len(letters)
    while i < n:
        c = letters[i]
        if not _is_greek(c):
            out.append(c)
            i += 1
            continue
        nxt = letters[i + 1] if i + 1 < n and not dia[i + 1] else ""
        after = letters[i + 2] if i + 2 < n else ""
        start = i == 0 or not _is_greek(letters[i - 1])
        pair = c + nxt
        if pair in ("αυ", "ευ", "ηυ"):
            base = {"α": "a", "ε": "e", "η": "i"}[c]
            out.append(
                base
                + ("f" if (not after or after in _GR_VOICELESS or not _is_greek(after)) else "v")
            )
            i += 2
            continue
        if pair in _GR_DIPHTHONG:
            out.append(_GR_DIPHTHONG[pair][0 if elot else 1])
            i += 2
            continue
        if pair in ("μπ", "ντ", "γκ"):
            hard = {"μπ": "b", "ντ": "d", "γκ": "g"}[pair]
            if elot:
                out.append({"μπ": "mp", "ντ": "nt", "γκ": "gk"}[pair])
            else:
                out.append(hard if start else {"μπ": "mb", "ντ": "nd", "γκ": "ng"}[pair])
            i += 2
            continue
        if pair == "γγ":
            out.append("ng")
            i += 2
            continue
        if pair == "γξ":
            out.append("nx")
            i += 2
            continue
        if pair == "γχ":
            out.append("n" + chi)
            i += 2
            continue
        if (
            not elot
            and pair == "γι"
            and after in _GR_VOWELS
            and not (i + 2 < n and dia[i + 2])
            and (start or letters[i - 1] in _GR_VOWELS)
        ):
            out.append("y")
            i += 2
            continue
        if c == "χ":
            out.append(chi)
        elif c == "υ" and not elot:
            out.append("i")
        else:
            out.append(_GR_SINGLE.get(c, ""))
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------------------
# Cyrillic: Bulgarian Streamlined System, Macedonian official, Serbian, Russian, Ukrainian
# Internal forms use č š ž dž (unambiguous for the fold); display forms spell them out.
# --------------------------------------------------------------------------------------

_CYR_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "ž",
    "з": "z",
    "и": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "č",
    "ш": "š",
    "ѐ": "e",
    "ѝ": "i",
}
_CYR_TABLES: dict[str, dict[str, str]] = {
    # Bulgarian Streamlined System (2009 law): щ sht, ъ a, ю yu, я ya, й y, ь y
    "bg": {**_CYR_COMMON, "й": "y", "щ": "št", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya"},
    # older BGN/PCGN-style Bulgarian practice: ъ u, й i
    "bg_alt": {**_CYR_COMMON, "й": "i", "щ": "št", "ъ": "u", "ь": "", "ю": "yu", "я": "ya"},
    # Macedonian official romanisation: ѓ gj, ќ kj, ѕ dz, џ dž, ј j, љ lj, њ nj
    # (ц is written c; internally ʦ, so that the fold never reads it as a k)
    "mk": {
        **_CYR_COMMON,
        "ѓ": "gj",
        "ќ": "kj",
        "ѕ": "dz",
        "џ": "dž",
        "ј": "j",
        "љ": "lj",
        "њ": "nj",
        "ц": "ʦ",
    },
    # Serbian (Gaj's Latin alphabet)
    "sr": {**_CYR_COMMON, "ђ": "đ", "ћ": "ć", "џ": "dž", "ј": "j", "љ": "lj", "њ": "nj", "ц": "ʦ"},
    # Russian (BGN/PCGN-like): х kh, щ shch, ы y, э e, ё e, ъ ь dropped
    "ru": {
        **_CYR_COMMON,
        "й": "y",
        "х": "kh",
        "щ": "šč",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ё": "e",
        "ю": "yu",
        "я": "ya",
    },
    # Ukrainian (national 2010 system)
    "uk": {
        **_CYR_COMMON,
        "г": "h",
        "ґ": "g",
        "е": "e",
        "є": "ye",
        "и": "y",
        "і": "i",
        "ї": "yi",
        "й": "y",
        "х": "kh",
        "щ": "šč",
        "ь": "",
        "ю": "yu",
        "я": "ya",
    },
}
# all letters of all tables, so that a letter of another orthography is never lost
_CYR_FALLBACK: dict[str, str] = {}
for _t in ("uk", "sr", "mk", "ru", "bg"):
    _CYR_FALLBACK.update(_CYR_TABLES[_t])

_DISPLAY = str.maketrans({"č": "ch", "š": "sh", "ž": "zh", "ć": "ch", "đ": "dj", "ʦ": "c"})


def cyrillic_to_latin(word: str, lang: str = "bg") -> str:
    """Cyrillic -> Latin with the internal letters č š ž dž đ ć (see ``display_forms``)."""
    table = _CYR_TABLES.get(lang, _CYR_TABLES["bg"])
    out = []
    for ch in unicodedata.normalize("NFC", word.lower()):
        if ch in table:
            out.append(table[ch])
        elif ch in _CYR_FALLBACK:
            out.append(_CYR_FALLBACK[ch])
        else:
            out.append(ch)
    return "".join(out)


# Homoglyphs: a Latin name typed with a few Cyrillic or Greek look-alike letters
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ζ": "z",
        "η": "h",
        "ι": "i",
        "κ": "k",
        "μ": "m",
        "ν": "n",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "y",
        "χ": "x",
    }
)


@lru_cache(maxsize=65536)
def latin_forms(word: str, lang_hint: str | None = None) -> tuple[str, ...]:
    """One word (any script) -> its Latin spellings, internal letters kept (č š ž ...).

    ``lang_hint``: a Cyrillic orthography from ``cyrillic_language`` for the whole name.
    """
    word = unicodedata.normalize("NFC", word).lower()
    script = script_of(word)
    if script == "mixed":
        # mostly Latin with look-alike letters -> read as Latin; else split per script
        latin = sum(1 for c in word if c.isascii() and c.isalpha())
        other = sum(1 for c in word if c.isalpha() and not c.isascii())
        if latin >= other:
            return (word.translate(_HOMOGLYPHS),)
    if any(_is_greek(c) for c in word):
        forms = [
            greek_to_latin(word, "elot", "kh"),
            greek_to_latin(word, "phonetic", "kh"),
            unidecode(word).lower(),
        ]  # Erasmian, as generic tools write it
        if any(_is_cyrillic(c) for c in word):
            forms = [cyrillic_to_latin(f, lang_hint or "bg") for f in forms]
        return tuple(dict.fromkeys(forms))
    if any(_is_cyrillic(c) for c in word):
        lang = lang_hint or cyrillic_language(word)
        forms = [cyrillic_to_latin(word, lang)]
        if lang == "bg":
            forms.append(cyrillic_to_latin(word, "bg_alt"))
        elif lang == "mk":
            forms.append(cyrillic_to_latin(word, "bg"))
        return tuple(dict.fromkeys(forms))
    return (word,)


def display_forms(text: str, country: str | None = None) -> list[str]:
    """Readable Latin transliterations of a whole string, most standard first.

    >>> display_forms("Χρήστος Παπαδόπουλος")[0]
    'christos papadopoulos'
    """
    lang = cyrillic_language(text, country) if any(_is_cyrillic(c) for c in text) else None
    words = re.findall(r"\w+|\W+", unicodedata.normalize("NFC", text))
    variants: list[list[str]] = [[], []]
    for w in words:
        if not any(c.isalpha() for c in w):
            for v in variants:
                v.append(w)
            continue
        if any(_is_greek(c) for c in w):
            opts = [greek_to_latin(w, "elot", "ch"), greek_to_latin(w, "phonetic", "h")]
        else:
            opts = [f.translate(_DISPLAY) for f in latin_forms(w, lang)]
        if w[:1].isupper():
            opts = [o[:1].upper() + o[1:] for o in opts]
        for k, v in enumerate(variants):
            v.append(opts[min(k, len(opts) - 1)])
    return list(dict.fromkeys("".join(v) for v in variants))


# --------------------------------------------------------------------------------------
# The fold
# --------------------------------------------------------------------------------------

# Characters mapped before Unidecode (which would lose the distinction). Upper-case
# letters are placeholders for sound classes that later rules must not touch:
# C = ch/ts class, S = sh class, Z = zh class, J = dzh/gj class.
_PREMAP = {
    "č": "C",
    "ć": "C",
    "ĉ": "C",
    "ʦ": "C",
    "ş": "s",
    "ș": "s",
    "š": "S",
    "ś": "S",
    "ž": "Z",
    "ź": "z",
    "ż": "Z",
    "đ": "J",
    "ǵ": "J",
    "ḱ": "kj",
    "ǆ": "J",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "þ": "th",
    "ð": "d",
    "ł": "l",
    "ç": "C",
    "ğ": "g",
    "ı": "i",
    "ŋ": "ng",
    "ĳ": "ij",
}

_RULES_BASE = {
    "tsch": "C",
    "dzh": "J",
    "dzs": "J",
    "sch": "S",
    "tch": "C",
    "xh": "J",
    "gj": "J",
    "dj": "J",
    "kj": "C",
    "cz": "C",
    "cs": "C",
    "sh": "S",
    "sz": "S",
    "zh": "Z",
    "zs": "Z",
    "kh": "h",
    "ph": "f",
    "th": "t",
    "dh": "d",
    "gh": "g",
    "ts": "C",
    "tz": "C",
    "ck": "k",
    "qu": "k",
    "q": "C",
    "w": "v",
    "x": "ks",
    "ou": "u",
    "ae": "a",
    "oe": "o",
    "ue": "u",
    # Greek in Latin: ELOT writes mp/nt/gk where others write b/d/g (initial) or
    # mb/nd/ng (medial); Erasmian writes gg for ng
    "gk": "ng",
    "nd": "nt",
    "mb": "mp",
    "gg": "ng",
}


def _compile(extra: dict[str, str]) -> re.Pattern[str]:
    keys = sorted({**_RULES_BASE, **extra}, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


_RE_C_MODE = _compile({"chr": "kr", "ch": "C"})
_RE_H_MODE = _compile({"chr": "hr", "ch": "h"})
_MAP_C = {**_RULES_BASE, "chr": "kr", "ch": "C"}
_MAP_H = {**_RULES_BASE, "chr": "hr", "ch": "h"}
_RE_INITIAL_J = re.compile(r"^(?:gi|yi|y)(?=[aeou])|^y(?=i)")
_RE_INITIAL_GREEK = re.compile(r"^(?:mp|nt|ng)")
_INITIAL_GREEK = {"mp": "b", "nt": "d", "ng": "g"}
_RE_MEDIAL_GI = re.compile(r"(?<=.)gi(?=[aeou])")
_RE_INITIAL_K = re.compile(r"^c(?=[aoulr])")
_RE_DOUBLE = re.compile(r"(.)\1+")
_PLACEHOLDERS = str.maketrans({"C": "c", "S": "s", "Z": "z", "J": "j"})


def strip_diacritics(text: str) -> str:
    """Lowercase ASCII spelling (Unidecode), for 'only the diacritics differ' checks."""
    return re.sub(r"[^a-z0-9]", "", unidecode(unicodedata.normalize("NFC", text)).lower())


def _premap(s: str) -> str:
    s = unicodedata.normalize("NFC", s.casefold())
    s = s.replace("dž", "J").replace("dz\u030c", "J")
    out = []
    for ch in s:
        if ch in _PREMAP:
            out.append(_PREMAP[ch])
        elif ch.isascii():
            out.append(ch)
        else:
            out.append(unidecode(ch).lower())
    return re.sub(r"[^a-zCSZJ]", "", "".join(out))


_RE_DZH = re.compile(r"dzh|dzs")


def _fold_ascii(s: str, h_mode: bool) -> str:
    s = _RE_DZH.sub("J", s)  # before "nd" -> "nt" can split Strandzha as n-d-zh
    if h_mode:
        n = len(s)
        s = _RE_H_MODE.sub(
            lambda m: "C" if (m.group(0) == "ch" and m.end() == n) else _MAP_H[m.group(0)], s
        )
    else:
        s = _RE_C_MODE.sub(lambda m: _MAP_C[m.group(0)], s)
    s = _RE_INITIAL_GREEK.sub(lambda m: _INITIAL_GREEK[m.group(0)], s)
    s = _RE_INITIAL_J.sub("J", s)
    s = _RE_MEDIAL_GI.sub("i", s)
    s = _RE_INITIAL_K.sub("k", s)
    s = s.replace("y", "i")
    s = s.translate(_PLACEHOLDERS)
    s = _RE_DOUBLE.sub(r"\1", s)
    if s.endswith("ij"):
        s = s[:-1]
    if len(s) > 3 and s.endswith("of"):
        s = s[:-1] + "v"
    return s


@lru_cache(maxsize=131072)
def fold_forms(latin: str) -> tuple[str, ...]:
    """All key forms of one Latin word: one, or two when it has an ambiguous 'ch'."""
    s = _premap(latin)
    if not s:
        return ()
    first = _fold_ascii(s, h_mode=False)
    if "ch" in s:
        second = _fold_ascii(s, h_mode=True)
        if second != first:
            return (first, second)
    return (first,)


def fold(latin: str) -> str:
    """The primary key form of one Latin word (see module docstring)."""
    forms = fold_forms(latin)
    return forms[0] if forms else ""


@lru_cache(maxsize=65536)
def plain_forms(word: str, lang_hint: str | None = None) -> tuple[str, ...]:
    """Lowercase ASCII spellings of one word without the fold (for typo similarity: a fold
    collapses letters, which can make a typo look bigger than it is)."""
    out: dict[str, None] = {}
    for f in latin_forms(word, lang_hint):
        p = re.sub(r"[^a-z]", "", unidecode(f.translate(_DISPLAY)).lower())
        if p:
            out[p] = None
    return tuple(out)
