"""Addresses: a light parse (street words, house number, postcode, city), keys, score.

Not a full address parser: the aim is that the same place, written in another script, with
abbreviations ("Str." / "Straße", "ул." / "улица", "Λεωφ." / "Λεωφόρος"), with the number
before or after the street, with or without postcode or city, or with a typo, scores high,
and that the neighbour (same street, other house number) scores low.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .blocking import deletes
from .common import Word, best_pairs, jw_bits, logistic, words_of
from .translit import fold, strip_diacritics

__all__ = [
    "ParsedAddress",
    "ADDRESS_MATCH_THRESHOLD",
    "parse_address",
    "address_keys",
    "address_score",
]

ADDRESS_MATCH_THRESHOLD = 0.5
STREET_DIFFERS_BITS = -12.0
POSTCODE_DIFFERS_BITS = -6.0
CITY_DIFFERS_BITS = -8.0

# Street-type words (any language), compared folded; they carry no identity.
_STREET_TYPES_RAW = """
street st str strasse straße strase road rd avenue ave av avda avenida boulevard blvd bd
bul bulevard bulevar bulevardi bulevardul boul lane ln drive dr way place pl plaza platz square sq
court ct close crescent terrace row hill park
rue allee allée chemin quai cours impasse route rte
calle c cl carrer via viale piazza corso largo rua travessa praca praça estrada paseo po pº
ulitsa ulica ulice ul ulitza bulevard ploshtad pl trg nam namesti náměstí
odos odou leoforos leof plateia
rruga rr lagja sheshi
utca u ut út körút korut ter tér
iela prospekt pr gatve gatvė g tee maantee
gatan gata gade vej vei veien katu tie kuja
straat laan weg gasse ring kai damm
strada str sos soseaua calea piata bd
no nr numero number num
"""
# compound street names (German, Dutch, Nordic, Finnish, Hungarian...), longest first
_COMPOUND_SUFFIXES = (
    "strasse",
    "strase",
    "strabe",
    "straat",
    "gatan",
    "gasse",
    "platz",
    "veien",
    "allee",
    "gata",
    "gade",
    "laan",
    "katu",
    "utca",
    "iela",
    "damm",
    "ring",
    "str",
    "weg",
    "vej",
    "vei",
    "tie",
)
_ADDRESS_PARTICLES = frozenset(
    {
        "e",
        "i",
        "a",
        "de",
        "la",
        "le",
        "del",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "van",
        "von",
        "der",
        "den",
        "the",
        "of",
    }
)
_CITY_ALIASES = {
    "helsingfors": "helsinki",
    "limassol": "lemesos",
    "lemesos": "lemesos",
    "peiraias": "pireas",
    "piraeus": "pireas",
    "pireas": "pireas",
    "patras": "patra",
    "heraklion": "irakleio",
    "iraklio": "irakleio",
    "oporto": "porto",
    "seville": "sevilla",
    "zurich": "zurich",
    "zuerich": "zurich",
    "muenchen": "munhen",
    "koeln": "koln",
    "luxemburg": "luxembourg",
    "arhus": "aarhus",
    "goteborg": "goteborg",
    "tirane": "tirane",
    "durres": "durres",
    "shkoder": "shkoder",
    "shkodra": "shkoder",
    # exonym / endonym pairs that no transliteration makes meet
    "athens": "atina",
    "atena": "atina",
    "sofia": "sofija",
    "skopje": "skopje",
    "thessaloniki": "tesaloniki",
    "salonica": "tesaloniki",
    "bucharest": "bukuresti",
    "prague": "praha",
    "vienna": "vien",
    "wien": "vien",
    "munich": "munhen",
    "munchen": "munhen",
    "cologne": "koln",
    "lisbon": "lisboa",
    "copenhagen": "kobenhavn",
    "kobenhavn": "kobenhavn",
    "gothenburg": "goteborg",
    "brussels": "bruksel",
    "bruxelles": "bruksel",
    "brussel": "bruksel",
    "tirana": "tirane",
    "nicosia": "lefkosia",
    "lefkosia": "lefkosia",
    "geneva": "geneve",
    "genf": "geneve",
    "the hague": "denhag",
    "vilnius": "vilnius",
    "warsaw": "varsava",
    "rome": "roma",
    "milan": "milano",
}
_COUNTRY_WORDS_RAW = """
greece hellas ellada ελλάδα bulgaria българия balgariya macedonia makedonija македонија
northmacedonia albania shqiperia shqipëria cyprus kypros κύπρος romania hungary magyarorszag
czechia czech republic lithuania lietuva estonia eesti finland suomi sweden sverige denmark
danmark norway norge germany deutschland austria osterreich österreich switzerland schweiz
suisse svizzera france spain espana españa portugal ireland eire uk united kingdom
netherlands nederland luxembourg usa us united states america
"""


def _fold_set(raw: str) -> frozenset[str]:
    return frozenset(f for f in (fold(w) for w in raw.split()) if f)


_STREET_TYPES = _fold_set(_STREET_TYPES_RAW) | _fold_set("улица ул бул булевард булевар площад")
_STREET_TYPES |= _fold_set("οδός οδ λεωφόρος λεωφ πλατεία")
_COUNTRY_WORDS = _fold_set(_COUNTRY_WORDS_RAW)
_CITY = {fold(k): fold(v) for k, v in _CITY_ALIASES.items() if " " not in k}

_POSTCODE_PATTERNS = [
    re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b"),  # UK
    re.compile(r"\b(\d{5})-\d{4}\b"),  # US ZIP+4
    re.compile(
        r"\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|"
        r"MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|"
        r"WY|DC) ?(\d{5})\b"
    ),  # US state ZIP
    re.compile(r"\b(\d{4})-(\d{3})\b"),  # PT
    re.compile(r"\b(\d{4}) ?([A-Z]{2})\b(?![\w])"),  # NL
    re.compile(r"\b([ACDEFHKNPRTVWXY]\d{2}|D6W) ?([0-9ACDEFHKNPRTVWXY]{4})\b"),  # IE
    re.compile(r"\b(?:[A-Z]{1,2}-)?(\d{3}) (\d{2})\b"),  # CZ SK GR SE
    re.compile(r"\b(?:[A-Z]{1,2}-)?(\d{4,5})\b"),  # most others
]
_RE_NUMBER = re.compile(r"\b\d{1,5}(?: ?[a-zA-Z](?![^\W\d_]))?(?:[/-]\d{1,4}[a-zA-Z]?)?")


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    street: tuple[Word, ...] = ()
    number: str | None = None
    extra_numbers: tuple[str, ...] = ()
    postcode: str | None = None
    city: tuple[Word, ...] = ()
    raw: str = field(default="", compare=False)


def _strip_type(w: Word, country: str | None) -> Word | None:
    """None for a street-type word; a compound like Hauptstraße keeps only 'haupt'."""
    if any(f in _STREET_TYPES for f in w.forms) or w.primary in _ADDRESS_PARTICLES:
        return None
    if w.script == "latin":
        latin = strip_diacritics(w.raw)
        for suf in _COMPOUND_SUFFIXES:
            if latin.endswith(suf) and len(latin) - len(suf) >= 3:
                stem = words_of(latin[: -len(suf)], country)
                if stem:
                    return Word(w.raw, stem[0].forms, w.script)
    return w


@lru_cache(maxsize=50_000)
def parse_address(text: str, country: str | None = None) -> ParsedAddress:
    raw = unicodedata.normalize("NFC", text or "").strip()
    postcode = None
    pc_span = None
    # specific formats first; a plain 4-5 digit group is the postcode when it is the last
    # of several numbers, or stands after a comma
    n_numbers = len(_RE_NUMBER.findall(raw))
    for pat in _POSTCODE_PATTERNS:
        matches = list(pat.finditer(raw))
        if pat is _POSTCODE_PATTERNS[-1] and matches:
            m = matches[-1]
            if not (n_numbers >= 2 or "," in raw[: m.start()]):
                matches = []
        if matches:
            m = matches[-1]
            postcode = "".join(g for g in m.groups() if g).upper()
            pc_span = m.span()
            break
    rest = raw if pc_span is None else raw[: pc_span[0]] + " , " + raw[pc_span[1] :]
    pc_part_index = None
    parts = [p.strip() for p in re.split(r"[,;\n]+", rest)]
    if pc_span is not None:
        # the part that followed the postcode is the city
        before = raw[: pc_span[0]]
        pc_part_index = len([p for p in re.split(r"[,;\n]+", before + " ,")]) - 1
    parts_idx = [(i, p) for i, p in enumerate(parts) if p]
    number = None
    extra: list[str] = []
    street_words: list[Word] = []
    city_words: list[Word] = []
    street_part = None
    for i, p in parts_idx:
        nums = [n.group(0).replace(" ", "").lower() for n in _RE_NUMBER.finditer(p)]
        if nums and street_part is None:
            street_part = i
            number = nums[0]
            extra += nums[1:]
        elif nums:
            extra += nums
    if street_part is None and parts_idx:
        street_part = parts_idx[0][0]
    for i, p in parts_idx:
        words = [w for w in words_of(_RE_NUMBER.sub(" ", p), country) if w.script != "digits"]
        if i == street_part:
            for w in words:
                s = _strip_type(w, country)
                if s is not None and s.forms and s.forms[0]:
                    street_words.append(s)
        else:
            words = [w for w in words if w.primary not in _COUNTRY_WORDS]
            if words and (pc_part_index is None or i >= pc_part_index or not city_words):
                city_words = words
    city_words = [
        Word(w.raw, tuple(dict.fromkeys(_CITY.get(f, f) for f in w.forms)), w.script)
        for w in city_words
    ]
    return ParsedAddress(
        tuple(street_words), number, tuple(extra), postcode, tuple(city_words), raw
    )


def address_keys(address: str, country: str | None = None) -> set[str]:
    """Blocking keys: ``a:s:`` street words (and their one-deletion variants),
    ``a:sn:`` longest street word + house number, ``a:pc:`` postcode,
    ``a:pn:`` postcode + house number, ``a:cn:`` city + house number."""
    p = parse_address(address, country)
    keys: list[str] = []
    for w in p.street:
        keys += ["a:s:" + f for f in w.forms if len(f) >= 3]
    if p.street and p.number:
        longest = max(p.street, key=lambda w: len(w.primary))
        keys += [f"a:sn:{f}#{p.number}" for f in longest.forms]
    if p.postcode:
        keys.append("a:pc:" + p.postcode)
        if p.number:
            keys.append(f"a:pn:{p.postcode}#{p.number}")
    if p.city and p.number:
        keys.append(f"a:cn:{p.city[0].primary}#{p.number}")
    for w in p.street:
        if len(w.primary) >= 5:
            keys += ["a:s:" + d for d in deletes(w.primary)]
    return set(list(dict.fromkeys(keys))[:40])


def _number_relation(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "equal"
    da, db = re.match(r"\d+", a).group(0), re.match(r"\d+", b).group(0)
    if da == db:
        return "same digits"  # 12 / 12a: another entrance of the same building
    return "different"


def address_score(
    a: str, b: str, *, country_a: str | None = None, country_b: str | None = None
) -> tuple[float, list[str]]:
    """How likely two address strings name the same place: (score in [0, 1], reasons)."""
    pa, pb = parse_address(a, country_a), parse_address(b, country_b)
    reasons: list[str] = []
    bits = -3.0
    if not pa.street or not pb.street:
        return 0.0, ["street missing"]
    pairs, ua, ub = best_pairs(list(pa.street), list(pb.street), lambda i, j, s: jw_bits(s, 4.0))
    mean = sum(s for *_x, s in pairs) / max(len(pairs), 1)
    if mean < 0.8:
        sbits = STREET_DIFFERS_BITS  # another street: another place
    else:
        sbits = sum(jw_bits(s, 4.0) for _i, _j, s in pairs) / max(len(pairs), 1)
        sbits -= 1.5 * (len(ua) + len(ub))
    bits += sbits
    reasons.append(
        f"street: '{' '.join(w.raw for w in pa.street)}' ~ "
        f"'{' '.join(w.raw for w in pb.street)}' ({mean:.2f})"
    )
    rel = _number_relation(pa.number, pb.number)
    bits += {"equal": 4.0, "same digits": -2.0, "different": -10.0, "missing": -1.0}[rel]
    if rel == "equal":
        reasons.append(f"house number equal ({pa.number})")
    elif rel != "missing":
        reasons.append(f"house number differs ({pa.number} / {pb.number})")
    if pa.extra_numbers and pb.extra_numbers and set(pa.extra_numbers).isdisjoint(pb.extra_numbers):
        bits -= 3.0
        reasons.append("flat/unit number differs")
    if pa.postcode and pb.postcode:
        if pa.postcode == pb.postcode:
            bits += 3.0
            reasons.append(f"postcode equal ({pa.postcode})")
        else:
            bits += POSTCODE_DIFFERS_BITS
            reasons.append(f"postcode differs ({pa.postcode} / {pb.postcode})")
    if pa.city and pb.city:
        cp, _cua, _cub = best_pairs(list(pa.city), list(pb.city), lambda i, j, s: s)
        cs = sum(s for *_x, s in cp) / max(len(cp), 1)
        if cs >= 0.9:
            bits += 1.0
            reasons.append("city equal" if cs == 1.0 else f"city similar ({cs:.2f})")
        elif cs >= 0.8:
            bits -= 2.0  # a typo, or another town of a similar name
            reasons.append(f"city similar ({cs:.2f})")
        else:
            bits += CITY_DIFFERS_BITS
            reasons.append(
                f"city differs ('{' '.join(w.raw for w in pa.city)}' / "
                f"'{' '.join(w.raw for w in pb.city)}')"
            )
    return round(logistic(bits), 4), reasons
