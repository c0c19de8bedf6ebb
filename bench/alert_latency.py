"""Post-to-alert latency with a real server and a real Celery worker.

    .venv/bin/python -m bench.alert_latency --posts 50

Starts its own uvicorn and Celery worker on a scratch PostgreSQL database and
a Redis database number (both given or defaulted below), creates two officers
of two countries, opens the second officer's /ws/alerts/ socket, and then,
`--posts` times: the first officer posts a report naming a fresh phone
number, the second posts one naming the same number, and the time from the
second post's request to the `alert.created` frame on the socket is taken.
Prints p50/p95/p99/max in ms.
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]


def http(url, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--database", default="cc_bench_alerts")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--port", type=int, default=8310)
    args = parser.parse_args()

    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
        CHANNEL_PREFIX=f"ccal{secrets.token_hex(3)}",
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        LOG_LEVEL="WARNING",
        AUDIT_LOG_LEVEL="WARNING",
    )
    subprocess.run(
        ["redis-cli", "-n", str(args.redis_db), "flushdb"], check=True, capture_output=True
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run(manage + ["migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(manage + ["shell", "-c",
                             "from apps.operations.services import operation_get_or_create, room_get_or_create\n"
                             "op, _ = operation_get_or_create(code_name='ALERT BENCH', phase='action')\n"
                             "room_get_or_create(operation=op, name='Room')"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    for user, cc in (("al.gr", "GR"), ("al.bg", "BG")):
        subprocess.run(manage + ["create_officer", user, "--password", "bench-pass-123", "--country", cc,
                                 "--agency", f"Bench {cc}", "--kind", "customs", "--role", "officer",
                                 "--operation", "ALERT BENCH"], cwd=ROOT, env=env, check=True)  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "commandcentre.asgi:application", "--port", str(args.port),
         "--no-access-log", "--lifespan", "off"], cwd=ROOT, env=env)  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "commandcentre", "worker", "-l", "warning",
         "--concurrency", "1", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, start_new_session=True)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                http(f"{base}/healthz/")
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(3)  # the worker's start
        tokens = {u: http(f"{base}/api/v1/auth/token/", {"username": u, "password": "bench-pass-123"})["token"]
                  for u in ("al.gr", "al.bg")}  # fmt: skip
        room = http(f"{base}/api/v1/operations/", token=tokens["al.gr"])["results"][0]["id"]
        room = http(f"{base}/api/v1/operations/{room}/rooms/", token=tokens["al.gr"])["results"][0][
            "id"
        ]
        latencies = asyncio.run(measure(args, base, room, tokens))
    finally:
        server.send_signal(signal.SIGTERM)
        os.killpg(worker.pid, signal.SIGTERM)
        server.wait(10)
        worker.wait(20)
    print(
        f"post-to-alert over {len(latencies)} matches (server + 1 worker, PostgreSQL, Redis): "
        f"p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
        f"p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms"
    )


async def measure(args, base, room, tokens) -> list[float]:
    latencies = []
    url = f"ws://127.0.0.1:{args.port}/ws/alerts/"
    async with websockets.connect(url, additional_headers={"Authorization": f"Token {tokens['al.bg']}"},
                                  origin=f"http://127.0.0.1:{args.port}") as socket:  # fmt: skip
        await asyncio.sleep(0.5)
        for _ in range(args.posts):
            number = f"+30 694 {uuid.uuid4().int % 10**7:07d}"
            await asyncio.to_thread(http, f"{base}/api/v1/rooms/{room}/reports/",
                                    {"client_id": str(uuid.uuid4()), "kind": "intel", "body": f"Phone {number}"},
                                    tokens["al.gr"])  # fmt: skip
            await asyncio.sleep(0.2)  # the first report's own matching
            started = time.perf_counter()
            await asyncio.to_thread(http, f"{base}/api/v1/rooms/{room}/reports/",
                                    {"client_id": str(uuid.uuid4()), "kind": "intel", "body": f"Same {number}"},
                                    tokens["al.bg"])  # fmt: skip
            while True:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
                if frame["type"] == "alert.created":
                    latencies.append((time.perf_counter() - started) * 1000)
                    break
    return latencies


if __name__ == "__main__":
    main()
