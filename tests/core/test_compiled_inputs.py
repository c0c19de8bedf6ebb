"""The parcel schema a scanning line sends, compiled (apps/core/inputs.compile_serializer),
answers as the serializer does: the same values, or the same errors."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from apps.core.inputs import compile_serializer
from apps.intel.scoring import ParcelToScore

pytestmark = pytest.mark.once  # no database or services: the first pass only

TEXT = st.one_of(
    st.sampled_from(["", "  ", " gr ", "us", "XX", "EL", "GRC", "RR 123 456 785 US", "a\x00b"]),
    st.text(max_size=8),
    st.text(min_size=95, max_size=105),
)
DATES = st.sampled_from(["1980-02-29", "1981-02-29", "2999-01-01", "19800101", "1980-1-5", ""])
ANY = st.one_of(
    TEXT, DATES, st.none(), st.booleans(), st.integers(-5, 2_000_000), st.floats(0, 10),
    st.lists(st.integers(), max_size=2),
)  # fmt: skip
PARTY_KEYS = ["name", "date_of_birth", "address", "phone", "email", "company", "id", "extra"]
PARTY = st.one_of(
    st.none(), TEXT, st.dictionaries(st.sampled_from(PARTY_KEYS), st.one_of(ANY, DATES))
)
PARCEL_KEYS = [
    "tracking_number", "carrier", "origin_country", "destination_country", "declared_content",
    "weight_g", "ref", "notes", "country", "colour",
]  # fmt: skip
PARCEL = st.one_of(
    st.dictionaries(
        st.sampled_from(PARCEL_KEYS),
        st.one_of(ANY, st.integers(0, 1_000_001)),
    ).flatmap(
        lambda base: st.fixed_dictionaries({}, optional={"sender": PARTY, "recipient": PARTY}).map(
            lambda parties: {**base, **parties}
        )
    ),
    ANY,
)

# mostly valid parcels, a value or two off
PLAUSIBLE_PARTY = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["Anna Huber", " A. Huber ", "", "x" * 201]),
        "date_of_birth": st.one_of(DATES, st.none()),
        "phone": st.sampled_from(["+43 660 1234567", "", 123]),
        "email": st.sampled_from(["a@protonmail.com", "  "]),
    },
)
PLAUSIBLE = st.fixed_dictionaries(
    {},
    optional={
        "tracking_number": st.sampled_from(["RR123456785US", " LX 223 456 788 DE ", ""]),
        "carrier": st.sampled_from(["USPS", "DHL Express", None]),
        "origin_country": st.sampled_from(["US", "tr", " de ", "XX", None, ""]),
        "destination_country": st.sampled_from(["GR", "at", "U", None]),
        "weight_g": st.one_of(st.integers(-1, 1_000_001), st.sampled_from([None, "12", True])),
        "sender": st.one_of(st.none(), PLAUSIBLE_PARTY),
        "recipient": st.one_of(st.none(), PLAUSIBLE_PARTY),
        "notes": st.sampled_from(["paid in bitcoin", "", "\ud800"]),
    },
)

_check = compile_serializer(ParcelToScore)


def check(data):
    try:
        return True, dict(_check(data))
    except serializers.ValidationError as exc:
        return False, exc.detail


def drf(data):
    try:
        return True, dict(ParcelToScore().run_validation(data))
    except serializers.ValidationError as exc:
        return False, exc.detail


@settings(max_examples=600, deadline=None)
@given(st.one_of(PARCEL, PLAUSIBLE))
def test_the_compiled_parcel_schema_agrees_with_the_serializer(data):
    # given any input a scanning line might send, when both read it
    compiled_ok, compiled = check(data)
    ok, value = drf(data)
    # then the compiled one says what the serializer says: the same values or errors
    assert compiled_ok == ok, (compiled, value)
    if ok:
        assert compiled == {k: dict(v) if isinstance(v, dict) else v for k, v in value.items()}
    else:
        assert compiled == value


def test_plain_valid_parcels_take_the_compiled_path():
    parcel = {
        "tracking_number": "RR 123 456 785 US",
        "carrier": " USPS ",
        "origin_country": "us",
        "destination_country": "GR",
        "weight_g": 2300,
        "recipient": {"name": "Giorgos Papadopoulos", "date_of_birth": "1980-02-29"},
        "ref": "scan-1",
    }

    ok, compiled = check(parcel)

    assert ok and compiled == drf(parcel)[1]
    assert compiled["recipient"]["date_of_birth"] == datetime.date(1980, 2, 29)
    assert compiled["origin_country"] == "US" and compiled["carrier"] == "USPS"
    assert compiled["sender"] is None and compiled["notes"] == ""
