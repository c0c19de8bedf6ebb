"""Risk indicators firing and not firing on crafted parcels; the scoring API."""

import pytest

from apps.intel.models import Indicator
from apps.intel.scoring import parcels_score
from apps.intel.services import IntelInvalid, IntelRefused, indicator_create, indicator_update
from apps.reports.normalise import s10_check_digit

from .test_imports import GOOD_1, HEADER

PARCEL = {
    "tracking_number": "RR 123 456 785 US",
    "carrier": "USPS Priority Mail",
    "origin_country": "US",
    "destination_country": "GR",
    "declared_content": "Audio speakers, spare parts",
    "weight_g": 2300,
    "recipient": {"name": "Giorgos Papadopoulos", "phone": "+30 694 123 4567"},
}
PLAIN = {
    "tracking_number": "LX123456785DE",
    "carrier": "Deutsche Post",
    "origin_country": "DE",
    "destination_country": "AT",
    "declared_content": "books",
    "weight_g": 400,
    "recipient": {"name": "Anna Huber", "phone": "+43 660 1234567"},
}


def fired(result) -> dict[str, list[str]]:
    return {i["name"]: i["reasons"] for i in result["indicators"]}


def score(world, officer, *parcels, record=False):
    return parcels_score(
        operation=world.operation, officer=officer, parcels=list(parcels), record=record
    )


@pytest.mark.parametrize(
    "kind, params, reasons",
    [
        ("origin_country", {"countries": ["us", "TR"]}, ["origin US"]),
        ("destination_country", {"countries": ["EL"]}, ["destination GR"]),
        ("route", {"origin": ["US"], "destination": ["GR", "CY"]}, ["route US -> GR"]),
        ("carrier", {"carriers": ["usps"]}, ["carrier: usps"]),
        (
            "declared_content",
            {"words": ["speaker*", "spare parts", "toy"]},
            ["declared content: speakers, spare parts"],
        ),
        ("weight_range", {"min_g": 1500, "max_g": 3000}, ["weight 2300 g"]),
        (
            "watched_selector",
            {"selectors": [{"type": "phone", "value": "0030 694 123 4567"}]},
            ["recipient phone +30 694 123 4567 is watched"],
        ),
    ],
)
def test_an_indicator_fires_on_the_parcel_it_describes_and_not_on_another(
    world, analyst, indicator, kind, params, reasons
):
    indicator(kind, params, name="rule", weight=25)

    suspect, plain = score(world, analyst, PARCEL, PLAIN)

    assert fired(suspect) == {"rule": reasons}
    assert suspect["score"] == 25
    assert fired(plain) == {}
    assert plain["score"] == 0


def test_dark_web_signs_in_notes_and_addresses(world, analyst, indicator):
    indicator("dark_web", {}, name="dark web", weight=40)
    bought = dict(
        PLAIN,
        notes="Ordered on Empire Market from @balkangunsmith, paid in Bitcoin",
        recipient={"name": "A. Huber", "email": "ahuber@protonmail.com"},
    )

    result, plain = score(world, analyst, bought, PLAIN)

    assert fired(result) == {
        "dark web": [
            "marketplace in the notes: Empire Market",
            "vendor handle in the notes: @balkangunsmith",
            "notes: bitcoin",
            "anonymous e-mail provider protonmail.com",
        ]
    }
    assert fired(plain) == {}


def test_earlier_selector_and_person_point_at_the_imported_seizure(
    world, analyst, indicator, run_import
):
    run_import(HEADER + GOOD_1)
    indicator("earlier_selector", {}, name="seen before", weight=50)
    indicator("earlier_person", {"min_score": 0.8}, name="person seen before", weight=30)
    parcel = dict(
        PLAIN,
        tracking_number="LX 223 456 788 DE",
        destination_country="GR",
        recipient={"name": "Georgios Papadopoulos", "phone": "6941234567"},
    )

    result, plain = score(world, analyst, parcel, PLAIN)

    from apps.reports.models import Report

    earlier = Report.objects.get(import_record__isnull=False)
    assert result["score"] == 80
    by_name = {i["name"]: i for i in result["indicators"]}
    assert by_name["seen before"]["reasons"] == ["recipient phone 6941234567 in 1 earlier report"]
    assert by_name["person seen before"]["reasons"] == [
        "recipient 'Georgios Papadopoulos' ~ a person named in 1 earlier report"
    ]
    # the earlier name is the earlier report's content: shown with it, to a reader of it
    (person_evidence,) = by_name["person seen before"]["reports"]
    assert person_evidence["readable"] is True
    assert person_evidence["person"]["name"] == "Giorgos Papadopoulos"
    assert person_evidence["person"]["role"] == "recipient"
    assert by_name["seen before"]["reports"] == [
        {
            "id": earlier.pk,
            "agency": "Hellenic Customs",
            "country": "GR",
            "handling": "amber",
            "kind": "hit",
            "room": earlier.room_id,
            "seq": earlier.seq,
            "occurred_at": "2019-12-02T10:00:00Z",
            "readable": True,
        }
    ]
    assert fired(plain) == {}


def test_a_value_set_aside_in_the_operation_is_no_evidence(world, analyst, indicator, run_import):
    from apps.crossmatch.models import ExcludedSelector

    run_import(HEADER + GOOD_1)
    indicator("earlier_selector", {"types": ["phone"]}, name="seen before")
    parcel = dict(PLAIN, recipient={"phone": "+306941234567"})
    (before,) = score(world, analyst, parcel)

    ExcludedSelector.objects.create(
        operation=world.operation, selector_type="phone", normalised="+306941234567"
    )
    (after,) = score(world, analyst, parcel)

    assert fired(before) == {"seen before": ["recipient phone +306941234567 in 1 earlier report"]}
    assert fired(after) == {}


def test_evidence_the_caller_may_not_read_is_shown_as_hit_no_hit_only(
    world, analyst, indicator, run_import
):
    run_import(HEADER + GOOD_1)  # amber, in the analysts' room
    indicator("earlier_selector", {"types": ["phone"]}, name="seen before")

    (result,) = score(world, world.gr_officer, dict(PLAIN, recipient={"phone": "+306941234567"}))

    (report,) = result["indicators"][0]["reports"]
    assert set(report) == {"id", "agency", "country", "handling", "readable"}
    assert report["readable"] is False


def test_inactive_indicators_do_not_fire_and_bad_parcels_get_errors(world, analyst, indicator):
    rule = indicator("origin_country", {"countries": ["US"]})
    Indicator.objects.filter(pk=rule.pk).update(active=False)

    ok, bad = score(world, analyst, PARCEL, dict(PLAIN, weight_g=0, origin_country="XX"))

    assert ok["indicators"] == []
    assert bad == {
        "index": 1,
        "ref": "",
        "errors": {
            "origin_country": ["'XX' is not an ISO 3166-1 alpha-2 code."],
            "weight_g": ["Ensure this value is greater than or equal to 1."],
        },
    }


def test_a_changed_indicator_counts_from_the_next_scan(world, analyst, indicator):
    # given a scan scored with an indicator (its rules compiled and kept)
    rule = indicator("origin_country", {"countries": ["US"]}, name="origin", weight=20)
    assert score(world, analyst, PARCEL)[0]["score"] == 20

    # when an analyst changes it, a second one is added, and the first is switched off
    indicator_update(indicator=rule, officer=analyst, data={"weight": 35})
    after_change = score(world, analyst, PARCEL)[0]
    indicator("carrier", {"carriers": ["usps"]}, name="carrier", weight=5)
    after_add = score(world, analyst, PARCEL)[0]
    carrier = Indicator.objects.get(name="carrier")
    carrier.weight = 6
    carrier.save()  # as the admin saves it
    after_admin = score(world, analyst, PARCEL)[0]
    Indicator.objects.filter(pk=rule.pk).update(active=False)  # even behind the services' back
    after_off = score(world, analyst, PARCEL)[0]

    # then every next scan is scored with the indicators as they are now
    assert after_change["score"] == 35
    assert (after_add["score"], sorted(fired(after_add))) == (40, ["carrier", "origin"])
    assert after_admin["score"] == 41
    assert (after_off["score"], sorted(fired(after_off))) == (6, ["carrier"])


def test_a_change_counts_from_the_next_scan_when_evidence_is_looked_up_too(
    world, analyst, indicator, run_import
):
    # given indicators that look up earlier reports, their rules compiled and kept
    run_import(HEADER + GOOD_1)
    indicator("earlier_selector", {"types": ["phone"]}, name="seen before", weight=50)
    rule = indicator("origin_country", {"countries": ["DE"]}, name="origin", weight=20)
    parcel = dict(PLAIN, recipient={"name": "Anna Huber", "phone": "+30 694 123 4567"})
    assert score(world, analyst, parcel)[0]["score"] == 70

    # when one changes between two scans
    indicator_update(indicator=rule, officer=analyst, data={"weight": 30})
    after = score(world, analyst, parcel)[0]

    # then the next scan has the change and the evidence
    assert after["score"] == 80
    assert fired(after)["seen before"] == ["recipient phone +30 694 123 4567 in 1 earlier report"]


def test_bad_parcels_in_a_large_batch_are_told_by_index_and_the_rest_scored(
    world, analyst, indicator
):
    indicator("origin_country", {"countries": ["US"]}, name="origin", weight=20)
    batch = [dict(PARCEL, ref=f"scan-{i}") for i in range(1000)]
    batch[10] = dict(PARCEL, origin_country="us ", recipient={"name": "  "})
    batch[500] = dict(batch[500], weight_g="heavy", colour="red")
    batch[999] = "RR123456785US"

    results = score(world, analyst, *batch)

    assert [r["index"] for r in results] == list(range(1000))
    assert results[10]["errors"] == {
        "recipient": ["Give at least one of name, address, phone, email or company."]
    }
    assert results[500] == {
        "index": 500,
        "ref": "scan-500",
        "errors": {"colour": ["Unknown field."]},
    }
    assert results[999]["errors"] == {"non_field_errors": ["A parcel is a JSON object."]}
    scored = [r for i, r in enumerate(results) if i not in (10, 500, 999)]
    assert {r["score"] for r in scored} == {20.0}
    assert scored[0]["ref"] == "scan-0" and scored[0]["tracking_number"] == "RR123456785US"


def test_a_parcel_scanned_again_counts_once_per_indicator_and_keeps_its_best_score(
    world, analyst, indicator
):
    from apps.intel.models import IndicatorStat, ScoredParcel

    origin = indicator("origin_country", {"countries": ["US"]}, name="origin", weight=20)
    score(world, analyst, PARCEL, record=True)
    carrier = indicator("carrier", {"carriers": ["usps"]}, name="carrier", weight=5)
    # scanned again at another hub, and twice in one batch
    score(world, world.gr_officer, PARCEL, dict(PARCEL, ref="again"), record=True)
    indicator_update(indicator=origin, officer=analyst, data={"active": False})
    score(world, analyst, PARCEL, record=True)  # only the carrier fires now

    (parcel,) = ScoredParcel.objects.values_list("tracking_number", "indicator_ids", "score")
    assert parcel == ("RR123456785US", sorted([origin.pk, carrier.pk]), 25.0)
    flagged = dict(IndicatorStat.objects.values_list("indicator_id", "flagged"))
    assert flagged == {origin.pk: 1, carrier.pk: 1}


def test_indicator_params_are_checked_per_kind(world, analyst):
    with pytest.raises(IntelInvalid) as bad:
        indicator_create(
            operation=world.operation,
            officer=analyst,
            data={
                "name": "x",
                "kind": "weight_range",
                "params": {"min_g": 500, "max_g": 100, "colour": 1},
            },
        )
    assert bad.value.errors == {
        "params.colour": ["Unknown parameter for this kind (known: min_g, max_g)."],
        "params.max_g": ["Must be at least min_g."],
    }
    with pytest.raises(IntelInvalid) as bad:
        indicator_create(
            operation=world.operation,
            officer=analyst,
            data={
                "name": "x",
                "kind": "watched_selector",
                "params": {"selectors": [{"type": "tracking_number", "value": "RR123456784US"}]},
            },
        )
    assert bad.value.errors == {"params.selectors[0].value": ["S10 check digit is 5, not 4"]}
    assert Indicator.objects.count() == 0


def test_only_analysts_and_coordinators_of_participants_define_indicators(world):
    data = {"name": "US origin", "kind": "origin_country", "params": {"countries": ["US"]}}
    for officer in (world.gr_officer, world.fr_officer):
        with pytest.raises(IntelRefused):
            indicator_create(operation=world.operation, officer=officer, data=data)
    assert Indicator.objects.count() == 0

    made = indicator_create(operation=world.operation, officer=world.coordinator, data=data)
    assert made.params == {"countries": ["US"]}


def test_score_api_single_and_batch(world, analyst, indicator, api_as):
    indicator("origin_country", {"countries": ["US"]}, name="US origin", weight=20)
    client = api_as(world.gr_officer)
    url = f"/api/v1/operations/{world.operation.pk}/score/"

    single = client.post(url, dict(PARCEL, ref="scan-1"), format="json")
    batch = client.post(url, {"parcels": [PARCEL, PLAIN, {"weight_g": -1}]}, format="json")
    invalid = client.post(url, {"weight_g": "heavy"}, format="json")
    outsider = api_as(world.fr_officer).post(url, PARCEL, format="json")

    assert single.status_code == 200
    assert (single.data["ref"], single.data["tracking_number"], single.data["score"]) == (
        "scan-1",
        "RR123456785US",
        20.0,
    )
    assert batch.status_code == 200
    assert [r.get("score") for r in batch.data["results"]] == [20.0, 0.0, None]
    assert batch.data["results"][2]["errors"] == {
        "weight_g": ["Ensure this value is greater than or equal to 1."]
    }
    assert invalid.status_code == 400
    assert invalid.data == {"weight_g": ["A valid integer is required."]}
    assert outsider.status_code == 404


@pytest.fixture
def countries(transactional_db):
    """The countries the data migration loads; an earlier transactional test's flush took them."""
    import pycountry

    from apps.accounts.models import Country

    Country.objects.bulk_create(
        [Country(code=c.alpha_2, name=c.name) for c in pycountry.countries], ignore_conflicts=True
    )


def test_a_large_batch_scored_on_several_processes_gives_what_one_process_gives(
    countries, world, analyst, indicator, run_import, settings
):
    from django.db import connection

    from apps.intel import scoring_pool
    from apps.intel.models import IndicatorStat, ScoredParcel
    from apps.intel.scoring import SPLIT_AT

    if connection.vendor != "postgresql":
        pytest.skip("parts are scored in other processes on PostgreSQL only")
    run_import(HEADER + GOOD_1)
    indicator("earlier_selector", {}, name="seen before", weight=50)
    indicator("earlier_person", {"min_score": 0.8}, name="person seen before", weight=30)
    indicator("declared_content", {"words": ["speaker*"]}, name="speakers", weight=5)
    indicator("origin_country", {"countries": ["US"]}, name="origin", weight=20)
    linked = dict(
        PLAIN,
        destination_country="GR",
        recipient={"name": "Georgios Papadopoulos", "phone": "6941234567"},
    )
    damaged = dict(PLAIN, recipient={"name": "Anna Huber", "phone": "+43 1"})
    batch = []
    for i in range(2 * SPLIT_AT + 7):
        serial = f"{i:08d}"
        parcel = [PARCEL, PLAIN, linked, damaged][i % 4]
        batch.append(
            dict(parcel, ref=f"scan-{i}", tracking_number=f"RR{serial}{s10_check_digit(serial)}US")
        )
    batch[SPLIT_AT + 3] = {"colour": "red"}
    batch[-1] = "not a parcel"

    settings.SCORING_PROCESSES = 1
    alone = score(world, analyst, *batch)
    assert scoring_pool._pool is None
    settings.SCORING_PROCESSES = 3
    try:
        in_parts = score(world, analyst, *batch, record=True)
        assert scoring_pool._pool is not None  # two thirds were scored by the helpers
    finally:
        scoring_pool.scoring_helpers_stop()

    assert in_parts == alone
    assert [r["index"] for r in in_parts] == list(range(len(batch)))
    assert in_parts[SPLIT_AT + 3]["errors"] == {"colour": ["Unknown field."]}
    assert fired(in_parts[2 * SPLIT_AT + 2])["seen before"] == [
        "recipient phone 6941234567 in 1 earlier report"
    ]
    assert in_parts[2 * SPLIT_AT + 3]["warnings"] == alone[3]["warnings"]
    assert list(alone[3]["warnings"]) == ["parcel.recipient.phone"]
    # every flagged parcel recorded once, from this process, whichever part it was in
    flagged_parcels = {r["tracking_number"] for r in alone if r.get("indicators")}
    assert ScoredParcel.objects.count() == len(flagged_parcels)
    origin_flagged = sum(1 for r in alone if "errors" not in r and "origin" in fired(r))
    assert IndicatorStat.objects.get(indicator__name="origin").flagged == origin_flagged


def test_the_garbage_collector_is_as_it_was_after_a_large_batch(world, analyst, indicator):
    import gc

    from apps.intel.scoring import PAUSE_AT

    indicator("origin_country", {"countries": ["US"]}, name="origin", weight=20)
    batch = [PARCEL] * PAUSE_AT

    assert {r["score"] for r in score(world, analyst, *batch)} == {20}
    assert gc.isenabled()
    gc.disable()  # a process that runs without it keeps it off
    try:
        score(world, analyst, *batch)
        assert not gc.isenabled()
    finally:
        gc.enable()
