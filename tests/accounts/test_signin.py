"""Brute-force protection of the sign-in page and the token endpoint (apps/accounts/signin.py)."""

import logging
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import Officer

PASSWORD = "pass-word-123"  # tests/factories.py
TOKEN_URL = "/api/v1/auth/token/"
LOCKED_MESSAGE = (
    "Too many failed sign-ins for this account or from this address. "
    "Expected available in 900 seconds."
)
PAGE_LOCKED_MESSAGE = (
    "Too many failed sign-ins for this account or from this address. Try again in 15 minutes."
)


@pytest.fixture
def audit_lines(caplog):
    """The audit log's sign-in lines, as written."""
    caplog.set_level(logging.INFO, logger="commandcentre.audit")
    logging.getLogger("commandcentre.audit").addHandler(caplog.handler)

    def _lines() -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name == "commandcentre.audit" and r.getMessage().startswith("signin")
        ]

    yield _lines
    logging.getLogger("commandcentre.audit").removeHandler(caplog.handler)


def token_post(username: str, password: str, address: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )


def page_post(username: str, password: str, address: str = "10.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/login/", {"username": username, "password": password})
    return client, response


def tokens() -> list[tuple[str, str]]:
    return sorted(Token.objects.values_list("user__username", "key"))


# --- the token endpoint --------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(world, audit_lines):
    # given: five wrong passwords within the window
    statuses = [token_post("gr.officer", f"wrong-{n}").status_code for n in range(5)]
    before = tokens()

    # when: the right password
    response = token_post("gr.officer", PASSWORD)

    # then
    assert statuses == [400] * 5
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert response.json() == {"detail": LOCKED_MESSAGE}
    assert tokens() == before
    assert audit_lines() == [
        "signin failed account='gr.officer' from=10.0.0.1",
        "signin failed account='gr.officer' from=10.0.0.1",
        "signin failed account='gr.officer' from=10.0.0.1",
        "signin failed account='gr.officer' from=10.0.0.1",
        "signin failed account='gr.officer' from=10.0.0.1",
        "signin locked account='gr.officer' failures=5 window=900s lock=900s",
        "signin refused locked account='gr.officer' from=10.0.0.1 retry_after=900s",
    ]


def test_the_account_lock_holds_from_another_address_and_in_another_case(world):
    # given
    for n in range(5):
        token_post("gr.officer", f"wrong-{n}", address="10.0.0.1")

    # when: the right password from elsewhere, the username in capitals
    elsewhere = token_post("gr.officer", PASSWORD, address="10.0.0.2")
    capitals = token_post("GR.OFFICER", "wrong", address="10.0.0.3")

    # then
    assert (elsewhere.status_code, capitals.status_code) == (429, 429)


def test_the_account_lock_leaves_other_accounts_alone(world):
    # given
    for n in range(5):
        token_post("gr.officer", f"wrong-{n}")

    # when
    response = token_post("bg.officer", PASSWORD)

    # then
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user__username="bg.officer").key


def test_four_failures_then_the_right_password_start_the_count_again(world):
    # given
    for n in range(4):
        token_post("gr.officer", f"wrong-{n}")
    assert token_post("gr.officer", PASSWORD).status_code == 200

    # when
    statuses = [token_post("gr.officer", f"again-{n}").status_code for n in range(4)]

    # then
    assert statuses == [400] * 4
    assert token_post("gr.officer", PASSWORD).status_code == 200


def test_twenty_failures_from_one_address_lock_the_address(world, audit_lines):
    # given: guessing twenty different accounts, four times each, from one address
    for n in range(20):
        assert token_post(f"guess{n % 5}", f"wrong-{n}", address="10.6.6.6").status_code == 400

    # when: a real officer signs in from that address, and from another one
    there = token_post("bg.officer", PASSWORD, address="10.6.6.6")
    elsewhere = token_post("bg.officer", PASSWORD, address="10.0.0.2")

    # then
    assert (there.status_code, elsewhere.status_code) == (429, 200)
    assert "signin locked address=10.6.6.6 failures=20 window=900s lock=900s" in audit_lines()


def test_the_lock_ends_after_signin_lock_seconds(world, settings, monkeypatch):
    # given: a locked account
    settings.SIGNIN_LOCK_SECONDS = 60
    for n in range(5):
        token_post("gr.officer", f"wrong-{n}")
    assert token_post("gr.officer", PASSWORD).status_code == 429

    # when: the lock's time has passed (for the lock and for the cache that keeps it)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    response = token_post("gr.officer", PASSWORD)

    # then
    assert response.status_code == 200
    assert [token_post("gr.officer", f"w{n}").status_code for n in range(5)] == [400] * 5
    assert token_post("gr.officer", PASSWORD).status_code == 429


def test_the_limits_come_from_the_settings(world, settings):
    # given
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 2

    # when
    statuses = [token_post("gr.officer", p).status_code for p in ("a-wrong", "b-wrong", PASSWORD)]

    # then
    assert statuses == [400, 400, 429]


def test_an_inactive_officers_attempts_count_as_failures(world):
    # given
    Officer.objects.filter(username="gr.officer").update(is_active=False)

    # when
    statuses = [token_post("gr.officer", PASSWORD).status_code for _ in range(6)]

    # then
    assert statuses == [400] * 5 + [429]


# --- the sign-in page ----------------------------------------------------------------------


def test_the_page_refuses_a_locked_account_with_a_clear_message(world, audit_lines):
    # given
    for n in range(5):
        _, response = page_post("gr.officer", f"wrong-{n}")
        assert response.status_code == 200
        assert "Please enter a correct username and password." in response.content.decode()

    # when
    client, response = page_post("gr.officer", PASSWORD)

    # then
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert PAGE_LOCKED_MESSAGE in response.content.decode()
    assert SESSION_KEY not in client.session
    assert audit_lines()[-2:] == [
        "signin locked account='gr.officer' failures=5 window=900s lock=900s",
        "signin refused locked account='gr.officer' from=10.0.0.1 retry_after=900s",
    ]


def test_the_page_and_the_api_share_one_count(world):
    # given: failures on the page and on the token endpoint
    for n in range(3):
        page_post("gr.officer", f"page-{n}")
    for n in range(2):
        token_post("gr.officer", f"api-{n}")

    # when
    _, page = page_post("gr.officer", PASSWORD)
    api = token_post("gr.officer", PASSWORD)

    # then
    assert (page.status_code, api.status_code) == (429, 429)


def test_the_page_signs_in_below_the_limit(world):
    # given
    for n in range(4):
        page_post("gr.officer", f"wrong-{n}")

    # when
    client, response = page_post("gr.officer", PASSWORD)

    # then
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session[SESSION_KEY] == str(world.gr_officer.pk)


def test_the_admin_login_is_locked_too(world):
    # given
    for n in range(5):
        token_post("gr.officer", f"wrong-{n}")
    Officer.objects.filter(username="gr.officer").update(is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="10.0.0.9")

    # when
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "gr.officer", "password": PASSWORD}
    )

    # then
    assert response.status_code == 200  # the form again, no session
    assert SESSION_KEY not in client.session
