"""API tokens: a lifetime, a new token after it, revocation; sessions that end."""

from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..factories import token_expiry

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "pass-word-123"


def age(officer, hours: float) -> Token:
    """Make the officer's token `hours` old."""
    Token.objects.filter(user=officer).update(created=timezone.now() - timedelta(hours=hours))
    return Token.objects.get(user=officer)


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def sign_in(username: str = "gr.officer"):
    return APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD}, format="json")


# --- lifetime ------------------------------------------------------------------------------


def test_a_token_older_than_its_lifetime_is_refused(world):
    # given
    token = age(world.gr_officer, 12.01)

    # when
    response = with_token(token.key).get("/api/v1/operations/")

    # then
    assert response.status_code == 401
    assert response.json() == {"detail": "Token expired; sign in again for a new one."}


def test_a_token_within_its_lifetime_opens_the_api(world):
    # given
    token = age(world.gr_officer, 11.9)

    # when
    response = with_token(token.key).get("/api/v1/operations/")

    # then
    assert response.status_code == 200


def test_the_lifetime_comes_from_api_token_ttl_hours(world, settings):
    # given
    settings.API_TOKEN_TTL_HOURS = 1
    token = age(world.gr_officer, 1.01)

    # when
    refused = with_token(token.key).get("/api/v1/operations/")
    issued = sign_in()

    # then
    assert refused.status_code == 401
    fresh = Token.objects.get(user=world.gr_officer)
    assert issued.json() == {"token": fresh.key, "expires_at": token_expiry(fresh, hours=1)}


def test_signing_in_gives_the_live_token_again(world):
    # given
    token = age(world.gr_officer, 3)

    # when
    response = sign_in()

    # then
    assert response.json() == {"token": token.key, "expires_at": token_expiry(token)}
    assert Token.objects.filter(user=world.gr_officer).count() == 1


def test_signing_in_after_expiry_gives_a_new_token_and_the_old_one_stays_refused(world):
    # given
    old = age(world.gr_officer, 13)

    # when: signing in with the expired token still in the header
    client = with_token(old.key)
    response = client.post(TOKEN_URL, {"username": "gr.officer", "password": PASSWORD})

    # then
    new = Token.objects.get(user=world.gr_officer)
    assert new.key != old.key
    assert response.status_code == 200
    assert response.json() == {"token": new.key, "expires_at": token_expiry(new)}
    assert with_token(old.key).get("/api/v1/operations/").status_code == 401
    assert with_token(new.key).get("/api/v1/operations/").status_code == 200


# --- revocation ----------------------------------------------------------------------------


def test_delete_revokes_my_token_and_tells_my_sockets(
    world, published, django_capture_on_commit_callbacks
):
    # given
    key = world.gr_officer.auth_token.key
    others = sorted(Token.objects.exclude(user=world.gr_officer).values_list("key", flat=True))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = with_token(key).delete(TOKEN_URL)

    # then
    assert response.status_code == 204
    assert not Token.objects.filter(user=world.gr_officer).exists()
    assert sorted(Token.objects.values_list("key", flat=True)) == others
    assert with_token(key).get("/api/v1/operations/").status_code == 401
    assert published == [
        (
            f"officer.{world.gr_officer.pk}",
            {"type": "access.changed", "agency_id": None, "officer_id": world.gr_officer.pk},
        )
    ]


def test_delete_without_credentials_revokes_nothing(world, published):
    # given
    before = sorted(Token.objects.values_list("key", flat=True))

    # when
    response = APIClient().delete(TOKEN_URL)

    # then
    assert response.status_code == 401
    assert sorted(Token.objects.values_list("key", flat=True)) == before
    assert published == []


def test_the_schema_documents_signing_in_and_revoking(world):
    # given
    client = with_token(world.gr_officer.auth_token.key)

    # when
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    # then
    path = schema["paths"]["/api/v1/auth/token/"]
    assert sorted(path) == ["delete", "post"]
    assert sorted(path["post"]["responses"]) == ["200", "400", "429"]
    assert sorted(path["delete"]["responses"]) == ["204", "401", "403"]
    assert schema["components"]["schemas"]["TokenOut"]["required"] == ["expires_at", "token"]


# --- sessions ------------------------------------------------------------------------------


def test_a_page_session_lasts_eight_hours(world):
    # given
    client = Client()

    # when
    client.post("/login/", {"username": "gr.officer", "password": PASSWORD})

    # then
    assert client.session[SESSION_KEY] == str(world.gr_officer.pk)
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.cookies["sessionid"]["max-age"] == 8 * 3600


def test_signing_out_ends_the_session_and_tells_my_sockets(
    world, published, django_capture_on_commit_callbacks
):
    # given
    client = Client()
    client.force_login(world.gr_officer)
    session_key = client.session.session_key

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/logout/")

    # then
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.get("/").status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    assert published == [
        (
            f"officer.{world.gr_officer.pk}",
            {"type": "access.changed", "agency_id": None, "officer_id": world.gr_officer.pk},
        )
    ]
