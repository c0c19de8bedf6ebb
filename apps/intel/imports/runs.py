"""Import runs: start one, load its rows (prepare, write), match them in bulk, close it.

Each written batch is matched by one Celery task (the set-based matcher,
apps/crossmatch/services.reports_match, on the whole batch);
when the last batch is matched the run is the analyst's summary, published once as
`import.finished`. A sweep re-enqueues the unmatched reports of runs whose matching
stalled.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import Agency, AgencyKind, Officer
from apps.accounts.selectors import AgencyName
from apps.crossmatch.services import reports_match
from apps.operations.models import Operation, Room, RoomMembership
from apps.operations.selectors import officer_is_room_member
from apps.operations.services import room_get_or_create, room_member_add
from apps.reports.models import Report

from .. import events
from ..models import ImportedReport, ImportRun, ImportStatus
from ..payloads import import_run_payload
from ..services import IntelInvalid, IntelRefused, ensure_may_analyse
from ..sources import RawRow, SourceInvalid, read_rows
from .agencies import import_run_check_agencies
from .prepare import Prepared, Rejected, gc_for_bulk, prepared_batches
from .registry import TASKS
from .write import BatchWriter, analyze_bulk_tables

logger = logging.getLogger(__name__)
audit = logging.getLogger("commandcentre.audit")

DEFAULT_ROOM = "Earlier seizures"
BATCH_SIZE = 1000
MAX_STORED_ERRORS = 1000
#: Rows after which PostgreSQL's statistics are refreshed during a big import.
ANALYZE_EVERY = 200_000


def import_room(*, operation: Operation, officer: Officer, room_id: int | None = None) -> Room:
    """The room an import writes to: one given, or the operation's "Earlier seizures".

    The default room's members are the importer's agency and the coordinating
    bodies taking part (amber rows are for them; clear and green ones are read by
    every participant anyway).
    """
    if room_id is not None:
        room = (
            Room.objects.select_related("operation").filter(pk=room_id, operation=operation).first()
        )
        if room is None:
            raise IntelInvalid({"room": [f"No room {room_id} in this operation."]})
        if not officer_is_room_member(officer, room):
            raise IntelRefused("not_member", "Your agency is not a member of this room.")
        return room
    room = room_get_or_create(
        operation=operation,
        name=DEFAULT_ROOM,
        description="Seizures and intelligence of the year before, imported by the analysts.",
    )
    members = {officer.agency_id} | set(
        operation.agencies.filter(kind=AgencyKind.COORDINATOR).values_list("pk", flat=True)
    )
    have = set(RoomMembership.objects.filter(room=room).values_list("agency_id", flat=True))
    for agency in Agency.objects.filter(pk__in=members - have):
        room_member_add(room=room, agency=agency)
    return room


def import_run_start(
    *,
    operation: Operation,
    officer: Officer,
    name: str,
    file_format: str,
    sha256: str = "",
    room_id: int | None = None,
    source: bytes | None = None,
) -> ImportRun:
    """Record a new import (queued); `source` keeps an upload until its task reads it."""
    ensure_may_analyse(officer, operation)
    with transaction.atomic():
        room = import_room(operation=operation, officer=officer, room_id=room_id)
        run = ImportRun.objects.create(
            operation=operation,
            room=room,
            officer=officer,
            name=name[:200] or "import",
            file_format=file_format,
            file_sha256=sha256,
            source=source,
        )
    audit.info(
        "import run=%s operation=%s room=%s file=%s sha256=%s by=%s",
        run.pk,
        operation.pk,
        room.pk,
        run.name,
        sha256 or "-",
        officer.username,
    )
    return run


def import_run_execute(
    run: ImportRun,
    rows: Iterable[RawRow],
    *,
    batch_size: int = BATCH_SIZE,
    workers: int = 0,
    progress: Callable[[dict], None] | None = None,
    agencies: dict[AgencyName, int] | None = None,
) -> ImportRun:
    """Load the rows, a batch per transaction, then leave the run to bulk matching.

    A rejected row is recorded with its line and reason and the rest still go in.
    Safe to run again on the same rows: what was imported before is skipped.
    `agencies` are the row agencies the run resolved first (import_file does);
    others are resolved as they come, and a row whose agency is unknown is rejected.
    """
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.LOADING)
    gc_thresholds = gc_for_bulk()
    try:
        return _execute(run, rows, batch_size, workers, progress, agencies)
    finally:
        import gc

        gc.set_threshold(*gc_thresholds)
        gc.unfreeze()


def _execute(run, rows, batch_size, workers, progress, agencies) -> ImportRun:
    if connection.vendor == "sqlite":
        # A bigger page cache for this connection: the indexes of name keys and
        # selectors are written at random places; 2 MB (the default) thrashes.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    writer = BatchWriter(run, agencies)
    errors: list[dict] = []
    batches = 0
    totals = {"total": 0, "created": 0, "existing": 0, "rejected": 0}
    try:
        for batch in prepared_batches(run.operation_id, rows, batch_size, workers):
            good = [p for p in batch if isinstance(p, Prepared)]
            bad = [p for p in batch if isinstance(p, Rejected)]
            if unknown := writer.unknown_agencies(good):
                dropped = {id(p) for p in unknown}
                good = [p for p in good if id(p) not in dropped]
                bad = sorted(bad + [_unknown_agency(p) for p in unknown], key=lambda r: r.line)
            ids, existing = writer.write(good) if good else ([], 0)
            batches += 1 if ids else 0
            room_left = MAX_STORED_ERRORS - len(errors)
            errors += [{"line": r.line, "reason": r.reason} for r in bad[: max(room_left, 0)]]
            counts = {
                "total": len(batch),
                "created": len(ids),
                "existing": existing,
                "rejected": len(bad),
            }
            for name, value in counts.items():
                totals[name] += value
            update = {
                "rows_total": F("rows_total") + counts["total"],
                "rows_created": F("rows_created") + counts["created"],
                "rows_existing": F("rows_existing") + counts["existing"],
                "rows_rejected": F("rows_rejected") + counts["rejected"],
                "batches_total": batches,
            }
            if bad and room_left > 0:
                update["errors"] = errors
            ImportRun.objects.filter(pk=run.pk).update(**update)
            if progress is not None:
                progress(dict(totals, batches=batches))
            if (
                totals["created"] // ANALYZE_EVERY
                != (totals["created"] - counts["created"]) // ANALYZE_EVERY
            ):
                analyze_bulk_tables()
    except SourceInvalid as exc:
        errors.append({"line": exc.line, "reason": exc.message})
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            failure=exc.message,
            errors=errors[:MAX_STORED_ERRORS],
            loaded_at=timezone.now(),
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        events.import_finished_on_commit(run.officer_id, import_run_summary(run))
        return run
    except Exception as exc:
        # What was committed stays (importing the file again completes it); the run says why it stopped.
        logger.exception("import %s failed", run.pk)
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            failure=f"stopped by an error after {totals['total']} rows: {exc.__class__.__name__}",
            errors=errors[:MAX_STORED_ERRORS],
            batches_total=batches,
            finished_at=timezone.now(),
        )
        raise
    if totals["created"]:
        analyze_bulk_tables()
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.MATCHING,
        batches_total=batches,
        errors=errors,
        loaded_at=now,
        progress_at=now,
    )
    import_run_finish_if_complete(run.pk)
    run.refresh_from_db()
    logger.info(
        "import %s loaded: %s rows, %s created, %s existing, %s rejected",
        run.pk,
        run.rows_total,
        run.rows_created,
        run.rows_existing,
        run.rows_rejected,
    )
    return run


def _unknown_agency(row: Prepared) -> Rejected:
    return Rejected(
        row.line, f"agency: no agency {row.agency!r} in {row.country}; map it on the import's page"
    )


def import_file(run: ImportRun, stream: IO[bytes], **options) -> ImportRun:
    """Import an open binary file in the run's format (see import_run_execute).

    A first pass resolves the file's agencies; if any is unknown the run stops in
    `needs_agencies` and nothing is loaded (see agencies.py).
    """
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.LOADING)
    agencies = import_run_check_agencies(run, stream)
    if agencies is None:
        logger.info("import %s needs agencies: %s", run.pk, run.agencies_unknown)
        return run
    return import_run_execute(run, read_rows(stream, run.file_format), agencies=agencies, **options)


def import_run_summary(run: ImportRun) -> dict:
    """The run as the analyst's summary event carries it: counts and the first errors."""
    payload = import_run_payload(run, errors=False)
    payload["errors"] = run.errors[:20]
    return payload


def import_run_finish_if_complete(run_id: int) -> bool:
    """Close the run once loaded and every batch matched; tell the analyst once."""
    finished = ImportRun.objects.filter(
        pk=run_id,
        status=ImportStatus.MATCHING,
        batches_matched__gte=F("batches_total"),
        finished_at__isnull=True,
    ).update(status=ImportStatus.DONE, finished_at=timezone.now())
    if finished:
        run = ImportRun.objects.select_related("officer").get(pk=run_id)
        events.import_finished_on_commit(run.officer_id, import_run_summary(run))
        logger.info("import %s done: %s matches", run_id, run.matches_found)
    return bool(finished)


def import_batch_match(run_id: int, report_ids: list[int], *, repair: bool = False) -> int:
    """Cross-match a batch of imported reports at once; count the pairs.

    The officers of the other report of each pair get an alert (an action-week hit that
    an earlier seizure matches is news to its owner); the importing analyst gets the
    run's summary instead of an alert per pair.

    The batch's matches are counted in the transaction that saves them, so a retried
    batch neither loses nor double-counts them (the matcher skips what it did).
    """
    with transaction.atomic():
        found = len(reports_match(report_ids, summarised=imported_among))
        update: dict[str, Any] = {"progress_at": timezone.now()}
        if found:
            update["matches_found"] = F("matches_found") + found
        if not repair:
            update["batches_matched"] = F("batches_matched") + 1
        elif not Report.objects.filter(
            import_record__run_id=run_id, matched_at__isnull=True
        ).exists():
            # Repairs after a lost batch: once nothing is left unmatched, the run is complete.
            update["batches_matched"] = F("batches_total")
        ImportRun.objects.filter(pk=run_id).update(**update)
    import_run_finish_if_complete(run_id)
    return found


def imported_among(report_ids: set[int]) -> set[int]:
    """The imported reports among `report_ids` (told about in their runs' summaries)."""
    return set(
        ImportedReport.objects.filter(report_id__in=report_ids).values_list("report_id", flat=True)
    )


def import_runs_sweep(*, stalled_seconds: int = 600, limit: int = 10_000) -> int:
    """Re-enqueue the unmatched reports of imports whose matching stalled (a lost task).

    Returns the number of reports re-enqueued. A run with nothing left unmatched
    is closed.
    """
    cutoff = timezone.now() - timedelta(seconds=stalled_seconds)
    enqueued = 0
    for run_id in ImportRun.objects.filter(
        status=ImportStatus.MATCHING, progress_at__lt=cutoff
    ).values_list("pk", flat=True):
        ids = list(
            Report.objects.filter(import_record__run_id=run_id, matched_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            ImportRun.objects.filter(pk=run_id, status=ImportStatus.MATCHING).update(
                batches_matched=F("batches_total")
            )
            import_run_finish_if_complete(run_id)
            continue
        ImportRun.objects.filter(pk=run_id).update(progress_at=timezone.now())
        for start in range(0, len(ids), BATCH_SIZE):
            TASKS["match_batch"].delay(run_id, ids[start : start + BATCH_SIZE], repair=True)
        enqueued += len(ids)
    return enqueued
