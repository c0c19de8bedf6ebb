"""Celery edge of cross-matching."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from apps.core.events import enqueue_on_commit
from apps.reports.hooks import SavedBatch
from apps.reports.models import Report

from .services import report_match


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=8,
)
def match_report_task(self, report_id: int) -> int:
    """Cross-match one committed report; returns the number of new matches."""
    return len(report_match(report_id))


@shared_task(ignore_result=True)
def sweep_unmatched_reports_task(older_than_seconds: int = 60, limit: int = 1000) -> int:
    """Re-enqueue reports still unmatched a while after they were saved.

    The broker is not a database: a task lost with Redis or a killed worker
    is found again here, so a match can be late but never lost.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        # imported reports are matched in bulk by their import's own tasks and sweep
        Report.objects.filter(
            matched_at__isnull=True, created_at__lt=cutoff, import_record__isnull=True
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for report_id in ids:
        match_report_task.delay(report_id)
    return len(ids)


def match_reports_on_commit(batch: SavedBatch) -> None:
    """The report-write hook: match each live report once it is committed.

    An import's batches (`match_each` off) are matched by its own tasks.
    """
    if batch.match_each:
        for report in batch.reports:
            enqueue_on_commit(match_report_task, report.id)
