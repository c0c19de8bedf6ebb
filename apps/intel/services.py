"""Writes of the intelligence phase: indicators, their running counts, scored parcels.

Imports have their own package (imports/); scoring (a read that records what it
flagged) is in scoring.py and writes through `scored_parcels_record` here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from contextlib import ExitStack, nullcontext
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts.models import Officer, Role
from apps.core.access import Invalid, Refused
from apps.dashboard.services import counters_add, report_is_hit
from apps.operations.models import Operation
from apps.operations.selectors import operation_coordinated_by, operations_of
from apps.reports.disclosure import AUDIENCE_OPERATION, count_audience
from apps.reports.hooks import SavedBatch, StoredReport
from apps.reports.models import Kind
from apps.reports.normalise import InvalidSelector, SelectorType, normalise

from . import events
from .indicators import ParamsInvalid, indicator_params_clean
from .inputs import IndicatorInput, parse_input
from .models import Indicator, IndicatorStat, ScoredParcel

logger = logging.getLogger(__name__)
#: The dashboard's running totals carry indicator counts under this scope.
INDICATOR_SCOPE = "indicator"


class IntelRefused(Refused):
    """The officer may not do this here; `code` says why."""


class IntelInvalid(Invalid):
    """Bad input; `errors` maps field paths to messages."""


def officer_may_analyse(officer: Officer, operation: Operation) -> bool:
    """Analysts of agencies taking part in the operation, and its own coordinators."""
    if not officer.is_active:
        return False
    if officer.role == Role.ANALYST:
        return operations_of(officer).filter(pk=operation.pk).exists()
    return operation_coordinated_by(officer, operation.pk)


def officer_may_change_intel(officer: Officer, operation: Operation) -> bool:
    """Whether `ensure_may_analyse` lets the officer change the operation's intelligence
    now (pages ask it before they show a form)."""
    try:
        ensure_may_analyse(officer, operation)
    except IntelRefused:
        return False
    return True


def ensure_may_analyse(officer: Officer, operation: Operation) -> None:
    if not officer_may_analyse(officer, operation):
        raise IntelRefused(
            "forbidden",
            "Only analysts and coordinators of a participating agency may do this.",
        )
    if operation.is_closed:
        raise IntelRefused("operation_closed", "The operation is closed; it is read-only.")


# ------------------------------------------------------------------ indicators


def _clean(data: object, *, partial: bool, kind: str | None = None) -> dict:
    values, errors = parse_input(IndicatorInput, data, partial=partial)
    if errors:
        raise IntelInvalid(errors)
    if "params" in values or "kind" in values:
        try:
            values["params"] = indicator_params_clean(
                values.get("kind", kind), values.get("params", {})
            )
        except ParamsInvalid as exc:
            raise IntelInvalid(exc.errors) from None
    return values


def indicator_create(*, operation: Operation, officer: Officer, data: object) -> Indicator:
    """A new risk indicator of the operation, with its counts at zero."""
    ensure_may_analyse(officer, operation)
    values = _clean(data, partial=False)
    try:
        with transaction.atomic():
            indicator = Indicator.objects.create(operation=operation, created_by=officer, **values)
            IndicatorStat.objects.create(indicator=indicator, operation=operation)
    except IntegrityError:
        if Indicator.objects.filter(operation=operation, name=values["name"]).exists():
            raise IntelInvalid(
                {"name": ["This operation already has an indicator of that name."]}
            ) from None
        raise
    logger.info("indicator %s created in operation %s by %s", indicator.pk, operation.pk, officer)
    return indicator


def indicator_update(*, indicator: Indicator, officer: Officer, data: object) -> Indicator:
    """Change an indicator's weight, explanation, params or switch it off; counts stay."""
    ensure_may_analyse(officer, indicator.operation)
    if isinstance(data, dict) and "kind" in data and data["kind"] != indicator.kind:
        raise IntelInvalid({"kind": ["The kind of an indicator cannot change; make a new one."]})
    values = _clean(data, partial=True, kind=indicator.kind)
    values.pop("kind", None)
    for name, value in values.items():
        setattr(indicator, name, value)
    indicator.updated_at = timezone.now()
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:
        raise IntelInvalid(
            {"name": ["This operation already has an indicator of that name."]}
        ) from None
    return indicator


# ------------------------------------------------------------- running counts


def indicator_stats_add(
    operation_id: int,
    deltas: dict[int, dict[str, int]],
    *,
    report: StoredReport | None = None,
) -> None:
    """Add {indicator_id: {"flagged"|"checked"|"hits": n}} to the running counts.

    An upsert that adds (never read-then-write); the same amounts go to the
    operation's running totals under scope `indicator`, and to the dashboard,
    counted for the audience of `report` (the check or hit behind them), or for
    every participant where no report is behind them (a parcel flagged by scoring).
    """
    rows = []
    for indicator_id, metrics in sorted(deltas.items()):
        amounts = {m: int(metrics.get(m, 0)) for m in ("flagged", "checked", "hits")}
        if any(amounts.values()):
            rows.append((indicator_id, amounts))
    if not rows:
        return
    table = IndicatorStat._meta.db_table
    sql = (
        f"INSERT INTO {table} (indicator_id, operation_id, flagged, checked, hits) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (indicator_id) DO UPDATE SET "
        f"flagged = {table}.flagged + EXCLUDED.flagged, "
        f"checked = {table}.checked + EXCLUDED.checked, "
        f"hits = {table}.hits + EXCLUDED.hits"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (indicator_id, operation_id, a["flagged"], a["checked"], a["hits"])
                for indicator_id, a in rows
            ],
        )
    room_id, audience = (
        (report.room_id, count_audience(report.handling))
        if report is not None
        else (0, AUDIENCE_OPERATION)
    )
    totals = [
        (room_id, audience, INDICATOR_SCOPE, str(indicator_id), metric, amount)
        for indicator_id, amounts in rows
        for metric, amount in amounts.items()
        if amount
    ]
    counters_add(operation_id, totals)
    events.indicator_stats_on_commit(operation_id, totals)


def scored_parcels_record(
    *, operation_id: int, officer: Officer | None, flagged: list[tuple[str, list[int], float]]
) -> None:
    """Remember parcels on which indicators fired; count each (parcel, indicator) once.

    `flagged` holds (normalised tracking number, indicator ids, score). A parcel
    scored again only adds the indicators that had not fired on it before.
    """
    merged: dict[str, tuple[set[int], float]] = {}
    for tracking_number, indicator_ids, score in flagged:
        ids, best = merged.get(tracking_number, (set(), score))
        merged[tracking_number] = (ids | set(indicator_ids), max(best, score))
    if not merged:
        return
    for attempt in range(3):
        try:
            with transaction.atomic():
                _record(operation_id, officer, merged)
            return
        except IntegrityError:
            # Another scan of one of these parcels committed first: read it and add to it.
            if attempt == 2:
                raise


def _pipelined():
    """Statements sent without waiting for each answer (psycopg's pipeline mode), where
    there is one: one round trip when the block ends, errors coming out as Django's."""
    if connection.vendor != "postgresql":
        return nullcontext()
    connection.ensure_connection()
    stack = ExitStack()
    stack.enter_context(connection.wrap_database_errors)
    stack.enter_context(connection.connection.pipeline())
    return stack


def statements_pipelined(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple]]:
    """The rows of each statement (none for a command), all sent in one round trip.

    On PostgreSQL the statements go out together and are answered together; a
    fetch inside the pipeline would wait for its own answer first. Elsewhere they
    run one after the other.
    """
    connection.ensure_connection()
    with ExitStack() as cursors:
        opened = [cursors.enter_context(connection.cursor()) for _ in statements]
        with _pipelined():
            for cursor, (sql, params) in zip(opened, statements, strict=True):
                cursor.execute(sql, params)
        return [cursor.fetchall() if cursor.description is not None else [] for cursor in opened]


def _record(operation_id: int, officer: Officer | None, merged: dict) -> None:
    """Lock the parcels already scored, add what is new: plain rows, no model objects.

    Three round trips whatever the batch: the lock, the writes (parcels, counts,
    totals), the commit (durable, as every write: a flagged parcel is never lost).
    """
    numbers = sorted(merged)
    ids_field = ScoredParcel._meta.get_field("indicator_ids")
    statements: list[tuple[str, Sequence[Any]]] = []
    for start in range(0, len(numbers), 1000):
        statements.append(
            ScoredParcel.objects.select_for_update()
            .filter(operation_id=operation_id, tracking_number__in=numbers[start : start + 1000])
            .order_by("tracking_number")
            .values_list("tracking_number", "indicator_ids", "score")
            .query.sql_with_params()
        )
    existing: dict[str, tuple[list[int], float]] = {
        # JSON arrives as text from a plain statement (Django decodes it for models)
        number: (json.loads(ids) if isinstance(ids, str) else ids, score)
        for rows in statements_pipelined(statements)
        for number, ids, score in rows
    }
    deltas: dict[int, dict[str, int]] = {}
    new: list[tuple] = []
    changed: list[tuple] = []
    now = ScoredParcel._meta.get_field("scored_at").get_db_prep_value(timezone.now(), connection)
    scorer = officer.pk if officer is not None else None
    for number in numbers:
        ids, score = merged[number]
        before = existing.get(number)
        if before is None:
            added = ids
            new.append((number, sorted(ids), score))
        else:
            added = ids - set(before[0])
            if added:
                value = ids_field.get_db_prep_value(sorted(set(before[0]) | added), connection)
                changed.append((value, max(before[1], score), operation_id, number))
        for indicator_id in added:
            deltas.setdefault(indicator_id, {"flagged": 0})["flagged"] += 1
    table = ScoredParcel._meta.db_table
    with _pipelined(), connection.cursor() as cursor:
        if len(new) > 1 and connection.vendor == "postgresql":
            # one statement for the batch's new parcels, not one per parcel
            cursor.execute(
                f"INSERT INTO {table} (operation_id, tracking_number, indicator_ids, score, "
                "scored_by_id, scored_at) SELECT %s, w.number, w.ids::jsonb, w.score, %s, %s "
                "FROM unnest(%s::text[], %s::text[], %s::float8[]) AS w(number, ids, score)",
                [
                    operation_id,
                    scorer,
                    now,
                    [number for number, _, _ in new],
                    [json.dumps(ids) for _, ids, _ in new],
                    [score for _, _, score in new],
                ],
            )
        elif new:
            cursor.executemany(
                f"INSERT INTO {table} (operation_id, tracking_number, indicator_ids, score, "
                "scored_by_id, scored_at) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        operation_id,
                        number,
                        ids_field.get_db_prep_value(ids, connection),
                        score,
                        scorer,
                        now,
                    )
                    for number, ids, score in new
                ],
            )
        if changed:
            cursor.executemany(
                f"UPDATE {table} SET indicator_ids = %s, score = %s "
                "WHERE operation_id = %s AND tracking_number = %s",
                changed,
            )
        indicator_stats_add(operation_id, deltas)


def effectiveness_record_reports(batch: SavedBatch) -> None:
    """The report-write hook: checks and hits on scored parcels count for their indicators.

    Runs in the write's transaction, after the reports and parcels are stored: one
    indexed lookup for the batch's tracking numbers (none when no report is a check
    or hit on a parcel). A parcel counts once as checked and once as a hit, however
    many reports; the reports of a batch count in their order, as if posted one by one.
    """
    wanted: list[tuple[StoredReport, str]] = []
    for report in batch.reports:
        if report.kind not in (Kind.CHECK, Kind.HIT) or not report.tracking_number:
            continue
        try:
            number = normalise(SelectorType.TRACKING_NUMBER, report.tracking_number)[:64]
        except InvalidSelector:
            continue
        wanted.append((report, number))
    if not wanted:
        return
    scored = {
        number: (pk, indicator_ids)
        for pk, number, indicator_ids in ScoredParcel.objects.filter(
            operation_id=batch.operation_id, tracking_number__in={n for _, n in wanted}
        ).values_list("pk", "tracking_number", "indicator_ids")
    }
    for report, number in wanted:
        if number in scored:
            _effectiveness_record(batch.operation_id, *scored[number], report)


def _effectiveness_record(
    operation_id: int, pk: int, indicator_ids: list[int], report: StoredReport
) -> None:
    now = timezone.now()
    checked = ScoredParcel.objects.filter(pk=pk, checked_at__isnull=True).update(
        checked_at=now, checked_report_id=report.id
    )
    hits = 0
    if report_is_hit(report):
        hits = ScoredParcel.objects.filter(pk=pk, hit_at__isnull=True).update(
            hit_at=now, hit_report_id=report.id
        )
    if checked or hits:
        indicator_stats_add(
            operation_id,
            {i: {"checked": checked, "hits": hits} for i in indicator_ids},
            report=report,
        )
