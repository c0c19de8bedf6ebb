"""Writes of the running totals (dashboard/services.py)."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from apps.dashboard.models import Counter
from apps.dashboard.services import counters_add, report_counter_rows


def a_check(handling: str) -> SimpleNamespace:
    return SimpleNamespace(
        room_id=3, agency_id=7, country_id="GR", kind="check", handling=handling,
        checks_count=40, outcome="hit", created_at=datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
    )  # fmt: skip


@pytest.mark.parametrize(
    "handling, audience",
    [
        ("clear", "operation"),
        ("green", "operation"),
        ("amber", "room"),
        ("amber+strict", "room"),
        ("red", "coordinators"),
    ],
)
def test_a_report_counts_for_the_audience_of_its_handling_code(handling, audience):
    rows = report_counter_rows(a_check(handling), [SimpleNamespace(category="firearm", quantity=2)])

    metrics = {"reports": 1, "kind.check": 1, "hits": 1, "items_checked": 40, "outcome.hit": 1,
               "checks_hit": 1, "seized.firearm": 2}  # fmt: skip
    keys = [("total", ""), ("country", "GR"), ("agency", "7"), ("room", "3"),
            ("hour", "2026-11-16T09")]  # fmt: skip
    assert rows == [
        (3, audience, scope, key, metric, amount)
        for scope, key in keys
        for metric, amount in metrics.items()
    ]


def test_a_metric_of_nothing_makes_no_row():
    report = a_check("green")
    report.checks_count, report.outcome = 0, "clear"

    rows = report_counter_rows(report, [])

    assert {row[4] for row in rows} == {"reports", "kind.check", "outcome.clear"}


def test_counters_add_adds_to_what_is_there(world):
    room, operation = world.postal.pk, world.operation.pk
    counters_add(operation, [(room, "room", "total", "", "reports", 2)])

    counters_add(operation, [
        (room, "room", "total", "", "reports", 3),
        (room, "operation", "total", "", "reports", 1),
    ])  # fmt: skip

    assert sorted(Counter.objects.values_list("audience", "scope", "metric", "value")) == [
        ("operation", "total", "reports", 1),
        ("room", "total", "reports", 5),
    ]


def test_posting_a_report_adds_its_rows_to_the_totals(world, post):
    report = post(world.gr_officer, world.postal, kind="check", checks_count=5, outcome="clear")

    rows = report_counter_rows(report, report.seizures.all())
    assert sorted(Counter.objects.values_list("room_id", "audience", "scope", "key", "metric",
                                              "value")) == sorted(rows)  # fmt: skip
