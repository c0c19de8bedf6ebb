"""The REST interface under /api/v1/ (DESIGN.md, Interfaces)."""

import pytest
from rest_framework.serializers import ListField, ListSerializer, Serializer
from rest_framework.test import APIClient

from apps.operations.models import Phase
from apps.reports.models import Report
from apps.reports.payloads import report_payload
from apps.reports.selectors import with_details
from apps.reports.serializers import ReportOut

from ..factories import OperationFactory, report_data, token_expiry


def reports_url(room) -> str:
    return f"/api/v1/rooms/{room.pk}/reports/"


# --- authentication --------------------------------------------------------------------------


def test_a_token_is_issued_for_username_and_password(world):
    # given
    client = APIClient()

    # when
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "gr.officer", "password": "pass-word-123"},
        format="json",
    )

    # then
    assert response.status_code == 200
    token = world.gr_officer.auth_token
    assert response.json() == {"token": token.key, "expires_at": token_expiry(token)}


def test_a_token_opens_the_api(world):
    # given
    token = (
        APIClient()
        .post(
            "/api/v1/auth/token/",
            {"username": "gr.officer", "password": "pass-word-123"},
            format="json",
        )
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # when
    response = client.get("/api/v1/operations/")

    # then
    assert response.status_code == 200
    assert [o["code_name"] for o in response.json()["results"]] == [world.operation.code_name]


def test_a_wrong_password_gets_no_token(world):
    # given
    client = APIClient()

    # when
    response = client.post(
        "/api/v1/auth/token/", {"username": "gr.officer", "password": "wrong"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/operations/"),
        ("get", "/api/v1/operations/{operation}/"),
        ("get", "/api/v1/operations/{operation}/rooms/"),
        ("get", "/api/v1/operations/{operation}/stats/"),
        ("get", "/api/v1/rooms/{room}/reports/"),
        ("post", "/api/v1/rooms/{room}/reports/"),
        ("get", "/api/v1/reports/{report}/"),
        ("get", "/api/v1/alerts/"),
    ],
)
@pytest.mark.parametrize("credentials", [None, "Token not-a-real-token"], ids=["none", "bad token"])
def test_without_valid_credentials_the_api_answers_401(
    world, post, rows, method, path, credentials
):
    # given
    report = post(world.gr_officer, world.postal)
    client = APIClient()
    if credentials:
        client.credentials(HTTP_AUTHORIZATION=credentials)
    url = path.format(operation=world.operation.pk, room=world.postal.pk, report=report.pk)
    before = rows()

    # when
    response = getattr(client, method)(url, report_data(), format="json")

    # then
    assert response.status_code == 401
    assert "body" not in response.json()
    assert rows() == before


def test_a_session_signed_in_browser_may_read(world, post):
    # given
    report = post(world.gr_officer, world.postal)
    client = APIClient()
    client.force_login(world.bg_officer)

    # when
    response = client.get(f"/api/v1/reports/{report.pk}/")

    # then
    assert (response.status_code, response.json()["id"]) == (200, report.pk)


# --- posting ---------------------------------------------------------------------------------


def test_posting_a_report_gives_201_with_the_report(world, api_as):
    # given
    data = report_data("check", checks_count=412, outcome="suspicious", handling="amber")

    # when
    response = api_as(world.gr_officer).post(reports_url(world.postal), data, format="json")

    # then
    assert response.status_code == 201
    body = response.json()
    report = Report.objects.get()
    assert body == report_payload(with_details(Report.objects.filter(pk=report.pk)).get())
    assert (body["id"], body["room"], body["seq"], body["client_id"]) == (
        report.pk, world.postal.pk, 1, data["client_id"],
    )  # fmt: skip
    assert (body["author"], body["country"], body["agency"]["name"]) == (
        "gr.officer", "GR", "Hellenic Customs",
    )  # fmt: skip
    assert (body["kind"], body["checks_count"], body["outcome"], body["handling"]) == (
        "check", 412, "suspicious", "amber",
    )  # fmt: skip


def test_posting_the_same_client_id_again_gives_200_and_the_same_report(world, api_as, rows):
    # given
    data = report_data()
    client = api_as(world.gr_officer)
    first = client.post(reports_url(world.postal), data, format="json")
    before = rows()

    # when
    again = client.post(reports_url(world.postal), data, format="json")

    # then
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert rows() == before


def test_a_participant_outside_the_room_gets_403_and_writes_nothing(world, api_as, rows):
    # given
    before = rows()
    client = api_as(world.de_officer)

    # when
    posted = client.post(reports_url(world.postal), report_data(), format="json")
    listed = client.get(reports_url(world.postal))

    # then
    assert (posted.status_code, listed.status_code) == (403, 403)
    assert rows() == before


@pytest.mark.parametrize("who", ["fr_officer", "gr_officer"])
def test_a_room_one_does_not_know_of_gets_404_and_writes_nothing(world, api_as, rows, who):
    # given: FR police takes no part in the operation; room 999999 does not exist
    before = rows()
    client = api_as(getattr(world, who))
    rooms = [999_999] + ([world.postal.pk] if who == "fr_officer" else [])

    for room_id in rooms:
        # when
        posted = client.post(f"/api/v1/rooms/{room_id}/reports/", report_data(), format="json")
        listed = client.get(f"/api/v1/rooms/{room_id}/reports/")

        # then
        assert (posted.status_code, listed.status_code) == (404, 404)
    assert rows() == before


def test_posting_into_a_closed_operation_gets_403_and_writes_nothing(world, api_as, rows):
    # given
    world.operation.phase = Phase.CLOSED
    world.operation.save(update_fields=["phase"])
    before = rows()

    # when
    response = api_as(world.gr_officer).post(
        reports_url(world.postal), report_data(), format="json"
    )

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "The operation is closed; it is read-only."}
    assert rows() == before


# --- listing ---------------------------------------------------------------------------------


def test_listing_after_seq_gives_the_later_reports_oldest_first(world, post, api_as):
    # given
    for author in [
        world.gr_officer,
        world.bg_officer,
        world.gr_officer,
        world.coordinator,
        world.bg_officer,
    ]:
        post(author, world.postal)

    # when
    response = api_as(world.gr_officer).get(reports_url(world.postal), {"after_seq": 2})

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [r["seq"] for r in body["results"]] == [3, 4, 5]
    assert [r["author"] for r in body["results"]] == ["gr.officer", "coordinator", "bg.officer"]


def test_listing_pages_follow_the_next_link(world, post, api_as):
    # given
    for _ in range(5):
        post(world.gr_officer, world.postal)
    client = api_as(world.bg_officer)

    # when
    pages = []
    response = client.get(reports_url(world.postal), {"page_size": 2, "after_seq": 0})
    while True:
        assert response.status_code == 200
        pages.append([r["seq"] for r in response.json()["results"]])
        if response.json()["next"] is None:
            break
        response = client.get(response.json()["next"])

    # then
    assert pages == [[1, 2], [3, 4], [5]]


def test_the_first_page_says_how_many_and_where_next(world, post, api_as):
    # given
    for _ in range(3):
        post(world.gr_officer, world.postal)

    # when
    body = api_as(world.gr_officer).get(reports_url(world.postal), {"page_size": 2}).json()

    # then
    assert body["count"] == 3
    assert body["previous"] is None
    assert body["next"].startswith(f"http://testserver{reports_url(world.postal)}?")
    assert "page=2" in body["next"] and "page_size=2" in body["next"]


@pytest.mark.parametrize("after_seq", ["two", "-1", "1.5"])
def test_a_bad_after_seq_gets_400(world, api_as, after_seq):
    # given
    client = api_as(world.gr_officer)

    # when
    response = client.get(reports_url(world.postal), {"after_seq": after_seq})

    # then
    assert response.status_code == 400
    assert list(response.json()) == ["after_seq"]


def test_listing_shows_only_the_reports_the_caller_may_read(world, post, api_as):
    # given: a red report of bg.officer addressed to nobody in GR
    post(world.gr_officer, world.postal, handling="amber")
    post(world.bg_officer, world.postal, handling="red")
    post(world.bg_officer, world.postal, handling="green")

    # when
    gr = api_as(world.gr_officer).get(reports_url(world.postal)).json()
    coordinator = api_as(world.coordinator).get(reports_url(world.postal)).json()

    # then
    assert [r["seq"] for r in gr["results"]] == [1, 3]
    assert gr["count"] == 2
    assert [r["seq"] for r in coordinator["results"]] == [1, 2, 3]


@pytest.mark.parametrize(
    ("query", "seqs"),
    [
        ({"kind": "check"}, [1, 3]),
        ({"kind": "hit"}, [2]),
        ({"handling": "amber"}, [2, 3]),
        ({"country": "bg"}, [3, 4]),
        ({"country": "GR", "kind": "check"}, [1]),
        ({"kind": "check", "after_seq": 1}, [3]),
        ({"kind": "intel"}, []),
    ],
)
def test_listing_filters_by_kind_handling_and_country(world, post, api_as, query, seqs):
    # given
    post(world.gr_officer, world.postal, kind="check")
    post(world.gr_officer, world.postal, kind="hit", handling="amber")
    post(world.bg_officer, world.postal, kind="check", handling="amber")
    post(world.bg_officer, world.postal, kind="update")

    # when
    response = api_as(world.coordinator).get(reports_url(world.postal), query)

    # then
    assert response.status_code == 200
    assert [r["seq"] for r in response.json()["results"]] == seqs


# --- operations ------------------------------------------------------------------------------


def test_operations_list_only_those_the_caller_takes_part_in(world, api_as):
    # given: another operation that GR does not take part in
    OperationFactory(code_name="ANOTHER")

    # when
    gr = api_as(world.gr_officer).get("/api/v1/operations/").json()
    fr = api_as(world.fr_officer).get("/api/v1/operations/").json()
    de = api_as(world.de_officer).get("/api/v1/operations/").json()

    # then
    assert [o["id"] for o in gr["results"]] == [world.operation.pk]
    assert gr["results"][0] == {
        "id": world.operation.pk, "code_name": world.operation.code_name, "description": "",
        "phase": "action", "starts_on": None, "ends_on": None,
    }  # fmt: skip
    assert [o["id"] for o in de["results"]] == [world.operation.pk]
    assert (fr["count"], fr["results"]) == (0, [])


@pytest.mark.parametrize(
    ("who", "detail", "rooms"),
    [
        ("gr_officer", 200, ["Postal hubs"]),
        ("al_officer", 200, ["Balkan route"]),
        ("coordinator", 200, ["Postal hubs", "Balkan route"]),
        ("de_officer", 200, []),
        ("fr_officer", 404, None),
    ],
)
def test_operation_detail_and_rooms_only_for_participants(world, api_as, who, detail, rooms):
    # given
    client = api_as(getattr(world, who))

    # when
    got = client.get(f"/api/v1/operations/{world.operation.pk}/")
    listed = client.get(f"/api/v1/operations/{world.operation.pk}/rooms/")

    # then
    assert got.status_code == detail
    if rooms is None:
        assert listed.status_code == 404
    else:
        assert listed.status_code == 200
        assert [r["name"] for r in listed.json()["results"]] == rooms


def test_a_room_lists_its_member_agencies_and_last_seq(world, post, api_as):
    # given
    post(world.gr_officer, world.postal)
    post(world.gr_officer, world.postal)

    # when
    room = (
        api_as(world.gr_officer)
        .get(f"/api/v1/operations/{world.operation.pk}/rooms/")
        .json()["results"][0]
    )

    # then
    assert room == {
        "id": world.postal.pk, "operation": world.operation.pk, "name": "Postal hubs",
        "description": "", "last_seq": 2,
        "members": ["Bulgarian Customs", "Hellenic Customs", "Europol"],
    }  # fmt: skip


def test_an_unknown_operation_gets_404(world, api_as):
    # given
    client = api_as(world.coordinator)

    # when
    answers = [
        client.get(f"/api/v1/operations/999999/{suffix}").status_code
        for suffix in ["", "rooms/", "stats/"]
    ]

    # then
    assert answers == [404, 404, 404]


# --- schema and docs -------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_report_paths(world, api_as):
    # given
    client = api_as(world.gr_officer)

    # when
    response = client.get("/api/v1/schema/", {"format": "json"})

    # then
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/auth/token/",
        "/api/v1/operations/",
        "/api/v1/operations/{operation_id}/",
        "/api/v1/operations/{operation_id}/rooms/",
        "/api/v1/operations/{operation_id}/stats/",
        "/api/v1/rooms/{room_id}/reports/",
        "/api/v1/reports/{report_id}/",
        "/api/v1/alerts/",
        "/api/v1/alerts/{alert_id}/ack/",
    } <= set(paths)
    assert set(paths["/api/v1/rooms/{room_id}/reports/"]) >= {"get", "post"}
    assert {"201", "200"} <= set(paths["/api/v1/rooms/{room_id}/reports/"]["post"]["responses"])


def test_the_openapi_schema_is_served_as_yaml_by_default(world, api_as):
    # given
    client = api_as(world.gr_officer)

    # when
    response = client.get("/api/v1/schema/")

    # then
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")
    assert b"/api/v1/rooms/{room_id}/reports/:" in response.content


def test_the_docs_page_is_served(world, api_as):
    # given
    client = api_as(world.gr_officer)

    # when
    response = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")

    # then: the page loads its script from a URL (it runs under the CSP), and that names the schema
    assert response.status_code == 200
    assert b"commandcentre API" in response.content
    assert b'<script src="/api/v1/docs/?script="></script>' in response.content
    assert script.status_code == 200
    assert b"/api/v1/schema/" in script.content


# --- the documented shape is the shape sent --------------------------------------------------


def serializer_shape(field) -> object:
    if isinstance(field, ListSerializer):
        return [serializer_shape(field.child)]
    if isinstance(field, Serializer):
        return {name: serializer_shape(child) for name, child in field.fields.items()}
    if isinstance(field, ListField):
        return [serializer_shape(field.child)]
    return "value"


def payload_shape(value) -> object:
    if isinstance(value, dict):
        return {key: payload_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        assert value, "fill every list of the report to compare its shape"
        shapes = [payload_shape(item) for item in value]
        assert all(s == shapes[0] for s in shapes)
        return [shapes[0]]
    return "value"


def test_report_out_documents_exactly_the_payload_sent(world, post):
    # given: a report with every part filled
    original = post(world.gr_officer, world.postal, kind="hit")
    report = post(
        world.gr_officer,
        world.postal,
        kind="hit",
        handling="red",
        recipients=["bg.officer"],
        amends=original.pk,
        body="Two pistols in a speaker.",
        occurred_at="2026-11-16T09:30:00Z",
        location={"name": "Athens", "country": "GR", "site_type": "postal_hub", "lat": 37.9, "lon": 23.6},
        seizures=[{"category": "firearm", "quantity": 2, "description": "pistols"}],
        parcel={"tracking_number": "RR123456785US", "carrier": "USPS", "origin_country": "US",
                "destination_country": "GR", "declared_content": "audio", "weight_g": 2300,
                "sender": {"name": "John Smith"}, "recipient": {"phone": "694 123 4567"}},
        people=[{"name": "Nikos Pappas", "date_of_birth": "1980-02-03"}],
        selectors=[{"type": "email", "value": "vendor@example.org"}],
    )  # fmt: skip
    payload = report_payload(with_details(Report.objects.filter(pk=report.pk)).get())

    # when
    documented = serializer_shape(ReportOut())
    sent = payload_shape(payload)

    # then
    assert documented == sent
