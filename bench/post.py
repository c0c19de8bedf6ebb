"""The cost of one post: server CPU per report posted over REST and over the room socket.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_post_bench \
    REDIS_URL=redis://127.0.0.1:6379/10 \
        .venv/bin/python -m bench.post --posts 1000 [--via rest,socket] [--profile post.prof]

Run it against a scratch database (it migrates it and adds an operation "BENCH-POST"
with officers of 26 countries in one room, as `manage.py bench_fixture` does) and a
Redis database of its own (the match tasks the posts enqueue land there; it is not
flushed). Everything runs in this one process:

- rest: Django's test client posts to `POST /api/v1/rooms/{id}/reports/` with an API
  token: the whole request path (middleware, token authentication, throttle, room
  access, `report_create`, the response's JSON), without a socket or an HTTP parser.
- socket: a `WebsocketCommunicator` on the real ASGI application sends `report.create`
  frames on one room socket and waits for each `report.ack` (the Redis channel layer
  carries `report.created` back to the same socket).

Each post is a realistic hit: a parcel with a tracking number, a sender with a company
and a recipient with a phone and an address, a seizure line, and a text naming a vendor
handle, a market, an IBAN, an e-mail address and a phone number. "cpu/post" is this
process's CPU time (all threads) over the timed posts divided by their number: the
server's work plus the test client's own (building and reading the request, small).
Latency is the wall time of each post, p50/p99. `--profile` writes a cProfile of the
REST posts and prints the 30 costliest functions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

IBANS = ["DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606"]
MARKETS = ["Archetyp Market", "Abacus Market", "Bohemia market", "AlphaBay"]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commandcentre.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("AUDIT_LOG_LEVEL", "WARNING")
    # No HTTPS redirect for the test client; no posting limit in the way.
    os.environ["TESTING"] = "1"
    os.environ.setdefault("REPORT_POST_RATE", "1000000/s")
    os.environ.setdefault("WS_REPORTS_PER_SECOND", "1000000")
    os.environ.setdefault("WS_REPORTS_BURST", "1000000")
    import django

    django.setup()


def report(rng: random.Random, generator: Any, country: str) -> dict:
    """A hit with a parcel, two parties and a few selectors in its text."""
    handle = rng.choice(generator.handles)
    phone = generator.phone(country)
    return {
        "client_id": str(uuid.uuid4()),
        "kind": "hit",
        "handling": "green",
        "body": (
            f"Parcel opened at the hub. Ordered from vendor {handle} on {rng.choice(MARKETS)}, "
            f"paid to {rng.choice(IBANS)}; buyer wrote from "
            f"buyer{rng.randrange(10_000)}@example.org and gave {phone} as contact."
        ),
        "seizures": [{"category": "firearm_part", "quantity": 2, "description": "Glock slides"}],
        "parcel": {
            "tracking_number": generator.tracking_number("CN"),
            "carrier": "EMS",
            "origin_country": "CN",
            "destination_country": country,
            "declared_content": "auto parts",
            "weight_g": rng.randrange(150, 6000),
            "sender": {"name": generator.name(), "company": "Shenzhen Trading Ltd"},
            "recipient": {
                "name": generator.name(),
                "phone": generator.phone(country),
                "address": generator.address(country),
            },
        },
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _figures(via: str, latencies: list[float], cpu: float, wall: float) -> dict:
    n = len(latencies)
    return {
        "via": via,
        "posts": n,
        "cpu_ms_per_post": round(cpu / n * 1000, 2),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
        "posts_per_s": round(n / wall, 1),
    }


def _print(figures: dict) -> None:
    print(
        f"{figures['via']:>6}: {figures['posts']} posts, "
        f"cpu/post {figures['cpu_ms_per_post']:.2f} ms, "
        f"p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms, "
        f"{figures['posts_per_s']:.0f} posts/s"
    )


def bench_rest(fixture: dict, make, posts: int, warmup: int, profile: Path | None) -> dict:
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {fixture['tokens'][0]}")
    url = f"/api/v1/rooms/{fixture['room']}/reports/"
    bodies = [make() for _ in range(warmup + posts)]
    for data in bodies[:warmup]:
        response = client.post(url, data, format="json")
        assert response.status_code == 201, response.content
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    latencies = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for data in bodies[warmup:]:
        t0 = time.perf_counter()
        response = client.post(url, data, format="json")
        latencies.append(time.perf_counter() - t0)
        assert response.status_code == 201, response.content
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    if profiler is not None:
        import pstats

        profiler.disable()
        profiler.dump_stats(profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return _figures("rest", latencies, cpu, wall)


def bench_socket(fixture: dict, make, posts: int, warmup: int) -> dict:
    import asyncio

    from channels.testing import WebsocketCommunicator

    from commandcentre.asgi import application

    async def run() -> tuple[list[float], float, float]:
        headers = [
            (b"origin", b"http://127.0.0.1"),
            (b"authorization", f"Token {fixture['tokens'][1]}".encode()),
        ]
        socket = WebsocketCommunicator(application, f"/ws/rooms/{fixture['room']}/", headers)
        connected, _ = await socket.connect(timeout=10)
        assert connected

        async def post(data: dict) -> None:
            await socket.send_json_to({"type": "report.create", "report": data})
            while True:
                event = await socket.receive_json_from(timeout=10)
                if event["type"] == "report.ack" and event["client_id"] == data["client_id"]:
                    return
                assert event["type"] != "error", event

        bodies = [make() for _ in range(warmup + posts)]
        for data in bodies[:warmup]:
            await post(data)
        latencies = []
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for data in bodies[warmup:]:
            t0 = time.perf_counter()
            await post(data)
            latencies.append(time.perf_counter() - t0)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        await socket.disconnect()
        return latencies, cpu, wall

    latencies, cpu, wall = asyncio.run(run())
    return _figures("socket", latencies, cpu, wall)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--via", default="rest,socket")
    parser.add_argument("--profile", type=Path, help="cProfile the REST posts into this file")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)

    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from apps.tools.synthetic import Generator

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        print("note: not PostgreSQL + Redis; figures are for the embedded default", file=sys.stderr)
    call_command("migrate", verbosity=0)
    out = Path(f"/tmp/cc-bench-post-{os.getpid()}.json")
    call_command("bench_fixture", officers=26, out=str(out), code_name="BENCH-POST", verbosity=0)
    fixture = json.loads(out.read_text())
    out.unlink()

    rng = random.Random(11)
    generator = Generator(seed=11)

    def make() -> dict:
        return report(rng, generator, "GR")

    results: dict[str, Any] = {
        "database": connection.vendor,
        "redis": bool(settings.REDIS_URL),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    for via in args.via.split(","):
        if via == "rest":
            figures = bench_rest(fixture, make, args.posts, args.warmup, args.profile)
        elif via == "socket":
            figures = bench_socket(fixture, make, args.posts, args.warmup)
        else:
            parser.error(f"--via: unknown {via!r}")
        results[via] = figures
        _print(figures)
    results["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
