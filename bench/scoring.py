"""Scoring benchmark: parcels/s through parcels_score, in batches, against a loaded database.

    DATABASE_URL=sqlite:////tmp/cc-intel-bench.sqlite3 .venv/bin/python -m bench.scoring
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_intel_bench .venv/bin/python -m bench.scoring \
        --url http://127.0.0.1:8000   # also through the API of a server on that database

Run it after bench.import_bench on the same database: the indicators then look
their evidence up among that many earlier reports (selector and name-key indexes).
It adds the seven indicators of `manage.py simulate_operation` to the operation
"BENCH-INTEL" and scores synthetic action-week parcels (2 % of them tied to a
person of the earlier seizures), in batches of each --sizes, with and without
recording the flagged parcels.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,10,100,1000,5000")
    parser.add_argument("--parcels", type=int, default=10_000, help="parcels scored per batch size")
    parser.add_argument(
        "--earlier-rows",
        type=int,
        default=20_000,
        help="rows of synthetic earlier data to draw linked parcels from (same seed as the import)",
    )
    parser.add_argument("--url", help="also score through the API of a server on this database")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commandcentre.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from apps.intel.models import Indicator, IndicatorStat
    from apps.intel.scoring import operation_rules, parcels_score
    from apps.intel.services import indicator_create
    from apps.reports.models import Report
    from apps.tools.management.commands.simulate_operation import INDICATORS
    from apps.tools.synthetic import COUNTRIES, Generator
    from bench.import_bench import _fixture

    call_command("migrate", verbosity=0)
    analyst, operation = _fixture()
    for data in INDICATORS:
        if not Indicator.objects.filter(operation=operation, name=data["name"]).exists():
            indicator_create(operation=operation, officer=analyst, data=data)
    generator = Generator(seed=7)
    for _ in generator.earlier_rows(args.earlier_rows):  # the people the import has, to link to
        pass
    earlier = Report.objects.filter(room__operation=operation).count()
    print(
        f"{connection.vendor}: {earlier:,} earlier reports in BENCH-INTEL; "
        f"{Indicator.objects.filter(operation=operation, active=True).count()} active indicators"
    )

    results: dict = {
        "database": connection.vendor,
        "earlier_reports": earlier,
        "in_process": [],
        "api": [],
    }
    rules = operation_rules(operation)
    for size in [int(s) for s in args.sizes.split(",")]:
        for record in (False, True):
            count = max(size, (args.parcels // size) * size)
            batches = [
                [
                    generator.parcel(
                        generator.random.choice(COUNTRIES), linked=generator.random.random() < 0.02
                    )
                    for _ in range(size)
                ]
                for _ in range(count // size)
            ]
            times = []
            fired = 0
            started = time.perf_counter()
            cpu = time.process_time()
            for batch in batches:
                t = time.perf_counter()
                out = parcels_score(
                    operation=operation, officer=analyst, parcels=batch, record=record, rules=rules
                )
                times.append(time.perf_counter() - t)
                fired += sum(1 for r in out if r.get("indicators"))
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            row = {
                "batch": size,
                "record": record,
                "parcels": count,
                "parcels_per_s": round(count / elapsed),
                "parcels_per_cpu_s": round(count / cpu),
                "batch_p50_ms": round(statistics.median(times) * 1000, 1),
                "batch_max_ms": round(max(times) * 1000, 1),
                "flagged_share": round(fired / count, 3),
            }
            results["in_process"].append(row)
            print(
                f"batch {size:>5} record={record!s:<5} {row['parcels_per_s']:>7,} parcels/s "
                f"({row['parcels_per_cpu_s']:,}/CPU-s)  batch p50 {row['batch_p50_ms']} ms "
                f"max {row['batch_max_ms']} ms  flagged {row['flagged_share']:.0%}"
            )
    flagged = IndicatorStat.objects.filter(operation=operation).values_list(
        "indicator__name", "flagged"
    )
    print("flagged so far:", dict(flagged))
    if args.url:
        results["api"] = asyncio.run(_api(args, operation, analyst, generator))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


async def _api(args, operation, analyst, generator) -> list[dict]:
    from asgiref.sync import sync_to_async

    from apps.accounts.services import token_issue
    from apps.tools.simulation import Http
    from apps.tools.synthetic import COUNTRIES

    token = (await sync_to_async(token_issue)(officer=analyst)).key
    http = Http(args.url, token, args.url)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        count = max(size, (args.parcels // size) * size)
        times = []
        started = time.perf_counter()
        for _ in range(count // size):
            batch = [generator.parcel(generator.random.choice(COUNTRIES)) for _ in range(size)]
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
