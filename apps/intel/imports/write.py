"""Writing prepared rows: a batch per transaction, through the reports' one write path.

Rows imported before are skipped (ImportedReport, by the row's key), each row's agency
is resolved, and the batch goes to `apps/reports/write.reports_write` with the import's
options (COPY storage, no room announcement per report, no matching task per report):
the same rows, name keys, running totals and indicator effectiveness as a live post.
The import adds its own record of each row (ImportedReport) in the same transaction and
enqueues the batch's matching task on commit.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from apps.accounts.models import Agency
from apps.accounts.services import agency_get_or_create
from apps.core.events import enqueue_on_commit
from apps.crossmatch.models import NameKey
from apps.reports.models import Parcel, Party, Report, Seizure, Selector
from apps.reports.write import IMPORT, Draft, reports_write, store_rows

from ..models import ImportedReport, ImportRun
from .prepare import Prepared
from .registry import TASKS


class BatchWriter:
    """Writes prepared rows into the import's room, a batch per transaction."""

    def __init__(self, run: ImportRun):
        self.run = run
        self.operation_id = run.operation_id
        self.agencies: dict[tuple[str, str], int] = {}
        self.agencies_created: list[str] = []

    def agency_id(self, country: str, name: str, kind: str) -> int:
        cache_key = (country, name.casefold())
        agency_id = self.agencies.get(cache_key)
        if agency_id is None:
            agency = Agency.objects.filter(country_id=country, name__iexact=name).first()
            if agency is None:
                agency = agency_get_or_create(country=country, name=name, kind=kind)
                self.agencies_created.append(f"{agency.name} ({country}, {agency.kind})")
            agency_id = self.agencies[cache_key] = agency.pk
        return agency_id

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
                agency_id=self.agency_id(row.country, row.agency, row.agency_kind),
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
