"""Importing earlier seizures: every row checked, rejected rows named, nothing twice."""

import json

from apps.alerts.models import Alert
from apps.crossmatch.models import Match, MatchLink, NameKey
from apps.dashboard.models import Counter
from apps.intel.models import ImportedReport, ImportStatus
from apps.reports.models import Parcel, Party, Report, Seizure, Selector

HEADER = (
    "reference,country,agency,kind,handling,occurred_at,body,seizures,parcel.tracking_number,"
    "parcel.origin_country,parcel.destination_country,parcel.declared_content,parcel.weight_g,"
    "parcel.recipient.name,parcel.recipient.phone,parcel.recipient.date_of_birth\n"
)
GOOD_1 = (
    'GR-19-001,GR,Hellenic Customs,hit,amber,2019-12-02T10:00:00Z,"Pistol in a speaker",'
    "firearm:1:Glock 17,RR123456785US,US,GR,audio equipment,2300,Giorgos Papadopoulos,694 123 4567,"
    "1984-03-12\n"
)
GOOD_2 = (
    "DE-20-117,DE,Zoll,hit,green,2020-03-15T08:30:00Z,,ammunition:150:9mm; other_weapon:2,"
    "CP123456785DE,TR,DE,spare parts,900,Hans Müller,,\n"
)
BAD_WEIGHT = "FR-20-003,FR,Douane,hit,green,,,firearm:1,,,,,0,,,\n"
BAD_COUNTRY = "XX-1,XX,Nowhere,hit,green,,,firearm:1,,,,,,,,\n"
BAD_CELLS = "only,three,cells\n"
BAD_HIT = "SE-20-9,SE,Tullverket,hit,green,,,,,,,,,,,\n"


def test_import_of_good_and_bad_rows_counts_names_the_bad_ones_and_imports_the_rest(
    world, partners, run_import
):
    text = HEADER + GOOD_1 + BAD_WEIGHT + GOOD_2 + BAD_COUNTRY + BAD_CELLS + BAD_HIT

    run = run_import(text)

    assert run.status == ImportStatus.DONE
    assert run.errors == [
        {"line": 3, "reason": "parcel.weight_g: Ensure this value is greater than or equal to 1."},
        {"line": 5, "reason": "country: 'XX' is not an ISO 3166-1 alpha-2 code."},
        {"line": 6, "reason": "3 cells where the header has 16"},
        {"line": 7, "reason": "seizures: A hit needs at least one seizure line."},
    ]
    assert (run.rows_total, run.rows_created, run.rows_existing, run.rows_rejected) == (6, 2, 0, 4)
    reports = Report.objects.filter(import_record__run=run).order_by("seq")
    assert [
        (r.country_id, r.agency.name, r.kind, r.handling, r.author.username, r.seq) for r in reports
    ] == [
        ("GR", "Hellenic Customs", "hit", "amber", "analyst", 1),
        ("DE", "Zoll", "hit", "green", "analyst", 2),
    ]
    assert reports[0].room.name == "Earlier seizures"
    assert reports[0].occurred_at.isoformat() == "2019-12-02T10:00:00+00:00"
    assert sorted(
        Seizure.objects.filter(report__in=reports).values_list("category", "quantity")
    ) == [("ammunition", 150), ("firearm", 1), ("other_weapon", 2)]
    parcel = Parcel.objects.get(report=reports[0])
    assert (parcel.tracking_number, parcel.origin_country_id, parcel.weight_g) == (
        "RR123456785US",
        "US",
        2300,
    )
    recipient = Party.objects.get(report=reports[0], role="recipient")
    assert (recipient.name, recipient.phone) == ("Giorgos Papadopoulos", "694 123 4567")
    assert set(Selector.objects.filter(report=reports[0]).values_list("type", "normalised")) >= {
        ("tracking_number", "RR123456785US"),
        ("phone", "+306941234567"),
    }
    assert NameKey.objects.filter(report=reports[0]).count() > 0
    assert (run.agencies_unknown, run.agencies_created) == ([], [])  # every agency was known
    assert (
        Counter.objects.get(
            operation=world.operation, scope="total", key="", metric="seized.ammunition"
        ).value
        == 150
    )


def test_importing_the_same_file_again_creates_nothing(world, partners, run_import):
    text = HEADER + GOOD_1 + GOOD_2 + BAD_WEIGHT
    first = run_import(text)
    before = (
        Report.objects.count(),
        Selector.objects.count(),
        Party.objects.count(),
        NameKey.objects.count(),
        Seizure.objects.count(),
        ImportedReport.objects.count(),
        sorted(Counter.objects.values_list("scope", "key", "metric", "value")),
    )

    again = run_import(text)

    assert (first.rows_created, again.rows_created, again.rows_existing, again.rows_rejected) == (
        2,
        0,
        2,
        1,
    )
    assert again.status == ImportStatus.DONE
    assert (
        Report.objects.count(),
        Selector.objects.count(),
        Party.objects.count(),
        NameKey.objects.count(),
        Seizure.objects.count(),
        ImportedReport.objects.count(),
        sorted(Counter.objects.values_list("scope", "key", "metric", "value")),
    ) == before


def test_the_same_rows_as_json_lines_by_another_analyst_are_the_same_reports(world, run_import):
    from apps.accounts.models import Role
    from tests.factories import OfficerFactory

    rows = [
        {
            "reference": "GR-19-001",
            "country": "GR",
            "agency": "Hellenic Customs",
            "kind": "hit",
            "seizures": [{"category": "firearm", "quantity": 1}],
        },
        {
            "country": "BG",
            "agency": "Bulgarian Customs",
            "kind": "intel",
            "body": "Vendor @balkangunsmith ships to Sofia.",
        },
    ]
    text = "\n".join(json.dumps(r) for r in rows) + "\n"
    run_import(text, fmt="jsonl")
    other = OfficerFactory(
        username="analyst2", agency=world.coordinator.agency, role=Role.COORDINATOR
    )

    again = run_import(json.dumps(list(reversed(rows)), indent=2), fmt="json", officer=other)

    assert (again.rows_total, again.rows_created, again.rows_existing) == (2, 0, 2)
    assert Report.objects.count() == 2


def test_a_file_with_an_unknown_column_is_refused_whole(world, run_import):
    run = run_import("country,agency,kind,weight\nGR,Hellenic Customs,hit,3\n")

    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {"line": 1, "reason": "Unknown column: weight. See docs/intel.md for the columns."}
    ]
    assert Report.objects.count() == 0


def test_imported_rows_are_matched_in_bulk_and_summarised_not_alerted(world, run_import):
    text = (
        HEADER
        + GOOD_1
        + (
            "AL-20-5,AL,Albanian Police,intel,green,2020-05-01T00:00:00Z,"
            '"Buyer uses +30 694 123 4567",,,,,,,,,\n'
        )
    )

    run = run_import(text)

    assert run.matches_found == 1
    assert (run.batches_total, run.batches_matched) == (1, 1)
    match = Match.objects.get()
    assert [(link.selector_type, link.value) for link in match.links.all()] == [
        ("phone", "+306941234567")
    ]
    assert Alert.objects.count() == 0
    assert Report.objects.filter(matched_at__isnull=True).count() == 0


def test_an_import_that_matches_a_live_hit_tells_its_owner_and_summarises_for_the_analyst(
    world, partners, run_import, post, analyst
):
    # given: a Greek hit of the action week
    live = post(
        world.gr_officer, world.postal, "hit", handling="amber",
        seizures=[{"category": "firearm", "quantity": 1}],
        parcel={"tracking_number": "RR123456785US"},
    )  # fmt: skip

    # when: a partner's 2020 seizures are imported, one with that tracking number
    run = run_import(HEADER + GOOD_1 + GOOD_2)

    # then: the Greek officers concerned are told in their inbox, the analyst in the summary
    match = Match.objects.get()
    assert match.report_a_id == live.pk
    alerted = set(Alert.objects.values_list("officer__username", flat=True))
    assert alerted == {"gr.officer", "gr.liaison", "coordinator"}
    assert run.matches_found == 1


def test_an_earlier_seizure_is_matched_by_a_new_report_in_the_action_week(
    world, run_import, post, analyst
):
    run_import(HEADER + GOOD_1)
    earlier = Report.objects.get(import_record__isnull=False)

    new = post(
        world.bg_officer,
        world.postal,
        "hit",
        seizures=[{"category": "firearm_part", "quantity": 1}],
        parcel={
            "tracking_number": "CP 123 456 785 DE",
            "recipient": {
                "name": "Georgios Papadopoulos",
                "phone": "+30 694 123 4567",
                "date_of_birth": "1984-03-12",
            },
        },
    )

    matches = {
        (link.selector_type, link.match.report_a_id, link.match.report_b_id)
        for link in MatchLink.objects.select_related("match")
    }
    assert ("phone", earlier.pk, new.pk) in matches
    assert ("person", earlier.pk, new.pk) in matches
    alerted = set(Alert.objects.values_list("officer__username", flat=True))
    assert {"analyst", "bg.officer", "coordinator"} <= alerted


def test_the_analyst_gets_one_import_finished_event_and_no_alert_per_match(
    world, run_import, analyst, monkeypatch
):
    from apps.alerts.consumers import AlertConsumer

    async def import_finished(self, event):  # what the alert socket forwards
        pass

    monkeypatch.setattr(AlertConsumer, "import_finished", import_finished, raising=False)
    sent = []
    monkeypatch.setattr(
        "apps.core.events.publish", lambda group, event: sent.append((group, event)) or True
    )
    text = (
        HEADER
        + GOOD_1
        + (
            "AL-20-5,AL,Albanian Police,intel,green,2020-05-01T00:00:00Z,"
            '"Buyer uses +30 694 123 4567",,,,,,,,,\n'
        )
    )

    run = run_import(text)

    to_analyst = [event for group, event in sent if group == f"alerts.{analyst.pk}"]
    assert [e["type"] for e in to_analyst] == ["import.finished"]
    summary = to_analyst[0]["import"]
    assert (summary["id"], summary["status"], summary["matches_found"]) == (run.pk, "done", 1)
    assert summary["rows"] == {"total": 2, "created": 2, "existing": 0, "rejected": 0}
    assert not any(event["type"] == "alert.created" for _, event in sent)


def test_an_import_whose_matching_stalled_is_swept_and_finished(
    world, analyst, partners, django_capture_on_commit_callbacks
):
    import io
    from datetime import timedelta

    from django.utils import timezone

    from apps.intel.imports import import_file, import_run_start, import_runs_sweep
    from apps.intel.models import ImportRun

    # The batch task is lost: its on-commit enqueue never runs.
    with django_capture_on_commit_callbacks(execute=False):
        run = import_run_start(
            operation=world.operation, officer=analyst, name="x.csv", file_format="csv"
        )
        run = import_file(run, io.BytesIO((HEADER + GOOD_1 + GOOD_2).encode()))
    assert (run.status, run.batches_total, run.batches_matched) == (ImportStatus.MATCHING, 1, 0)
    ImportRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - timedelta(hours=1))

    assert import_runs_sweep() == 2

    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert Report.objects.filter(matched_at__isnull=True).count() == 0


def test_an_imported_report_and_a_posted_one_leave_the_same_address_and_company_keys(
    world, run_import
):
    from apps.reports.services import report_create

    def keys_of(report):
        return sorted(NameKey.objects.filter(report=report).values_list("entity", "key"))

    run_import(
        "reference,country,agency,kind,handling,body,parcel.tracking_number,"
        "parcel.sender.company,parcel.sender.address\n"
        "GR-21-5,GR,Hellenic Customs,intel,amber,Sender seen,RR123456785US,"
        '"Άλφα Εμπορική Α.Ε.","Ερμού 12, 105 63 Αθήνα"\n'
    )
    imported = Report.objects.get(import_record__isnull=False)
    data = {
        "client_id": "0d1c4b1e-7f5a-4a7e-9d51-3f4f4b2a9c10", "kind": "intel",
        "handling": "amber", "body": "Sender seen",
        "parcel": {"tracking_number": "RR123456785US",
                   "sender": {"company": "Άλφα Εμπορική Α.Ε.",
                              "address": "Ερμού 12, 105 63 Αθήνα"}},
    }  # fmt: skip

    posted = report_create(room=world.postal, author=world.gr_officer, data=data).report

    assert keys_of(imported) == keys_of(posted)
    assert {entity for entity, _ in keys_of(posted)} == {"address", "company"}
