"""Sign-in lock and access revocation against a real uvicorn process on PostgreSQL and Redis.

The server here rechecks sockets only every 600 s, so a socket that closes
within a second was closed by the access.changed event the service
published through Redis, not by the periodic recheck. Each test prints the
figure it measured (run with -s to see them).
"""

import asyncio
import http.cookiejar
import json
import time
import urllib.parse
import urllib.request
from dataclasses import replace

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from .conftest import OPERATION, PASSWORD, Server, _manage, http_json, start_server, stop_server

pytestmark = pytest.mark.services

ORIGIN = "http://127.0.0.1"
WAIT = 5.0
LOCK_SECONDS = 3
# One officer per test, each in every room of the operation.
OFFICERS = ["it.auth.revoke", "it.auth.signout", "it.auth.deactivate", "it.auth.lock"]


@pytest.fixture(scope="module")
def auth_server(stack, tmp_path_factory):
    """One server that never rechecks on its own, and the officers of this module."""
    env = {
        **stack.env,
        "WS_RECHECK_SECONDS": "600",
        "SIGNIN_LOCK_SECONDS": str(LOCK_SECONDS),
        "SIGNIN_FAILURE_WINDOW_SECONDS": "60",
        # the sign-in page needs collected static files when DEBUG is off
        "DEBUG": "1",
    }
    commands = "\n".join(
        f"call_command('create_officer', {username!r}, '--password', {PASSWORD!r}, "
        f"'--country', 'GR', '--agency', 'IT Hellenic Customs', '--kind', 'customs', "
        f"'--role', 'officer', '--operation', {OPERATION!r})"
        for username in OFFICERS
    )
    _manage(env, "shell", "-c", f"from django.core.management import call_command\n{commands}\n")
    server = start_server(replace(stack, env=env), tmp_path_factory.mktemp("auth-server"))
    try:
        yield server, env
    finally:
        stop_server(server)


def token_of(server: Server, username: str, password: str = PASSWORD) -> tuple[int, dict]:
    return http_json(
        f"{server.http}/api/v1/auth/token/",
        method="POST",
        body={"username": username, "password": password},
    )


async def open_socket(server: Server, path: str, headers: dict) -> ClientConnection:
    return await connect(
        f"{server.ws}{path}", origin=ORIGIN, additional_headers=headers, open_timeout=WAIT
    )


async def closed_at(ws: ClientConnection) -> tuple[int | None, str | None, float]:
    """Read until the server closes: its close code, the last error code, the wall time."""
    error = None
    try:
        async for raw in ws:
            event = json.loads(raw)
            if event["type"] == "error":
                error = event["code"]
    except ConnectionClosed:
        pass
    return ws.close_code, error, time.time()


async def watch(server: Server, stack, headers: dict) -> list[asyncio.Task]:
    """A room socket and an alerts socket with `headers`, each watched until it closes."""
    room = await open_socket(server, f"/ws/rooms/{stack.rooms['live']}/", headers)
    alerts = await open_socket(server, "/ws/alerts/", headers)
    return [asyncio.create_task(closed_at(ws)) for ws in (room, alerts)]


def report_latency(what: str, started: float, closes: list[tuple]) -> float:
    latency = max(at for _, _, at in closes) - started
    print(f"\n[figure] {what}: both sockets closed 4403 within {latency * 1000:.0f} ms")
    return latency


class Browser:
    """A browser's cookie jar signed in through the page, for the session tests."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def post(self, path: str, fields: dict) -> int:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.cookie("csrftoken")})
        with self.opener.open(f"{self.server.http}{path}", data=data.encode(), timeout=WAIT) as r:
            return r.status

    def sign_in(self, username: str) -> None:
        self.opener.open(f"{self.server.http}/login/", timeout=WAIT).close()
        self.post("/login/", {"username": username, "password": PASSWORD})
        assert self.cookie("sessionid")


async def test_revoking_a_token_closes_its_sockets_at_once(auth_server, stack):
    server, _ = auth_server
    status, body = token_of(server, "it.auth.revoke")
    assert status == 200
    watched = await watch(server, stack, {"Authorization": f"Token {body['token']}"})

    started = time.time()
    status, _ = await asyncio.to_thread(
        http_json, f"{server.http}/api/v1/auth/token/", method="DELETE", token=body["token"]
    )
    closes = await asyncio.wait_for(asyncio.gather(*watched), WAIT)

    assert status == 204
    assert [(code, error) for code, error, _ in closes] == [(4403, "access_revoked")] * 2
    assert report_latency("token revoked (DELETE /api/v1/auth/token/)", started, closes) < 2.0


async def test_signing_out_of_the_page_closes_that_sessions_sockets_at_once(auth_server, stack):
    server, _ = auth_server
    browser = Browser(server)
    await asyncio.to_thread(browser.sign_in, "it.auth.signout")
    watched = await watch(server, stack, {"Cookie": f"sessionid={browser.cookie('sessionid')}"})

    started = time.time()
    status = await asyncio.to_thread(browser.post, "/logout/", {})
    closes = await asyncio.wait_for(asyncio.gather(*watched), WAIT)

    assert status == 200  # the sign-in page, after the redirect
    assert [(code, error) for code, error, _ in closes] == [(4403, "access_revoked")] * 2
    assert report_latency("signed out (POST /logout/)", started, closes) < 2.0


async def test_deactivating_an_officer_in_another_process_closes_their_sockets(auth_server, stack):
    server, env = auth_server
    _, body = token_of(server, "it.auth.deactivate")
    watched = await watch(server, stack, {"Authorization": f"Token {body['token']}"})

    # the service runs in a separate process (as the admin or a command would)
    # and prints the wall time just before it deactivates
    out = await asyncio.to_thread(
        _manage, env, "shell", "-c",
        "import time\n"
        "from apps.accounts.models import Officer\n"
        "from apps.accounts.services import officer_deactivate\n"
        "officer = Officer.objects.get(username='it.auth.deactivate')\n"
        "print(time.time())\n"
        "officer_deactivate(officer=officer)\n",
    )  # fmt: skip
    closes = await asyncio.wait_for(asyncio.gather(*watched), WAIT)

    started = float(out.strip().splitlines()[-1])
    assert [(code, error) for code, error, _ in closes] == [(4403, "access_revoked")] * 2
    what = "deactivated (officer_deactivate in another process)"
    assert report_latency(what, started, closes) < 2.0


async def test_the_sign_in_lock_holds_on_redis_then_ends(auth_server):
    server, _ = auth_server
    started = time.time()

    wrong = [token_of(server, "it.auth.lock", f"wrong-{n}")[0] for n in range(5)]
    locked_at = time.time()
    refused, body = token_of(server, "it.auth.lock")
    attempts_while_locked = 1
    while True:  # the right password, until the lock ends
        unlocked_at = time.time()
        status, _ = await asyncio.to_thread(token_of, server, "it.auth.lock")
        if status != 429:
            break
        attempts_while_locked += 1
        assert time.time() - locked_at < LOCK_SECONDS + WAIT
        await asyncio.sleep(0.1)

    assert wrong == [400] * 5
    assert refused == 429
    assert body["detail"].startswith("Too many failed sign-ins for this account")
    assert status == 200
    assert LOCK_SECONDS - 0.5 <= unlocked_at - locked_at <= LOCK_SECONDS + 1.0
    print(
        f"\n[figure] sign-in lock on Redis: 5 wrong passwords in "
        f"{(locked_at - started) * 1000:.0f} ms, the 6th attempt (right password) got 429; "
        f"{attempts_while_locked} right-password attempts refused; the first accepted one was "
        f"sent {unlocked_at - locked_at:.2f} s after the 5th failure "
        f"(SIGNIN_LOCK_SECONDS={LOCK_SECONDS})"
    )
