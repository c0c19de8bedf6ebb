"""Find the selectors of a report: in its structured fields and in its free text.

Pure Python (no Django, no database). Structured values that are invalid are reported as
field errors (the caller turns them into a 400); invalid-looking things in free text are
simply not extracted. Every regex is compiled once, at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers

from .normalise import (
    IBAN_LENGTHS,
    InvalidSelector,
    SelectorType,
    normalise,
    normalise_region,
)

__all__ = [
    "KNOWN_MARKETPLACES",
    "MARKETPLACES_NEEDING_SUFFIX",
    "TEXT_FIELDS",
    "ExtractedSelector",
    "extract_from_report",
    "extract_from_text",
]


@dataclass(frozen=True)
class ExtractedSelector:
    type: str  # a SelectorType value
    value: str  # as found (as written in the text or the field)
    normalised: str  # normalise(type, value): what is matched
    source: str  # "text" or the field path: "parcel.sender.phone", "selectors[2]", "body"


# ----------------------------------------------------------------- marketplaces

#: Darknet markets named in public law-enforcement press releases. Matched in free text
#: case-insensitively on word boundaries, with or without a space inside the name, and
#: optionally followed by "Market"/"Marketplace".
KNOWN_MARKETPLACES: tuple[str, ...] = (
    "AlphaBay",
    "Hydra",
    "Dream Market",
    "Silk Road",
    "Empire",
    "White House Market",
    "Wall Street Market",
    "DarkMarket",
    "Agora",
    "Hansa",
    "Monopoly",
    "ToRReZ",
    "Versus",
    "Archetyp",
    "Abacus",
    "Nemesis",
    "Incognito",
    "Bohemia",
    "Cannazon",
    "Berlusconi",
    "Genesis",
)

#: Names that are also ordinary words or places (the Greek island of Hydra, Portuguese
#: "agora" = now, "versus", the board game...): in free text they count only when
#: followed by "Market"/"Marketplace" ("Empire Market", "Hydra marketplace").
MARKETPLACES_NEEDING_SUFFIX: frozenset[str] = frozenset(
    {"Hydra", "Empire", "Agora", "Hansa", "Monopoly", "Versus", "Abacus", "Nemesis",
     "Incognito", "Bohemia", "Berlusconi", "Genesis"}
)  # fmt: skip

_SUFFIX = r"[\s\-]*market(?:[\s\-]*place)?"


def _marketplace_pattern(name: str) -> str:
    if name == "DarkMarket":
        # one word only: "dark market" is an ordinary phrase
        return r"darkmarket"
    words = re.findall(r"[A-Za-z0-9]+", name)
    if words[-1].lower() == "market":
        core = r"[\s\-]*".join(re.escape(w) for w in words[:-1])
        return core + _SUFFIX
    core = r"[\s\-]*".join(re.escape(w) for w in words)
    if name in MARKETPLACES_NEEDING_SUFFIX:
        return core + _SUFFIX
    return core + f"(?:{_SUFFIX})?"


_MARKETPLACE_ALTERNATIVES = "|".join(
    _marketplace_pattern(n).lower() for n in sorted(KNOWN_MARKETPLACES, key=len, reverse=True)
)
_MARKETPLACE_FIRSTS = "".join(sorted({n[0].lower() for n in KNOWN_MARKETPLACES}))
# Run on the lower-cased text (much faster than IGNORECASE)...
_MARKETPLACE_LOWER_RE = re.compile(
    f"(?=[{_MARKETPLACE_FIRSTS}])(?<![a-z0-9])(?:{_MARKETPLACE_ALTERNATIVES})(?![a-z0-9])"
)
# ...unless lower-casing changed the text's length (rare letters such as "İ").
_MARKETPLACE_RE = re.compile(
    f"(?<![A-Za-z0-9])(?:{_MARKETPLACE_ALTERNATIVES})(?![A-Za-z0-9])", re.IGNORECASE
)

# ------------------------------------------------------------------ text patterns
#
# Speed: a pattern that starts with a look-behind is tried at every position of the
# text; so each pattern starts with a literal or a character class and checks "no letter
# or digit before" right after it, e.g. [A-Z](?<![A-Za-z0-9][A-Z]).

_NA = r"(?![A-Za-z0-9])"  # no letter/digit after
_B58 = "1-9A-HJ-NP-Za-km-z"


def _nb(first: str) -> str:
    """Match one character of class ``first`` not preceded by a letter or digit."""
    return f"{first}(?<![A-Za-z0-9]{first})"


# UPU S10, upper case only in free text (lower-case would catch prose), spaces or dashes
# allowed between groups: "RR 123 456 785 GR", "RR123456785GR".
_S10_TEXT_RE = re.compile(_nb("[A-Z]") + r"[A-Z][ \-]?(?:\d[ \-]?){8}\d[ \-]?[A-Z]{2}" + _NA)
# UPS: 1Z + 16 letters/digits, possibly spaced.
_UPS_TEXT_RE = re.compile(_nb("1") + r"Z(?:[ ]?[0-9A-Z]){16}" + _NA)
_EMAIL_LOCAL_CHARS = frozenset(".+%'-_")
_EMAIL_DOMAIN_RE = re.compile(r"[\w\-]+(?:\.[\w\-]+)+")
_HANDLE_RE = re.compile(r"\w[\w.\-]{1,63}")
_HANDLE_TIME_RE = re.compile(r"^\d{1,2}(?:[:.h]\d{2})?(?:am|pm|h|hrs?)?$", re.IGNORECASE)
_HAS_LETTER_RE = re.compile(r"[^\W\d_]")
# IBAN start; the rest is read to the country's exact length (see _find_ibans).
_IBAN_START_RE = re.compile(_nb("[A-Z]") + r"[A-Z]\d{2}(?=[ ]?[A-Z0-9])")
_BTC_LEGACY_TEXT_RE = re.compile(_nb("[13]") + f"[{_B58}]{{25,34}}" + _NA)
_BTC_BECH32_TEXT_RE = re.compile(
    r"(?:"
    + _nb("b")
    + r"c1[02-9ac-hj-np-z]{11,71}|"
    + _nb("B")
    + r"C1[02-9AC-HJ-NP-Z]{11,71})"
    + _NA
)
_ETH_TEXT_RE = re.compile(_nb("0") + r"x[0-9a-fA-F]{40}" + _NA)
_XMR_TEXT_RE = re.compile(_nb("[48]") + f"[{_B58}]{{94}}(?:[{_B58}]{{11}})?" + _NA)
# IPv4 candidates; ipaddress then rejects octets > 255 and leading zeros.
_IPV4_TEXT_RE = re.compile(r"\d(?<![\w.]\d)\d{0,2}(?:\.\d{1,3}){3}(?!\w|\.\d)")
_IPV6_CHARS_RE = re.compile(r"[0-9A-Fa-f:.]+")
_ONION_HOST_RE = re.compile(r"[A-Za-z2-7]{56}")
# Cheap test before running phonenumbers' matcher: 6+ digits close together.
_PHONE_HINT_RE = re.compile(r"\d(?:[\s().\-/]{0,3}\d){5}")

_T = SelectorType
# Stands in for text already taken: not a digit, letter or phone punctuation.
_MASK = "\u00a7"


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _find_onions(text: str):
    lowered = text.lower()
    i = lowered.find(".onion")
    while i != -1:
        start = i - 56
        end = i + 6
        if (
            start >= 0
            and _ONION_HOST_RE.fullmatch(text, start, i)
            and (start == 0 or not text[start - 1].isalnum())
            and (end == len(text) or not text[end].isalnum())
        ):
            yield start, end, text[start:end]
        i = lowered.find(".onion", end)


def _find_emails(text: str):
    i = text.find("@")
    while i != -1:
        j = i
        while j > 0 and (text[j - 1].isalnum() or text[j - 1] in _EMAIL_LOCAL_CHARS):
            j -= 1
        while j < i and text[j] == ".":
            j += 1
        m = _EMAIL_DOMAIN_RE.match(text, i + 1)
        if j < i and m:
            yield j, m.end(), text[j : m.end()]
            i = text.find("@", m.end())
        else:
            i = text.find("@", i + 1)


def _find_handles(text: str):
    i = text.find("@")
    while i != -1:
        prev = text[i - 1] if i else " "
        m = None
        if not (_is_word_char(prev) or prev in "@.+-"):
            m = _HANDLE_RE.match(text, i + 1)
        if m:
            handle = m.group(0).rstrip(".-")
            if (
                len(handle) >= 3
                and not _HANDLE_TIME_RE.match(handle)
                and _HAS_LETTER_RE.search(handle)
            ):
                yield i, i + 1 + len(handle), "@" + handle
        i = text.find("@", i + 1)


def _find_ibans(text: str):
    for m in _IBAN_START_RE.finditer(text):
        length = IBAN_LENGTHS.get(text[m.start() : m.start() + 2])
        if length is None:
            continue
        i = m.end()
        count = 4
        end = len(text)
        while count < length and i < end:
            c = text[i]
            if c == " " and i + 1 < end and text[i + 1] != " ":
                i += 1
                continue
            if ("A" <= c <= "Z") or ("0" <= c <= "9"):
                count += 1
                i += 1
                continue
            break
        if count != length or (i < end and text[i].isalnum()):
            continue
        yield m.start(), i, text[m.start() : i]


def _find_ipv6(text: str):
    if "::" not in text and text.count(":") < 7:
        return
    i = text.find(":")
    while i != -1:
        start = i
        while start > 0 and text[start - 1] in "0123456789abcdefABCDEF:.":
            start -= 1
        m = _IPV6_CHARS_RE.match(text, start)
        end = m.end()
        candidate = text[start:end].rstrip(".")
        end = start + len(candidate)
        if (
            candidate.count(":") >= 2
            and (start == 0 or not _is_word_char(text[start - 1]))
            and (end == len(text) or not _is_word_char(text[end]))
            and any(c.isalnum() for c in candidate)
        ):
            yield start, end, candidate
        i = text.find(":", max(end, i + 1))


def _regex_finder(pattern: re.Pattern[str]):
    def find(text: str):
        for m in pattern.finditer(text):
            yield m.start(), m.end(), m.group(0)

    return find


_MARKETPLACE_HINTS = tuple(
    {re.findall(r"[a-z0-9]+", name.lower())[0][:4] for name in KNOWN_MARKETPLACES}
)


def _find_marketplaces(text: str):
    lowered = text.lower()
    if not any(hint in lowered for hint in _MARKETPLACE_HINTS):
        return
    if len(lowered) == len(text):
        for m in _MARKETPLACE_LOWER_RE.finditer(lowered):
            yield m.start(), m.end(), text[m.start() : m.end()]
    else:
        for m in _MARKETPLACE_RE.finditer(text):
            yield m.start(), m.end(), m.group(0)


# (type, finder, quick test that must pass before the finder runs)
_FINDERS = (
    (_T.ONION_ADDRESS, _find_onions, None),
    (_T.EMAIL, _find_emails, None),
    (_T.TRACKING_NUMBER, _regex_finder(_S10_TEXT_RE), None),
    (_T.TRACKING_NUMBER, _regex_finder(_UPS_TEXT_RE), lambda t: "1Z" in t),
    (_T.IBAN, _find_ibans, None),
    (_T.CRYPTO_WALLET, _regex_finder(_XMR_TEXT_RE), None),
    (_T.CRYPTO_WALLET, _regex_finder(_BTC_BECH32_TEXT_RE), lambda t: "bc1" in t or "BC1" in t),
    (_T.CRYPTO_WALLET, _regex_finder(_BTC_LEGACY_TEXT_RE), None),
    (_T.CRYPTO_WALLET, _regex_finder(_ETH_TEXT_RE), lambda t: "0x" in t),
    (_T.IP_ADDRESS, _regex_finder(_IPV4_TEXT_RE), None),
    (_T.IP_ADDRESS, _find_ipv6, None),
    (_T.VENDOR_HANDLE, _find_handles, None),
    (_T.MARKETPLACE, _find_marketplaces, None),
)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does [start, end) overlap one of the (few) spans already taken?"""
    return any(s < end and start < e for s, e in spans)


def extract_from_text(
    text: str, *, default_region: str | None, source: str = "text"
) -> list[ExtractedSelector]:
    """Selectors found in free text, in order of appearance, one per (type, normalised).

    Only values that normalise are returned (S10 with a wrong check digit, an IBAN failing
    mod 97, a wallet with a bad checksum... are left out). Phone numbers are found with
    phonenumbers' matcher (leniency VALID, ``default_region`` for national numbers) and
    are skipped where they overlap something else already found (digits of an IBAN,
    a tracking number, an IP address...).
    """
    if not text or not isinstance(text, str):
        return []
    if len(text) <= _SHORT_TEXT:
        return [
            ExtractedSelector(stype, raw, norm, source)
            for stype, raw, norm in _short_text_selectors(text, default_region)
        ]
    return _text_selectors(text, default_region, source)


#: Short texts (a declared content, a seizure line) repeat across reports and imports:
#: what they hold is kept per (text, region), most recent 8192.
_SHORT_TEXT = 200


@lru_cache(maxsize=8192)
def _short_text_selectors(text: str, region: str | None) -> tuple[tuple[str, str, str], ...]:
    return tuple((s.type, s.value, s.normalised) for s in _text_selectors(text, region, ""))


def _text_selectors(text: str, default_region: str | None, source: str) -> list[ExtractedSelector]:
    found: list[tuple[int, ExtractedSelector]] = []
    spans: list[tuple[int, int]] = []
    for stype, finder, quick_test in _FINDERS:
        if quick_test is not None and not quick_test(text):
            continue
        for start, end, raw in finder(text):
            if _overlaps(spans, start, end):
                continue
            try:
                norm = normalise(stype, raw, default_region=default_region)
            except InvalidSelector:
                continue
            found.append((start, ExtractedSelector(stype.value, raw, norm, source)))
            spans.append((start, end))

    # Phones last, on a copy where what was found is masked (same length, so offsets
    # hold): the digits of IBANs, wallets, tracking numbers and IPs are then neither
    # taken for phone numbers nor cost the matcher time.
    masked = text
    if spans:
        parts = []
        pos = 0
        for start, end in sorted(spans):
            parts.append(text[pos:start])
            parts.append(_MASK * (end - start))
            pos = end
        parts.append(text[pos:])
        masked = "".join(parts)
    if _PHONE_HINT_RE.search(masked):
        region = normalise_region(default_region)
        matcher = phonenumbers.PhoneNumberMatcher(
            masked, region, leniency=phonenumbers.Leniency.VALID
        )
        for match in matcher:
            if _overlaps(spans, match.start, match.end):
                continue
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            raw = text[match.start : match.end]
            found.append((match.start, ExtractedSelector(_T.PHONE.value, raw, e164, source)))

    found.sort(key=lambda item: item[0])
    out: list[ExtractedSelector] = []
    seen: set[tuple[str, str]] = set()
    for _, sel in found:
        key = (sel.type, sel.normalised)
        if key not in seen:
            seen.add(key)
            out.append(sel)
    return out


# ---------------------------------------------------------------------- reports

#: PARTY field -> selector type.
PARTY_FIELDS: tuple[tuple[str, SelectorType], ...] = (
    ("name", _T.PERSON),
    ("phone", _T.PHONE),
    ("email", _T.EMAIL),
    ("address", _T.ADDRESS),
    ("company", _T.COMPANY),
)

#: Free-text fields of a report that are searched for selectors.
TEXT_FIELDS = ("body", "parcel.declared_content", "seizures[].description")


@lru_cache(maxsize=32768)
def _normalised(stype: str, value: str, region: str | None) -> tuple[str | None, str]:
    """normalise() of a value given in a field, or its error, for the values seen lately.

    Senders, recipients, their phones and companies come back report after report
    and parcel after parcel; the region counts for phone numbers only.
    """
    try:
        return normalise(stype, value, default_region=region), ""
    except InvalidSelector as exc:
        return None, exc.message


class _Collector:
    def __init__(self, default_region: str | None):
        self.region = default_region
        self.selectors: list[ExtractedSelector] = []
        self.errors: dict[str, str] = {}
        self._seen: set[tuple[str, str]] = set()

    def add(self, sel: ExtractedSelector) -> None:
        key = (sel.type, sel.normalised)
        if key not in self._seen:
            self._seen.add(key)
            self.selectors.append(sel)

    def structured(
        self,
        stype: str,
        value: Any,
        path: str,
        *,
        error_path: str | None = None,
        optional: bool = True,
    ) -> None:
        """A value given in a field of its own: invalid -> a field error."""
        error_path = error_path or path
        if value is None or (optional and isinstance(value, str) and not value.strip()):
            if not optional:
                self.errors[error_path] = "this field is required"
            return
        if not isinstance(value, str):
            self.errors[error_path] = "must be a string"
            return
        norm, error = _normalised(stype, value, self.region if stype == _T.PHONE else None)
        if norm is None:
            self.errors[error_path] = error
            return
        self.add(ExtractedSelector(str(stype), value, norm, path))

    def text(self, value: Any, path: str) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.errors[path] = "must be a string"
            return
        for sel in extract_from_text(value, default_region=self.region, source=path):
            self.add(sel)

    def party(self, party: Any, path: str) -> None:
        if party is None:
            return
        if not isinstance(party, dict):
            self.errors[path] = "must be an object"
            return
        for field, stype in PARTY_FIELDS:
            self.structured(stype, party.get(field), f"{path}.{field}")


def extract_from_report(
    data: dict, *, default_region: str | None
) -> tuple[list[ExtractedSelector], dict[str, str]]:
    """All selectors of a report as posted, and field errors for invalid given values.

    Order: parcel (tracking number, sender, recipient), people, explicit selectors, then
    free text (body, parcel.declared_content, seizures[i].description); one selector per
    (type, normalised), the first found wins. ``source`` is the field path; for free text
    it is the text field's path ("body"). ``default_region`` is the reporting country
    (used for phone numbers without an international prefix).
    """
    c = _Collector(default_region)
    if not isinstance(data, dict):
        return [], {"report": "a report must be a JSON object"}

    parcel = data.get("parcel")
    if parcel is not None and not isinstance(parcel, dict):
        c.errors["parcel"] = "must be an object"
        parcel = None
    if parcel:
        c.structured(_T.TRACKING_NUMBER, parcel.get("tracking_number"), "parcel.tracking_number")
        c.party(parcel.get("sender"), "parcel.sender")
        c.party(parcel.get("recipient"), "parcel.recipient")

    people = data.get("people")
    if people is not None:
        if not isinstance(people, list):
            c.errors["people"] = "must be a list"
        else:
            for i, person in enumerate(people):
                c.party(person, f"people[{i}]")

    selectors = data.get("selectors")
    if selectors is not None:
        if not isinstance(selectors, list):
            c.errors["selectors"] = "must be a list"
        else:
            for i, item in enumerate(selectors):
                path = f"selectors[{i}]"
                if not isinstance(item, dict):
                    c.errors[path] = "must be an object with type and value"
                    continue
                stype = item.get("type")
                if not isinstance(stype, str) or stype not in SelectorType._value2member_map_:
                    known = ", ".join(t.value for t in SelectorType)
                    c.errors[f"{path}.type"] = (
                        "this field is required"
                        if stype in (None, "")
                        else f"unknown selector type {stype!r} (expected one of: {known})"
                    )
                    continue
                c.structured(
                    stype, item.get("value"), path, error_path=f"{path}.value", optional=False
                )

    c.text(data.get("body"), "body")
    if parcel:
        c.text(parcel.get("declared_content"), "parcel.declared_content")
    seizures = data.get("seizures")
    if isinstance(seizures, list):
        for i, seizure in enumerate(seizures):
            if isinstance(seizure, dict):
                c.text(seizure.get("description"), f"seizures[{i}].description")

    return c.selectors, c.errors
