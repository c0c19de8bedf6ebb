"""Celery edge of the intel app."""

import io

from celery import shared_task

from .imports import import_batch_match, import_file, import_runs_sweep
from .models import ImportRun, ImportStatus


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=8,
)
def match_imported_reports_task(
    self, run_id: int, report_ids: list[int], repair: bool = False
) -> int:
    """Cross-match one batch of an import, no per-match alerts; returns the matches found."""
    return import_batch_match(run_id, report_ids, repair=repair)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_upload_task(run_id: int) -> int:
    """Run an uploaded import; returns the rows created."""
    # Taken once: a redelivered task finds it no longer queued. (If a worker dies
    # while loading, uploading the file again completes it and duplicates nothing.)
    if not ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.LOADING
    ):
        return 0
    run = ImportRun.objects.get(pk=run_id)
    run = import_file(run, io.BytesIO(bytes(run.source or b"")))
    if run.status != ImportStatus.NEEDS_AGENCIES:
        # Kept while an analyst maps the file's agencies: the run then loads it.
        ImportRun.objects.filter(pk=run_id).update(source=None)
    return run.rows_created


@shared_task(ignore_result=True)
def sweep_import_runs_task() -> int:
    """Find imports whose matching stalled (a lost task) and finish them."""
    return import_runs_sweep()
