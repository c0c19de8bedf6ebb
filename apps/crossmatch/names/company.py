"""Companies: legal forms dropped, generic trade words weighed down, keys and score.

"ACME Trading Ltd", "Acme Trading Limited" and "ACME TRADING" are one company;
"Άλφα Εμπορική Α.Ε." and "Alfa Emporiki SA" too; "Бета Транс ЕООД" and "Beta Trans EOOD";
"Acme Trading" and "Acme Logistics" are not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from .blocking import deletes
from .common import Word, best_pairs, jw_bits, logistic, words_of
from .translit import fold

__all__ = [
    "ParsedCompany",
    "COMPANY_MATCH_THRESHOLD",
    "parse_company",
    "company_keys",
    "company_score",
]

COMPANY_MATCH_THRESHOLD = 0.5
GENERIC_CONFLICT_BITS = -8.0
UNPAIRED_DISTINCTIVE_BITS = 3.0

_LEGAL_RAW = """
ltd limited llc llp lp inc incorporated corp corporation co plc pty dac jsc
gmbh mbh ag kg ohg ug ek ev gbr kgaa se
sa sas sarl sàrl sasu snc sca eurl gie sl slu srl spa sapa sagl
bv nv vof cv
ab hb kb as asa aps is oy oyj ay
kft zrt nyrt bt kkt
sro as vos spol s ro
spzoo sp z oo zoo ska
uab mb ou tu oü
ad ead ood eood et kd
ae epe ike oe ee
dooel doo ad
shpk sha
lda
srl sa
αε επε ικε οε εε
ад еад оод еоод ет кд
дооел доо ооо зао оао пао ао ип
"""
# Generic trade words, grouped into concepts across languages and scripts: two names that
# differ only in such a word of different concepts (Trading / Logistics) are different
# companies; the same concept in two languages (Trading / Εμπορική / Трейд) agrees.
_GENERIC_CONCEPTS = {
    "trade": """trading trade traders treid trejd tregtare emporiki emporio emporia handel
        handels handelsgesellschaft commercial commerce търговия трейд трејд εμπορική
        εμπορικη εμπορία""",
    "transport": """trans transport transports transportes metaforiki spedition транс
        μεταφορική μεταφορικη μεταφορές""",
    "logistics": "logistics logistic logistik logistika логистик логистика",
    "import": """import imports export exports impex impeks eisagogiki exagogiki импекс
        εισαγωγική εξαγωγική""",
    "international": "international intl internacional internationale",
    "group": "group groupe gruppe grupa holding holdings груп холдинг όμιλος ομιλος",
    "services": "services service",
    "shipping": "shipping",
    "express": "express",
    "consulting": "consulting",
    "solutions": "solutions",
    "distribution": "distribution distributors vertrieb",
    "technical": "technical techniki tehnika technologies technology tech τεχνική τεχνικη",
    "construction": "construction stroy stroi ndertim строй",
    "invest": "invest investments capital инвест",
}
_GENERIC_SINGLE = """global europe euro european systems industries industry development
management partners media network supply supplies foods food auto automotive motors
engineering security energy enterprises enterprise company companies"""
_CONNECTORS = frozenset(
    {
        "and",
        "und",
        "et",
        "e",
        "y",
        "i",
        "og",
        "och",
        "en",
        "of",
        "the",
        "der",
        "die",
        "das",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
    }
)


def _fold_all(raw: str) -> frozenset[str]:
    out: set[str] = set()
    for w in words_of(raw):
        out.update(w.forms)
    return frozenset(out)


_LEGAL = _fold_all(_LEGAL_RAW)
_CONCEPT: dict[str, str] = {}
for _c, _words in _GENERIC_CONCEPTS.items():
    for _f in _fold_all(_words):
        _CONCEPT[_f] = _c
for _f in _fold_all(_GENERIC_SINGLE):
    _CONCEPT.setdefault(_f, _f)
_GENERIC = frozenset(_CONCEPT)
_CONNECTORS_F = frozenset(fold(w) for w in _CONNECTORS)
_RE_DOTTED = re.compile(r"(?<=\w)\.(?=\w)|\.")


def _one_edit(a: Word, b: Word) -> bool:
    return any(
        min(len(x), len(y)) >= 5 and OSA.distance(x, y, score_cutoff=1) <= 1
        for xs, ys in ((a.forms, b.forms), (a.plain, b.plain))
        for x in xs
        for y in ys
    )


def _is_generic(w: Word) -> bool:
    """A generic trade word, or one typo away from one (Interantional)."""
    if any(f in _GENERIC for f in w.forms):
        return True
    return any(
        len(f) >= 6 and abs(len(f) - len(g)) <= 1 and OSA.distance(f, g, score_cutoff=1) <= 1
        for f in w.forms
        for g in _GENERIC
    )


def _concepts(w: Word) -> set[str]:
    out = {_CONCEPT[f] for f in w.forms if f in _CONCEPT}
    if not out:
        out = {
            c
            for f in w.forms
            for g, c in _CONCEPT.items()
            if len(f) >= 6 and abs(len(f) - len(g)) <= 1 and OSA.distance(f, g, score_cutoff=1) <= 1
        }
    return out


@dataclass(frozen=True, slots=True)
class ParsedCompany:
    words: tuple[Word, ...]  # without legal form and connectors
    generic: tuple[bool, ...]  # per word: generic trade word?
    legal: tuple[str, ...]  # the legal-form words found
    raw: str = ""

    @property
    def distinctive(self) -> list[Word]:
        return [w for w, g in zip(self.words, self.generic) if not g]


@lru_cache(maxsize=50_000)
def parse_company(name: str, country: str | None = None) -> ParsedCompany:
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("&", " ")
    text = _RE_DOTTED.sub("", text)  # s.r.o. -> sro, Α.Ε. -> ΑΕ, Ltd. -> Ltd
    text = re.sub(r"[\"'«»“”„]", " ", text)
    words = words_of(text, country)
    legal: list[str] = []
    # legal-form words at either end (several: "GmbH & Co KG", "Sp z oo")
    while len(words) > 1 and any(f in _LEGAL for f in words[-1].forms):
        legal.insert(0, words.pop().primary)
    while len(words) > 1 and any(f in _LEGAL for f in words[0].forms):
        legal.append(words.pop(0).primary)
    words = [w for w in words if w.primary not in _CONNECTORS_F] or words
    generic = tuple(_is_generic(w) for w in words)
    if words and all(generic):
        generic = tuple(False for _ in words)  # a name made only of generic words
    return ParsedCompany(tuple(words), generic, tuple(legal), text)


def company_keys(name: str, country: str | None = None) -> set[str]:
    """``c:`` distinctive words (and one-deletion variants), ``c:j:`` all words joined
    (so "Alphatrans" meets "Alpha Trans")."""
    p = parse_company(name, country)
    keys: list[str] = []
    dist = p.distinctive
    for w in dist:
        keys += ["c:" + f for f in w.forms if len(f) >= 2]
    if p.words:
        keys.append("c:j:" + "".join(w.primary for w in p.words))
    for w in dist:
        if len(w.primary) >= 4:
            keys += ["c:" + d for d in deletes(w.primary)]
    for w in dist:  # the unfolded spelling too: a typo can change how a word folds
        for p in w.plain[:1]:
            if p not in w.forms and len(p) >= 4:
                keys += ["c:" + p] + ["c:" + d for d in deletes(p)]
    return set(list(dict.fromkeys(keys))[:40])


def company_score(
    a: str,
    b: str,
    *,
    country_a: str | None = None,
    country_b: str | None = None,
    token_frequency: Callable[[str], float] | None = None,
) -> tuple[float, list[str]]:
    """How likely two company names are the same company: (score in [0, 1], reasons)."""
    pa, pb = parse_company(a, country_a), parse_company(b, country_b)
    if not pa.words or not pb.words:
        return 0.0, ["name missing"]
    wa, wb = list(pa.words), list(pb.words)

    def weight(i: int, j: int, s: float) -> float:
        if pa.generic[i] and pb.generic[j]:
            # generic trade words: the same concept (or one typo) agrees a little; two
            # different concepts (Trading / Logistics) mean two companies
            if s == 1.0 or _one_edit(wa[i], wb[j]) or (_concepts(wa[i]) & _concepts(wb[j])):
                return 1.5
            return GENERIC_CONFLICT_BITS
        if pa.generic[i] or pb.generic[j]:
            # a generic word against a distinctive one (Express / Expert)
            return 1.5 if (s == 1.0 or _one_edit(wa[i], wb[j])) else -3.0
        return jw_bits(s, 5.0)

    pairs, ua, ub = best_pairs(wa, wb, weight)
    bits = -4.0 + sum(weight(i, j, s) for i, j, s in pairs)
    # A distinctive word on one side only ("Vltava International" / "Vltava Quantum
    # International") weighs a little more than a typo in one (0.5 would be even odds).
    for i in ua:
        bits -= 0.5 if pa.generic[i] else UNPAIRED_DISTINCTIVE_BITS
    for j in ub:
        bits -= 0.5 if pb.generic[j] else UNPAIRED_DISTINCTIVE_BITS
    # a name written as one word on one side ("Alphatrans" / "Alpha Trans")
    ja = "".join(w.primary for w in wa)
    jb = "".join(w.primary for w in wb)
    joined = ja == jb
    if joined and (len(wa) != len(wb)):
        bits = max(bits, 6.0)
    if token_frequency is not None:
        for i, _j, s in pairs:
            if s == 1.0 and not pa.generic[i]:
                f = token_frequency(wa[i].primary) or 0.0
                if f > 0.01:
                    bits -= 1.0
    bits = min(bits, 12.0)
    mean = sum(s for *_x, s in pairs) / max(len(pairs), 1)
    kind = (
        "equal"
        if mean == 1.0 and not ua and not ub
        else ("similar" if mean >= 0.9 else "different")
    )
    if joined and len(wa) != len(wb):
        kind = "equal when joined"
    reasons = [f"company: '{a}' ~ '{b}' ({kind}, {mean:.2f})"]
    if pa.legal and pb.legal and set(pa.legal) != set(pb.legal):
        reasons.append(f"legal form differs ({' '.join(pa.legal)} / {' '.join(pb.legal)})")
    for i in ua:
        reasons.append(f"only in first: '{wa[i].raw}'")
    for j in ub:
        reasons.append(f"only in second: '{wb[j].raw}'")
    return round(logistic(bits), 4), reasons
