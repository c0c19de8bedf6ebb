"""Cross-matching benchmark: matching time of a new report against 10k, 100k, 1M earlier ones.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_bench_xm \
        .venv/bin/python -m bench.crossmatch --sizes 10000,100000,1000000 --new 300

Earlier reports are loaded with PostgreSQL COPY (reports, parties, selectors and
the blocking keys of their people, as the write path would store them); each
size step adds to the ones before. Then, at each size, `--new` reports go
through the real write path (report_create) and the real matcher
(report_match) is timed for each: p50/p95/p99. The new reports share a phone
with one earlier report and name a person like an earlier one with a typo,
so every match is real work: an index lookup, candidates, scoring, a Match
row and alerts.

The database named by DATABASE_URL is dropped and created again: give it a
scratch name.
"""

import argparse
import io
import os
import random
import sys
import time
import uuid
from datetime import date, timedelta

GIVEN = [
    "Georgios",
    "Dimitrios",
    "Ioannis",
    "Konstantinos",
    "Nikolaos",
    "Arben",
    "Besnik",
    "Dritan",
    "Ivan",
    "Georgi",
    "Dimitar",
    "Stefan",
    "Aleksandar",
    "Maria",
    "Elena",
    "Anna",
    "Fatmir",
    "Luan",
    "Andrei",
    "Mihai",
    "Pierre",
    "Jean",
    "Hans",
    "Peter",
    "Thomas",
    "Michael",
    "Laszlo",
    "Tamas",
    "Jan",
    "Petr",
    "Lukas",
    "Jonas",
    "Mikko",
    "Erik",
    "Lars",
    "Sean",
    "James",
    "John",
    "Carlos",
    "Jose",
    "Joao",
    "Ana",
    "Sofia",
]
SYLLABLES = [
    "pa",
    "po",
    "lo",
    "ri",
    "ka",
    "de",
    "mi",
    "tra",
    "no",
    "va",
    "sko",
    "vic",
    "hox",
    "ha",
    "ber",
    "ger",
    "man",
    "ton",
    "sen",
    "lis",
    "dor",
    "gan",
    "zel",
    "mer",
    "kos",
    "tas",
    "pou",
    "los",
    "dis",
    "nov",
    "lev",
    "rov",
    "ski",
    "esc",
    "ola",
    "ari",
]


def family_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def s10(rng: random.Random) -> str:
    serial = f"{rng.randrange(10**8):08d}"
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return f"{rng.choice(['RR', 'CP', 'LX', 'EE'])}{serial}{check}{rng.choice(['US', 'GR', 'DE', 'CN'])}"


def typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1 :]  # one deletion


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--new", type=int, default=300, help="new reports matched at each size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="do not recreate the database: load only what the sizes add to what it holds",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: measure against the earlier reports already loaded, loading none",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (it is dropped and recreated).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commandcentre.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault(
        "REDIS_URL", "redis://127.0.0.1:6379/9"
    )  # alerts published as a worker would
    if not args.keep:
        recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(args)


def run(args) -> None:
    from django.db import connection

    from apps.accounts.models import Country, Role
    from apps.accounts.services import agency_get_or_create, officer_create
    from apps.crossmatch import blocking, candidates
    from apps.crossmatch import services as matcher
    from apps.operations.models import Room
    from apps.operations.services import (
        operation_get_or_create,
        participation_add,
        room_get_or_create,
        room_member_add,
    )
    from apps.reports import services as write_path
    from apps.reports.models import Report
    from apps.reports.normalise import normalise
    from apps.reports.selectors import with_details

    rng = random.Random(args.seed)
    operation, _ = operation_get_or_create(code_name="XM BENCH", phase="action")
    earlier_room = room_get_or_create(operation=operation, name="Earlier seizures")
    live_room = room_get_or_create(operation=operation, name="Action week")
    gr = agency_get_or_create(country="GR", name="XM Customs GR", kind="customs")
    al = agency_get_or_create(country="AL", name="XM Police AL", kind="police")
    for agency in (gr, al):
        participation_add(operation=operation, agency=agency)
        for room in (earlier_room, live_room):
            room_member_add(room=room, agency=agency)
    from apps.accounts.models import Officer

    analyst = Officer.objects.filter(username="xm.analyst").first() or officer_create(
        username="xm.analyst", password="x" * 12, agency=gr, role=Role.ANALYST
    )
    officer = Officer.objects.filter(username="xm.officer").first() or officer_create(
        username="xm.officer", password="x" * 12, agency=al, role=Role.OFFICER
    )
    assert Country.objects.filter(code="GR").exists()

    # Keep the write path from enqueueing matching tasks: the matcher is timed directly.
    from apps.crossmatch import tasks as matching_tasks

    matching_tasks.enqueue_on_commit = lambda *a, **k: None

    earlier: list[tuple[int, str, str, date]] = []  # (report id, phone, name, dob)
    loaded = 0
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        "find = candidates from the indexes + scoring; total = report_match: find, save the "
        "matches and alerts, publish them"
    )
    print(
        f"{'earlier':>9} {'load s':>7} {'keys/name':>9} {'find p50':>9} {'p99':>8} "
        f"{'total p50':>10} {'p95':>8} {'p99':>8} {'max':>8} {'pairs/report':>15}"
    )
    if args.keep:  # go on from the earlier reports loaded before
        from apps.reports.models import Party

        loaded = Report.objects.filter(room=earlier_room).count()
        with connection.cursor() as cursor:  # a load stopped before its end left them behind
            for table in ("reports_report", "reports_party"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
        sample = Party.objects.filter(report__room=earlier_room).order_by("?")[:2000]
        for party in sample.select_related("report").prefetch_related("report__selectors"):
            phone = next(s.value for s in party.report.selectors.all() if s.type == "phone")
            earlier.append((party.report_id, phone, party.name, party.date_of_birth))
        sizes = [loaded] if args.reuse else [s for s in sizes if s > loaded]
    for size in sizes:
        started = time.perf_counter()
        added = size - loaded
        keys_total = copy_earlier(
            connection,
            rng,
            earlier_room,
            analyst,
            gr,
            loaded,
            size - loaded,
            earlier,
            blocking.person_blocking_keys,
            normalise,
        )
        load_s = time.perf_counter() - started
        loaded = size
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        timings, finding, matches = [], [], 0
        for _ in range(args.new):
            target_id, phone, name, dob = rng.choice(earlier)
            given, family = name.split(" ", 1)
            data = {
                "client_id": str(uuid.uuid4()),
                "kind": "intel",
                "body": f"Buyer called from {phone} about a parcel.",
                "people": [
                    {"name": f"{given} {typo(family, rng)}", "date_of_birth": dob.isoformat()}
                ],
                "parcel": {"tracking_number": s10(rng)},
            }
            report = write_path.report_create(room=live_room, author=officer, data=data).report
            detailed = with_details(Report.objects.select_related("room__operation")).get(
                pk=report.pk
            )
            t0 = time.perf_counter()
            candidates.batch_candidates([detailed], {})
            finding.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            found = matcher.report_match(report.pk)
            timings.append((time.perf_counter() - t0) * 1000)
            matches += len(found)
        print(
            f"{size:>9} {load_s:>7.1f} {keys_total / max(added, 1):>9.1f} "
            f"{percentile(finding, 50):>7.1f}ms {percentile(finding, 99):>6.1f}ms "
            f"{percentile(timings, 50):>8.1f}ms {percentile(timings, 95):>6.1f}ms "
            f"{percentile(timings, 99):>6.1f}ms {max(timings):>6.1f}ms {matches / args.new:>15.2f}",
            flush=True,
        )
    room = Room.objects.get(pk=live_room.pk)
    print(
        f"({args.new} new reports per size through report_create; matcher timed alone; "
        f"last seq in the live room {room.last_seq})"
    )


def copy_earlier(
    connection, rng, room, author, agency, offset, count, earlier, person_keys, normalise
):
    """COPY `count` earlier reports with a phone, a tracking number and one person."""
    if count <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM reports_report")
        report_id = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM reports_party")
        party_id = cursor.fetchone()[0]
    connection.ensure_connection()
    raw = connection.connection
    keys_total = 0
    batch = 50_000
    for start in range(0, count, batch):
        n = min(batch, count - start)
        reports, parties, selectors, keys = (
            io.StringIO(),
            io.StringIO(),
            io.StringIO(),
            io.StringIO(),
        )
        for i in range(n):
            report_id += 1
            party_id += 1
            seq = offset + start + i + 1
            phone = f"+3069{rng.randrange(10**8):08d}"
            tracking = s10(rng)
            name = f"{rng.choice(GIVEN)} {family_name(rng)}"
            dob = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
            created = "2020-06-01 10:00:00+00"
            reports.write(
                f"{report_id}\t{room.pk}\t{seq}\t{uuid.uuid4()}\t{author.pk}\t{agency.pk}\tGR\t"
                f"hit\tgreen\tEarlier seizure\t{created}\t\t\t\t{created}\n"
            )
            parties.write(
                f"{party_id}\t{report_id}\tsender\t0\t{name}\t{dob.isoformat()}\t\t\t\t\n"
            )
            selectors.write(f"{report_id}\tphone\t{phone}\t{phone}\tparcel.sender.phone\n")
            selectors.write(
                f"{report_id}\ttracking_number\t{tracking}\t{tracking}\tparcel.tracking_number\n"
            )
            for key in person_keys(name, dob, "GR"):
                keys.write(f"{report_id}\t{party_id}\tperson\t{key[:64]}\n")
                keys_total += 1
            if len(earlier) < 200_000:
                earlier.append((report_id, phone, name, dob))
        with raw.cursor() as cursor:
            copies = [
                (
                    "COPY reports_report (id, room_id, seq, client_id, author_id, agency_id, country_id, "
                    "kind, handling, body, created_at, location_name, site_type, outcome, matched_at) "
                    "FROM STDIN",
                    reports,
                ),
                (
                    "COPY reports_party (id, report_id, role, position, name, date_of_birth, address, phone, "
                    "email, company) FROM STDIN",
                    parties,
                ),
                (
                    "COPY reports_selector (report_id, type, value, normalised, source) FROM STDIN",
                    selectors,
                ),
                ("COPY crossmatch_namekey (report_id, party_id, entity, key) FROM STDIN", keys),
            ]
            for sql, buffer in copies:
                with cursor.copy(sql) as copy:
                    copy.write(buffer.getvalue())
        raw.commit()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE operations_room SET last_seq = %s WHERE id = %s", [offset + count, room.pk]
        )
        for table in ("reports_report", "reports_party"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    return keys_total


if __name__ == "__main__":
    main()
