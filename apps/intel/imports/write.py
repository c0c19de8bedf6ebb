"""Writing prepared rows: a batch per transaction, through the reports' one write path.

Rows imported before are skipped (ImportedReport, by the row's key), each row's agency
is the one the run resolved before loading (never created here), and the batch goes to `apps/reports/write.reports_write` with the import's
options (COPY storage, no room announcement per report, no matching task per report):
the same rows, name keys, running totals and indicator effectiveness as a live post.
The import adds its own record of each row (ImportedReport) in the same transaction and
enqueues the batch's matching task on commit.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from apps.accounts.selectors import AgencyName, agencies_resolve
from apps.core.events import enqueue_on_commit
from apps.crossmatch.models import NameKey
from apps.reports.models import Parcel, Party, Report, Seizure, Selector
from apps.reports.write import IMPORT, Draft, reports_write, store_rows

from ..models import ImportedReport, ImportRun
from .prepare import Prepared
from .registry import TASKS


class BatchWriter:
    """Writes prepared rows into the import's room, a batch per transaction.

    Agencies are never created here: `agencies` (from the run's first pass,
    apps/intel/imports/agencies.py) gives each row's agency; a name it lacks is
    resolved once (apps/accounts/selectors.agencies_resolve), and a row whose
    agency nobody knows is the caller's to reject (`unknown_agencies`).
    """

    def __init__(self, run: ImportRun, agencies: dict[AgencyName, int] | None = None):
        self.run = run
        self.operation_id = run.operation_id
        self.agencies: dict[AgencyName, int | None] = dict(agencies or {})

    def agency_id(self, row: Prepared) -> int | None:
        key = (row.country, row.agency, row.agency_kind)
        if key not in self.agencies:
            self.agencies.update(agencies_resolve([key]))
        return self.agencies[key]

    def unknown_agencies(self, rows: list[Prepared]) -> list[Prepared]:
        """The rows whose agency resolves to none."""
        return [row for row in rows if self.agency_id(row) is None]

    def write(self, rows: list[Prepared]) -> tuple[list[int], int]:
        """Write the batch; returns (new report ids, rows already imported)."""
        for attempt in range(3):
            try:
                with transaction.atomic():
                    return self._write(rows)
            except IntegrityError:
                # The same rows raced in from another import: the next try skips them.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _write(self, rows: list[Prepared]) -> tuple[list[int], int]:
        seen = set()
        unique = []
        for row in rows:
            if row.key not in seen:
                seen.add(row.key)
                unique.append(row)
        known = set(
            ImportedReport.objects.filter(
                operation_id=self.operation_id, key__in=[r.key for r in unique]
            ).values_list("key", flat=True)
        )
        todo = [r for r in unique if r.key not in known]
        existing = len(rows) - len(todo)
        if not todo:
            return [], existing
        drafts = [
            Draft(
                client_id=row.key,
                author_id=self.run.officer_id,
                agency_id=self.agency_id(row),
                country_id=row.country,
                parsed=row.parsed,
                selectors=row.selectors,
                party_keys=row.party_keys,
            )
            for row in todo
        ]
        report_ids = reports_write(self.run.room, drafts, IMPORT).ids
        store_rows(
            ImportedReport,
            [
                {
                    "operation_id": self.operation_id,
                    "key": row.key,
                    "report_id": report_id,
                    "run_id": self.run.pk,
                    "line": row.line,
                }
                for row, report_id in zip(todo, report_ids, strict=True)
            ],
            IMPORT.storage,
        )
        # Matched in bulk, a task per batch, once the batch is committed.
        enqueue_on_commit(TASKS["match_batch"], self.run.pk, report_ids)
        return report_ids, existing


BULK_TABLES = (Report, Seizure, Parcel, Party, NameKey, Selector, ImportedReport)


def analyze_bulk_tables() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL).

    Autovacuum gets to a table loaded by COPY late; until then the planner
    believes it small and scans it whole where an index would do (the matching
    tasks of the import itself ran 2x slower on 1M rows without this).
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in BULK_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
