"""One rule per kind of indicator: what makes it fire on the facts of one parcel.

`RULES` holds, per kind, a function that takes an indicator's id and its clean
params (params.py) and returns its `test(facts, evidence) -> Fired | None`;
`compile_rule` looks the kind up. Rules of the kinds `earlier_selector` and
`earlier_person` look their evidence up in an `Evidence` object that scoring
fills from the database indexes, once per batch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from apps.reports.extract import ExtractedSelector
from apps.reports.normalise import SelectorType

from ..models import IndicatorKind
from .facts import Evidence, Fired, ParcelFacts

K = IndicatorKind
T = SelectorType

CRYPTO_PAYMENT_WORDS = (
    "bitcoin", "btc", "monero", "xmr", "litecoin", "ltc", "ethereum", "crypto",
    "cryptocurrency", "usdt", "tether", "zcash",
)  # fmt: skip
ANONYMOUS_EMAIL_DOMAINS = frozenset({
    "protonmail.com", "protonmail.ch", "proton.me", "pm.me", "tutanota.com", "tutanota.de",
    "tuta.io", "tutamail.com", "cock.li", "airmail.cc", "guerrillamail.com", "onionmail.org",
    "dnmx.org", "secmail.pro", "elude.in", "mail2tor.com", "torbox3uiot6wchz.onion",
})  # fmt: skip

Test = Callable[[ParcelFacts, Evidence], Fired | None]


@dataclass(slots=True)
class Rule:
    indicator_id: int
    name: str
    kind: str
    weight: float
    explanation: str
    params: dict
    test: Test


#: kind -> (indicator id, clean params) -> the indicator's test
RULES: dict[str, Callable[[int, dict], Test]] = {}


def rule(*kinds: str) -> Callable[[Callable[[int, dict], Test]], Callable[[int, dict], Test]]:
    """Register the rule of one or more kinds."""

    def register(make: Callable[[int, dict], Test]) -> Callable[[int, dict], Test]:
        for kind in kinds:
            RULES[kind] = make
        return make

    return register


def compile_rule(
    indicator_id: int, name: str, kind: str, params: dict, weight: float, explanation: str
) -> Rule:
    """A saved indicator as a rule on parcel facts."""
    make = RULES.get(kind)
    if make is None:  # pragma: no cover - kinds are checked on save
        raise ValueError(kind)
    return Rule(indicator_id, name, kind, weight, explanation, params, make(indicator_id, params))


def _phrase_re(words: list[str]) -> re.Pattern[str]:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[a-z0-9]*")
        else:
            parts.append(re.escape(word))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")


def _found(pattern: re.Pattern[str], text: str) -> list[str]:
    """The words of `pattern` in `text`, each once, in order."""
    return list(dict.fromkeys(m.group(0) for m in pattern.finditer(text))) if text else []


#: Texts remembered per word list: carriers and declared contents repeat all day long.
MEMO_TEXTS = 4096


def _finder(pattern: re.Pattern[str]) -> Callable[[str], tuple[str, ...]]:
    """`_found` for one word list, remembering the last MEMO_TEXTS texts it read."""
    memo: dict[str, tuple[str, ...]] = {}

    def find(text: str) -> tuple[str, ...]:
        found = memo.get(text)
        if found is None:
            if len(memo) >= MEMO_TEXTS:
                memo.clear()
            found = memo[text] = tuple(_found(pattern, text))
        return found

    return find


def _where(selector: ExtractedSelector) -> str:
    source = selector.source
    if source.startswith("parcel.sender"):
        return "sender " + selector.type.replace("_", " ")
    if source.startswith("parcel.recipient"):
        return "recipient " + selector.type.replace("_", " ")
    if source == "parcel.tracking_number":
        return "tracking number"
    if source == "body":
        return selector.type.replace("_", " ") + " in the notes"
    return selector.type.replace("_", " ") + " in the declared content"


@rule(K.ORIGIN_COUNTRY)
def origin_country(ind: int, params: dict) -> Test:
    countries = frozenset(params["countries"])

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        return Fired(ind, [f"origin {f.origin}"]) if f.origin in countries else None

    return test


@rule(K.DESTINATION_COUNTRY)
def destination_country(ind: int, params: dict) -> Test:
    countries = frozenset(params["countries"])

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        return Fired(ind, [f"destination {f.destination}"]) if f.destination in countries else None

    return test


@rule(K.ROUTE)
def route(ind: int, params: dict) -> Test:
    origins, destinations = frozenset(params["origin"]), frozenset(params["destination"])

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        if f.origin in origins and f.destination in destinations:
            return Fired(ind, [f"route {f.origin} -> {f.destination}"])
        return None

    return test


def _words_in(
    param: str, label: str, text_of: Callable[[ParcelFacts], str]
) -> Callable[[int, dict], Test]:
    """The rule of a kind that fires on its words in one text of the parcel."""

    def make(ind: int, params: dict) -> Test:
        find = _finder(_phrase_re(params[param]))

        def test(f: ParcelFacts, e: Evidence) -> Fired | None:
            found = find(text_of(f))
            return Fired(ind, [f"{label}: {', '.join(found)}"]) if found else None

        return test

    return make


carrier = rule(K.CARRIER)(_words_in("carriers", "carrier", lambda f: f.carrier))
declared_content = rule(K.DECLARED_CONTENT)(
    _words_in("words", "declared content", lambda f: f.content)
)


@rule(K.WEIGHT_RANGE)
def weight_range(ind: int, params: dict) -> Test:
    low, high = params.get("min_g"), params.get("max_g")

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        w = f.weight_g
        if w is None or (low is not None and w < low) or (high is not None and w > high):
            return None
        return Fired(ind, [f"weight {w} g"])

    return test


@rule(K.WATCHED_SELECTOR)
def watched_selector(ind: int, params: dict) -> Test:
    watched = {(s["type"], s["normalised"]) for s in params["selectors"]}

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        reasons = [
            f"{_where(s)} {s.value} is watched"
            for s in f.selectors
            if (s.type, s.normalised) in watched
        ]
        return Fired(ind, reasons) if reasons else None

    return test


@rule(K.EARLIER_SELECTOR)
def earlier_selector(ind: int, params: dict) -> Test:
    types = frozenset(params["types"])
    kinds = frozenset(params["report_kinds"])

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        reasons, ids = [], []
        for s in f.selectors:
            if s.type not in types:
                continue
            found = [
                rid
                for rid, rkind in e.by_selector.get((s.type, s.normalised), ())
                if rkind in kinds
            ]
            if found:
                n = len(found)
                reasons.append(f"{_where(s)} {s.value} in {n} earlier report{'s' if n > 1 else ''}")
                ids += found
        return Fired(ind, reasons, list(dict.fromkeys(ids))) if reasons else None

    return test


@rule(K.EARLIER_PERSON)
def earlier_person(ind: int, params: dict) -> Test:
    kinds = frozenset(params["report_kinds"])
    roles = frozenset(params["roles"])
    min_score = params["min_score"]

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        reasons, ids, details = [], [], {}
        for person in f.people:
            if person.role not in roles:
                continue
            found = [
                (rid, score, other)
                for rid, rkind, score, other in e.by_person.get((person.role, person.name), ())
                if rkind in kinds and score >= min_score
            ]
            if found:
                n = len(found)
                reasons.append(
                    f"{person.role} {person.name!r} ~ a person named in {n} earlier "
                    f"report{'s' if n > 1 else ''}"
                )
                for rid, score, other in found:
                    ids.append(rid)
                    details.setdefault(
                        rid, {"person": {"role": person.role, "name": other, "score": score}}
                    )
        if not reasons:
            return None
        return Fired(ind, reasons, list(dict.fromkeys(ids)), details)

    return test


_SIGNAL_TYPES = {
    "marketplace": T.MARKETPLACE,
    "vendor_handle": T.VENDOR_HANDLE,
    "onion_address": T.ONION_ADDRESS,
    "crypto_wallet": T.CRYPTO_WALLET,
}


@rule(K.DARK_WEB)
def dark_web(ind: int, params: dict) -> Test:
    signals = frozenset(params["signals"])
    types = {_SIGNAL_TYPES[s].value for s in signals if s in _SIGNAL_TYPES}
    words = list(params.get("words") or [])
    if "crypto_payment" in signals:
        words += list(CRYPTO_PAYMENT_WORDS)
    find = _finder(_phrase_re(words)) if words else None
    anonymous_email = "anonymous_email" in signals

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        reasons = [f"{_where(s)}: {s.value}" for s in f.selectors if s.type in types]
        if find is not None:
            for text, where in ((f.content, "declared content"), (f.notes, "notes")):
                found = find(text)
                if found:
                    reasons.append(f"{where}: {', '.join(found)}")
        if anonymous_email:
            reasons += [
                f"anonymous e-mail provider {d}"
                for d in f.email_domains
                if d in ANONYMOUS_EMAIL_DOMAINS
            ]
        return Fired(ind, reasons) if reasons else None

    return test
