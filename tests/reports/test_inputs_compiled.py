"""The compiled report schema (inputs.validate_report) says what ReportInput says.

Posts and imports check reports with `validate_report`, compiled from the ReportInput
declaration (apps/core/inputs.compile_serializer); the API documents ReportInput. Given
the same input, both must give the same typed values or the same errors, path for path
and word for word. Random reports, mostly near-valid with a few odd values each, drive
both.
"""

import copy
import random
import uuid

import pytest
from rest_framework.exceptions import ValidationError

from apps.core.inputs import flatten_errors
from apps.reports.inputs import ReportInput, parse_report, validate_report

pytestmark = pytest.mark.once  # no database or services: the first pass only

ODD = [
    None, "", "  ", " x ", 0, -1, 1, 7, 1.0, 1.5, -90.5, 91, True, False, [], {}, [1], {"a": 1},
    "abc", "12", "1.0", " 12 ", "1e3", "nan", "inf", float("nan"), 10**30, "x" * 201,
    "y" * 600, "a\x00b", "\ud800x", "Ελλάδα", "GR", "gr", "XX", "G", "2024-01-01",
    "2999-01-01", "2024-13-01", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00+02:00",
    "2999-05-01T10:00:00Z", "yesterday", str(uuid.uuid4()), uuid.uuid4().hex, "hit", "check",
    "intel", "update", "green", "red", "amber", "clear", "suspicious", "firearm",
    "ammunition", "port", "phone", "email", "iban", "+30 694 123 4567", "a@b.example",
]  # fmt: skip

KEYS = {
    "report": [
        "client_id", "kind", "handling", "body", "occurred_at", "location", "checks_count",
        "outcome", "seizures", "parcel", "people", "selectors", "recipients", "amends",
        "seq", "author", "colour",
    ],
    "location": ["name", "country", "site_type", "lat", "lon", "id", "zone"],
    "seizure": ["category", "quantity", "description", "room"],
    "parcel": [
        "tracking_number", "carrier", "origin_country", "destination_country",
        "declared_content", "weight_g", "sender", "recipient", "country",
    ],
    "party": ["name", "date_of_birth", "address", "phone", "email", "company", "created_at"],
    "selector": ["type", "value", "extra"],
}  # fmt: skip


def _party(rng: random.Random) -> dict:
    return {"name": "Ana Petrova", "phone": "+359 88 123 4567", "date_of_birth": "1980-02-03"}


def _base(rng: random.Random) -> dict:
    kind = rng.choice(["hit", "check", "intel", "update"])
    data: dict = {"client_id": str(uuid.uuid4()), "kind": kind, "body": "Parcel opened."}
    if kind == "hit":
        data["seizures"] = [{"category": "firearm", "quantity": 1, "description": "pistol"}]
    if kind == "check":
        data.update(outcome="hit", checks_count=3)
    if rng.random() < 0.7:
        data["parcel"] = {
            "tracking_number": "RR123456785GR",
            "origin_country": "CN",
            "weight_g": 900,
            "sender": _party(rng),
            "recipient": {"name": "Bob", "address": "Main street 1"},
        }
    if rng.random() < 0.5:
        data["people"] = [_party(rng), {"company": "Acme Ltd"}]
    if rng.random() < 0.5:
        data["location"] = {"name": "Hub", "country": "GR", "lat": 37.9, "lon": 23.7}
    if rng.random() < 0.5:
        data["selectors"] = [{"type": "iban", "value": "DE89370400440532013000"}]
    if rng.random() < 0.2:
        data.update(handling="red", recipients=["gr.officer", "bg.officer"])
    return data


def _objects(data: dict):
    """(dict, its key list) for every object of a report, for mutation."""
    yield data, KEYS["report"]
    if isinstance(data.get("location"), dict):
        yield data["location"], KEYS["location"]
    if isinstance(data.get("parcel"), dict):
        yield data["parcel"], KEYS["parcel"]
        for role in ("sender", "recipient"):
            if isinstance(data["parcel"].get(role), dict):
                yield data["parcel"][role], KEYS["party"]
    for key, kind in (("seizures", "seizure"), ("people", "party"), ("selectors", "selector")):
        if isinstance(data.get(key), list):
            for item in data[key]:
                if isinstance(item, dict):
                    yield item, KEYS[kind]


def _mutate(rng: random.Random, data: dict) -> dict:
    data = copy.deepcopy(data)
    for _ in range(rng.choice([0, 1, 1, 2, 3, 5])):
        target, keys = rng.choice(list(_objects(data)))
        key = rng.choice(keys)
        roll = rng.random()
        if roll < 0.15:
            target.pop(key, None)
        elif roll < 0.25 and key in ("seizures", "people", "selectors", "recipients"):
            target[key] = [rng.choice(ODD) for _ in range(rng.choice([1, 2, 101, 201]))]
        else:
            target[key] = rng.choice(ODD)
    return data


def _drf(data: dict):
    parser = ReportInput(data=data)
    if parser.is_valid():
        return dict(parser.validated_data), {}
    return None, flatten_errors(parser.errors)


@pytest.mark.parametrize("seed", range(2))
def test_compiled_report_schema_agrees_with_the_declared_serializer(seed):
    # given random reports, most a few odd values away from valid
    rng = random.Random(seed)
    for _ in range(1000):
        data = _mutate(rng, _base(rng))
        # when both check it
        expected = _drf(copy.deepcopy(data))
        got = parse_report(copy.deepcopy(data))
        # then the values or the errors are the same, in the same order
        assert got == expected, data
        assert list(got[1]) == list(expected[1]), data


def test_compiled_schema_raises_drf_validation_errors():
    # given a report with errors at two depths
    data = {"client_id": "nope", "kind": "hit", "parcel": {"weight_g": 0, "sender": {}}}
    # when the compiled schema checks it
    with pytest.raises(ValidationError) as raised:
        validate_report(data)
    # then the detail flattens to the paths the API answers with
    assert flatten_errors(raised.value.detail) == {
        "client_id": ["Must be a valid UUID."],
        "parcel.weight_g": ["Ensure this value is greater than or equal to 1."],
        "parcel.sender": ["Give at least one of name, address, phone, email or company."],
    }
