"""How long the dashboard page takes on the server with a big operation.

    python -m bench.dashboard --reports 100000 [--requests 200] [--db /tmp/x.sqlite3]

Fills a scratch database (a SQLite file in /tmp, or the database DATABASE_URL
names: use a throw-away one) with one operation of 26 countries, 52 agencies,
4 rooms and N reports - written in bulk with their seizures and running
totals (apps.dashboard.services.counters_add), not through the one-by-one
write path - then requests the dashboard page with Django's test client as a
coordinator and as an officer, and prints the server time per request
(p50, p95, p99, max). The budget is 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

BUDGET_MS = 300.0
KINDS = ["check"] * 70 + ["update"] * 15 + ["intel"] * 10 + ["hit"] * 5
HANDLINGS = ["green"] * 80 + ["amber"] * 12 + ["clear"] * 4 + ["amber+strict"] * 3 + ["red"]
CATEGORIES = ["firearm", "firearm_part", "ammunition", "other_weapon", "other"]


def _configure(db: str | None) -> str:
    """Point Django at the scratch database before it is imported."""
    url = os.environ.get("DATABASE_URL")
    if db or not url:
        path = db or "/tmp/commandcentre-bench-dashboard.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        url = f"sqlite:///{path}"
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commandcentre.settings")
    # TESTING: no HTTPS redirect, plain static storage; an in-memory channel layer.
    os.environ["TESTING"] = "1"
    os.environ.pop("REDIS_URL", None)
    return url


def _fill(reports: int, seed: int):
    from django.db import connection, transaction

    from apps.accounts.models import Officer, Role
    from apps.accounts.services import agency_get_or_create
    from apps.dashboard.services import counters_add, report_counter_rows
    from apps.operations.models import Operation, Room
    from apps.operations.services import (
        operation_get_or_create,
        participation_add,
        room_get_or_create,
        room_member_add,
    )
    from apps.reports.management.commands.load_demo import COUNTRIES
    from apps.reports.models import Report, Seizure

    if Operation.objects.filter(code_name="BENCH DASHBOARD").exists():
        raise SystemExit("This database already holds the benchmark operation: give an empty one.")
    rng = random.Random(seed)
    with transaction.atomic():
        operation, _ = operation_get_or_create(code_name="BENCH DASHBOARD", phase="action")
        europol = agency_get_or_create(country="NL", name="Europol", kind="coordinator")
        agencies = [europol]
        for code in COUNTRIES:
            agencies.append(
                agency_get_or_create(country=code, name=f"{code} Police", kind="police")
            )
            agencies.append(
                agency_get_or_create(country=code, name=f"{code} Customs", kind="customs")
            )
        for agency in agencies:
            participation_add(operation=operation, agency=agency, coordinating=agency is europol)
        rooms = [
            room_get_or_create(operation=operation, name=name)
            for name in ("Whole operation", "Postal hubs", "Dark-web vendors", "Balkan route")
        ]
        for room in rooms:
            for agency in agencies:
                room_member_add(room=room, agency=agency)
        authors = {}
        for agency in agencies:
            role = Role.COORDINATOR if agency is europol else Role.OFFICER
            officer = Officer(username=f"bench.{agency.pk}", agency=agency, role=role)
            officer.set_password("bench-password")
            officer.save()
            authors[agency.pk] = officer

    start = datetime(2026, 11, 16, 6, tzinfo=UTC)
    seconds = 5 * 24 * 3600
    seqs = {room.pk: 0 for room in rooms}
    totals: dict[tuple[str, str, str], int] = {}
    batch = 5000
    made = 0
    while made < reports:
        size = min(batch, reports - made)
        rows, lines = [], []
        for _ in range(size):
            room = rng.choice(rooms)
            agency = rng.choice(agencies[1:])
            kind = rng.choice(KINDS)
            seqs[room.pk] += 1
            report = Report(
                room=room,
                seq=seqs[room.pk],
                client_id=uuid.uuid4(),
                author=authors[agency.pk],
                agency=agency,
                country_id=agency.country_id,
                kind=kind,
                handling=rng.choice(HANDLINGS),
                created_at=start + timedelta(seconds=rng.randrange(seconds)),
                body="Bench report" if kind != "check" else "",
                checks_count=rng.randint(1, 400) if kind == "check" else None,
                outcome=rng.choice(["clear"] * 90 + ["suspicious"] * 8 + ["hit"] * 2)
                if kind == "check"
                else "",
            )
            seizures = (
                [Seizure(category=rng.choice(CATEGORIES), quantity=rng.randint(1, 20))]
                if kind == "hit"
                else []
            )
            rows.append(report)
            lines.append(seizures)
        with transaction.atomic():
            Report.objects.bulk_create(rows, batch_size=1000)
            flat = []
            for report, seizures in zip(rows, lines, strict=True):
                for seizure in seizures:
                    seizure.report = report
                    flat.append(seizure)
                for *where, amount in report_counter_rows(report, seizures):
                    totals[tuple(where)] = totals.get(tuple(where), 0) + amount
            Seizure.objects.bulk_create(flat, batch_size=1000)
        made += size
        print(f"  {made} reports", end="\r", file=sys.stderr)
    with transaction.atomic():
        counters_add(operation.pk, [(*where, v) for where, v in totals.items()])
        for room in rooms:
            Room.objects.filter(pk=room.pk).update(last_seq=seqs[room.pk])
    print(file=sys.stderr)
    # Planner statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE
    # (SQLite) would have them on a database that grew this big.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    coordinator = authors[europol.pk]
    officer = authors[agencies[1].pk]
    return operation, coordinator, officer


def _measure(client, url: str, requests: int) -> list[float]:
    for _ in range(5):  # warm up: imports, template loading, SQLite page cache
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"p50": statistics.median(ordered), "p95": pct(95), "p99": pct(99), "max": ordered[-1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--db", help="SQLite file to (re)create (default: /tmp, unless DATABASE_URL is set)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if p99 is over the 300 ms budget"
    )
    args = parser.parse_args(argv)

    url = _configure(args.db)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from apps.dashboard.models import Counter
    from apps.reports.models import Report

    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    operation, coordinator, officer = _fill(args.reports, args.seed)
    print(
        f"filled in {time.perf_counter() - began:.1f} s: "
        f"{Report.objects.filter(room__operation=operation).count()} reports, "
        f"{Counter.objects.filter(operation=operation).count()} counters"
    )

    results = {}
    for who, user in (("coordinator", coordinator), ("officer", officer)):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for name, path in (
            ("dashboard page", reverse("dashboard", args=[operation.pk])),
            ("dashboard live json", reverse("dashboard-live", args=[operation.pk])),
        ):
            results[(who, name)] = _summary(_measure(client, path, args.requests))

    print(f"\nserver time over {args.requests} requests (Django test client), ms:")
    print(f"{'as':<12} {'view':<22} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    for (who, name), s in results.items():
        print(
            f"{who:<12} {name:<22} {s['p50']:8.1f} {s['p95']:8.1f} {s['p99']:8.1f} {s['max']:8.1f}"
        )
    worst = max(s["p99"] for (who, name), s in results.items() if name == "dashboard page")
    verdict = "within" if worst <= BUDGET_MS else "OVER"
    print(
        f"\ndashboard page p99 {worst:.1f} ms with {args.reports} reports: {verdict} the {BUDGET_MS:.0f} ms budget"
    )
    return 1 if args.check and worst > BUDGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())
