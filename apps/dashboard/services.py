"""Writes of the running totals: upserts that add, never read-then-write."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from django.db import connection

from apps.reports.disclosure import AUDIENCE_OPERATION, count_audience
from apps.reports.hooks import SavedBatch
from apps.reports.models import Kind, Outcome
from apps.reports.selectors import report_is_hit as is_hit

from . import events
from .models import Counter

SCOPES = ("total", "country", "agency", "room", "hour")

#: (room id, audience, scope, key, metric, amount)
CounterRow = tuple[int, str, str, str, str, int]


class Countable(Protocol):
    """What the totals read of a report: a saved Report, or the write path's StoredReport."""

    @property
    def room_id(self) -> int: ...
    @property
    def agency_id(self) -> int: ...
    @property
    def country_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def handling(self) -> str: ...
    @property
    def checks_count(self) -> int | None: ...
    @property
    def outcome(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


def report_is_hit(report: Countable) -> bool:
    """A hit report, or a check whose outcome was a hit: counted as a hit everywhere."""
    return is_hit(report)


def report_metrics(report: Countable, seizures: Iterable) -> dict[str, int]:
    """What one report adds to each total it counts in."""
    metrics = {"reports": 1, f"kind.{report.kind}": 1}
    if report_is_hit(report):
        metrics["hits"] = 1  # a hit report, or a check whose outcome was a hit
    if report.kind == Kind.CHECK:
        metrics["items_checked"] = report.checks_count or 0
        metrics[f"outcome.{report.outcome}"] = 1
        if report.outcome == Outcome.HIT:
            metrics["checks_hit"] = 1
    for seizure in seizures:
        key = f"seized.{seizure.category}"
        metrics[key] = metrics.get(key, 0) + seizure.quantity
    return metrics


def report_scope_keys(report: Countable) -> list[tuple[str, str]]:
    return [
        ("total", ""),
        ("country", report.country_id),
        ("agency", str(report.agency_id)),
        ("room", str(report.room_id)),
        ("hour", report.created_at.strftime("%Y-%m-%dT%H")),
    ]


def report_counter_rows(report: Countable, seizures: Iterable) -> list[CounterRow]:
    """Every running total `report` adds to, in its room and audience."""
    audience = count_audience(report.handling)
    metrics = report_metrics(report, seizures)
    return [
        (report.room_id, audience, scope, key, metric, amount)
        for scope, key in report_scope_keys(report)
        for metric, amount in metrics.items()
        if amount
    ]


def counters_add(operation_id: int, rows: list[CounterRow]) -> None:
    """Add (room, audience, scope, key, metric, amount) rows to the totals, atomically."""
    if not rows:
        return
    table = Counter._meta.db_table
    sql = (
        f"INSERT INTO {table} (operation_id, room_id, audience, scope, key, metric, value) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (operation_id, room_id, audience, scope, key, metric) "
        f"DO UPDATE SET value = {table}.value + EXCLUDED.value"
    )
    with connection.cursor() as cursor:
        # one order everywhere, so concurrent writers never deadlock
        cursor.executemany(sql, sorted((operation_id, *row) for row in rows))


def operation_wide_rows(scope: str, key: str, metrics: dict[str, int]) -> list[CounterRow]:
    """Totals that come from no report (an indicator's flagged parcels): for every participant."""
    return [(0, AUDIENCE_OPERATION, scope, key, m, n) for m, n in metrics.items() if n]


def totals_add_reports(batch: SavedBatch) -> None:
    """The report-write hook: count the batch in one upsert; tell the dashboards once committed."""
    summed: dict[tuple[int, str, str, str, str], int] = defaultdict(int)
    for report in batch.reports:
        for room, audience, scope, key, metric, amount in report_counter_rows(
            report, report.seizures
        ):
            summed[room, audience, scope, key, metric] += amount
    rows: list[CounterRow] = [(*where, amount) for where, amount in sorted(summed.items())]
    counters_add(batch.operation_id, rows)
    events.stats_delta_on_commit(batch.operation_id, rows)
