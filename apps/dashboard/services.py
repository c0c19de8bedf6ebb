"""Writes of the running totals: upserts that add, never read-then-write."""

from collections.abc import Iterable

from django.db import connection

from apps.reports.models import Kind, Outcome, Report, Seizure

from .models import Counter

SCOPES = ("total", "country", "agency", "room", "hour")


def report_metrics(report: Report, seizures: Iterable[Seizure]) -> dict[str, int]:
    """What one report adds to each total it counts in."""
    metrics = {"reports": 1, f"kind.{report.kind}": 1}
    if report.kind == Kind.CHECK:
        metrics["items_checked"] = report.checks_count or 0
        metrics[f"outcome.{report.outcome}"] = 1
        if report.outcome == Outcome.HIT:
            metrics["checks_hit"] = 1
    for seizure in seizures:
        key = f"seized.{seizure.category}"
        metrics[key] = metrics.get(key, 0) + seizure.quantity
    return metrics


def report_scope_keys(report: Report) -> list[tuple[str, str]]:
    return [
        ("total", ""),
        ("country", report.country_id),
        ("agency", str(report.agency_id)),
        ("room", str(report.room_id)),
        ("hour", report.created_at.strftime("%Y-%m-%dT%H")),
    ]


def counters_add(operation_id: int, rows: list[tuple[str, str, str, int]]) -> None:
    """Add (scope, key, metric, amount) rows to the operation's totals, atomically."""
    if not rows:
        return
    table = Counter._meta.db_table
    sql = (
        f"INSERT INTO {table} (operation_id, scope, key, metric, value) "
        "VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (operation_id, scope, key, metric) "
        f"DO UPDATE SET value = {table}.value + EXCLUDED.value"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(operation_id, *row) for row in rows])


def counters_add_report(report: Report, seizures: Iterable[Seizure]) -> list[list]:
    """Count `report` in every total it belongs to; returns the delta to publish."""
    metrics = report_metrics(report, seizures)
    rows = [
        (scope, key, metric, amount)
        for scope, key in report_scope_keys(report)
        for metric, amount in metrics.items()
        if amount
    ]
    counters_add(report.room.operation_id, rows)
    return [list(row) for row in rows]
