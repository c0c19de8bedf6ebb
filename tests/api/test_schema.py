"""The OpenAPI document tells the truth: pages, closed bodies, every error, the score's shape.

Schemathesis holds the live server to the document (test_schema_conformance.py, PostgreSQL
pass); these tests pin the properties it relies on, on the embedded default.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from apps.alerts.serializers import AlertOut
from apps.intel.serializers import ScoredParcelOut
from apps.reports.serializers import MatchOut, ReportOut, ReportStubOut

TOKEN_PATH = "/api/v1/auth/token/"
PAGINATED = [
    "/api/v1/rooms/{room_id}/reports/",
    "/api/v1/operations/{operation_id}/imports/",
    "/api/v1/imports/{run_id}/matches/",
    "/api/v1/alerts/",
    "/api/v1/operations/",
    "/api/v1/operations/{operation_id}/rooms/",
]


@pytest.fixture(scope="module")
def document() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def component(document: dict, ref: str) -> dict:
    return document["components"]["schemas"][ref.removeprefix("#/components/schemas/")]


def operations(document: dict):
    for path, methods in document["paths"].items():
        if path == TOKEN_PATH:  # signing in and out: no login to need, nothing named by id
            continue
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize("path", PAGINATED)
def test_a_paginated_list_is_documented_as_a_page(document, path):
    # when
    ok = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    page = component(document, ok["schema"]["$ref"])

    # then
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["type"] == "array"
    assert {"page", "page_size"} <= {
        p["name"] for p in document["paths"][path]["get"]["parameters"]
    }
    # a page that is not a number is a 400, one past the end a 404
    assert {"400", "404"} <= set(document["paths"][path]["get"]["responses"])


def test_every_request_body_refuses_unknown_fields(document):
    # given every body the API parses with its strict serializers (each refuses unknown keys)
    closed, open_ = [], []
    for name, operation in operations(document):
        for media, body in operation.get("requestBody", {}).get("content", {}).items():
            schema = component(document, body["schema"]["$ref"])
            for part in [schema] + [
                component(document, s["$ref"]) for s in schema.get("oneOf", [])
            ]:
                if "properties" in part:
                    closed_ = part.get("additionalProperties") is False
                    (closed if closed_ else open_).append(
                        (name, media, sorted(part["properties"])[0])
                    )

    # then
    assert open_ == []
    assert closed == [
        ("POST /api/v1/imports/{run_id}/agencies/", "application/json", "agencies"),
        ("PATCH /api/v1/indicators/{indicator_id}/", "application/json", "active"),
        ("POST /api/v1/operations/{operation_id}/imports/", "multipart/form-data", "file"),
        ("POST /api/v1/operations/{operation_id}/indicators/", "application/json", "active"),
        ("POST /api/v1/operations/{operation_id}/score/", "application/json", "carrier"),  # one
        ("POST /api/v1/operations/{operation_id}/score/", "application/json", "parcels"),  # batch
        ("POST /api/v1/rooms/{room_id}/reports/", "application/json", "amends"),
    ]


def test_every_operation_documents_its_errors(document):
    # when
    undocumented = {
        name: sorted({"401", "404"} - set(operation["responses"]))
        for name, operation in operations(document)
    }
    with_body = {
        name: {"400", "415"} <= set(operation["responses"])
        for name, operation in operations(document)
        if "requestBody" in operation
    }

    # then every operation needs a login and names something (or a page) that may not exist,
    # and one that reads a body may find it invalid or of a media type it does not take
    assert {name: codes for name, codes in undocumented.items() if codes} == {}
    assert with_body and all(with_body.values())


def test_the_error_bodies_are_shared_components(document):
    # given
    responses = document["paths"]["/api/v1/rooms/{room_id}/reports/"]["post"]["responses"]

    # then
    bad = component(document, responses["400"]["content"]["application/json"]["schema"]["$ref"])
    assert bad == {
        "oneOf": [
            {"$ref": "#/components/schemas/FieldErrors"},
            {"$ref": "#/components/schemas/Detail"},
        ]
    }
    assert component(document, "FieldErrors")["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    for code in ("401", "403", "404", "429"):
        assert responses[code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Detail"
        }


def test_the_score_of_one_parcel_is_documented_as_sent(document, world, api_as):
    # given
    client = api_as(world.gr_officer)
    url = f"/api/v1/operations/{world.operation.pk}/score/"
    score = document["paths"]["/api/v1/operations/{operation_id}/score/"]["post"]["responses"]

    # when
    one = client.post(url, {"tracking_number": "RR123456785US", "ref": "scan-1"}, format="json")
    bad = client.post(url, {"weight_g": 0}, format="json")

    # then the single result is one of the documented shapes, with every field it declares
    assert one.status_code == 200
    assert component(document, score["200"]["content"]["application/json"]["schema"]["$ref"]) == {
        "oneOf": [
            {"$ref": "#/components/schemas/ScoredParcelOut"},
            {"$ref": "#/components/schemas/ScoreOut"},
        ]
    }
    assert set(one.json()) == set(ScoredParcelOut().fields) - {"warnings"}
    assert set(component(document, "ScoredParcelOut")["required"]) == set(one.json())
    # and an invalid single parcel is a documented 400 with field errors
    assert bad.status_code == 400
    assert bad.json() == {"weight_g": ["Ensure this value is greater than or equal to 1."]}
    assert "400" in score


def test_a_body_of_another_media_type_is_refused_as_the_schema_says(world, api_as):
    # given the schema documents JSON bodies only, and a 415 for others
    client = api_as(world.gr_officer)
    url = f"/api/v1/rooms/{world.postal.pk}/reports/"
    before = world.postal.reports.count()

    # when
    response = client.post(url, "client_id=1&kind=update", content_type="text/plain")

    # then
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert world.postal.reports.count() == before


def test_an_alert_is_documented_as_sent(world, post, api_as):
    # given a fuzzy match between a red report GR may not read and GR's own
    born = "1975-03-04"
    hidden_person = {"name": "Dimitrios Konstantinidis-Vlachos", "date_of_birth": born}
    hidden = post(world.al_officer, world.balkan, "intel", handling="red", people=[hidden_person])
    own_person = {"name": "Dimitris Konstantinidis", "date_of_birth": born}
    mine = post(world.gr_officer, world.postal, "intel", body="Recipient.", people=[own_person])

    # when
    (alert,) = api_as(world.gr_officer).get("/api/v1/alerts/").json()["results"]

    # then every key is a documented one, the unreadable side a stub, the own side in full
    reports = {report["id"]: report for report in alert["match"]["reports"]}
    assert set(alert) == set(AlertOut().fields)
    assert set(alert["match"]) == set(MatchOut().fields)
    assert set(reports[hidden.pk]) == set(ReportStubOut().fields)
    assert set(reports[mine.pk]) == set(ReportOut().fields)
