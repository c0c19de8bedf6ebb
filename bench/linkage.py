"""Linkage quality through the matcher: the labelled people, addresses and companies.

    env -u DATABASE_URL -u REDIS_URL .venv/bin/python -m bench.linkage
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_linkage .venv/bin/python -m bench.linkage
    .venv/bin/python -m bench.linkage --entities person --subset 4   # the test suite's subset

Each record of tests/crossmatch/labelled.py is posted as a report naming it, through the
real write path (`report_create`), and matched on commit by `report_match` as the worker
does (Celery runs in-process here), alerts included. Prints precision, recall, F1 and
tp/fp/fn for the labelled pairs and for every pair of reports, per entity, and writes the
false matches and missed pairs of each run to --review-dir/linkage-review-<entity>.tsv.

Without DATABASE_URL it uses a SQLite file of its own (--sqlite, recreated each run).
On PostgreSQL, the named database is flushed first: give it one of its own.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ENTITIES = ("person", "address", "company")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", default=",".join(ENTITIES))
    parser.add_argument(
        "--subset", type=int, default=0, help="people: only N pairs of each kind (0: all)"
    )
    parser.add_argument("--review-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--sqlite", type=Path, default=Path("/tmp/cc-linkage.sqlite3"))
    args = parser.parse_args(argv)
    entities = [e for e in args.entities.split(",") if e]
    if not set(entities) <= set(ENTITIES):
        parser.error(f"--entities: one or more of {', '.join(ENTITIES)}")

    if not os.environ.get("DATABASE_URL"):
        args.sqlite.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{args.sqlite}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commandcentre.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("AUDIT_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from commandcentre.celery import app
    from tests.crossmatch import labelled, linkage
    from tests.factories import report_data

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)  # the countries the data migration loads
    app.conf.task_always_eager = True  # match on commit in this process, as the test does

    from apps.crossmatch.models import ExcludedSelector, NameTokenCount
    from apps.reports.models import Report
    from apps.reports.services import report_create

    def post(author, room, kind="update", **fields):
        # autocommit: the on-commit work (the matching task) runs before this returns
        return report_create(room=room, author=author, data=report_data(kind, **fields)).report

    t0 = time.perf_counter()
    labelled_set = labelled.build()
    print(f"labelled set built in {time.perf_counter() - t0:.1f}s ({connection.vendor})")
    results: dict = {}
    world = linkage.linkage_world({r.country for r in labelled_set.people} | {"NL"})
    for entity in entities:
        # each entity from an empty database: no keys, counts or matches of the one before
        Report.objects.all().delete()
        NameTokenCount.objects.all().delete()
        ExcludedSelector.objects.all().delete()
        if entity == "person":
            rows, pairs = (
                linkage.stratified_people(labelled_set, per_kind=args.subset)
                if args.subset
                else (labelled_set.people, labelled_set.person_pairs)
            )
            run = linkage.people_run(labelled_set, post, world, rows, pairs)
        else:
            places, pairs = (
                (labelled_set.addresses, labelled_set.address_pairs)
                if entity == "address"
                else (labelled_set.companies, labelled_set.company_pairs)
            )
            run = linkage.places_run(entity, places, pairs, post, world.coordinator, world.room)
        review = args.review_dir / f"linkage-review-{entity}.tsv"
        linkage.review_write(run, review)
        print(f"\n{entity}: {run.records} reports posted and matched in {run.seconds:.1f}s")
        print(f"  labelled pairs        {run.labelled.line()}")
        print(f"  every pair of reports {run.stream.line()}")
        if run.missed_kinds:
            print("  missed by kind:", dict(run.missed_kinds.most_common(12)))
        if entity == "person" and run.labelled.fn:
            print(
                f"  missed: {run.never_candidates} never a candidate (blocking), "
                f"{run.labelled.fn - run.never_candidates} scored under the threshold"
            )
        if run.wrong_kinds:
            print("  wrong by kind:", dict(run.wrong_kinds.most_common(12)))
        print(f"  review: {review} ({len(run.review)} rows)")
        results[entity] = run
        sys.stdout.flush()
    return results


if __name__ == "__main__":
    main()
