"""The HTTP edge: query parameters, NUL characters, JSON errors under /api/, the CSP."""

import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory

from apps.core.http import bad_request, page_not_found, permission_denied, server_error
from apps.reports.models import Report

ROOT = Path(__file__).resolve().parents[2]
NUL = ["Null characters are not allowed."]
COUNTRY = ["A two-letter country code (ISO 3166-1 alpha-2)."]
HANDLINGS = ["One of: clear, green, amber, amber+strict, red."]
PHASES = ["One of: planning, intelligence, action, debrief, closed."]


def url_of(world, name: str) -> str:
    return {
        "room": f"/api/v1/rooms/{world.postal.pk}/reports/",
        "operations": "/api/v1/operations/",
        "alerts": "/api/v1/alerts/",
        "imports": f"/api/v1/operations/{world.operation.pk}/imports/",
    }[name]


@pytest.mark.parametrize(
    "where, query, errors",
    [
        ("room", "kind=%00", {"kind": NUL}),
        ("room", "handling=%00", {"handling": NUL}),
        ("room", "country=%00", {"country": NUL}),
        ("room", "after_seq=%00", {"after_seq": NUL}),
        ("room", "%00=1", {"\\x00": NUL}),
        ("operations", "phase=%00", {"phase": NUL}),
        ("alerts", "state=%00", {"state": NUL}),
        ("room", "kind=rifle", {"kind": ["One of: check, hit, intel, update."]}),
        ("room", "handling=white", {"handling": HANDLINGS}),
        ("room", "country=Greece", {"country": COUNTRY}),
        ("room", "country=G1", {"country": COUNTRY}),
        ("room", "after_seq=abc", {"after_seq": ["A whole number is required."]}),
        ("room", "after_seq=-1", {"after_seq": ["Must be 0 or more."]}),
        ("room", "after_seq=1e3", {"after_seq": ["A whole number is required."]}),
        ("room", "page=abc", {"page": ["A whole number is required."]}),
        ("room", "page=0", {"page": ["Must be 1 or more."]}),
        ("room", "page_size=ten", {"page_size": ["A whole number is required."]}),
        ("alerts", "page_size=0", {"page_size": ["Must be 1 or more."]}),
        ("operations", "phase=war", {"phase": PHASES}),
        ("alerts", "state=old", {"state": ["One of: new, seen, acknowledged."]}),
    ],
)
def test_a_bad_query_parameter_is_a_400_field_error(api_as, world, where, query, errors):
    # given an officer of a room
    client = api_as(world.gr_officer)

    # when a list is asked for with a bad parameter
    response = client.get(f"{url_of(world, where)}?{query}")

    # then it is refused with the field's error, as JSON
    assert response.status_code == 400
    assert response.json() == errors


def test_the_room_filters_still_filter(api_as, world, post):
    # given a hit and an update in a room
    hit = post(world.gr_officer, world.postal, kind="hit")
    post(world.gr_officer, world.postal, kind="update")
    client = api_as(world.bg_officer)

    # when filtered by kind, handling and a lower-case country
    response = client.get(
        f"/api/v1/rooms/{world.postal.pk}/reports/?kind=hit&handling={hit.handling}&country=gr"
        "&after_seq=0&page=1&page_size=10"
    )

    # then only the hit comes back
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [hit.pk]


def test_the_score_record_flag_is_checked(api_as, world):
    # given a coordinator; when a parcel is scored with a record flag that is no boolean
    client = api_as(world.coordinator)
    response = client.post(
        f"/api/v1/operations/{world.operation.pk}/score/?record=maybe",
        {"origin_country": "US"},
        format="json",
    )

    # then it is refused
    assert response.status_code == 400
    assert response.json() == {"record": ["true or false (1/0, yes/no)."]}


def test_a_nul_in_a_form_field_is_refused_and_signs_nobody_in(world):
    # given the sign-in form; when a field carries a NUL
    client = Client()
    response = client.post("/login/", {"username": "gr.officer\x00", "password": "x"})

    # then it is refused with a 400 that names the field, and no session was made
    assert response.status_code == 400
    assert response.content == b"username: Null characters are not allowed."
    assert Session.objects.count() == 0


def test_a_nul_in_a_report_filter_changes_nothing(api_as, world, post):
    # given one report
    post(world.gr_officer, world.postal)
    client = api_as(world.gr_officer)

    # when a report is posted with a NUL in the query string
    response = client.post(
        f"/api/v1/rooms/{world.postal.pk}/reports/?x=%00", {"client_id": "x"}, format="json"
    )

    # then it is refused and nothing was written
    assert response.status_code == 400
    assert response.json() == {"x": NUL}
    assert Report.objects.count() == 1


def test_an_unknown_api_path_is_a_json_404(api_as, world):
    # given an officer; when an API path that does not exist is asked for
    response = api_as(world.gr_officer).get("/api/v1/no-such-thing/")
    anonymous = Client().get("/api/v1/rooms/abc/reports/")

    # then the answer is JSON, not the HTML page
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "Not found."}
    assert (anonymous.status_code, anonymous.json()) == (404, {"detail": "Not found."})


def test_an_unknown_page_is_still_the_html_404(world):
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "handler, status, detail",
    [
        (bad_request, 400, "Bad request."),
        (permission_denied, 403, "You do not have permission to perform this action."),
        (page_not_found, 404, "Not found."),
        (server_error, 500, "Server error."),
    ],
)
def test_django_errors_under_api_are_json(handler, status, detail):
    # given a request under /api/ and one for a page
    api = RequestFactory().get("/api/v1/reports/1/")
    page = RequestFactory().get("/rooms/1/")

    # when Django's error handler answers them
    kwargs = {} if handler is server_error else {"exception": Exception("x")}
    api_response = handler(api, **kwargs)
    page_response = handler(page, **kwargs)

    # then the API gets JSON, the page HTML
    assert (api_response.status_code, api_response["Content-Type"]) == (status, "application/json")
    assert api_response.content.decode() == f'{{"detail": "{detail}"}}'
    assert page_response.status_code == status
    assert page_response["Content-Type"].startswith("text/html")


# --- Content-Security-Policy ----------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(world):
    # given a signed-in officer
    client = Client()
    client.force_login(world.gr_officer)

    # when pages are asked for
    pages = ["/", f"/rooms/{world.postal.pk}/", "/alerts/"]
    policies = {path: client.get(path).headers.get("Content-Security-Policy") for path in pages}
    policies["/login/"] = Client().get("/login/").headers.get("Content-Security-Policy")

    # then each carries the policy: scripts and styles from this site's files only
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    assert policies == {path: policy for path in [*pages, "/login/"]}


def test_no_template_or_script_needs_inline_code_or_styles():
    # given every template and every script of the site
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    style_attribute = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
    json_data = re.compile(r"json_script")

    # when they are searched for what a strict CSP blocks
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = json_data.sub("", path.read_text())
        checks = (("script", inline_script), ("on*", handler), ("style", style_attribute))
        for name, pattern in checks:
            if pattern.search(text):
                found.append((path.relative_to(ROOT).as_posix(), name))
    for path in sorted((ROOT / "static" / "js").rglob("*.js")):
        text = path.read_text()
        if re.search(r"setAttribute\(\s*[\"']style|\.innerHTML\s*=|\beval\(|new Function\(", text):
            found.append((path.relative_to(ROOT).as_posix(), "inline"))

    # then there is none
    assert found == []


def test_a_form_body_where_json_is_expected_is_a_415(world, api_as):
    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", {"client_id": "x", "kind": "update"}
    )
    assert response.status_code == 415


def test_a_nul_in_a_json_string_is_a_field_error(world, api_as):
    from tests.factories import report_data

    response = api_as(world.gr_officer).post(
        f"/api/v1/rooms/{world.postal.pk}/reports/",
        report_data("update", body="a\x00b"),
        format="json",
    )
    assert response.status_code == 400
    assert "body" in response.json()


def test_a_nul_in_the_sign_in_form_of_the_token_endpoint_is_refused_not_a_crash(world, client):
    response = client.post("/api/v1/auth/token/", {"username": "gr\x00officer", "password": "x"})
    assert response.status_code == 400
