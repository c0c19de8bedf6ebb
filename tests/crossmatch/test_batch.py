"""The set-based matcher finds in a batch exactly what it finds one report at a time.

Imports are matched a batch of 1,000 at a time, live reports one by one (a batch of
one); both must make the same pairs, links, scores, alerts and automatic exclusions.
Labelled people (with their addresses), companies and shared selectors are stored
without matching, matched one report at a time, then everything matched is undone and
the same reports are matched in batches.
"""

from __future__ import annotations

import random

import pytest

from apps.alerts.models import Alert
from apps.crossmatch.models import ExcludedSelector, Match, MatchLink
from apps.crossmatch.services import reports_match
from apps.reports.models import Report
from apps.reports.services import report_create
from tests.crossmatch import labelled, linkage
from tests.factories import report_data


@pytest.fixture(scope="module")
def labelled_set():
    return labelled.build()


def _store(officer, room, **fields) -> Report:
    """Write a report as a post does; its matching task is left on the shelf (no commit)."""
    return report_create(room=room, author=officer, data=report_data("intel", **fields)).report


def _stored_reports(labelled_set) -> list[int]:
    rows, _ = linkage.stratified_people(labelled_set, per_kind=1)
    companies = labelled_set.companies[:60]
    here = linkage.linkage_world([r.country for r in rows] + ["GR"])
    rng = random.Random(5)
    # a few phones shared by some reports, one held by more reports than the cap
    phones = ["+30 210 555 0101", "+30 210 555 0102", "+30 210 555 0103"]
    busy = "+30 210 555 0199"
    ids = []
    for i, row in enumerate(rows):
        person = {"name": row.name}
        if row.dob:
            person["date_of_birth"] = row.dob.isoformat()
        if labelled_set.person_addresses.get(row.rid):
            person["address"] = labelled_set.person_addresses[row.rid]
        fields = {"people": [person]}
        if i % 7 == 0:
            fields["body"] = f"Called {rng.choice(phones)} about the parcel."
        if i % 11 == 0:
            fields["body"] = f"Called {busy} (the depot's line)."
        ids.append(_store(here.officers[row.country], here.room, **fields).pk)
    for _rid, _eid, text in companies:
        ids.append(_store(here.officers["GR"], here.room, people=[{"company": text}]).pk)
    return ids


def _outcome() -> dict:
    return {
        "pairs": {
            (m.report_a_id, m.report_b_id, m.kind, round(m.score, 4)) for m in Match.objects.all()
        },
        "links": {
            (
                link.match.report_a_id,
                link.match.report_b_id,
                link.kind,
                link.selector_type,
                link.value,
                link.value_b,
                round(link.score, 4),
                tuple(link.reasons),
            )
            for link in MatchLink.objects.select_related("match")
        },
        "alerts": {
            (a.officer_id, a.match.report_a_id, a.match.report_b_id)
            for a in Alert.objects.select_related("match")
        },
        "excluded": set(
            ExcludedSelector.objects.values_list("operation_id", "selector_type", "normalised")
        ),
        "unmatched": Report.objects.filter(matched_at__isnull=True).count(),
    }


def _undo_matching() -> None:
    Alert.objects.all().delete()
    Match.objects.all().delete()
    ExcludedSelector.objects.filter(automatic=True).delete()
    Report.objects.update(matched_at=None)


def test_a_batch_finds_what_one_report_at_a_time_finds(labelled_set, db, settings):
    settings.CROSSMATCH_MAX_REPORTS_PER_SELECTOR = 5
    ids = _stored_reports(labelled_set)

    for report_id in ids:
        reports_match([report_id])
    one_by_one = _outcome()
    # what the data holds: people, addresses, companies and phones matched, the busy
    # phone set aside
    kinds = {link[3] for link in one_by_one["links"]}
    assert {"person", "address", "company", "phone"} <= kinds, kinds
    assert any(value.endswith("2105550199") for _, _, value in one_by_one["excluded"])
    assert not [link for link in one_by_one["links"] if link[4].endswith("2105550199")]
    assert one_by_one["alerts"] and one_by_one["unmatched"] == 0

    for batch in (1000, 37):  # all at once; and pairs across batches
        _undo_matching()
        for start in range(0, len(ids), batch):
            reports_match(ids[start : start + batch])
        batched = _outcome()

        for part in ("pairs", "links", "alerts", "excluded", "unmatched"):
            assert batched[part] == one_by_one[part], (
                batch,
                part,
                sorted(batched[part] - one_by_one[part])[:5] if part != "unmatched" else "",
                sorted(one_by_one[part] - batched[part])[:5] if part != "unmatched" else "",
            )


def test_a_batch_run_again_changes_nothing(labelled_set, db):
    ids = _stored_reports(labelled_set)[:80]
    made = reports_match(ids)
    before = _outcome()

    assert made and reports_match(ids) == []
    Report.objects.filter(pk__in=ids[:10]).update(matched_at=None)
    reports_match(ids[:10])  # a retried batch: the pairs are there already

    assert _outcome() == before
