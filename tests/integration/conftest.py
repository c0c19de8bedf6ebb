"""Real servers for the realtime tests: PostgreSQL, Redis and uvicorn processes.

One session gets its own PostgreSQL database (cc_it_<random>, migrated and
dropped afterwards), its own channel prefix and an empty Redis database
number, so it shares nothing with other runs on the same machine. Every
server process is killed at the end, whatever happened.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip
PASSWORD = "it-pass-word-123"
OPERATION = "IT REALTIME"
# Officers of four agencies that take part in the operation and sit in all its rooms.
OFFICERS = {
    "it.gr": ("GR", "IT Hellenic Customs", "customs", "officer"),
    "it.bg": ("BG", "IT Bulgarian Customs", "customs", "officer"),
    "it.de": ("DE", "IT German Police", "police", "liaison"),
    "it.nl": ("NL", "IT Europol", "coordinator", "coordinator"),
}
WS_MAX_FRAME_BYTES = 64 * 1024
UVICORN_WS_MAX_SIZE = 1024 * 1024


def wait_until(predicate, timeout: float, what="", poll: float = 0.1) -> None:
    """Return once `predicate()` is true; fail after `timeout` seconds, saying `what`
    (a string, or a function called then: a log read at the time of the failure)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout} s waiting for {said or predicate}")
        time.sleep(poll)


def redis_up() -> bool:
    # a bare PING: redis-py would retry a refused connection with backoff for seconds
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_stop() -> None:
    """Shut Redis down without saving; returns once it no longer answers."""
    subprocess.run(["redis-cli", "-h", REDIS_HOST, "-p", str(REDIS_PORT), "shutdown", "nosave"],
                   capture_output=True, timeout=10)  # fmt: skip
    deadline = time.monotonic() + 10
    while redis_up():
        if time.monotonic() > deadline:
            raise RuntimeError("Redis did not shut down")
        time.sleep(0.05)


def redis_start() -> None:
    """Start Redis as CI does and wait until it answers."""
    if redis_up():
        return
    os.makedirs("/var/lib/redis", exist_ok=True)
    os.makedirs("/var/log/redis", exist_ok=True)
    subprocess.run(REDIS_START, capture_output=True, timeout=10)
    deadline = time.monotonic() + 10
    while not redis_up():
        if time.monotonic() > deadline:
            raise RuntimeError("Redis did not start again")
        time.sleep(0.05)


def _pg_connect(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(dbname=dbname, connect_timeout=3, autocommit=True, **PG)


def _pg_up() -> bool:
    try:
        with _pg_connect():
            return True
    except Exception:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass
class Stack:
    """What the session's servers share: environment, database, Redis, data."""

    env: dict
    database: str
    redis_db: int
    prefix: str
    operation_id: int = 0
    rooms: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def http_json(url: str, *, method: str = "GET", body=None, token: str | None = None,
              timeout: float = 10, headers: dict | None = None) -> tuple[int, object]:  # fmt: skip
    headers = {"Accept": "application/json", **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def redis_db(number: int):
    import redis

    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=2)


def _claim_redis_db(prefix: str) -> int:
    """An empty Redis database number for this session's Celery queue and presence.

    (Pub/sub ignores database numbers: the channel prefix keeps groups apart.)
    """
    for number in range(15, 0, -1):
        client = redis_db(number)
        # the claim key makes the database non-empty for any other session
        if client.dbsize() == 0 and client.set(f"{prefix}:claim", "1", nx=True, ex=3600):
            return number
    raise RuntimeError("no empty Redis database number left")


def claim_redis_db(stack: "Stack") -> None:
    """Claim the session's database number again (after Redis restarted empty)."""
    redis_db(stack.redis_db).set(f"{stack.prefix}:claim", "1", ex=3600)


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """A migrated PostgreSQL database, a Redis namespace and the test data."""
    if not _pg_up():
        pytest.skip(f"PostgreSQL is not reachable at {PG['host']}:{PG['port']} as {PG['user']}")
    if not redis_up():
        pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}")

    token = secrets.token_hex(4)
    database, prefix = f"cc_it_{token}", f"cc_it_{token}"
    redis_number = _claim_redis_db(prefix)
    redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_number}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="commandcentre.settings",
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CHANNEL_PREFIX=prefix,
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        TESTING="0",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WS_MAX_FRAME_BYTES=str(WS_MAX_FRAME_BYTES),
        # rechecks (and presence refreshes) every second, so stale state clears fast
        WS_RECHECK_SECONDS="1",
        CONN_MAX_AGE="0",
        LOG_LEVEL="WARNING",
        AUDIT_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    with _pg_connect() as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        # One process for the data: the operation and its rooms through the
        # services, the officers through `manage.py create_officer --operation`.
        officers = ", ".join(
            f"({username!r}, {country!r}, {agency!r}, {kind!r}, {role!r})"
            for username, (country, agency, kind, role) in OFFICERS.items()
        )
        rooms = json.loads(
            _manage(
                env,
                "shell",
                "-c",
                "import json\n"
                "from django.core.management import call_command\n"
                "from apps.operations.services import operation_get_or_create, room_get_or_create\n"
                f"op, _ = operation_get_or_create(code_name={OPERATION!r}, phase='action')\n"
                "rooms = {n: room_get_or_create(operation=op, name=n).pk "
                "for n in ('live', 'fault', 'bad input')}\n"
                f"for username, country, agency, kind, role in [{officers}]:\n"
                "    call_command('create_officer', username, '--password', "
                f"{PASSWORD!r}, '--country', country, '--agency', agency, '--kind', kind, "
                f"'--role', role, '--operation', {OPERATION!r})\n"
                "print(json.dumps({'operation': op.pk, **rooms}))\n",
            )
            .strip()
            .splitlines()[-1]
        )
        operation_id = rooms.pop("operation")
        yield Stack(
            env=env,
            database=database,
            redis_db=redis_number,
            prefix=prefix,
            operation_id=operation_id,
            rooms=rooms,
        )
    finally:
        redis_start()  # whatever a test did to Redis, leave it running
        redis_db(redis_number).flushdb()
        with _pg_connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def start_server(stack: Stack, log_dir: Path) -> Server:
    port = free_port()
    log = log_dir / f"uvicorn-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "commandcentre.asgi:application",
             "--host", "127.0.0.1", "--port", str(port),
             "--ws-max-size", str(UVICORN_WS_MAX_SIZE), "--lifespan", "off", "--no-access-log"],
            cwd=ROOT, env=stack.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(port=port, process=process, log=log)
    deadline = time.monotonic() + 30
    while True:
        if not server.alive():
            raise RuntimeError(f"uvicorn exited:\n{server.log_tail()}")
        try:
            # as a TLS proxy would ask: a server with SECURE_SSL_REDIRECT answers too
            status, _ = http_json(
                f"{server.http}/healthz/", timeout=1, headers={"X-Forwarded-Proto": "https"}
            )
            if status == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"uvicorn did not answer in 30 s:\n{server.log_tail()}")
        time.sleep(0.1)


def stop_server(server: Server) -> None:
    if server.alive():
        server.process.terminate()
        try:
            server.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


@pytest.fixture(scope="session")
def servers(stack, tmp_path_factory) -> Iterator[list[Server]]:
    """Two server processes on one PostgreSQL and one Redis, and everyone's tokens."""
    log_dir = tmp_path_factory.mktemp("servers")
    started: list[Server] = []
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            starting = [pool.submit(start_server, stack, log_dir) for _ in range(2)]
            failures = []
            for future in starting:  # keep every server that did start, to stop it
                try:
                    started.append(future.result())
                except Exception as exc:
                    failures.append(exc)
            if failures:
                raise failures[0]

            def token(username: str) -> str:
                status, body = http_json(
                    f"{started[0].http}/api/v1/auth/token/",
                    method="POST",
                    body={"username": username, "password": PASSWORD},
                )
                assert status == 200, body
                return body["token"]

            stack.tokens.update(zip(OFFICERS, pool.map(token, OFFICERS)))
        yield started
    finally:
        for server in started:
            stop_server(server)


@pytest.fixture
def alive_after(servers):
    """Fails the test if a server process died during it (and shows its log)."""
    yield
    for server in servers:
        assert server.alive(), f"server on port {server.port} died:\n{server.log_tail()}"
