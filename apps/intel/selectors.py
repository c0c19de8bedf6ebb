"""Reads of the intel app, scoped to the officer who asks."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.accounts.models import Officer
from apps.crossmatch.models import Match
from apps.dashboard.selectors import totals_of_scope
from apps.operations.models import Operation
from apps.operations.selectors import operations_of
from apps.reports.disclosure import count_scope
from apps.reports.selectors import viewer_for

from .models import ImportedReport, ImportRun, Indicator
from .services import INDICATOR_SCOPE, officer_may_analyse


def operation_of(officer: Officer, operation_id: int) -> Operation | None:
    """The operation, if the officer's agency takes part in it."""
    return operations_of(officer).filter(pk=operation_id).first()


def indicators_of(officer: Officer, operation: Operation) -> QuerySet[Indicator]:
    """The operation's indicators with their counts; any participant may read them."""
    if not operations_of(officer).filter(pk=operation.pk).exists():
        return Indicator.objects.none()
    return (
        Indicator.objects.filter(operation=operation)
        .select_related("stat", "created_by")
        .order_by("-active", "-weight", "id")
    )


def indicator_for(officer: Officer, indicator_id: int) -> Indicator | None:
    return (
        Indicator.objects.filter(pk=indicator_id, operation__in=operations_of(officer))
        .select_related("stat", "created_by", "operation")
        .first()
    )


def import_runs_of(officer: Officer, operation: Operation) -> QuerySet[ImportRun]:
    """Imports of the operation, for its analysts and coordinators."""
    if not officer_may_analyse(officer, operation):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(operation=operation).select_related("officer").defer("source")


def import_run_for(officer: Officer, run_id: int) -> ImportRun | None:
    run = (
        ImportRun.objects.select_related("officer", "operation")
        .defer("source")
        .filter(pk=run_id)
        .first()
    )
    if run is None or not officer_may_analyse(officer, run.operation):
        return None
    return run


def import_run_matches(run: ImportRun) -> QuerySet[Match]:
    """Matches that involve a report of the import, the newest first."""
    of_run = ImportedReport.objects.filter(run=run)
    return (
        Match.objects.filter(
            Q(Exists(of_run.filter(report_id=OuterRef("report_a_id"))))
            | Q(Exists(of_run.filter(report_id=OuterRef("report_b_id"))))
        )
        .select_related(
            "report_a__agency", "report_a__room", "report_b__agency", "report_b__room",
            "report_a__author", "report_b__author",
        )
        .prefetch_related("report_a__recipients", "report_b__recipients", "links")
        .order_by("-id")
    )  # fmt: skip


def indicator_counts_for(officer: Officer, operation_id: int) -> dict[str, dict[str, int]]:
    """Each indicator's flagged / checked / hits as `officer` may see them: checks and
    hits count only where the officer may read the report behind them."""
    scope = count_scope(viewer_for(officer), operation_id)
    return totals_of_scope(operation_id, scope, INDICATOR_SCOPE)
