"""The production path: DEBUG=0, collected static files, real uvicorn processes.

What the embedded default cannot show: the manifest storage that `collectstatic`
builds, `check --deploy`, how many PostgreSQL connections one server process
holds under load, and a server whose Redis cannot be reached.
"""

import asyncio
import dataclasses
import json
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .conftest import (
    PASSWORD,
    PG,
    Stack,
    _manage,
    _pg_connect,
    free_port,
    http_json,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.services

HTTPS = {"X-Forwarded-Proto": "https"}  # what the TLS proxy in front adds
POOL_BOUND = 4
WAIT = 10.0


def production_env(stack: Stack, **changes: str) -> dict:
    """The session's environment as docker-compose sets it: HTTPS hardening on."""
    env = {
        key: value
        for key, value in stack.env.items()
        if key not in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CONN_MAX_AGE")
    }
    env.update(DEBUG="0", TESTING="0", **changes)
    return env


def fetch(url: str, headers: dict | None = None) -> tuple[int, object, bytes]:
    """GET without following redirects: (status, headers, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=WAIT) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def token_for(base: str, username: str) -> str:
    status, body = http_json(
        f"{base}/api/v1/auth/token/", method="POST", headers=HTTPS,
        body={"username": username, "password": PASSWORD},
    )  # fmt: skip
    assert status == 200, body
    return body["token"]


def new_report(body: str = "Hub staffed.") -> dict:
    return {"client_id": str(uuid.uuid4()), "kind": "update", "body": body}


@pytest.fixture(scope="module")
def production(stack, tmp_path_factory):
    """collectstatic into a fresh STATIC_ROOT, then a server as in production."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    env = production_env(stack, STATIC_ROOT=str(static_root))
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    server = start_server(dataclasses.replace(stack, env=env), tmp_path_factory.mktemp("prod"))
    try:
        yield env, server
    finally:
        stop_server(server)


def test_collectstatic_builds_a_manifest_and_the_pages_are_served_with_their_files(production):
    # given a server with DEBUG=0 and the collected files
    env, server = production

    # when the sign-in page and home are asked for through the TLS proxy
    status, headers, page = fetch(f"{server.http}/login/", HTTPS)
    home_status, home_headers, _ = fetch(f"{server.http}/", HTTPS)

    # then the page answers, under the CSP, naming its files by their hashed names
    assert status == 200, page[:500]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assets = re.findall(rb'(?:href|src)="(/(?:static|jsi18n)/[^"]*)"', page)
    assert re.search(rb"/static/css/app\.[0-9a-f]{12}\.css", b" ".join(assets)), assets
    assert re.search(rb"/static/js/base\.[0-9a-f]{12}\.js", b" ".join(assets)), assets
    # and every file it names is served
    assert [(a, fetch(f"{server.http}{a.decode()}", HTTPS)[0]) for a in assets] == [
        (a, 200) for a in assets
    ]
    # home sends a signed-out visitor to sign in
    assert home_status == 302
    assert home_headers["Location"] == "/login/?next=/"


def test_the_api_answers_in_production(production, stack):
    # given an officer's token from the production server
    env, server = production
    token = token_for(server.http, "it.gr")

    # when the schema, a room's reports and an unknown API path are asked for
    schema = http_json(f"{server.http}/api/v1/schema/?format=json", token=token, headers=HTTPS)
    reports = http_json(
        f"{server.http}/api/v1/rooms/{stack.rooms['live']}/reports/", token=token, headers=HTTPS
    )
    unknown = http_json(f"{server.http}/api/v1/no-such-thing/", token=token, headers=HTTPS)

    # then they answer, the unknown path with a JSON 404 (no static files needed)
    assert schema[0] == 200 and schema[1]["info"]["title"] == "commandcentre API"
    assert reports[0] == 200 and "results" in reports[1]
    assert unknown == (404, {"detail": "Not found."})


def test_plain_http_is_redirected_to_https(production):
    # given the production server; when asked over plain http (no proxy header)
    env, server = production
    status, headers, _ = fetch(f"{server.http}/login/")

    # then it redirects to https
    assert status == 301
    assert headers["Location"].startswith("https://")


def test_check_deploy_is_clean(production):
    # given the production environment; when Django's deployment checks run
    env, _ = production
    out = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    # then nothing is reported
    assert "System check identified no issues" in out


# --- connections: a bounded pool per process ---------------------------------------------------


def connections_named(application: str, database: str) -> int:
    with _pg_connect() as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            (database, application),
        ).fetchone()[0]


def test_one_server_process_holds_at_most_its_pool_of_connections(stack, tmp_path):
    # given a server process whose connections carry a name of their own, bound to 4
    application = f"cc_pool_{uuid.uuid4().hex[:8]}"
    url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{stack.database}"
    env = production_env(
        stack, DATABASE_URL=f"{url}?application_name={application}",
        DB_POOL_MAX_SIZE=str(POOL_BOUND), SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
    )  # fmt: skip
    server = start_server(dataclasses.replace(stack, env=env), tmp_path)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], connections_named(application, stack.database))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        token = token_for(server.http, "it.gr")
        room = stack.rooms["live"]

        def request(i: int) -> int:
            if i % 3 == 0:
                return http_json(
                    f"{server.http}/api/v1/rooms/{room}/reports/", method="POST",
                    body=new_report(f"pool {i}"), token=token,
                )[0]  # fmt: skip
            return http_json(f"{server.http}/api/v1/rooms/{room}/reports/", token=token)[0]

        # when 300 requests come from 20 clients at once
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(request, range(300)))
        elapsed = time.monotonic() - started
        after = connections_named(application, stack.database)
    finally:
        done.set()
        sampler.join()
        stop_server(server)

    # then every request was answered, and the process never held more than its bound
    print(f"300 requests in {elapsed:.1f} s; peak {peak[0]} connections, {after} after")
    assert sorted(set(statuses)) == [200, 201]
    assert statuses.count(201) == 100
    assert 1 <= peak[0] <= POOL_BOUND
    assert after <= POOL_BOUND


# --- Redis away: persist first ---------------------------------------------------------------


def redis_on(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + WAIT
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                         text=True).stdout.strip() != "PONG":  # fmt: skip
        assert time.monotonic() < deadline, "private Redis did not start"
        time.sleep(0.05)
    return process


async def handshake(server, room: int, token: str) -> tuple[str, object]:
    """('refused', HTTP status), ('closed', close code) or ('open', first event)."""
    try:
        ws = await connect(
            f"{server.ws}/ws/rooms/{room}/", origin="http://127.0.0.1",
            additional_headers={"Authorization": f"Token {token}"}, open_timeout=WAIT,
        )  # fmt: skip
    except InvalidStatus as exc:
        return "refused", exc.response.status_code
    try:
        event = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        if event.get("type") == "error":
            await asyncio.wait_for(ws.wait_closed(), WAIT)
            return "closed", (ws.close_code, event["code"])
        return "open", event["type"]
    except ConnectionClosed:
        return "closed", (ws.close_code, None)
    finally:
        await ws.close()


def test_with_redis_unreachable_a_report_is_saved_and_sockets_are_closed_cleanly(stack, tmp_path):
    # given a server process whose Redis (cache, channel layer, broker) is on a closed port
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    env = production_env(
        stack, REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url,
        SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
    )  # fmt: skip
    server = start_server(dataclasses.replace(stack, env=env), tmp_path)
    redis = None
    try:
        token = token_for(server.http, "it.gr")
        room = stack.rooms["live"]

        # when a report is posted
        started = time.monotonic()
        status, posted = http_json(
            f"{server.http}/api/v1/rooms/{room}/reports/", method="POST",
            body=new_report("posted while Redis is away"), token=token, timeout=30,
        )  # fmt: skip
        post_seconds = time.monotonic() - started

        # then it is saved (201) and can be read back
        assert status == 201, posted
        assert http_json(f"{server.http}/api/v1/reports/{posted['id']}/", token=token) == (
            200, posted,
        )  # fmt: skip
        # and a socket is closed cleanly (1013: try again), not answered with a 500
        started = time.monotonic()
        assert asyncio.run(handshake(server, room, token)) == ("closed", (1013, "unavailable"))
        socket_seconds = time.monotonic() - started

        # when Redis comes back
        redis = redis_on(port)

        # then the report is still there (it is in PostgreSQL), posting and sockets work again
        assert http_json(f"{server.http}/api/v1/reports/{posted['id']}/", token=token) == (
            200, posted,
        )  # fmt: skip
        again = http_json(
            f"{server.http}/api/v1/rooms/{room}/reports/", method="POST",
            body=new_report("posted after Redis is back"), token=token, timeout=30,
        )  # fmt: skip
        assert again[0] == 201
        assert asyncio.run(handshake(server, room, token)) == ("open", "presence")
        print(f"Redis away: post answered in {post_seconds:.2f} s, socket closed in "
              f"{socket_seconds:.2f} s")  # fmt: skip
        assert server.alive()
    finally:
        stop_server(server)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=5)
