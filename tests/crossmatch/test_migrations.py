"""Migrating matches to one per pair keeps every selector and every officer's alert."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import OfficerFactory, RoomFactory

BEFORE = [("crossmatch", "0003_match_value_b")]
AFTER = [("crossmatch", "0006_match_pair_columns")]


def _migrate(targets):
    """Migrate crossmatch to `targets`; the models of every app as they stand then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    leaves = [n for n in executor.loader.graph.leaf_nodes() if n[0] != "crossmatch"]
    return executor.loader.project_state(targets + leaves).apps


@pytest.mark.django_db(transaction=True)
def test_rows_per_selector_fold_into_one_pair_with_its_links_and_one_alert_per_officer(
    countries, world
):
    # given: the old shape, two rows (phone, tracking number) for one pair, each alerted
    gr, al = world.gr_officer, world.al_officer
    room = RoomFactory(name="Old matches")
    old = _migrate(BEFORE)
    Report = old.get_model("reports", "Report")
    Match = old.get_model("crossmatch", "Match")
    Alert = old.get_model("alerts", "Alert")
    reports = [
        Report.objects.create(
            room_id=room.pk, seq=n, author_id=gr.pk, agency_id=gr.agency_id, country_id="GR",
            kind="intel",
        )
        for n in (1, 2)
    ]  # fmt: skip
    phone = Match.objects.create(
        report_a_id=reports[0].pk, report_b_id=reports[1].pk, kind="exact",
        selector_type="phone", value="+306941234567", score=1.0, reasons=["same phone"],
    )  # fmt: skip
    person = Match.objects.create(
        report_a_id=reports[0].pk, report_b_id=reports[1].pk, kind="fuzzy",
        selector_type="person", value="Giorgos", value_b="Georgios", score=0.9, reasons=["name"],
    )  # fmt: skip
    Alert.objects.create(officer_id=al.pk, match_id=phone.pk, state="new")
    Alert.objects.create(officer_id=al.pk, match_id=person.pk, state="acknowledged")
    Alert.objects.create(officer_id=OfficerFactory(username="x").pk, match_id=person.pk)

    # when
    new = _migrate(AFTER)

    # then
    Match = new.get_model("crossmatch", "Match")
    Alert = new.get_model("alerts", "Alert")
    pair = Match.objects.get()
    assert (pair.report_a_id, pair.report_b_id, pair.kind, pair.score) == (
        reports[0].pk, reports[1].pk, "exact", 1.0,
    )  # fmt: skip
    links = sorted(pair.links.values_list("selector_type", "value", "value_b", "score", "reasons"))
    assert links == [
        ("person", "Giorgos", "Georgios", 0.9, ["name"]),
        ("phone", "+306941234567", "+306941234567", 1.0, ["same phone"]),
    ]
    assert sorted(Alert.objects.values_list("officer_id", "state")) == sorted(
        [(al.pk, "acknowledged"), (Alert.objects.get(officer__username="x").officer_id, "new")]
    )
