"""Import a file of earlier seizures into an operation, with a progress bar.

manage.py import_seizures earlier.csv --operation "ARMSTRONG VII" --officer europol.analyst
"""

import hashlib
import os
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Officer
from apps.intel.imports import BATCH_SIZE, import_file, import_run_start
from apps.intel.services import IntelInvalid, IntelRefused
from apps.intel.sources import FORMATS, detect_format
from apps.operations.models import Operation


class Progress:
    """One line on stderr, redrawn at most a few times a second."""

    def __init__(self, stream, size: int, out=sys.stderr):
        self.stream, self.size, self.out = stream, max(size, 1), out
        self.started = self.drawn = time.monotonic()

    def __call__(self, totals: dict) -> None:
        now = time.monotonic()
        if now - self.drawn < 0.25:
            return
        self.drawn = now
        self.draw(totals)

    def draw(self, totals: dict, final: bool = False) -> None:
        done = min(self.stream.tell() / self.size, 1.0) if not final else 1.0
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = totals["total"] / elapsed
        eta = (elapsed / done - elapsed) if 0 < done < 1 else 0
        bar = "#" * int(done * 30)
        self.out.write(
            f"\r[{bar:<30}] {done:4.0%} {totals['total']:>10,} rows  created {totals['created']:,}  "
            f"existing {totals['existing']:,}  rejected {totals['rejected']:,}  {rate:,.0f} rows/s"
            f"  ETA {int(eta) // 60}m{int(eta) % 60:02d}s "
        )
        self.out.flush()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Import earlier seizures and intelligence (CSV, JSON array or JSON Lines; columns in "
        "docs/intel.md) into an operation. Rejected rows are listed with their line and reason; "
        "importing the same rows again creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--operation", required=True, help="code name or id")
        parser.add_argument("--officer", required=True, help="username of the importing analyst")
        parser.add_argument(
            "--room", type=int, help='room id (default: the operation\'s "Earlier seizures")'
        )
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument(
            "--name", default="", help="a name for the import (default: the file name)"
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help="processes that validate rows beside the writer (0: validate in this process)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, path: Path, operation: str, officer: str, **options):
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        op = Operation.objects.filter(
            **({"pk": int(operation)} if operation.isdigit() else {"code_name": operation})
        ).first()
        if op is None:
            raise CommandError(f"No operation {operation!r}.")
        analyst = Officer.objects.select_related("agency").filter(username=officer).first()
        if analyst is None:
            raise CommandError(f"No officer {officer!r}.")
        with path.open("rb") as fh:
            file_format = options["format"] or detect_format(path.name, fh.read(64))
        try:
            run = import_run_start(
                operation=op,
                officer=analyst,
                name=options["name"] or path.name,
                file_format=file_format,
                sha256=file_sha256(path),
                room_id=options["room"],
            )
        except (IntelInvalid, IntelRefused) as exc:
            raise CommandError(getattr(exc, "message", None) or str(exc.errors)) from None
        started = time.monotonic()
        with path.open("rb") as fh:
            progress = None if options["no_progress"] else Progress(fh, os.path.getsize(path))
            run = import_file(
                run,
                fh,
                batch_size=options["batch_size"],
                workers=options["workers"],
                progress=progress,
            )
            if progress is not None:
                progress.draw(
                    {
                        "total": run.rows_total,
                        "created": run.rows_created,
                        "existing": run.rows_existing,
                        "rejected": run.rows_rejected,
                    },
                    final=True,
                )
                sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        for error in run.errors:
            self.stdout.write(f"line {error['line']}: {error['reason']}")
        if run.rows_rejected > len(run.errors):
            self.stdout.write(f"... and {run.rows_rejected - len(run.errors)} more rejected rows")
        self.stdout.write(
            f"import {run.pk} ({run.status}): {run.rows_total} rows in {elapsed:.1f} s "
            f"({run.rows_total / max(elapsed, 1e-6):,.0f} rows/s): {run.rows_created} created, "
            f"{run.rows_existing} already imported, {run.rows_rejected} rejected; "
            f"room {run.room_id}; {run.matches_found} matches so far"
            + (
                f"; {run.batches_total - run.batches_matched} batches still matching"
                if run.status == "matching"
                else ""
            )
        )
        if run.status == "failed":
            raise CommandError(run.failure)
