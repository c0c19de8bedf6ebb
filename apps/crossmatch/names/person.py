"""People: name analysis, blocking keys and the pairwise score.

Scoring is a small Fellegi-Sunter model, in bits (log2 of the likelihood ratio), as Splink
does it: each aligned name-token pair adds or removes evidence according to how alike the
two tokens are (exact after transliteration and fold, nickname, Jaro-Winkler level);
exact agreement on a rare token weighs more than on a common one when a token frequency
function is given; the date of birth adds evidence when equal and removes a lot when it
differs; the total, with a prior, goes through a logistic into [0, 1].
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import permutations

from rapidfuzz.distance import OSA, JaroWinkler

from .blocking import deletes
from .nicknames import NICKNAME_GROUPS
from .reference import COMMON_NAMES
from .translit import (
    cyrillic_language,
    fold_forms,
    latin_forms,
    plain_forms,
    script_of,
    strip_diacritics,
)

__all__ = [
    "PersonRecord",
    "NameToken",
    "PERSON_MATCH_THRESHOLD",
    "MAX_KEYS_PER_NAME",
    "analyse_name",
    "name_tokens",
    "person_keys",
    "person_score",
    "name_similarity",
    "dob_relation",
]

MAX_KEYS_PER_NAME = 40
# Chosen on the labelled set (tests/crossmatch/labelled.py); see test_names.py.
PERSON_MATCH_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class PersonRecord:
    name: str
    date_of_birth: date | None = None
    country: str | None = None  # ISO 3166-1 alpha-2; a hint for Cyrillic orthography


@dataclass(frozen=True, slots=True, eq=False)  # interned: identity is equality
class NameToken:
    raw: str  # as written (one word)
    forms: tuple[str, ...]  # folded key forms, the primary first
    nick: frozenset[str]  # nickname groups it belongs to
    script: str  # 'latin', 'greek', 'cyrillic', ...
    plain: tuple[str, ...] = ()  # unfolded ASCII spellings, for typo similarity

    @property
    def primary(self) -> str:
        return self.forms[0]

    @property
    def initial(self) -> bool:
        return len(self.forms[0]) == 1


# --------------------------------------------------------------------------------------
# Tokenising
# --------------------------------------------------------------------------------------

_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "herr",
        "frau",
        "mme",
        "mlle",
        "jr",
        "jnr",
        "sr",
        "snr",
        "ii",
        "iii",
        "κος",
        "κα",
        "κ",
        "гн",
        "гжа",
        "г-н",
        "г-жа",
    }
)
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "dos",
        "das",
        "do",
        "la",
        "le",
        "los",
        "las",
        "ten",
        "ter",
        "zu",
        "af",
        "av",
        "al",
        "el",
        "bin",
        "ibn",
        "y",
        "e",
        "i",
    }
)
_JOIN_NEXT = frozenset({"o", "mc", "mac", "fitz"})  # O Brien -> obrien
_RE_APOSTROPHE = re.compile(r"(?<=\w)['’`ʼ](?=\w)")
_RE_WORD = re.compile(r"[^\W\d_]+")


def _words(name: str) -> list[str]:
    name = unicodedata.normalize("NFC", name or "")
    name = _RE_APOSTROPHE.sub("", name)
    return _RE_WORD.findall(name)


# an initial "i" before a vowel is how Unidecode and the ICAO passport rule write the
# Cyrillic я, ю, е, ё (Iuliia, Iana, Iakov) where other schemes write y or j
_RE_INITIAL_IOTATED = re.compile(r"^i(?=[aeou])")
# j after a vowel, before a vowel or at the end, is the glide others write y (folded to i):
# Bojan / Boyan, Maja / Maya, Kalojan / Kaloyan, Nikolaj / Nikolay, Andrej / Andrey
_RE_GLIDE_J = re.compile(r"(?<=[aeiou])j(?=[aeiou]|$)")
# the Dutch ij before a consonant, which others write y (Dijkstra / Dykstra)
_RE_DUTCH_IJ = re.compile(r"ij(?=[^aeiou])")


def _forms_of(word: str, lang: str | None) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for latin in latin_forms(word, lang):
        for f in fold_forms(latin):
            if f:
                out[f] = None
    if script_of(word) == "latin":
        for f in list(out):
            alt = _RE_GLIDE_J.sub("i", _RE_INITIAL_IOTATED.sub("j", f))
            alt = _RE_DUTCH_IJ.sub("i", alt)
            alt = re.sub(r"(.)\1+", r"\1", alt)
            if alt != f:
                out[alt] = None
    return tuple(out)[:4]


@lru_cache(maxsize=1)
def _nickname_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for group in NICKNAME_GROUPS:
        lang = None
        key = _forms_of(group[0], None)[0]
        for member in group:
            lang = cyrillic_language(member) if script_of(member) == "cyrillic" else None
            for f in _forms_of(member, lang):
                index.setdefault(f, set()).add(key)
    return {k: frozenset(v) for k, v in index.items()}


@lru_cache(maxsize=1)
def _nickname_deletes() -> dict[str, frozenset[tuple[str, str]]]:
    """Every nickname-table form and its one-deletion variants -> (form, group) pairs: finds
    the table's names within one edit of a misspelt token (SymSpell)."""
    index: dict[str, set[tuple[str, str]]] = {}
    for form, groups in _nickname_index().items():
        for key in [form, *deletes(form, prefix=len(form))]:
            index.setdefault(key, set()).update((form, g) for g in groups)
    return {k: frozenset(v) for k, v in index.items()}


def _nick_typo_groups(t: NameToken) -> frozenset[str]:
    """Nickname groups of the table names one edit away from the token (Nikk -> Niki),
    for a token of at least three letters that is in no group itself."""
    if t.nick or len(t.primary) < 3:
        return frozenset()
    index = _nickname_deletes()
    found: set[str] = set()
    for form in t.forms:
        for key in [form, *deletes(form, prefix=len(form))]:
            for member, group in index.get(key, ()):
                if OSA.distance(form, member, score_cutoff=1) == 1:
                    found.add(group)
    return frozenset(found)


@lru_cache(maxsize=200_000)
def analyse_name(name: str, country: str | None = None) -> tuple[NameToken, ...]:
    """Split a name into tokens with their folded forms; titles dropped, particles
    (van, de, von...) joined to the next token as an extra form, initials kept."""
    words = _words(name)
    has_cyr = any("\u0400" <= c <= "\u052f" for c in name or "")
    lang = cyrillic_language(name, country) if has_cyr else None
    tokens: list[NameToken] = []
    pending: list[str] = []  # particles waiting for their word
    carry = ""  # O / Mc / Mac joined to the next word
    for i, w in enumerate(words):
        low = w.casefold()
        if low in _TITLES and len(words) > 2:
            continue
        last = i == len(words) - 1
        if low in _JOIN_NEXT and not last:
            carry += w
            continue
        if low in _PARTICLES and not last and len(words) > 2:
            pending.append(w)
            continue
        word = carry + w
        carry = ""
        tok = _token(word, lang, "".join(pending))
        pending = []
        if tok is not None:
            tokens.append(tok)
    return tuple(tokens)


@lru_cache(maxsize=200_000)
def _token(word: str, lang: str | None, particles: str = "") -> NameToken | None:
    """One interned token (the same word gives the same object, which makes the
    token-pair cache cheap)."""
    forms = _forms_of(word, lang)
    if not forms:
        return None
    if particles:
        joined = _forms_of(particles + word, lang)
        forms = tuple(dict.fromkeys(forms + joined[:1]))
    nick_index = _nickname_index()
    nick: set[str] = set()
    for f in forms:
        nick |= nick_index.get(f, frozenset())
    return NameToken(word, forms, frozenset(nick), script_of(word), plain_forms(word, lang)[:3])


def name_tokens(name: str, country: str | None = None) -> list[str]:
    """The primary folded form of each token: what a token-frequency table should count
    (one row per token per stored name; frequency = count / number of names)."""
    return [t.primary for t in analyse_name(name, country) if not t.initial]


# --------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------


def person_keys(name: str, country: str | None = None) -> set[str]:
    """Blocking keys of a name, at most ``MAX_KEYS_PER_NAME``.

    ``p:<form>`` for every folded form of every token (several per token: Greek ELOT and
    phonetic readings, Bulgarian official and older spelling, both readings of Latin "ch"),
    ``n:<group>`` for every nickname group of a token, and ``p:<deletion>`` for the
    one-deletion variants of the first 7 letters of each form (SymSpell): a name with one
    typo in a token still shares keys with the correct one. Tokens are keyed independently,
    so the order of given and family names does not matter.

    Retrieval: keys of the new name -> rows of the key table with those keys -> the items
    that share the most keys (a few hundred at most) -> ``person_score`` on each.
    """
    toks = [t for t in analyse_name(name, country) if not t.initial]
    ordered: list[str] = []
    for t in toks:
        ordered += ["p:" + f for f in t.forms]
    for t in toks:
        ordered += ["n:" + g for g in sorted(t.nick)]
    # deletions: primary forms of all tokens first, then the other forms
    rounds = max((len(t.forms) for t in toks), default=0)
    for r in range(rounds):
        for t in toks:
            if r < len(t.forms) and len(t.forms[r]) >= 4:
                ordered += ["p:" + d for d in deletes(t.forms[r])]
    return set(list(dict.fromkeys(ordered))[:MAX_KEYS_PER_NAME])


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------

PRIOR_BITS = -4.0
EXACT_BITS = 4.0
NICKNAME_BITS = 2.5
NICKNAME_TYPO_BITS = 1.0
INITIAL_BITS = 0.5
GENDER_BITS = -3.5
DERIVED_BITS = -4.0
UNMATCHED_BITS = -1.0
NAME_BITS_CAP = 10.0
# A date one digit off (or with day and month swapped) is far more often the same date
# mistyped than another person's: of two random dates of birth over 54 years, 0.16 % are
# one digit apart and 1.7 % two digits (issue 11: it used to count a little against).
DOB_BITS = {
    "equal": 5.0,
    "transposed": 1.0,
    "one digit": 1.0,
    "two digits": -9.0,
    "missing": 0.0,
    "different": -12.0,
}
# the "typical" token frequency at which the term-frequency adjustment is zero
TF_REFERENCE = 1 / 200
# pseudo-names of the frequency estimate: until well past this many names are stored, a
# token's share stays close to its prior (see _share)
FREQUENCY_PSEUDO_NAMES = 200
# a near-identical token seen at most this often, and half as often as the other at most,
# is taken for the other's typo (when the caller gives frequencies and the name count)
RARE_VARIANT_COUNT = 2
# Jaro-Winkler similarity -> bits, linear between the points
_JW_CURVE = (
    (1.0, 4.0),
    (0.96, 3.2),
    (0.93, 2.6),
    (0.90, 1.5),
    (0.86, -0.5),
    (0.80, -3.0),
    (0.70, -6.0),
    (0.0, -8.0),
)


def _jw_bits(s: float) -> float:
    for (x1, y1), (x0, y0) in zip(_JW_CURVE, _JW_CURVE[1:]):
        if s >= x0:
            return y0 + (y1 - y0) * (s - x0) / (x1 - x0)
    return _JW_CURVE[-1][1]


_FEM_ENDINGS = ("a", "e", "ie", "ina", "ka", "ova", "iene", "aite", "ite", "ute", "ne")


def _gender_pair(x: str, y: str) -> bool:
    """Masculine and feminine forms of one name (folded): Petrov/Petrova,
    Papadopoulos/Papadopoulou, Theodoros/Theodora, Stavros/Stavroula, Novotny/Novotna,
    Novak/Novakova, Kowalski/Kowalska, Kazlauskas/Kazlauskiene, Ivan/Ivana, Stefan/Stefanie,
    Aleksandar/Aleksandra."""
    if len(x) > len(y):
        x, y = y, x
    if len(x) < 3 or x[:3] != y[:3]:
        return False
    if x[-1] not in "aeiou" and any(y == x + e for e in _FEM_ENDINGS):
        return True
    if x.endswith("i") and y == x[:-1] + "a":  # -ski/-ska, -ny/-na
        return True
    if x.endswith("a") and y.endswith(("os", "is", "as", "us")) and y[:-2] + "a" == x:
        return True  # Theodora/Theodoros
    if x.endswith(("ar", "er")) and y == x[:-2] + "ra":  # Aleksandar/Aleksandra
        return True
    if y.endswith(("ar", "er")) and x == y[:-2] + "ra":
        return True
    for m in (x, y):
        f = y if m is x else x
        if m.endswith(("os", "is", "as", "us")) and len(m) >= 5:
            stem = m[:-2]
            if f in (
                stem + "u",
                stem + "ou",
                stem + "a",
                stem + "i",
                stem + "e",
                stem + "ia",
                stem + "ula",
                stem + "oula",
                stem + "iene",
                stem + "aite",
                stem + "ite",
                stem + "ute",
            ):
                return True
    return False


# one edit (insertion, deletion, substitution, transposition) between tokens of this
# length: a typo is likely for long tokens, a different name as likely for short ones
_TYPO_BITS = {1: -2.0, 2: -1.0, 3: 0.0, 4: 1.0, 5: 2.5}
_TYPO_BITS_LONG = 3.0
# Without a date of birth on both sides a near-miss spelling is not evidence for the same
# person: one letter separates many different names (Jana / Hana, Wagner / Wallner), and
# typos are far rarer than such neighbours in a large register. Non-exact tokens then count
# at most this much (nicknames and transliterations that fold to the same key are exact).
_TYPO_BITS_NO_DOB = -1.5
# ...except one letter inserted, dropped, changed or two swapped in a long token (six
# letters or more after the fold), the rarer spelling seen almost nowhere (at most
# RARE_VARIANT_COUNT stored names) and not a common name of the reference list: long
# names have few real neighbours one letter away, and a neighbour that is a name of its
# own is seen again (or listed). With few names stored both spellings are often seen once,
# in the pair's own records, and the stricter test of _rare_variant cannot tell (issue 11).
_LONG_TYPO_LENGTH = 6
_LONG_TYPO_BITS_NO_DOB = 1.0
# Two different tokens that are two names (both established: seen in at least
# ESTABLISHED_COUNT stored names or listed in the reference list; or one established and
# the other three edits away or more) weigh at least this much against, and the rarity of
# the tokens they share adds nothing: one family name and one date of birth under two
# given names are twins far more often than one person (issue 11). A different token seen
# almost nowhere and close to the other may be a garbled spelling and weighs as before.
_DIFFERENT_NAME_BITS = -6.0
ESTABLISHED_COUNT = 2


# surname endings (folded), longest first: two tokens with one stem and endings that differ
# by two letters or more are different names (Nikolov / Nikolovski, Todor / Todorov)
_ENDINGS = (
    "ovska",
    "evska",
    "ovski",
    "evski",
    "ovic",
    "evic",
    "ska",
    "ski",
    "ova",
    "eva",
    "ov",
    "ev",
    "ic",
    "in",
)


_RE_ENDING = re.compile(r"^(.{3,}?)(" + "|".join(_ENDINGS) + r")$")


@lru_cache(maxsize=65536)
def _split_ending(x: str) -> tuple[str, str]:
    m = _RE_ENDING.match(x)
    return (m.group(1), m.group(2)) if m else (x, "")


def _derived_pair(x: str, y: str) -> bool:
    if x[:2] != y[:2]:
        return False
    sx, ex = _split_ending(x)
    sy, ey = _split_ending(y)
    if abs(len(ex) - len(ey)) < 2:
        return False
    return sx == sy  # Todor / Todorov, Nikolov / Nikolovski


@lru_cache(maxsize=262144)
def _token_sim(a: NameToken, b: NameToken) -> tuple[float, str, float]:
    """(similarity for display, kind, evidence in bits before term frequency)."""
    fa, fb = a.forms, b.forms
    if set(fa) & set(fb):
        return 1.0, "exact", EXACT_BITS
    if a.nick & b.nick:
        return 0.93, "nickname", NICKNAME_BITS
    if a.initial or b.initial:
        firsts = {f[0] for f in fa} & {f[0] for f in fb}
        return (0.85, "initial", INITIAL_BITS) if firsts else (0.0, "different", -8.0)
    # on the unfolded spellings: the fold collapses letters (Saar -> sar) and would make a
    # transposition look like a feminine ending
    pa, pb = a.plain or fa, b.plain or fb
    if set(pa) & set(pb):  # one spelling but for diacritics the fold reads apart (Çela/Cela)
        return 1.0, "exact", EXACT_BITS
    if any(_gender_pair(x, y) for x in pa for y in pb):
        return 0.5, "gender", GENDER_BITS
    if any(_derived_pair(x, y) for x in fa for y in fb):
        return 0.5, "derived", DERIVED_BITS
    best, dist, length = 0.0, 99, 0
    for xs, ys in ((fa, fb), (a.plain, b.plain)):
        for x in xs:
            for y in ys:
                s = JaroWinkler.normalized_similarity(x, y)
                best = max(best, s)
                d = OSA.distance(x, y, score_cutoff=3)
                n = min(len(x), len(y))
                if d < dist or (d == dist and n > length):
                    dist, length = d, n
    jw = _jw_bits(best)
    if dist == 1:
        return max(best, 0.86), "typo", _TYPO_BITS.get(length, _TYPO_BITS_LONG)
    if dist == 2 and length >= 8:
        return best, ("typo" if best >= 0.9 else "different"), min(jw, 1.5)
    if _misspelt_nickname(a, b) or _misspelt_nickname(b, a):
        # a nickname with a typo (Setffi / Stefanie), if the frequencies show the
        # misspelt one seen almost nowhere (see _align); else different
        return best, "nickname typo", min(jw, -3.0)
    return best, "different", min(jw, -3.0)


def _misspelt_nickname(name: NameToken, misspelt: NameToken) -> bool:
    """Is `misspelt` one edit from a name of the nickname table that shares a group with
    `name`?"""
    return bool(name.nick and _nick_typo_groups(misspelt) & name.nick)


@lru_cache(maxsize=65536)
def _one_letter_lost(a: NameToken, b: NameToken) -> bool:
    """One spelling is the other with one letter more (Monika / Monik), not another
    ending (Marios / Maria)."""
    return any(
        abs(len(x) - len(y)) == 1 and OSA.distance(x, y, score_cutoff=1) == 1
        for xs, ys in ((a.forms, b.forms), (a.plain, b.plain))
        for x in xs
        for y in ys
    )


@lru_cache(maxsize=65536)
def _far_apart(a: NameToken, b: NameToken) -> bool:
    """Three edits or more apart in every spelling."""
    return all(
        OSA.distance(x, y, score_cutoff=3) >= 3
        for xs, ys in ((a.forms, b.forms), (a.plain, b.plain))
        for x in xs
        for y in ys
    )


@lru_cache(maxsize=65536)
def _one_edit_long(a: NameToken, b: NameToken) -> bool:
    """One edit apart in forms of at least _LONG_TYPO_LENGTH letters."""
    return any(
        min(len(x), len(y)) >= _LONG_TYPO_LENGTH and OSA.distance(x, y, score_cutoff=2) == 1
        for x in a.forms
        for y in b.forms
    )


def _pair_bits(sim: float, kind: str, base_bits: float, tf_bits: float) -> float:
    return base_bits + (tf_bits if kind == "exact" else 0.0)


def _freq(t: NameToken, token_frequency: Callable[[str], float]) -> float:
    """A token's frequency: the most frequent of its key forms (a Cyrillic name is counted
    under its official transliteration, which is its primary form)."""
    return max((token_frequency(f) or 0.0) for f in t.forms)


@lru_cache(maxsize=1)
def _reference_shares() -> dict[str, float]:
    """Folded form -> share of people carrying it, from the reference list (reference.py)."""
    shares: dict[str, float] = {}
    for country, table in COMMON_NAMES.items():
        words = table.split()
        for name, share in zip(words[::2], words[1::2], strict=True):
            for token in analyse_name(name, country):
                for form in token.forms:
                    shares[form] = max(shares.get(form, 0.0), float(share))
    return shares


def _prior_share(form: str) -> float:
    """What a token's share is taken to be before any name is stored: its share in the
    reference list when listed (common names are common from the first report), else
    TF_REFERENCE (a name not listed weighs neither more nor less than usual)."""
    return max(_reference_shares().get(form, 0.0), TF_REFERENCE)


def _share(
    t: NameToken,
    token_frequency: Callable[[str], float],
    name_count: int | None,
    own: int = 0,
) -> float:
    """The token's estimated share of names, smoothed towards its prior.

    The two records compared are among the stored names, and carrying the token is what
    makes them a pair: their own `own` occurrences (under the primary form) are left out,
    so a name seen only in the pair counts as seen in none of the other names. The other
    names count as if FREQUENCY_PSEUDO_NAMES more had been stored with the token at its
    prior share: with five names stored, a token seen in one other is not one in three (a
    very common name) but close to its prior; with many thousands the stored counts
    decide. Without ``name_count`` the caller's shares are taken as they are.
    """
    if not name_count:
        return _freq(t, token_frequency)
    others = max(name_count - 2, 0)
    best = 0.0
    for f in t.forms:
        count = (token_frequency(f) or 0.0) * name_count
        if f == t.primary:
            count = max(count - own, 0.0)
        prior = FREQUENCY_PSEUDO_NAMES * _prior_share(f)
        best = max(best, (count + prior) / (others + FREQUENCY_PSEUDO_NAMES))
    return best


def _rare_variant(
    a: NameToken,
    b: NameToken,
    token_frequency: Callable[[str], float] | None,
    name_count: int | None,
) -> bool:
    """Is one of two near-identical tokens seen so rarely (at most RARE_VARIANT_COUNT times
    among all stored names) and so much less often than the other that it is that name's
    typo, not a name in its own right (SymSpell's reasoning)? Needs both the frequencies and
    the number of names they were counted over."""
    if token_frequency is None or not name_count:
        return False
    ca = _freq(a, token_frequency) * name_count
    cb = _freq(b, token_frequency) * name_count
    hi, lo = max(ca, cb), min(ca, cb)
    if lo > RARE_VARIANT_COUNT + 1e-9 or hi < 2 * max(lo, 1.0) - 1e-9:
        return False
    return not _listed(a if ca <= cb else b)  # a common name is no one's typo (Murphy)


def _rare_long_typo(
    a: NameToken,
    b: NameToken,
    token_frequency: Callable[[str], float] | None,
    name_count: int | None,
) -> bool:
    """One edit apart in a long token, one spelling seen at most RARE_VARIANT_COUNT times
    (and no more often than the other): see _LONG_TYPO_BITS_NO_DOB."""
    if token_frequency is None or not name_count or not _one_edit_long(a, b):
        return False
    ca = _freq(a, token_frequency) * name_count
    cb = _freq(b, token_frequency) * name_count
    if min(ca, cb) > RARE_VARIANT_COUNT + 1e-9:
        return False
    # the rarer spelling is the typo, unless it is known as a name of its own
    rarer = [t for t, c in ((a, ca), (b, cb)) if c <= min(ca, cb) + 1e-9]
    return any(not _listed(t) and not t.nick for t in rarer)


@lru_cache(maxsize=65536)
def _listed(t: NameToken) -> bool:
    """In the reference list of common names."""
    return any(form in _reference_shares() for form in t.forms)


def _established(
    t: NameToken, token_frequency: Callable[[str], float] | None, name_count: int | None
) -> bool:
    """A name in its own right: listed in the reference list, or seen in at least
    ESTABLISHED_COUNT stored names."""
    if _listed(t):
        return True
    if token_frequency is None or not name_count:
        return False
    return _freq(t, token_frequency) * name_count >= ESTABLISHED_COUNT - 1e-9


def _other_name(a: NameToken, b: NameToken, established: Callable[[NameToken], bool]) -> bool:
    """Are two different tokens two names, not one garbled: both established names, or
    one established and the other three edits away or more (see _DIFFERENT_NAME_BITS)."""
    known = established(a) + established(b)
    return known >= 2 or (known == 1 and _far_apart(a, b))


def _tf_bits(
    a: NameToken,
    b: NameToken,
    token_frequency: Callable[[str], float] | None,
    name_count: int | None = None,
) -> float:
    if token_frequency is None:
        return 0.0
    own = 2 if a.primary == b.primary else 1  # the pair's own occurrences of the name
    f = max(
        _share(a, token_frequency, name_count, own), _share(b, token_frequency, name_count, own)
    )
    f = min(max(f, 1e-7), 1.0)
    adj = 0.5 * (math.log2(1 / f) - math.log2(1 / TF_REFERENCE))
    return max(min(adj, 4.0), -3.0)


# aligned token kinds that say "another name", not "the same name written otherwise"
_CONTRADICTING = frozenset({"other name", "gender", "derived"})


@dataclass(slots=True)
class _Alignment:
    bits: float
    pairs: list[tuple[int, int, float, str, float]]  # (i, j, sim, kind, tf_bits)
    unmatched_a: list[int]
    unmatched_b: list[int]


@lru_cache(maxsize=64)
def _assignments(small: int, big: int) -> tuple[tuple[int, ...], ...]:
    return tuple(permutations(range(big), small))


def _align(
    ta: tuple[NameToken, ...],
    tb: tuple[NameToken, ...],
    token_frequency: Callable[[str], float] | None,
    dob_missing: bool = False,
    name_count: int | None = None,
) -> _Alignment:
    """Best one-to-one pairing of the tokens (order-free, so swapped names align)."""
    n, m = len(ta), len(tb)
    swap = n > m
    if swap:  # rows = the shorter name
        ta, tb, n, m = tb, ta, m, n
    cells = []
    bits_rows = []
    known: dict[NameToken, bool] = {}

    def established(t: NameToken) -> bool:
        if t not in known:
            known[t] = _established(t, token_frequency, name_count)
        return known[t]

    for x in ta:
        row, brow = [], []
        for y in tb:
            sim, kind, base = _token_sim(x, y)
            if (
                kind == "gender"
                and _one_letter_lost(x, y)
                and _rare_variant(x, y, token_frequency, name_count)
            ):
                # a letter lost at the end of an established name (Monika / Monik), not
                # the other gender's name: the shorter form is seen almost nowhere else
                length = min(len(x.primary), len(y.primary))
                kind, base = "typo", _TYPO_BITS.get(length, _TYPO_BITS_LONG)
            nick_typo = kind == "nickname typo"
            if nick_typo:
                misspelt = y if _misspelt_nickname(x, y) else x
                if token_frequency is None or established(misspelt):
                    kind = "different"
                else:
                    kind, base = "typo", NICKNAME_TYPO_BITS
            if nick_typo and dob_missing:
                # a misspelt nickname is not a rare spelling of the other token itself
                base = min(base, _TYPO_BITS_NO_DOB)
            elif (
                dob_missing
                and kind in ("typo", "different")
                and not (kind == "typo" and _rare_variant(x, y, token_frequency, name_count))
            ):
                if kind == "typo" and _rare_long_typo(x, y, token_frequency, name_count):
                    base = min(base, _LONG_TYPO_BITS_NO_DOB)
                else:
                    base = min(base, _TYPO_BITS_NO_DOB)
            if (
                kind == "different"
                and base > _DIFFERENT_NAME_BITS
                and _other_name(x, y, established)
            ):
                kind, base = "other name", _DIFFERENT_NAME_BITS
            tf = _tf_bits(x, y, token_frequency, name_count) if kind == "exact" else 0.0
            b = base + tf
            row.append((sim, kind, tf))
            brow.append(b)
        cells.append(row)
        bits_rows.append(brow)
    if n <= 5 and m <= 7:
        best_bits, best = -math.inf, ()
        rows = range(n)
        for perm in _assignments(n, m):
            total = 0.0
            for i in rows:
                total += bits_rows[i][perm[i]]
            if total > best_bits:
                best_bits, best = total, perm
        assign = list(enumerate(best))
    else:  # greedy for long names
        assign, used_i, used_j = [], set(), set()
        order = sorted(((bits_rows[i][j], i, j) for i in range(n) for j in range(m)), reverse=True)
        for _b, i, j in order:
            if i not in used_i and j not in used_j:
                assign.append((i, j))
                used_i.add(i)
                used_j.add(j)
    bits = sum(bits_rows[i][j] for i, j in assign)
    for i, j in assign:  # the pairs far apart enough not to have been asked above
        sim, kind, tf = cells[i][j]
        if kind == "different" and _other_name(ta[i], tb[j], established):
            cells[i][j] = (sim, "other name", tf)
    if any(cells[i][j][1] in _CONTRADICTING for i, j in assign):
        # a rare family name shared by two records whose given names plainly differ
        # points to relatives, not one person: no extra weight for its rarity
        for i, j in assign:
            sim, kind, tf = cells[i][j]
            if tf > 0:
                bits -= tf
                cells[i][j] = (sim, kind, 0.0)
    used_i = {i for i, _ in assign}
    used_j = {j for _, j in assign}
    ui = [i for i in range(n) if i not in used_i]
    uj = [j for j in range(m) if j not in used_j]
    if swap:
        pairs = sorted((j, i, *cells[i][j]) for i, j in assign)
        return _Alignment(bits, pairs, uj, ui)
    pairs = sorted((i, j, *cells[i][j]) for i, j in assign)
    return _Alignment(bits, pairs, ui, uj)


def dob_relation(a: date | None, b: date | None) -> str:
    """'equal', 'transposed' (day and month swapped), 'one digit' (one digit wrong or two
    adjacent digits swapped), 'two digits' (two of the eight digits differ), 'different'
    or 'missing' (either is None)."""
    if a is None or b is None:
        return "missing"
    if a == b:
        return "equal"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "transposed"
    sa = f"{a.year:04d}{a.month:02d}{a.day:02d}"
    sb = f"{b.year:04d}{b.month:02d}{b.day:02d}"
    diff = [k for k in range(8) if sa[k] != sb[k]]
    if len(diff) == 1:
        return "one digit"
    if (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and sa[diff[0]] == sb[diff[1]]
        and sa[diff[1]] == sb[diff[0]]
    ):
        return "one digit"
    if len(diff) == 2:
        return "two digits"
    return "different"


def name_similarity(a: str, b: str) -> float:
    """Name-only similarity in [0, 1] (mean aligned token similarity, less for extra
    tokens); the number shown in the reasons."""
    ta, tb = analyse_name(a), analyse_name(b)
    if not ta or not tb:
        return 0.0
    al = _align(ta, tb, None)
    return _display_sim(al)


def _display_sim(al: _Alignment) -> float:
    if not al.pairs:
        return 0.0
    mean = sum(p[2] for p in al.pairs) / len(al.pairs)
    extra = len(al.unmatched_a) + len(al.unmatched_b)
    return mean * len(al.pairs) / (len(al.pairs) + 0.25 * extra)


def _describe(ta, tb, al: _Alignment, a_name: str, b_name: str) -> list[str]:
    kinds: list[str] = []
    details: list[str] = []
    scripts_a = {t.script for t in ta}
    scripts_b = {t.script for t in tb}
    if scripts_a != scripts_b:
        kinds.append("transliteration")
    for i, j, sim, kind, _tf in al.pairs:
        x, y = ta[i], tb[j]
        if kind == "exact":
            if x.raw.casefold() == y.raw.casefold() or x.script != y.script:
                continue
            if strip_diacritics(x.raw) == strip_diacritics(y.raw):
                kinds.append("diacritics")
            else:
                kinds.append("spelling variant")
        elif kind == "nickname":
            kinds.append("nickname")
            details.append(f"nickname: '{x.raw}' ~ '{y.raw}'")
        elif kind == "gender":
            kinds.append("other gender form")
            details.append(f"other gender form: '{x.raw}' / '{y.raw}'")
        elif kind == "derived":
            kinds.append("different name")
            details.append(f"different name: '{x.raw}' / '{y.raw}'")
        elif kind == "initial":
            kinds.append("initial")
        elif kind == "typo":
            kinds.append("typo")
            details.append(f"typo: '{x.raw}' ~ '{y.raw}' ({sim:.2f})")
        else:
            kinds.append("different")
            details.append(f"differs: '{x.raw}' / '{y.raw}' ({sim:.2f})")
    order = [j for _i, j, *_ in al.pairs]
    if order != sorted(order):
        kinds.append("swapped order")
    for i in al.unmatched_a:
        details.append(f"only in first: '{ta[i].raw}'")
    for j in al.unmatched_b:
        details.append(f"only in second: '{tb[j].raw}'")
    kinds = list(dict.fromkeys(kinds)) or ["equal"]
    head = f"name: '{a_name}' ~ '{b_name}' ({', '.join(kinds)}, {_display_sim(al):.2f})"
    return [head] + details


def person_score(
    a: PersonRecord,
    b: PersonRecord,
    *,
    token_frequency: Callable[[str], float] | None = None,
    name_count: int | None = None,
) -> tuple[float, list[str]]:
    """How likely two person records are the same person: (score in [0, 1], reasons).

    Names are compared token by token on their transliterated and folded forms, in the best
    pairing whatever the order (Jaro-Winkler and edit distance for near misses, a nickname
    table, masculine/feminine and derived forms such as Petrov/Petrova, Nikolov/Nikolovski
    counted against); the date of birth raises the score when equal, a little when day and
    month are transposed or one digit differs, and lowers it strongly when it differs.
    Without a date of birth on both sides only exact (after transliteration and fold) and
    nickname agreement counts for the name, unless the frequencies show a near-identical
    token to be a rare typo of an established name.

    ``token_frequency(token)`` gives the share of stored names containing that folded token
    (count them with ``name_tokens``); exact agreement on a rare token then counts more than
    on a common one. ``None`` treats all tokens as equally common. ``name_count`` is the
    number of names those shares were counted over, the two records included (needed for
    the typo test above); with it the pair's own occurrences are left out and the shares
    are smoothed towards a prior (the reference list of common names, else neutral), so a
    rare name is not weighed as common because few names are stored yet.
    Score >= ``PERSON_MATCH_THRESHOLD`` is a match.
    """
    ta = analyse_name(a.name, a.country)
    tb = analyse_name(b.name, b.country)
    if not ta or not tb:
        return 0.0, ["name missing"]
    rel = dob_relation(a.date_of_birth, b.date_of_birth)
    al = _align(ta, tb, token_frequency, dob_missing=rel == "missing", name_count=name_count)
    name_bits = al.bits
    extra = len(al.unmatched_a) + len(al.unmatched_b)
    extra_bits = 0.0
    for i in al.unmatched_a:
        extra_bits += UNMATCHED_BITS * (0.3 if ta[i].initial else 1.0)
    for j in al.unmatched_b:
        extra_bits += UNMATCHED_BITS * (0.3 if tb[j].initial else 1.0)
    name_bits += max(extra_bits, -2.5) if extra else 0.0
    name_bits = min(name_bits, NAME_BITS_CAP)
    total = PRIOR_BITS + name_bits + DOB_BITS[rel]
    score = 1.0 / (1.0 + 2.0 ** (-total))
    reasons = _describe(ta, tb, al, a.name, b.name)
    if rel == "equal":
        reasons.append("date of birth equal")
    elif rel == "missing":
        if a.date_of_birth or b.date_of_birth:
            reasons.append("date of birth missing on one side")
    elif rel == "transposed":
        reasons.append("date of birth day and month transposed")
    elif rel in ("one digit", "two digits"):
        reasons.append(
            f"date of birth differs by {rel} ({a.date_of_birth.isoformat()} "
            f"/ {b.date_of_birth.isoformat()})"
        )
    else:
        reasons.append(
            f"date of birth differs ({a.date_of_birth.isoformat()} / {b.date_of_birth.isoformat()})"
        )
    if token_frequency is not None:
        tf = sum(p[4] for p in al.pairs)
        if tf <= -1.0:
            reasons.append("common name: weighs less")
        elif tf >= 1.0:
            reasons.append("rare name: weighs more")
    return round(score, 4), reasons
