"""Indicator effectiveness: flagged parcels, then checks and hits on them."""

import pytest

from apps.dashboard.models import Counter
from apps.intel.models import IndicatorStat, ScoredParcel
from apps.intel.scoring import parcels_score

from .test_scoring import PARCEL, PLAIN

LIGHT_US = dict(PARCEL, tracking_number="RR000000014US", weight_g=300)


def counts(*indicators) -> list[tuple[int, int, int]]:
    stats = {s.indicator_id: s for s in IndicatorStat.objects.all()}
    return [(stats[i.pk].flagged, stats[i.pk].checked, stats[i.pk].hits) for i in indicators]


@pytest.fixture
def published(monkeypatch):
    """Events sent to the channel layer, as (group, event)."""
    sent = []
    monkeypatch.setattr(
        "apps.core.events.publish", lambda group, event: sent.append((group, event)) or True
    )
    return sent


@pytest.fixture
def scan(world, django_capture_on_commit_callbacks):
    def _scan(officer, *parcels):
        with django_capture_on_commit_callbacks(execute=True):
            return parcels_score(operation=world.operation, officer=officer, parcels=list(parcels))

    return _scan


@pytest.fixture
def control(post):
    """control(officer, room, kind, tracking_number, **fields) -> Report, through the write path
    (whose hook counts it for the indicators that flagged its parcel)."""

    def _control(officer, room, kind, tracking_number, **fields):
        return post(officer, room, kind, parcel={"tracking_number": tracking_number}, **fields)

    return _control


def test_checks_and_hits_on_flagged_parcels_count_for_the_indicators_that_flagged_them(
    world, indicator, scan, control, published
):
    us = indicator("origin_country", {"countries": ["US"]}, name="US origin")
    heavy = indicator("weight_range", {"min_g": 1000}, name="heavy")
    scan(world.gr_officer, PARCEL, LIGHT_US, PLAIN)  # PARCEL: both; LIGHT_US: US only; PLAIN: none
    scan(world.bg_officer, PARCEL)  # scanned again elsewhere: no new flag

    assert counts(us, heavy) == [(2, 0, 0), (1, 0, 0)]
    assert ScoredParcel.objects.count() == 2

    control(world.gr_officer, world.postal, "check", "RR 123 456 785 US", outcome="clear")
    assert counts(us, heavy) == [(2, 1, 0), (1, 1, 0)]

    control(world.bg_officer, world.postal, "hit", "RR000000014US")
    assert counts(us, heavy) == [(2, 2, 1), (1, 1, 0)]

    # The first parcel is opened again and found to hold a weapon: a hit, not a new check.
    control(world.gr_officer, world.postal, "check", "RR123456785US", outcome="hit")
    control(
        world.gr_officer, world.postal, "check", "LX123456785DE", outcome="hit"
    )  # never flagged
    assert counts(us, heavy) == [(2, 2, 2), (1, 1, 1)]

    totals: dict = {}
    for c in Counter.objects.filter(operation=world.operation, scope="indicator"):
        totals[(c.key, c.metric)] = totals.get((c.key, c.metric), 0) + c.value
    assert totals == {
        (str(us.pk), "flagged"): 2,
        (str(us.pk), "checked"): 2,
        (str(us.pk), "hits"): 2,
        (str(heavy.pk), "flagged"): 1,
        (str(heavy.pk), "checked"): 1,
        (str(heavy.pk), "hits"): 1,
    }
    deltas = [
        row[2:]  # [room, audience, scope, key, metric, amount]
        for group, event in published
        if group == f"dashboard.{world.operation.pk}"
        for row in event["delta"]
        if row[2] == "indicator"
    ]
    assert sorted(deltas) == sorted(
        [
            ["indicator", str(us.pk), "flagged", 2],
            ["indicator", str(heavy.pk), "flagged", 1],
            ["indicator", str(us.pk), "checked", 1],
            ["indicator", str(heavy.pk), "checked", 1],
            ["indicator", str(us.pk), "checked", 1],
            ["indicator", str(us.pk), "hits", 1],
            ["indicator", str(us.pk), "hits", 1],
            ["indicator", str(heavy.pk), "hits", 1],
        ]
    )


def test_indicators_api_shows_the_counts_and_hit_rate(world, indicator, scan, control, api_as):
    us = indicator("origin_country", {"countries": ["US"]}, name="US origin", weight=20)
    scan(world.gr_officer, PARCEL, LIGHT_US)
    control(world.gr_officer, world.postal, "check", "RR123456785US", outcome="clear")
    control(world.gr_officer, world.postal, "hit", "RR000000014US")

    response = api_as(world.bg_officer).get(f"/api/v1/operations/{world.operation.pk}/indicators/")

    assert response.status_code == 200
    (shown,) = response.data
    assert (shown["id"], shown["name"], shown["weight"]) == (us.pk, "US origin", 20.0)
    assert shown["stats"] == {"flagged": 2, "checked": 2, "hits": 1, "hit_rate": 0.5}


def test_a_scan_without_record_flags_nothing(world, indicator, api_as):
    us = indicator("origin_country", {"countries": ["US"]})

    response = api_as(world.gr_officer).post(
        f"/api/v1/operations/{world.operation.pk}/score/?record=0", PARCEL, format="json"
    )

    assert response.data["score"] == 10.0
    assert counts(us) == [(0, 0, 0)]
    assert ScoredParcel.objects.count() == 0


def test_the_report_write_path_counts_checks_on_scored_parcels(world, indicator, scan, post):
    us = indicator("origin_country", {"countries": ["US"]})
    scan(world.gr_officer, PARCEL)

    post(world.gr_officer, world.postal, "hit", parcel={"tracking_number": "RR123456785US"})

    assert counts(us) == [(1, 1, 1)]
