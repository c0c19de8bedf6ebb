"""Reads of the running totals (dashboard/selectors.py): what each viewer may add up."""

import pytest

from apps.core.access import Forbidden, NotFound
from apps.dashboard.models import Counter
from apps.dashboard.selectors import delta_for, operation_stats, watch_operation
from apps.dashboard.services import counters_add
from apps.reports.disclosure import CountScope


def scope(operation=True, rooms=(), coordinators=False) -> CountScope:
    return CountScope(operation=operation, room_ids=frozenset(rooms), coordinators=coordinators)


@pytest.fixture
def totals(world):
    """One total per audience and room, each a power of two so every sum says what it took."""
    postal, balkan = world.postal.pk, world.balkan.pk
    counters_add(world.operation.pk, [
        (postal, "operation", "total", "", "reports", 1),
        (postal, "room", "total", "", "reports", 2),
        (balkan, "room", "total", "", "reports", 4),
        (postal, "coordinators", "total", "", "reports", 8),
        (postal, "operation", "country", "GR", "reports", 16),
        (balkan, "room", "country", "AL", "kind.hit", 32),
    ])  # fmt: skip
    return world


def test_a_participant_adds_up_the_operation_and_their_rooms_only(totals):
    stats = operation_stats(totals.operation, scope(rooms={totals.postal.pk}))

    assert stats["total"] == {"reports": 1 + 2}
    assert stats["country"] == {"GR": {"reports": 16}}
    assert stats["room"] == stats["agency"] == stats["hour"] == {}


def test_a_coordinator_of_both_rooms_adds_up_everything(totals):
    rooms = {totals.postal.pk, totals.balkan.pk}

    stats = operation_stats(totals.operation, scope(rooms=rooms, coordinators=True))

    assert stats["total"] == {"reports": 1 + 2 + 4 + 8}
    assert stats["country"] == {"GR": {"reports": 16}, "AL": {"kind.hit": 32}}


def test_a_viewer_not_taking_part_adds_up_nothing(totals):
    stats = operation_stats(totals.operation, scope(operation=False, rooms={totals.postal.pk}))

    assert stats["total"] == {} and stats["country"] == {}


def test_a_total_that_adds_up_to_nothing_is_left_out(world):
    counters_add(world.operation.pk, [(world.postal.pk, "operation", "total", "", "reports", 0)])

    assert Counter.objects.count() == 1
    assert operation_stats(world.operation, scope())["total"] == {}


def test_the_participants_are_counted_once_each(world):
    stats = operation_stats(world.operation, scope())

    assert stats["participants"] == {"agencies": 5, "countries": 5, "officers": 6}


def test_a_delta_keeps_the_rows_the_viewer_may_see_without_room_and_audience():
    rows = [
        [1, "operation", "total", "", "reports", 1],
        [1, "room", "country", "GR", "reports", 1],
        [2, "room", "country", "AL", "reports", 1],
        [1, "coordinators", "total", "", "seized.explosive", 13],
        [1, "nobody", "total", "", "reports", 1],
    ]

    assert delta_for(scope(rooms={1}), rows) == [
        ["total", "", "reports", 1],
        ["country", "GR", "reports", 1],
    ]
    assert delta_for(scope(rooms={1, 2}, coordinators=True), rows) == [
        ["total", "", "reports", 1],
        ["country", "GR", "reports", 1],
        ["country", "AL", "reports", 1],
        ["total", "", "seized.explosive", 13],
    ]
    assert delta_for(scope(operation=False, rooms={1}, coordinators=False), rows) == []


def test_an_officer_not_taking_part_finds_no_operation_to_watch(world):
    with pytest.raises(NotFound):
        watch_operation(world.fr_officer, world.operation.pk)


def test_an_officer_taking_part_but_neither_coordinator_nor_liaison_may_not_watch(world):
    for officer in (world.de_officer, world.gr_officer):
        with pytest.raises(Forbidden):
            watch_operation(officer, world.operation.pk)


def test_a_liaison_watches_with_their_rooms_and_a_coordinator_with_everything(world):
    liaison = watch_operation(world.gr_liaison, world.operation.pk)
    coordinator = watch_operation(world.coordinator, world.operation.pk)

    assert liaison.operation == coordinator.operation == world.operation
    assert liaison.scope == scope(rooms={world.postal.pk})
    assert coordinator.scope == scope(rooms={world.postal.pk, world.balkan.pk}, coordinators=True)


def test_an_unknown_operation_is_not_found(world):
    with pytest.raises(NotFound):
        watch_operation(world.coordinator, world.operation.pk + 1000)
