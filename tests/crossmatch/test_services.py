"""Cross-matching through the real write path, tasks in-process."""

from apps.alerts.models import Alert
from apps.alerts.payloads import alert_payload
from apps.crossmatch.models import ExcludedSelector, Match, MatchLink
from apps.crossmatch.services import report_match
from apps.crossmatch.tasks import sweep_unmatched_reports_task
from apps.reports.models import Report
from apps.reports.selectors import viewer_for

PARCEL = {
    "tracking_number": "RR123456785US",
    "recipient": {
        "name": "Γιώργος Παπαδόπουλος",
        "phone": "694 123 4567",
        "date_of_birth": "1984-03-12",
    },
}


def test_same_phone_in_two_rooms_raises_one_match_and_alerts_everyone_concerned(world, post):
    hit = post(world.gr_officer, world.postal, "hit", handling="amber", parcel=PARCEL)
    intel = post(
        world.al_officer, world.balkan, "intel", body="Buyer uses +30 694 123 4567 on Telegram."
    )

    link = MatchLink.objects.get(selector_type="phone")
    match = link.match
    assert (match.report_a_id, match.report_b_id, link.value) == (
        hit.pk,
        intel.pk,
        "+306941234567",
    )
    recipients = set(Alert.objects.filter(match=match).values_list("officer__username", flat=True))
    assert recipients == {"gr.officer", "gr.liaison", "al.officer", "coordinator"}
    assert Report.objects.filter(matched_at__isnull=True).count() == 0


def test_alert_about_a_report_the_recipient_may_not_read_says_only_who_holds_it(world, post):
    hit = post(world.gr_officer, world.postal, "hit", handling="amber", parcel=PARCEL)
    post(world.al_officer, world.balkan, "intel", body="Buyer uses +30 694 123 4567.")
    alert = Alert.objects.get(officer=world.al_officer, match__links__selector_type="phone")

    payload = alert_payload(alert, viewer_for(world.al_officer))

    hidden = payload["match"]["reports"][0]
    assert hidden == {
        "id": hit.pk,
        "agency": "Hellenic Customs",
        "country": "GR",
        "handling": "amber",
    }
    assert "body" in payload["match"]["reports"][1]
    assert "Papadop" not in str(payload)


def test_matching_twice_makes_no_duplicates(world, post):
    post(world.gr_officer, world.postal, "hit", parcel=PARCEL)
    intel = post(world.al_officer, world.balkan, "intel", body="Buyer +30 694 123 4567.")
    matches, alerts = Match.objects.count(), Alert.objects.count()
    Report.objects.filter(pk=intel.pk).update(matched_at=None)

    assert report_match(intel.pk) == []
    assert (Match.objects.count(), Alert.objects.count()) == (matches, alerts)


def test_greek_name_matches_its_latin_transliteration_with_the_same_birth_date(world, post):
    post(world.gr_officer, world.postal, "hit", parcel=PARCEL)
    post(
        world.bg_officer,
        world.postal,
        "intel",
        people=[{"name": "Giorgos Papadopoulos", "date_of_birth": "1984-03-12"}],
    )

    match = MatchLink.objects.get(kind="fuzzy")
    assert match.selector_type == "person"
    assert match.value == "Γιώργος Παπαδόπουλος"
    assert match.score >= 0.85  # both names are "common" in a database of two
    assert any("date of birth" in reason for reason in match.reasons)


def test_same_name_with_another_birth_date_is_not_a_match(world, post):
    post(world.gr_officer, world.postal, "hit", parcel=PARCEL)
    post(
        world.bg_officer,
        world.postal,
        "intel",
        people=[{"name": "Giorgos Papadopoulos", "date_of_birth": "1961-07-30"}],
    )

    assert not MatchLink.objects.filter(kind="fuzzy").exists()


def test_a_selector_in_too_many_reports_stops_alerting_and_is_listed(world, post, settings):
    settings.CROSSMATCH_MAX_REPORTS_PER_SELECTOR = 2
    for _ in range(3):
        post(world.gr_officer, world.postal, "intel", body="Hub phone +30 210 123 4567.")
    alerts = Alert.objects.count()

    post(world.bg_officer, world.postal, "intel", body="Call +30 210 123 4567.")

    assert Alert.objects.count() == alerts
    excluded = ExcludedSelector.objects.get()
    assert (excluded.selector_type, excluded.normalised, excluded.automatic) == (
        "phone",
        "+302101234567",
        True,
    )


def test_sweep_matches_a_report_whose_task_was_lost(world, post, monkeypatch):
    from apps.crossmatch import tasks

    monkeypatch.setattr(tasks.match_report_task, "delay", lambda *a: None)
    monkeypatch.setattr("apps.core.events.enqueue_on_commit", lambda *a: None)
    first = post(world.gr_officer, world.postal, "hit", parcel=PARCEL)
    second = post(world.al_officer, world.balkan, "intel", body="Buyer +30 694 123 4567.")
    monkeypatch.undo()
    Report.objects.update(matched_at=None)
    Match.objects.all().delete()

    assert sweep_unmatched_reports_task(older_than_seconds=0) == 2

    assert Match.objects.filter(report_a=first, report_b=second).exists()
    assert not Report.objects.filter(matched_at__isnull=True).exists()


def test_two_reports_naming_one_company_spelt_differently_match_fuzzily(world, post):
    hit = post(
        world.gr_officer,
        world.postal,
        "hit",
        parcel={"sender": {"company": "Άλφα Εμπορική Α.Ε."}},
    )

    later = post(world.bg_officer, world.postal, "intel", people=[{"company": "Alfa Emporiki SA"}])

    match = MatchLink.objects.get(selector_type="company")
    assert (match.kind, match.match.report_a_id, match.match.report_b_id) == (
        "fuzzy",
        hit.pk,
        later.pk,
    )
    assert (match.value, match.value_b) == ("Άλφα Εμπορική Α.Ε.", "Alfa Emporiki SA")
    assert match.score >= 0.5
    assert match.reasons[0].startswith("company: 'Άλφα Εμπορική Α.Ε.' ~ 'Alfa Emporiki SA'")
    assert Alert.objects.filter(match=match.match, officer=world.bg_officer).exists()


def test_a_typo_in_an_address_is_a_fuzzy_address_match_with_its_reasons(world, post):
    first = post(
        world.gr_officer,
        world.postal,
        "hit",
        parcel={"recipient": {"address": "Hauptstraße 12, 10115 Berlin"}},
    )

    second = post(
        world.bg_officer, world.postal, "intel", people=[{"address": "Haupstr. 12, Berlin"}]
    )

    match = MatchLink.objects.get(selector_type="address")
    assert (match.kind, match.match.report_a_id, match.match.report_b_id) == (
        "fuzzy",
        first.pk,
        second.pk,
    )
    assert (match.value, match.value_b) == ("Hauptstraße 12, 10115 Berlin", "Haupstr. 12, Berlin")
    assert "house number equal (12)" in match.reasons


def test_the_neighbours_address_is_not_a_match(world, post):
    post(
        world.gr_officer,
        world.postal,
        "hit",
        parcel={"recipient": {"address": "Hauptstraße 12, 10115 Berlin"}},
    )

    neighbour = [{"address": "Hauptstraße 14, 10115 Berlin"}]
    post(world.bg_officer, world.postal, "intel", people=neighbour)

    assert not MatchLink.objects.filter(selector_type="address").exists()


def test_a_hub_address_in_many_reports_does_not_alert(world, post, settings):
    settings.CROSSMATCH_MAX_REPORTS_PER_SELECTOR = 3
    for _ in range(4):
        post(
            world.gr_officer,
            world.postal,
            "hit",
            parcel={"recipient": {"address": "ELTA Hub, Leoforos Kifisou 120, 10442 Athina"}},
        )
    alerts, matches = Alert.objects.count(), Match.objects.count()

    post(
        world.bg_officer,
        world.postal,
        "intel",
        people=[{"address": "ELTA hub, Leof. Kifisou 120, 104 42 Athens"}],
    )

    assert (Alert.objects.count(), Match.objects.count()) == (alerts, matches)


def test_an_address_match_shows_an_officer_only_the_side_they_may_read(world, post):
    post(
        world.gr_officer,
        world.postal,
        "hit",
        handling="amber",
        parcel={"recipient": {"address": "Odos Ermou 12, 10563 Athina"}},
    )
    post(world.al_officer, world.balkan, "intel", people=[{"address": "Ερμού 12, 105 63 Αθήνα"}])
    alert = Alert.objects.get(officer=world.al_officer, match__links__selector_type="address")

    payload = alert_payload(alert, viewer_for(world.al_officer))

    assert payload["match"]["kind"] == "fuzzy"
    assert payload["match"]["values"] == [None, "Ερμού 12, 105 63 Αθήνα"]
    assert payload["match"]["score"] is None
    assert set(payload["match"]["reports"][0]) == {"id", "agency", "country", "handling"}
    assert "Ermou" not in str(payload)


# --- the scope of matching: every operation, hit/no-hit across them ---------------------------


def _other_operation(world):
    """A second operation with a room of its own, joined by German Police."""
    from tests.factories import OfficerFactory, RoomFactory, join

    room = RoomFactory(name="Another operation's room")
    de = world.de_officer.agency
    join(room, de)
    return room, OfficerFactory(username="de.colleague", agency=de)


def test_a_report_of_another_operation_is_matched_and_shown_as_hit_no_hit(world, post):
    # given: an amber Greek hit in this operation
    hit = post(world.gr_officer, world.postal, "hit", handling="amber", parcel=PARCEL)
    room, de = _other_operation(world)

    # when: another operation's officer reports the same phone
    post(de, room, "intel", body="Buyer uses +30 694 123 4567.")

    # then: one pair, and the German officer learns only that the Greek customs hold a report
    alert = Alert.objects.get(officer=de)
    payload = alert_payload(alert, viewer_for(de))
    assert payload["match"]["reports"][0] == {
        "id": hit.pk, "agency": "Hellenic Customs", "country": "GR", "handling": "amber",
    }  # fmt: skip
    assert "Papadop" not in str(payload)


def test_an_exclusion_of_an_operation_applies_to_every_pair_with_its_reports(world, post):
    # given: this operation's analysts excluded a hub's phone, and one of its reports has it
    ExcludedSelector.objects.create(
        operation=world.operation, selector_type="phone", normalised="+306941234567"
    )
    post(world.gr_officer, world.postal, "hit", parcel=PARCEL)
    room, de = _other_operation(world)

    # when: another operation's report carries the phone
    post(de, room, "intel", body="Buyer uses +30 694 123 4567.")

    # then: no pair on it, from whichever side
    assert not MatchLink.objects.filter(selector_type="phone").exists()
    assert not Alert.objects.exists()
