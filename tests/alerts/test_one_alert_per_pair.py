"""One Match per pair of reports, one alert per officer concerned and pair.

The case found by a new user: one pair sharing a phone and a tracking number raised two
alerts, each to acknowledge on its own; a third report with that phone added two more,
one of them about an officer's own two reports.
"""

from collections import Counter

import pytest

from apps.alerts.models import Alert, AlertState
from apps.alerts.payloads import alert_payload
from apps.crossmatch.models import Match
from apps.crossmatch.services import report_match
from apps.reports.models import Report, Selector
from apps.reports.selectors import viewer_for

PARCEL = {"tracking_number": "RR123456785US", "recipient": {"phone": "694 123 4567"}}
BODY = "Buyer +30 694 123 4567 waits for RR123456785US."


def _alerts_per_officer() -> Counter:
    return Counter(Alert.objects.values_list("officer__username", flat=True))


def test_a_pair_sharing_a_phone_and_a_tracking_number_is_one_match_and_one_alert_each(world, post):
    # given
    hit = post(world.gr_officer, world.postal, "hit", handling="amber", parcel=PARCEL)

    # when
    intel = post(world.al_officer, world.balkan, "intel", body=BODY)

    # then
    match = Match.objects.get()
    assert (match.report_a_id, match.report_b_id, match.kind) == (hit.pk, intel.pk, "exact")
    assert sorted(match.links.values_list("selector_type", "value")) == [
        ("phone", "+306941234567"),
        ("tracking_number", "RR123456785US"),
    ]
    assert _alerts_per_officer() == {
        "gr.officer": 1,
        "gr.liaison": 1,
        "al.officer": 1,
        "coordinator": 1,
    }
    # and the alert lists both, as each recipient may see them
    alert = Alert.objects.get(officer=world.gr_officer)
    shown = alert_payload(alert, viewer_for(world.gr_officer))["match"]
    assert {(s["type"], s["value"]) for s in shown["selectors"]} == {
        ("phone", "+306941234567"),
        ("tracking_number", "RR123456785US"),
    }
    assert all(s["score"] == 1.0 for s in shown["selectors"])


def test_a_third_report_adds_one_alert_per_new_pair_and_none_for_an_officers_own_pair(world, post):
    # given: the pair above, alerted once to each of four officers
    post(world.gr_officer, world.postal, "hit", handling="amber", parcel=PARCEL)
    post(world.al_officer, world.balkan, "intel", body=BODY)
    before = _alerts_per_officer()

    # when: the Greek officer reports the phone again
    post(world.gr_officer, world.postal, "intel", body="Same buyer: +30 694 123 4567.")

    # then: two new pairs (with the hit, with the intel), each alerted once per officer,
    # except the Greek officer's own pair (their hit and their intel)
    assert Match.objects.count() == 3
    added = _alerts_per_officer() - before
    assert added == {"gr.officer": 1, "gr.liaison": 2, "al.officer": 1, "coordinator": 2}


def test_a_pair_that_gains_a_selector_makes_its_alerts_new_again_instead_of_new_alerts(
    world, post, django_capture_on_commit_callbacks, monkeypatch
):
    # given: a pair alerted and acknowledged by the Albanian officer
    hit = post(
        world.gr_officer, world.postal, "hit", parcel={"recipient": {"phone": "694 123 4567"}}
    )
    intel = post(world.al_officer, world.balkan, "intel", body="Buyer +30 694 123 4567.")
    Alert.objects.filter(officer=world.al_officer).update(state=AlertState.ACKNOWLEDGED)
    alerts = Alert.objects.count()
    sent = []
    monkeypatch.setattr(
        "apps.core.events.publish", lambda group, event: sent.append((group, event)) or True
    )

    # when: both reports turn out to share an email too, and the later one is matched again
    for report in (hit, intel):
        Selector.objects.create(
            report=report, type="email", value="buyer@example.org", normalised="buyer@example.org"
        )
    Report.objects.filter(pk=intel.pk).update(matched_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        report_match(intel.pk)

    # then: still one pair and the same alerts, new again, sent again whole
    match = Match.objects.get()
    assert sorted(match.links.values_list("selector_type", flat=True)) == ["email", "phone"]
    assert Alert.objects.count() == alerts
    mine = Alert.objects.get(officer=world.al_officer)
    assert (mine.state, mine.updated_at is not None) == (AlertState.NEW, True)
    updated = [e for g, e in sent if g == f"alerts.{world.al_officer.pk}"]
    assert [e["type"] for e in updated] == ["alert.updated"]
    assert {s["type"] for s in updated[0]["alert"]["match"]["selectors"]} == {"email", "phone"}


@pytest.mark.parametrize("again", [1, 2])
def test_matching_a_report_again_adds_no_pair_link_or_alert(world, post, again):
    post(world.gr_officer, world.postal, "hit", handling="amber", parcel=PARCEL)
    intel = post(world.al_officer, world.balkan, "intel", body=BODY)
    counts = (Match.objects.count(), Alert.objects.count())

    for _ in range(again):
        Report.objects.filter(pk=intel.pk).update(matched_at=None)
        report_match(intel.pk)

    assert (Match.objects.count(), Alert.objects.count()) == counts
    assert Match.objects.get().links.count() == 2
