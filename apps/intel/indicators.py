"""Risk indicators: the parameters of each kind, checked and compiled into rules.

Pure Python (no database): `indicator_params_clean(kind, params)` validates and
normalises what an analyst typed; `compile_rule(...)` turns a saved indicator
into a `Rule` that says whether it fires on the facts of one parcel. Rules of
the kinds `earlier_selector` and `earlier_person` look their evidence up in an
`Earlier` object that scoring fills from the database indexes, once per batch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from apps.core.inputs import ISO_COUNTRIES
from apps.reports.extract import ExtractedSelector
from apps.reports.models import Kind
from apps.reports.normalise import InvalidSelector, SelectorType, fold_text, normalise

from .models import IndicatorKind

K = IndicatorKind
T = SelectorType

#: Selector types of a parcel that earlier reports are looked up by.
PARCEL_SELECTOR_TYPES = (
    T.TRACKING_NUMBER, T.PHONE, T.EMAIL, T.ADDRESS, T.COMPANY, T.IBAN, T.CRYPTO_WALLET,
    T.VENDOR_HANDLE, T.ONION_ADDRESS, T.IP_ADDRESS,
)  # fmt: skip
EARLIER_KINDS_DEFAULT = (Kind.HIT, Kind.INTEL)
PARTY_ROLES = ("sender", "recipient")
DARK_WEB_SIGNALS = (
    "marketplace", "vendor_handle", "onion_address", "crypto_wallet", "crypto_payment",
    "anonymous_email",
)  # fmt: skip
CRYPTO_PAYMENT_WORDS = (
    "bitcoin", "btc", "monero", "xmr", "litecoin", "ltc", "ethereum", "crypto",
    "cryptocurrency", "usdt", "tether", "zcash",
)  # fmt: skip
ANONYMOUS_EMAIL_DOMAINS = frozenset({
    "protonmail.com", "protonmail.ch", "proton.me", "pm.me", "tutanota.com", "tutanota.de",
    "tuta.io", "tutamail.com", "cock.li", "airmail.cc", "guerrillamail.com", "onionmail.org",
    "dnmx.org", "secmail.pro", "elude.in", "mail2tor.com", "torbox3uiot6wchz.onion",
})  # fmt: skip
DEFAULT_PERSON_SCORE = 0.8
MAX_LIST = 5000


class ParamsInvalid(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


# ------------------------------------------------------------------ parameters


def _list(params: dict, name: str, errors: dict, *, required: bool = True) -> list:
    value = params.get(name)
    if value is None or value == []:
        if required:
            errors[f"params.{name}"] = ["Give at least one."]
        return []
    if isinstance(value, str):
        value = [v for v in re.split(r"[,;\n]", value)]
    if not isinstance(value, list):
        errors[f"params.{name}"] = ["Must be a list."]
        return []
    if len(value) > MAX_LIST:
        errors[f"params.{name}"] = [f"At most {MAX_LIST} items."]
        return []
    return value


def _countries(params: dict, name: str, errors: dict) -> list[str]:
    out: list[str] = []
    for index, raw in enumerate(_list(params, name, errors)):
        code = raw.strip().upper() if isinstance(raw, str) else ""
        code = {"EL": "GR", "UK": "GB"}.get(code, code)
        if code not in ISO_COUNTRIES:
            errors[f"params.{name}[{index}]"] = [f"{raw!r} is not an ISO 3166-1 alpha-2 code."]
        elif code not in out:
            out.append(code)
    return out


def _words(params: dict, name: str, errors: dict, *, required: bool = True) -> list[str]:
    """Folded words or phrases; a trailing * makes the last word a prefix."""
    out: list[str] = []
    for index, raw in enumerate(_list(params, name, errors, required=required)):
        if not isinstance(raw, str):
            errors[f"params.{name}[{index}]"] = ["Must be a text."]
            continue
        prefix = raw.strip().endswith("*")
        folded = fold_text(raw.strip().rstrip("*"))
        if not folded:
            if raw.strip():
                errors[f"params.{name}[{index}]"] = ["Needs letters or digits."]
            continue
        word = folded + ("*" if prefix else "")
        if word not in out:
            out.append(word)
    if (
        required
        and not out
        and f"params.{name}" not in errors
        and not any(k.startswith(f"params.{name}[") for k in errors)
    ):
        errors[f"params.{name}"] = ["Give at least one."]
    return out


def _choices(
    params: dict, name: str, allowed: Iterable[str], default: Iterable[str], errors
) -> list:
    allowed = list(allowed)
    values = _list(params, name, errors, required=False) or list(default)
    out = []
    for index, value in enumerate(values):
        if value not in allowed:
            errors[f"params.{name}[{index}]"] = [f"{value!r} is not one of: {', '.join(allowed)}."]
        elif value not in out:
            out.append(value)
    return out


def _grams(params: dict, name: str, errors: dict) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        errors[f"params.{name}"] = ["A whole number of grams is required."]
        return None
    try:
        grams = int(value)
    except ValueError:
        errors[f"params.{name}"] = ["A whole number of grams is required."]
        return None
    if not 0 <= grams <= 1_000_000:
        errors[f"params.{name}"] = ["Between 0 and 1000000 grams."]
        return None
    return grams


def _known_keys(params: dict, allowed: tuple[str, ...], errors: dict) -> None:
    for key in sorted(set(params) - set(allowed), key=str):
        errors[f"params.{key}"] = [
            f"Unknown parameter for this kind (known: {', '.join(allowed)})."
        ]


def indicator_params_clean(kind: str, params: Any) -> dict:
    """The params of an indicator of `kind`, checked and normalised; ParamsInvalid if bad."""
    if not isinstance(params, dict):
        raise ParamsInvalid({"params": ["Must be an object."]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any]
    if kind in (K.ORIGIN_COUNTRY, K.DESTINATION_COUNTRY):
        _known_keys(params, ("countries",), errors)
        clean = {"countries": _countries(params, "countries", errors)}
    elif kind == K.ROUTE:
        _known_keys(params, ("origin", "destination"), errors)
        clean = {
            "origin": _countries(params, "origin", errors),
            "destination": _countries(params, "destination", errors),
        }
    elif kind == K.CARRIER:
        _known_keys(params, ("carriers",), errors)
        clean = {"carriers": _words(params, "carriers", errors)}
    elif kind == K.DECLARED_CONTENT:
        _known_keys(params, ("words",), errors)
        clean = {"words": _words(params, "words", errors)}
    elif kind == K.WEIGHT_RANGE:
        _known_keys(params, ("min_g", "max_g"), errors)
        low, high = _grams(params, "min_g", errors), _grams(params, "max_g", errors)
        if low is None and high is None and not errors:
            errors["params"] = ["Give min_g, max_g or both."]
        if low is not None and high is not None and low > high:
            errors["params.max_g"] = ["Must be at least min_g."]
        clean = {"min_g": low, "max_g": high}
    elif kind == K.WATCHED_SELECTOR:
        _known_keys(params, ("selectors",), errors)
        clean = {"selectors": _watched(params, errors)}
    elif kind == K.EARLIER_SELECTOR:
        _known_keys(params, ("types", "report_kinds"), errors)
        clean = {
            "types": _choices(
                params, "types", PARCEL_SELECTOR_TYPES, PARCEL_SELECTOR_TYPES, errors
            ),
            "report_kinds": _choices(
                params, "report_kinds", Kind.values, EARLIER_KINDS_DEFAULT, errors
            ),
        }
    elif kind == K.EARLIER_PERSON:
        _known_keys(params, ("min_score", "report_kinds", "roles"), errors)
        clean = {
            "min_score": _score(params, errors),
            "report_kinds": _choices(
                params, "report_kinds", Kind.values, EARLIER_KINDS_DEFAULT, errors
            ),
            "roles": _choices(params, "roles", PARTY_ROLES, PARTY_ROLES, errors),
        }
    elif kind == K.DARK_WEB:
        _known_keys(params, ("signals", "words"), errors)
        clean = {
            "signals": _choices(params, "signals", DARK_WEB_SIGNALS, DARK_WEB_SIGNALS, errors),
            "words": _words(params, "words", errors, required=False),
        }
    else:
        raise ParamsInvalid({"kind": [f"{kind!r} is not one of: {', '.join(K.values)}."]})
    if errors:
        raise ParamsInvalid(errors)
    return clean


def _score(params: dict, errors: dict) -> float:
    value = params.get("min_score", DEFAULT_PERSON_SCORE)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 <= value <= 1:
        errors["params.min_score"] = ["A number from 0.5 to 1."]
        return DEFAULT_PERSON_SCORE
    return float(value)


def _watched(params: dict, errors: dict) -> list[dict]:
    out: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(_list(params, "selectors", errors)):
        path = f"params.selectors[{index}]"
        if not isinstance(item, dict) or set(item) - {"type", "value", "normalised"}:
            errors[path] = ['An object {"type", "value"}.']
            continue
        stype, value = item.get("type"), item.get("value")
        if stype not in T._value2member_map_:
            errors[f"{path}.type"] = [f"Unknown selector type (expected one of: {', '.join(T)})."]
            continue
        if not isinstance(value, str) or not value.strip():
            errors[f"{path}.value"] = ["A value is required."]
            continue
        try:
            norm = normalise(stype, value)
        except InvalidSelector as exc:
            errors[f"{path}.value"] = [exc.message]
            continue
        if (stype, norm) not in seen:
            seen.add((stype, norm))
            out.append({"type": stype, "value": value.strip(), "normalised": norm})
    return out


# ----------------------------------------------------------------------- facts


@dataclass(slots=True)
class Person:
    role: str  # sender or recipient
    name: str
    date_of_birth: Any  # date | None
    keys: frozenset[str] = frozenset()


@dataclass(slots=True)
class ParcelFacts:
    """What the rules look at, worked out once per parcel."""

    tracking_number: str  # normalised, "" if none or invalid
    origin: str | None
    destination: str | None
    carrier: str  # folded
    content: str  # folded declared content
    notes: str  # folded free text (notes)
    weight_g: int | None
    selectors: list[ExtractedSelector]
    people: list[Person]
    email_domains: list[str]


@dataclass(slots=True)
class Evidence:
    """Earlier reports found for one parcel: by selector and by person."""

    by_selector: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=dict)
    # (role, name) -> [(report_id, kind, score, earlier name)]
    by_person: dict[tuple[str, str], list[tuple[int, str, float, str]]] = field(
        default_factory=dict
    )


@dataclass(slots=True)
class Fired:
    indicator_id: int
    # Reasons say only what the caller sent or may know anyway (its own parcel's
    # values, how many earlier reports); what an earlier report holds goes in
    # `details`, which the disclosure module shows only to those who may read it.
    reasons: list[str]
    report_ids: list[int] = field(default_factory=list)
    details: dict[int, dict] = field(default_factory=dict)


# ----------------------------------------------------------------------- rules


@dataclass(slots=True)
class Rule:
    indicator_id: int
    name: str
    kind: str
    weight: float
    explanation: str
    params: dict
    test: Callable[[ParcelFacts, Evidence], Fired | None]


def _phrase_re(words: list[str]) -> re.Pattern[str]:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[a-z0-9]*")
        else:
            parts.append(re.escape(word))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")


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


def compile_rule(
    indicator_id: int, name: str, kind: str, params: dict, weight: float, explanation: str
) -> Rule:
    """A saved indicator as a rule on parcel facts."""
    test: Callable[[ParcelFacts, Evidence], Fired | None]
    ind = indicator_id
    if kind == K.ORIGIN_COUNTRY:
        countries = frozenset(params["countries"])

        def test(f, e):
            return Fired(ind, [f"origin {f.origin}"]) if f.origin in countries else None

    elif kind == K.DESTINATION_COUNTRY:
        countries = frozenset(params["countries"])

        def test(f, e):
            return (
                Fired(ind, [f"destination {f.destination}"]) if f.destination in countries else None
            )

    elif kind == K.ROUTE:
        origins, destinations = frozenset(params["origin"]), frozenset(params["destination"])

        def test(f, e):
            if f.origin in origins and f.destination in destinations:
                return Fired(ind, [f"route {f.origin} -> {f.destination}"])
            return None

    elif kind in (K.CARRIER, K.DECLARED_CONTENT):
        pattern = _phrase_re(params["carriers" if kind == K.CARRIER else "words"])
        label = "carrier" if kind == K.CARRIER else "declared content"

        def test(f, e):
            text = f.carrier if kind == K.CARRIER else f.content
            found = list(dict.fromkeys(m.group(0) for m in pattern.finditer(text))) if text else []
            return Fired(ind, [f"{label}: {', '.join(found)}"]) if found else None

    elif kind == K.WEIGHT_RANGE:
        low, high = params.get("min_g"), params.get("max_g")

        def test(f, e):
            w = f.weight_g
            if w is None or (low is not None and w < low) or (high is not None and w > high):
                return None
            return Fired(ind, [f"weight {w} g"])

    elif kind == K.WATCHED_SELECTOR:
        watched = {(s["type"], s["normalised"]) for s in params["selectors"]}

        def test(f, e):
            reasons = [
                f"{_where(s)} {s.value} is watched"
                for s in f.selectors
                if (s.type, s.normalised) in watched
            ]
            return Fired(ind, reasons) if reasons else None

    elif kind == K.EARLIER_SELECTOR:
        types = frozenset(params["types"])
        kinds = frozenset(params["report_kinds"])

        def test(f, e):
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
                    reasons.append(
                        f"{_where(s)} {s.value} in {n} earlier report{'s' if n > 1 else ''}"
                    )
                    ids += found
            return Fired(ind, reasons, list(dict.fromkeys(ids))) if reasons else None

    elif kind == K.EARLIER_PERSON:
        kinds = frozenset(params["report_kinds"])
        roles = frozenset(params["roles"])
        min_score = params["min_score"]

        def test(f, e):
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

    elif kind == K.DARK_WEB:
        test = _dark_web_test(ind, params)
    else:  # pragma: no cover - kinds are checked on save
        raise ValueError(kind)
    return Rule(indicator_id, name, kind, weight, explanation, params, test)


_SIGNAL_TYPES = {
    "marketplace": T.MARKETPLACE,
    "vendor_handle": T.VENDOR_HANDLE,
    "onion_address": T.ONION_ADDRESS,
    "crypto_wallet": T.CRYPTO_WALLET,
}


def _dark_web_test(ind: int, params: dict) -> Callable[[ParcelFacts, Evidence], Fired | None]:
    signals = frozenset(params["signals"])
    types = {_SIGNAL_TYPES[s].value for s in signals if s in _SIGNAL_TYPES}
    words = list(params.get("words") or [])
    if "crypto_payment" in signals:
        words += list(CRYPTO_PAYMENT_WORDS)
    pattern = _phrase_re(words) if words else None
    anonymous_email = "anonymous_email" in signals

    def test(f: ParcelFacts, e: Evidence) -> Fired | None:
        reasons = [f"{_where(s)}: {s.value}" for s in f.selectors if s.type in types]
        if pattern is not None:
            for text, where in ((f.content, "declared content"), (f.notes, "notes")):
                found = (
                    list(dict.fromkeys(m.group(0) for m in pattern.finditer(text))) if text else []
                )
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
