"""Import a file of earlier seizures into an operation, with a progress bar.

manage.py import_seizures earlier.csv --operation "ARMSTRONG VII" --officer europol.analyst \
    [--agency "Hellenic Police=Greece Police"] [--create-unknown-agencies as-given]

Agencies the file names that no agency or alias resolves are listed and nothing is
loaded (exit status 1), unless --agency / --create-unknown-agencies map them.
"""

import hashlib
import os
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.accounts.models import AgencyKind, Officer
from apps.accounts.selectors import agencies_resolve
from apps.core.text import fold_text
from apps.intel.imports import (
    BATCH_SIZE,
    import_file,
    import_run_map_agencies,
    import_run_start,
)
from apps.intel.models import ImportStatus
from apps.intel.services import IntelInvalid, IntelRefused
from apps.intel.sources import FORMATS, detect_format
from apps.operations.models import Operation

#: --create-unknown-agencies: of the kind the rows give.
AS_GIVEN = "as-given"


class Progress:
    """A tqdm bar over the file's bytes, with the row counts beside it."""

    def __init__(self, stream, size: int, out=None):
        self.stream = stream
        # sys.stderr as it is now (a default argument would keep the one at import time)
        out = out or sys.stderr
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
        parser.add_argument(
            "--agency",
            action="append",
            default=[],
            metavar="NAME=AGENCY",
            help="an unknown agency of the file is this agency of its country (an id, or its "
            "name or alias); remembered as an alias. NAME may start with its country: "
            '"GR:Hellenic Police=Greece Police". Repeat for more.',
        )
        parser.add_argument(
            "--create-unknown-agencies",
            choices=[*AgencyKind.values, AS_GIVEN],
            metavar="KIND",
            help="create the agencies still unknown, of this kind (police, customs, border, "
            f"coordinator), or {AS_GIVEN}: of the kind their rows give in agency_kind",
        )

    def _load(self, run, path: Path, options):
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
        return run

    def _mappings(self, run, options) -> list[dict]:
        """The service's mappings for the run's unknown agencies, from the options."""
        unknown = run.agencies_unknown
        mappings: dict[tuple[str, str], dict] = {}
        for spec in options["agency"]:
            name, sep, target = (part.strip() for part in spec.partition("="))
            if not sep or not name or not target:
                raise CommandError(f"--agency {spec!r}: give NAME=AGENCY.")
            country = None
            if len(name) > 3 and name[2] == ":" and name[:2].isalpha():
                country, name = name[:2].upper(), name[3:].strip()
            found = [
                u
                for u in unknown
                if fold_text(u["name"]) == fold_text(name) and country in (None, u["country"])
            ]
            if not found:
                self.stdout.write(f"--agency {spec!r}: not an unknown agency of this file")
                continue
            if len(found) > 1:
                raise CommandError(
                    f"--agency {spec!r}: {name!r} is unknown in "
                    f"{', '.join(u['country'] for u in found)}; start NAME with its country "
                    f'("{found[0]["country"]}:{name}=...").'
                )
            entry = found[0]
            if target.isdigit():
                agency_id = int(target)
            else:
                key = (entry["country"], target, "")
                agency_id = agencies_resolve([key])[key]
                if agency_id is None:
                    raise CommandError(
                        f"--agency {spec!r}: no agency {target!r} in {entry['country']}."
                    )
            mappings[entry["country"], fold_text(entry["name"])] = {
                "country": entry["country"],
                "name": entry["name"],
                "agency": agency_id,
            }
        kind = options["create_unknown_agencies"]
        for entry in unknown if kind else ():
            given = entry["kinds"][0] if len(entry["kinds"]) == 1 else None
            chosen = given if kind == AS_GIVEN else kind
            key = (entry["country"], fold_text(entry["name"]))
            if chosen and key not in mappings:
                mappings[key] = {"country": entry["country"], "name": entry["name"], "kind": chosen}
        return list(mappings.values())

    def _unknown(self, run) -> None:
        self.stdout.write(
            f"import {run.pk}: agencies no name or alias resolves; nothing was loaded"
        )
        for entry in run.agencies_unknown:
            kinds = f", agency_kind {'/'.join(entry['kinds'])}" if entry["kinds"] else ""
            self.stdout.write(
                f"  {entry['country']}  {entry['name']}  ({entry['rows']} "
                f"row{'s' if entry['rows'] != 1 else ''}{kinds})"
            )
        raise CommandError(
            f"{len(run.agencies_unknown)} unknown agencies. Map them with "
            '--agency "NAME=AGENCY" (an id or name of an agency of that country) or '
            "--create-unknown-agencies KIND, or on the page /imports/"
            f"{run.pk}/, then run the command again."
        )

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
        run = self._load(run, path, options)
        if run.status == ImportStatus.NEEDS_AGENCIES:
            mappings = self._mappings(run, options)
            if mappings:
                try:
                    run = import_run_map_agencies(
                        run=run, officer=analyst, data={"agencies": mappings}, resume=False
                    )
                except (IntelInvalid, IntelRefused) as exc:
                    raise CommandError(getattr(exc, "message", None) or str(exc.errors)) from None
            if run.status == ImportStatus.NEEDS_AGENCIES:
                self._unknown(run)
            for created in run.agencies_created:
                self.stdout.write(f"agency created: {created}")
            run = self._load(run, path, options)
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
