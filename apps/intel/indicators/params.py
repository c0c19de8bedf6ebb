"""The parameters of each kind of indicator: one validated serializer per kind.

DRF serializers serve as schemas (as apps/core/inputs.StrictSerializer): what an
analyst typed comes out checked and normalised, or as field errors keyed by path
(`params.countries[1]`, `params.selectors[0].value`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from rest_framework import serializers
from rest_framework.fields import empty

from apps.core.inputs import ISO_COUNTRIES, StrictSerializer, flatten_errors
from apps.reports.models import Kind
from apps.reports.normalise import InvalidSelector, SelectorType, fold_text, normalise

from ..models import IndicatorKind

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
DEFAULT_PERSON_SCORE = 0.8
MAX_LIST = 5000


class ParamsInvalid(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


# ---------------------------------------------------------------------- fields


class _Param(serializers.Field):
    """A parameter that decides itself what a missing (`empty`) or null value means."""

    def __init__(self, **kwargs: Any):
        super().__init__(required=False, allow_null=True, **kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        return False, data

    def to_representation(self, value: Any) -> Any:
        return value


class ListParam(_Param):
    """A list, or a text of items separated by `,` `;` or new lines; each item checked.

    `item(raw)` returns the clean item, None to leave it out, or raises
    ValidationError; duplicates are dropped. Without items: `default`, or "Give at
    least one." when `required`.
    """

    def __init__(
        self,
        item: Callable[[Any], Any],
        *,
        required_items: bool = True,
        default: Iterable[Any] = (),
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.item = item
        self.required_items = required_items
        self.default_items = list(default)

    def to_internal_value(self, data: Any) -> list:
        if data is empty or data is None or data == []:
            if self.required_items:
                raise serializers.ValidationError("Give at least one.")
            return list(self.default_items)
        if isinstance(data, str):
            data = re.split(r"[,;\n]", data)
        if not isinstance(data, list):
            raise serializers.ValidationError("Must be a list.")
        if len(data) > MAX_LIST:
            raise serializers.ValidationError(f"At most {MAX_LIST} items.")
        out: list = []
        errors: dict[int, Any] = {}
        for index, raw in enumerate(data):
            try:
                value = self.item(raw)
            except serializers.ValidationError as exc:
                errors[index] = exc.detail
                continue
            if value is not None and value not in out:
                out.append(value)
        if errors:
            raise serializers.ValidationError(errors)
        if not out and self.required_items:
            raise serializers.ValidationError("Give at least one.")
        return out


def _country(raw: Any) -> str:
    code = raw.strip().upper() if isinstance(raw, str) else ""
    code = {"EL": "GR", "UK": "GB"}.get(code, code)
    if code not in ISO_COUNTRIES:
        raise serializers.ValidationError(f"{raw!r} is not an ISO 3166-1 alpha-2 code.")
    return code


def _word(raw: Any) -> str | None:
    """A folded word or phrase; a trailing * makes the last word a prefix."""
    if not isinstance(raw, str):
        raise serializers.ValidationError("Must be a text.")
    prefix = raw.strip().endswith("*")
    folded = fold_text(raw.strip().rstrip("*"))
    if not folded:
        if raw.strip():
            raise serializers.ValidationError("Needs letters or digits.")
        return None
    return folded + ("*" if prefix else "")


def _one_of(allowed: Iterable[str]) -> Callable[[Any], Any]:
    allowed = list(allowed)

    def item(value: Any) -> Any:
        if value not in allowed:
            raise serializers.ValidationError(f"{value!r} is not one of: {', '.join(allowed)}.")
        return value

    return item


def _watched(item: Any) -> dict | None:
    if not isinstance(item, dict) or set(item) - {"type", "value", "normalised"}:
        raise serializers.ValidationError('An object {"type", "value"}.')
    stype, value = item.get("type"), item.get("value")
    if stype not in T._value2member_map_:
        raise serializers.ValidationError(
            {"type": [f"Unknown selector type (expected one of: {', '.join(T)})."]}
        )
    if not isinstance(value, str) or not value.strip():
        raise serializers.ValidationError({"value": ["A value is required."]})
    try:
        norm = normalise(stype, value)
    except InvalidSelector as exc:
        raise serializers.ValidationError({"value": [exc.message]}) from None
    return {"type": stype, "value": value.strip(), "normalised": norm}


def _countries() -> ListParam:
    return ListParam(_country)


def _words(*, required: bool = True) -> ListParam:
    return ListParam(_word, required_items=required)


def _choices(allowed: Iterable[str], default: Iterable[str]) -> ListParam:
    return ListParam(_one_of(allowed), required_items=False, default=default)


class GramsParam(_Param):
    def to_internal_value(self, data: Any) -> int | None:
        if data is empty or data is None or data == "":
            return None
        if isinstance(data, bool) or not isinstance(data, (int, float, str)):
            raise serializers.ValidationError("A whole number of grams is required.")
        try:
            grams = int(data)
        except ValueError:
            raise serializers.ValidationError("A whole number of grams is required.") from None
        if not 0 <= grams <= 1_000_000:
            raise serializers.ValidationError("Between 0 and 1000000 grams.")
        return grams


class ScoreParam(_Param):
    def to_internal_value(self, data: Any) -> float:
        if data is empty:
            return DEFAULT_PERSON_SCORE
        if isinstance(data, bool) or not isinstance(data, (int, float)) or not 0.5 <= data <= 1:
            raise serializers.ValidationError("A number from 0.5 to 1.")
        return float(data)


# ------------------------------------------------------------------ serializers


class ParamsSerializer(StrictSerializer):
    """The params of one kind: unknown keys are errors, told together with the rest."""

    unknown: dict[str, list[str]]

    def run_validation(self, data: Any = empty) -> Any:
        known = ", ".join(self.fields)
        self.unknown = {
            str(key): [f"Unknown parameter for this kind (known: {known})."]
            for key in sorted(set(data) - set(self.fields), key=str)
        }
        try:
            value = super().run_validation({k: v for k, v in data.items() if k in self.fields})
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**self.unknown, **exc.detail}) from None
        if self.unknown:
            raise serializers.ValidationError(self.unknown)
        return value


class CountriesParams(ParamsSerializer):
    countries = _countries()


class RouteParams(ParamsSerializer):
    origin = _countries()
    destination = _countries()


class CarrierParams(ParamsSerializer):
    carriers = _words()


class DeclaredContentParams(ParamsSerializer):
    words = _words()


class WeightRangeParams(ParamsSerializer):
    min_g = GramsParam()
    max_g = GramsParam()

    def validate(self, attrs: dict) -> dict:
        low, high = attrs["min_g"], attrs["max_g"]
        if low is None and high is None and not self.unknown:
            raise serializers.ValidationError("Give min_g, max_g or both.")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_g": ["Must be at least min_g."]})
        return attrs


class WatchedSelectorParams(ParamsSerializer):
    selectors = ListParam(_watched)

    def validate(self, attrs: dict) -> dict:
        # the same selector written twice is watched once
        seen: dict[tuple[str, str], dict] = {}
        for s in attrs["selectors"]:
            seen.setdefault((s["type"], s["normalised"]), s)
        return {"selectors": list(seen.values())}


class EarlierSelectorParams(ParamsSerializer):
    types = _choices(PARCEL_SELECTOR_TYPES, PARCEL_SELECTOR_TYPES)
    report_kinds = _choices(Kind.values, EARLIER_KINDS_DEFAULT)


class EarlierPersonParams(ParamsSerializer):
    min_score = ScoreParam()
    report_kinds = _choices(Kind.values, EARLIER_KINDS_DEFAULT)
    roles = _choices(PARTY_ROLES, PARTY_ROLES)


class DarkWebParams(ParamsSerializer):
    signals = _choices(DARK_WEB_SIGNALS, DARK_WEB_SIGNALS)
    words = _words(required=False)


#: The params serializer of each kind.
PARAMS: dict[str, type[ParamsSerializer]] = {
    K.ORIGIN_COUNTRY: CountriesParams,
    K.DESTINATION_COUNTRY: CountriesParams,
    K.ROUTE: RouteParams,
    K.CARRIER: CarrierParams,
    K.DECLARED_CONTENT: DeclaredContentParams,
    K.WEIGHT_RANGE: WeightRangeParams,
    K.WATCHED_SELECTOR: WatchedSelectorParams,
    K.EARLIER_SELECTOR: EarlierSelectorParams,
    K.EARLIER_PERSON: EarlierPersonParams,
    K.DARK_WEB: DarkWebParams,
}


def indicator_params_clean(kind: str, params: Any) -> dict:
    """The params of an indicator of `kind`, checked and normalised; ParamsInvalid if bad."""
    if not isinstance(params, dict):
        raise ParamsInvalid({"params": ["Must be an object."]})
    schema = PARAMS.get(kind)
    if schema is None:
        raise ParamsInvalid({"kind": [f"{kind!r} is not one of: {', '.join(K.values)}."]})
    try:
        return dict(schema().run_validation(params))
    except serializers.ValidationError as exc:
        raise ParamsInvalid(flatten_errors(exc.detail, "params")) from None
