"""Import benchmark: load N synthetic earlier seizures through the bulk path; print rows/s.

    DATABASE_URL=sqlite:////tmp/cc-intel-bench.sqlite3 \
        .venv/bin/python -m bench.import_bench --rows 1000000 --workers 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_intel_bench \
        .venv/bin/python -m bench.import_bench --rows 1000000 --workers 1

Run it against a scratch database (it migrates it and adds an operation
"BENCH-INTEL"). The file is generated once (apps/tools/synthetic.py, seeded) and
kept in --data-dir. What is timed:

- agencies: the first pass over the file that resolves its agencies (only the
  country, agency and agency_kind columns); part of the load, timed alone here.
- load: reading, validating (the API's report schema), extracting selectors and
  name keys, and writing reports, seizures, parcels, parties, name keys,
  selectors and running totals, a batch per transaction - what
  `manage.py import_seizures` does. Matching is queued, not run (--match queue
  drops the tasks with REDIS_URL unset; with REDIS_URL set and workers running
  they match during the load, as in production).
- match: then the imported reports (the first --match-sample, or all with -1) matched a
  batch at a time by the import's task body (import_batch_match: the set-based matcher),
  in --match-processes processes side by side as that many workers would; reports/s.
  --match-only matches what an earlier run of the same file left unmatched.
- again: the same file imported a second time (everything is found, nothing made).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commandcentre.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    parser.add_argument(
        "--workers", type=int, default=1, help="validating processes beside the writer"
    )
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp"))
    parser.add_argument(
        "--match-sample",
        type=int,
        default=5000,
        help="the first N imported reports to cross-match after the load (-1: all, 0: none)",
    )
    parser.add_argument("--match-processes", type=int, default=1, help="matching side by side")
    parser.add_argument("--match-batch", type=int, default=1000, help="reports per matching task")
    parser.add_argument(
        "--match-only", action="store_true", help="match what an earlier run loaded; load nothing"
    )
    parser.add_argument(
        "--match",
        choices=["queue", "inline"],
        default="queue",
        help="queue: leave matching to workers (dropped without REDIS_URL); "
        "inline: match each batch in this process as it commits",
    )
    parser.add_argument("--again", action="store_true", help="import the same file a second time")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument(
        "--agencies-only", action="store_true", help="time only the agency pass, load nothing"
    )
    args = parser.parse_args(argv)

    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from apps.tools.synthetic import Generator, write_rows

    path = args.data_dir / f"cc-intel-earlier-{args.rows}.{args.format}"
    if not path.exists():
        started = time.monotonic()
        with path.open("w", encoding="utf-8") as out:
            write_rows(out, Generator(seed=7).earlier_rows(args.rows), args.format)
        print(
            f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s"
        )

    call_command("migrate", verbosity=0)
    from commandcentre.celery import app

    if args.match == "queue":
        app.conf.task_always_eager = False
        if not settings.REDIS_URL:
            app.conf.broker_url = "memory://"
    else:
        app.conf.task_always_eager = True

    analyst, operation = _fixture()
    results = {
        "rows": args.rows,
        "format": args.format,
        "database": connection.vendor,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "file_mb": round(path.stat().st_size / 1e6, 1),
    }
    results["agencies"] = _agency_pass(path, args.format)
    a = results["agencies"]
    print(
        f"agencies: the first pass (country, agency, agency_kind of every row) read "
        f"{a['rows']:,} rows in {a['seconds']:.1f} s = {a['rows_per_s']:,.0f} rows/s, "
        f"{a['distinct']} distinct agencies (part of the load below); {a['cpu_seconds']:.2f} "
        f"CPU-s = {a['rows_per_cpu_s']:,.0f} rows per CPU-second; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    if args.agencies_only:
        return results
    if args.match_only:
        from apps.intel.models import ImportRun

        run = ImportRun.objects.filter(operation=operation, name=path.name).latest("pk")
        _match_and_print(results, run, args)
        return results
    cpu_before = _cpu_seconds()
    run, seconds = _import(path, args, analyst, operation)
    cpu = _cpu_seconds() - cpu_before
    results["load"] = {
        "seconds": round(seconds, 1),
        "rows_per_s": round(run.rows_total / seconds),
        "cpu_seconds": round(cpu, 1),
        "rows_per_cpu_s": round(run.rows_total / cpu),
        "loadavg_1m": round(os.getloadavg()[0], 1),
        "created": run.rows_created,
        "existing": run.rows_existing,
        "rejected": run.rows_rejected,
        "status": run.status,
    }
    print(
        f"load: {run.rows_total:,} rows in {seconds:.1f} s = {run.rows_total / seconds:,.0f} rows/s "
        f"({connection.vendor}, {args.workers} validating workers, batches of {args.batch_size}); "
        f"{run.rows_created:,} created, {run.rows_existing:,} existing, {run.rows_rejected:,} rejected"
    )
    print(
        f"      CPU of this process and its workers: {cpu:.1f} s = {run.rows_total / cpu:,.0f} rows "
        f"per CPU-second (the database server's CPU not counted); load average {os.getloadavg()[0]:.1f}"
    )
    results["tables"] = _table_sizes()
    print("rows in the tables:", ", ".join(f"{k} {v:,}" for k, v in results["tables"].items()))

    if args.match_sample:
        _match_and_print(results, run, args)
    if args.again:
        again, seconds = _import(path, args, analyst, operation)
        results["again"] = {
            "seconds": round(seconds, 1),
            "rows_per_s": round(again.rows_total / seconds),
            "created": again.rows_created,
            "existing": again.rows_existing,
        }
        print(
            f"again: {again.rows_total:,} rows in {seconds:.1f} s, {again.rows_created} created, "
            f"{again.rows_existing:,} found already imported"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


def _match_and_print(results: dict, run, args) -> None:
    results["match"] = m = _match_sample(
        run, args.match_sample, args.match_processes, args.match_batch
    )
    print(
        f"match: {m['reports']:,} imported reports cross-matched in {m['seconds']:.1f} s = "
        f"{m['reports_per_s']:,.0f} reports/s ({m.get('processes', 1)} processes, batches "
        f"of {args.match_batch}); {m['matches']:,} pairs; CPU {m.get('cpu_seconds', 0):.1f} s "
        f"(the database server's not counted); load average {m.get('loadavg_1m', 0)}"
    )


def _cpu_seconds() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _agency_pass(path: Path, file_format: str) -> dict:
    from apps.intel.imports import agencies_scan

    started, cpu = time.monotonic(), time.process_time()
    with path.open("rb") as fh:
        counts = agencies_scan(fh, file_format)
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    rows = sum(counts.values())
    return {
        "rows": rows,
        "distinct": len(counts),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "cpu_seconds": round(cpu, 2),
        "rows_per_cpu_s": round(rows / cpu),
    }


def _fixture():
    from apps.accounts.models import Officer, Role
    from apps.accounts.services import agency_get_or_create
    from apps.operations.services import operation_get_or_create, participation_add
    from apps.tools.synthetic import COUNTRIES, agency_of

    operation, _ = operation_get_or_create(code_name="BENCH-INTEL", phase="intelligence")
    # The partners the synthetic rows name, known before the import (an import never
    # creates an agency it does not know).
    for country in COUNTRIES:
        for kind in ("customs", "police"):
            agency_get_or_create(country=country, name=agency_of(country, kind), kind=kind)
    europol = agency_get_or_create(country="NL", name="Europol", kind="coordinator")
    participation_add(operation=operation, agency=europol)
    analyst = Officer.objects.filter(username="bench.analyst").first()
    if analyst is None:
        analyst = Officer(username="bench.analyst", agency=europol, role=Role.ANALYST)
        analyst.set_unusable_password()
        analyst.save()
    return analyst, operation


def _import(path: Path, args, analyst, operation):
    from apps.intel.imports import import_file, import_run_start

    run = import_run_start(
        operation=operation, officer=analyst, name=path.name, file_format=args.format
    )
    started = time.monotonic()
    last = [started]

    def progress(totals: dict) -> None:
        now = time.monotonic()
        if now - last[0] >= 5:
            last[0] = now
            rate = totals["total"] / (now - started)
            print(f"  {totals['total']:>10,} rows  {rate:,.0f} rows/s", file=sys.stderr, flush=True)

    with path.open("rb") as fh:
        run = import_file(
            run, fh, batch_size=args.batch_size, workers=args.workers, progress=progress
        )
    return run, time.monotonic() - started


def _table_sizes() -> dict[str, int]:
    from django.db import connection

    tables = {
        "reports": "reports_report",
        "parcels": "reports_parcel",
        "seizures": "reports_seizure",
        "parties": "reports_party",
        "selectors": "reports_selector",
        "name_keys": "crossmatch_namekey",
    }
    out = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            out[label] = cursor.fetchone()[0]
    return out


def _match_sample(run, sample: int, processes: int, batch: int) -> dict:
    """Match the run's first `sample` reports (all: -1) as its tasks do, a batch at a time.

    `processes` run the batches side by side (as that many Celery workers would), each
    taking every n-th batch.
    """
    from django.db import connection

    from apps.reports.models import Report

    ids = list(
        Report.objects.filter(import_record__run=run, matched_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if sample >= 0:
        ids = ids[:sample]
    if not ids:
        return {"reports": 0, "seconds": 0.0, "reports_per_s": 0, "matches": 0}
    batches = [ids[i : i + batch] for i in range(0, len(ids), batch)]
    connection.close()
    if hasattr(connection, "close_pool"):  # forked processes must not share pooled sockets
        connection.close_pool()
    started, cpu = time.monotonic(), _cpu_seconds()
    if processes <= 1:
        found = _match_batches(run.pk, batches)
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(processes) as pool:
            found = sum(
                pool.starmap(
                    _match_batches, [(run.pk, batches[k::processes]) for k in range(processes)]
                )
            )
    seconds, cpu = time.monotonic() - started, _cpu_seconds() - cpu
    return {
        "reports": len(ids),
        "processes": processes,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "reports_per_s": round(len(ids) / seconds),
        "matches": found,
        "loadavg_1m": round(os.getloadavg()[0], 1),
    }


def _match_batches(run_id: int, batches: list[list[int]]) -> int:
    """The batch task's body (import_batch_match) over `batches`; the pairs found."""

    from apps.intel.imports import import_batch_match

    found = 0
    started = time.monotonic()
    for n, ids in enumerate(batches, 1):
        found += import_batch_match(run_id, ids, repair=True)
        if n % 10 == 0:
            rate = n * len(ids) / (time.monotonic() - started)
            print(f"  matched {n} batches, {rate:,.0f} reports/s", file=sys.stderr, flush=True)
    return found


if __name__ == "__main__":
    main()
