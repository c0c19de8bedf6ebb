"""Import a file of earlier seizures into an operation, with a progress bar.

manage.py import_seizures earlier.csv --operation "ARMSTRONG VII" --officer europol.analyst
"""

import hashlib
import os
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.accounts.models import Officer
from apps.intel.imports import BATCH_SIZE, import_file, import_run_start
from apps.intel.services import IntelInvalid, IntelRefused
from apps.intel.sources import FORMATS, detect_format
from apps.operations.models import Operation


class Progress:
    """A tqdm bar over the file's bytes, with the row counts beside it."""

    def __init__(self, stream, size: int, out=sys.stderr):
        self.stream = stream
        self.bar = tqdm(total=max(size, 1), unit="B", unit_scale=True, file=out, mininterval=0.25)

    def __call__(self, totals: dict) -> None:
        # the reader closes the file once it has read it all
        read = self.bar.total if self.stream.closed else self.stream.tell()
        self.bar.update(min(read, self.bar.total) - self.bar.n)
        self.bar.set_postfix(_counts(totals), refresh=False)

    def close(self, totals: dict) -> None:
        self.bar.update(self.bar.total - self.bar.n)
        self.bar.set_postfix(_counts(totals), refresh=False)
        self.bar.close()


def _counts(totals: dict) -> dict:
    return {k: f"{totals[k]:,}" for k in ("total", "created", "existing", "rejected")}


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
                progress.close(
                    {
                        "total": run.rows_total,
                        "created": run.rows_created,
                        "existing": run.rows_existing,
                        "rejected": run.rows_rejected,
                    }
                )
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
