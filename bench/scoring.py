"""Scoring benchmark: parcels/s through parcels_score per batch size, single-parcel p50/p99.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_scoring \
        .venv/bin/python -m bench.scoring --earlier 1000000 --sizes 1,10,100,1000,5000
    ... --keep                 # keep the database, load only what is missing up to --earlier
    ... --reuse                # keep it and load nothing: measure against what is there
    ... --url http://127.0.0.1:8000   # also through the API of a server on that database
    ... --processes 1          # SCORING_PROCESSES: 1 scores every batch in this process

On PostgreSQL the database named by DATABASE_URL is dropped and created again
(unless --keep or --reuse): give it a scratch name. `--earlier` reports are
loaded with COPY into the room "Earlier seizures" of the operation BENCH-INTEL,
with bench.crossmatch's loader (a hit with a sender, their phone, a tracking
number and the sender's name keys, as the write path stores them). With
`--earlier 0` (and on SQLite) nothing is loaded: run bench.import_bench first.

The operation gets `--indicators` (20) active indicators: the seven of
`manage.py simulate_operation` and more of every kind (routes, watched
selectors, words, weights). Parcels are synthetic action-week parcels; 2 % name
the recipient of an earlier report (the same person, half of them with the
same phone). It prints parcels/s (and per CPU-second of this process and its
scoring helpers; the CPU of the database's backends per parcel beside it) per
batch size, with and without recording the flagged parcels, and the latency of
a single parcel (`--singles` of them, p50/p99). Django runs with DEBUG off (as
in production) unless DEBUG is set.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

#: Indicators added to the simulator's seven, up to --indicators.
MORE_INDICATORS = [
    {"name": "Route US -> Balkans", "kind": "route", "weight": 10,
     "params": {"origin": ["US", "CA"], "destination": ["GR", "AL", "RS", "BG", "MK", "CY"]}},
    {"name": "Route TR -> EU", "kind": "route", "weight": 8,
     "params": {"origin": ["TR"], "destination": ["DE", "NL", "BE", "FR", "AT", "GR"]}},
    {"name": "Destination of earlier seizures", "kind": "destination_country", "weight": 5,
     "params": {"countries": ["GR", "AL", "RS", "BG", "HR"]}},
    {"name": "Origin in Asia", "kind": "origin_country", "weight": 3,
     "params": {"countries": ["CN", "HK", "TH"]}},
    {"name": "Light parts", "kind": "weight_range", "weight": 5,
     "params": {"min_g": 200, "max_g": 800}},
    {"name": "Heavy parcel", "kind": "weight_range", "weight": 3, "params": {"min_g": 4000}},
    {"name": "Declared as toys or gifts", "kind": "declared_content", "weight": 5,
     "params": {"words": ["toy*", "gift*", "sample*", "present"]}},
    {"name": "Declared as car parts", "kind": "declared_content", "weight": 8,
     "params": {"words": ["car parts", "auto*", "engine*", "exhaust"]}},
    {"name": "Postal carrier of the route", "kind": "carrier", "weight": 2,
     "params": {"carriers": ["USPS", "Turkish Post", "China Post"]}},
    {"name": "Person seen in earlier intelligence", "kind": "earlier_person", "weight": 20,
     "params": {"min_score": 0.9, "report_kinds": ["intel"], "roles": ["recipient"]}},
    {"name": "Phone seen in earlier checks", "kind": "earlier_selector", "weight": 10,
     "params": {"types": ["phone", "email"], "report_kinds": ["check", "hit"]}},
    {"name": "Marketplace or vendor only", "kind": "dark_web", "weight": 15,
     "params": {"signals": ["marketplace", "vendor_handle"], "words": ["escrow", "pgp"]}},
]  # fmt: skip
WATCHED = 300  # tracking numbers and phones on the watch list indicator


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--earlier", type=int, default=100_000, help="earlier reports (COPY)")
    parser.add_argument("--keep", action="store_true", help="do not recreate the database")
    parser.add_argument("--reuse", action="store_true", help="keep the database and load nothing")
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--parcels", type=int, default=10_000, help="parcels scored per batch size")
    parser.add_argument("--singles", type=int, default=2000, help="single parcels timed")
    parser.add_argument("--record", default="0,1", help="record settings to measure (0, 1)")
    parser.add_argument(
        "--processes",
        type=int,
        help="SCORING_PROCESSES: cores a large batch is scored on (default: the setting's)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the batches here")
    parser.add_argument("--url", help="also score through the API of a server on this database")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commandcentre.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # DEBUG off as in production: with it, Django formats and keeps every query.
    os.environ.setdefault("DEBUG", "0")
    if url.startswith("postgres") and not (args.keep or args.reuse):
        from bench.crossmatch import recreate_database

        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return run(args)


def run(args) -> dict:
    from django.conf import settings
    from django.db import connection

    from apps.intel.models import Indicator, IndicatorStat
    from apps.intel.scoring import parcels_score
    from apps.intel.services import indicator_create
    from apps.reports.models import Report
    from apps.tools.management.commands.simulate_operation import INDICATORS
    from apps.tools.synthetic import COUNTRIES, Generator

    analyst, operation, room = _fixture()
    rng = random.Random(args.seed)
    loaded = Report.objects.filter(room=room).count()
    if connection.vendor == "postgresql" and not args.reuse and args.earlier > loaded:
        started = time.perf_counter()
        _load(connection, rng, room, analyst, loaded, args.earlier - loaded)
        print(
            f"loaded {args.earlier - loaded:,} earlier reports in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    generator = Generator(seed=args.seed)
    generator.people = _earlier_people(connection, room, 2000)
    watched = _watched(generator, rng)
    wanted = (INDICATORS + MORE_INDICATORS + [watched])[: args.indicators]
    have = set(Indicator.objects.filter(operation=operation).values_list("name", flat=True))
    for data in wanted:
        if data["name"] not in have:
            indicator_create(operation=operation, officer=analyst, data=data)
    names = [d["name"] for d in wanted]
    Indicator.objects.filter(operation=operation).exclude(name__in=names).update(active=False)
    Indicator.objects.filter(operation=operation, name__in=names).update(active=True)
    earlier = Report.objects.filter(room__operation=operation).count()
    active = Indicator.objects.filter(operation=operation, active=True).count()
    print(
        f"{connection.vendor}: {earlier:,} earlier reports in BENCH-INTEL; "
        f"{active} active indicators; load average {os.getloadavg()[0]:.2f}"
    )

    def parcels(n: int) -> list[dict]:
        return [
            generator.parcel(
                generator.random.choice(COUNTRIES), linked=generator.random.random() < 0.02
            )
            for _ in range(n)
        ]

    results: dict = {
        "database": connection.vendor,
        "earlier_reports": earlier,
        "indicators": active,
        "in_process": [],
        "single": {},
        "api": [],
    }
    score = parcels_score
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    if args.processes is not None:
        settings.SCORING_PROCESSES = args.processes
    from apps.intel.scoring import SPLIT_AT
    from apps.intel.scoring_pool import scoring_processes

    print(f"scoring on {scoring_processes()} processes (batches of {SPLIT_AT} or more)")
    # warm: the compiled rules, the helper processes
    parcels_score(operation=operation, officer=analyst, parcels=parcels(SPLIT_AT), record=False)
    for size in [int(s) for s in args.sizes.split(",") if s]:
        for record in [r == "1" for r in args.record.split(",")]:
            count = max(size, (args.parcels // size) * size)
            batches = [parcels(size) for _ in range(count // size)]
            times = []
            fired = 0
            started = time.perf_counter()
            cpu, db_cpu = _scoring_cpu(), _database_cpu(connection)
            if profiler:
                profiler.enable()
            for batch in batches:
                t = time.perf_counter()
                out = score(operation=operation, officer=analyst, parcels=batch, record=record)
                times.append(time.perf_counter() - t)
                fired += sum(1 for r in out if r.get("indicators"))
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - started
            cpu, db_cpu = _scoring_cpu() - cpu, _database_cpu(connection) - db_cpu
            row = {
                "batch": size,
                "record": record,
                "parcels": count,
                "parcels_per_s": round(count / elapsed),
                "parcels_per_cpu_s": round(count / cpu),
                "database_cpu_us_per_parcel": round(db_cpu / count * 1e6),
                "batch_p50_ms": round(statistics.median(times) * 1000, 1),
                "batch_max_ms": round(max(times) * 1000, 1),
                "flagged_share": round(fired / count, 3),
            }
            results["in_process"].append(row)
            print(
                f"batch {size:>5} record={record!s:<5} {row['parcels_per_s']:>7,} parcels/s "
                f"({row['parcels_per_cpu_s']:,}/CPU-s, database "
                f"{row['database_cpu_us_per_parcel']} us CPU/parcel)  batch p50 "
                f"{row['batch_p50_ms']} ms max {row['batch_max_ms']} ms  "
                f"flagged {row['flagged_share']:.0%}  load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    if args.singles:
        for record in [r == "1" for r in args.record.split(",")]:
            singles = parcels(args.singles)
            times = []
            for parcel in singles:
                t = time.perf_counter()
                score(operation=operation, officer=analyst, parcels=[parcel], record=record)
                times.append((time.perf_counter() - t) * 1000)
            single = {
                "parcels": len(times),
                "p50_ms": round(_percentile(times, 50), 2),
                "p99_ms": round(_percentile(times, 99), 2),
                "max_ms": round(max(times), 2),
            }
            results["single"]["record" if record else "no_record"] = single
            print(
                f"single parcel record={record!s:<5} p50 {single['p50_ms']} ms  "
                f"p99 {single['p99_ms']} ms  max {single['max_ms']} ms  ({len(times)} parcels)",
                flush=True,
            )
    if profiler:
        profiler.dump_stats(args.profile)
        print(f"profile written to {args.profile}")
    flagged = IndicatorStat.objects.filter(operation=operation).values_list(
        "indicator__name", "flagged"
    )
    print("flagged so far:", dict(flagged))
    print(f"load average now {os.getloadavg()[0]:.2f}")
    if args.url:
        results["api"] = asyncio.run(_api(args, operation, analyst, parcels))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a live process of this machine (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _scoring_cpu() -> float:
    """CPU seconds of this process and its live scoring helpers."""
    from apps.intel import scoring_pool

    pool = scoring_pool._pool
    helpers = list(getattr(pool, "_processes", None) or {}) if pool is not None else []
    return time.process_time() + sum(_cpu_of(pid) for pid in helpers)


def _database_cpu(connection) -> float:
    """CPU seconds of the PostgreSQL backends connected to this database (same machine)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend'"
        )
        return sum(_cpu_of(pid) for (pid,) in cursor.fetchall())


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _fixture():
    from apps.operations.services import room_get_or_create, room_member_add
    from bench.import_bench import _fixture as import_fixture

    analyst, operation = import_fixture()
    room = room_get_or_create(operation=operation, name="Earlier seizures")
    room_member_add(room=room, agency=analyst.agency)
    return analyst, operation, room


def _load(connection, rng, room, analyst, offset: int, count: int) -> None:
    from apps.crossmatch.blocking import person_blocking_keys
    from apps.reports.normalise import normalise
    from bench.crossmatch import copy_earlier

    copy_earlier(
        connection, rng, room, analyst, analyst.agency, offset, count, [],
        person_blocking_keys, normalise,
    )  # fmt: skip
    with connection.cursor() as cursor:
        # What autovacuum does to a database in use: the visibility map lets the
        # name-key lookups read the index alone (no heap page per holder).
        cursor.execute("VACUUM ANALYZE")


def _earlier_people(connection, room, n: int) -> list[dict]:
    """People of `n` random earlier reports: name, date of birth, phone."""
    from apps.reports.models import Party, Selector

    ids = list(
        Party.objects.filter(report__room=room)
        .order_by("?")
        .values_list("report_id", flat=True)[:n]
    )
    phones = dict(
        Selector.objects.filter(report_id__in=ids, type="phone").values_list("report_id", "value")
    )
    people = []
    for report_id, name, dob in Party.objects.filter(report_id__in=ids).values_list(
        "report_id", "name", "date_of_birth"
    ):
        person = {"name": name}
        if dob:
            person["date_of_birth"] = dob.isoformat()
        if report_id in phones:
            person["phone"] = phones[report_id]
        people.append(person)
    return people


def _watched(generator, rng: random.Random) -> dict:
    """A watch list of tracking numbers and phones, some of which the parcels will carry."""
    from apps.tools.synthetic import COUNTRIES

    selectors = []
    for _ in range(WATCHED // 2):
        selectors.append({"type": "phone", "value": generator.phone(rng.choice(COUNTRIES))})
        selectors.append({"type": "tracking_number", "value": generator.tracking_number("US")})
    return {"name": "Watch list", "kind": "watched_selector", "weight": 60,
            "params": {"selectors": selectors}}  # fmt: skip


async def _api(args, operation, analyst, parcels) -> list[dict]:
    from asgiref.sync import sync_to_async

    from apps.accounts.services import token_issue
    from apps.tools.simulation import Http

    token = (await sync_to_async(token_issue)(officer=analyst)).key
    http = Http(args.url, token, args.url)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        count = max(size, (args.parcels // size) * size)
        times = []
        started = time.perf_counter()
        for _ in range(count // size):
            batch = parcels(size)
            t = time.perf_counter()
            status, data = await http.request(
                "POST", f"/api/v1/operations/{operation.pk}/score/?record=0", {"parcels": batch}
            )
            times.append(time.perf_counter() - t)
            assert status == 200, (status, str(data)[:300])
        elapsed = time.perf_counter() - started
        row = {
            "batch": size,
            "parcels": count,
            "parcels_per_s": round(count / elapsed),
            "request_p50_ms": round(statistics.median(times) * 1000, 1),
            "request_max_ms": round(max(times) * 1000, 1),
        }
        rows.append(row)
        print(
            f"API batch {size:>5}: {row['parcels_per_s']:>7,} parcels/s  request p50 "
            f"{row['request_p50_ms']} ms  max {row['request_max_ms']} ms"
        )
    await http.close()
    return rows


if __name__ == "__main__":
    main()
