"""People linked through the matcher: posted as reports, matched as the worker does.

The token frequencies must mean something with little data (issue 11), and a stratified
subset of the labelled person set (tests/crossmatch/labelled.py) through the real write
path and `report_match` must stay above its floors (issue 10; the whole set is measured
by `python -m bench.linkage`, see docs/benchmarks.md).
"""

from __future__ import annotations

import pytest

from apps.alerts.models import Alert
from apps.crossmatch.models import MatchLink
from tests.crossmatch import labelled, linkage

# A few names already stored: an operation's first hour.
FIRST_NAMES = [
    ("gr_officer", "Νικόλαος Παπαδάκης", "1975-02-11"),
    ("bg_officer", "Стоян Колев", "1981-07-30"),
    ("al_officer", "Arben Hoxha", None),
]


def _seed_first_names(world, post) -> None:
    for who, name, dob in FIRST_NAMES:
        officer = getattr(world, who)
        room = world.balkan if who == "al_officer" else world.postal
        post(officer, room, "intel", people=[{"name": name, "date_of_birth": dob}])


@pytest.mark.parametrize("dob", ["1979-05-23", None], ids=["same-dob", "no-dob"])
@pytest.mark.parametrize(
    "greek, latin, lowest",
    [
        # common in Greece and Cyprus (the reference list says so): weighs a little less
        ("Δημήτρης Κωνσταντίνου", "Dimitris Konstantinou", 0.8),
        # listed nowhere: weighs as usual, however few names are stored
        ("Ξενοφών Τζαννετάκης", "Xenofon Tzannetakis", 0.9),
    ],
)
def test_a_transliterated_name_matches_and_alerts_when_few_names_are_stored(
    world, post, greek, latin, lowest, dob
):
    """Issue 11: with five names stored, a name seen twice was weighed as one in every
    two or three names (very common), the score fell from 1.00 to 0.2 and nobody was
    alerted. The shares are now smoothed towards a prior."""
    _seed_first_names(world, post)
    first = post(
        world.gr_officer, world.postal, "intel", people=[{"name": greek, "date_of_birth": dob}]
    )

    second = post(
        world.bg_officer, world.postal, "intel", people=[{"name": latin, "date_of_birth": dob}]
    )

    match = MatchLink.objects.select_related("match").get(selector_type="person")
    assert (match.match.report_a_id, match.match.report_b_id) == (first.pk, second.pk)
    assert match.score >= lowest
    if lowest >= 0.9:
        assert not any("common name" in reason for reason in match.reasons)
    alerted = Alert.objects.filter(match=match.match).values_list("officer__username", flat=True)
    assert set(alerted) == {
        "gr.officer",
        "gr.liaison",
        "bg.officer",
        "coordinator",
    }


def test_a_name_the_stored_names_show_common_still_weighs_less(world, post):
    """The other side of the smoothing: a name in 12 of the 20 names stored still weighs
    less than a rare one."""
    others = ["Stoyan Kolev", "Petar Dimov", "Elena Marinova", "Ivo Radev", "Teodora Zheleva"]
    others += ["Mila Stoeva", "Kiril Yanev", "Boris Asenov"]
    for name in ["Georgi Ivanov"] * 12 + others:
        person = {"name": name, "date_of_birth": "1970-01-01"}
        post(world.bg_officer, world.postal, "intel", people=[person])
    common = MatchLink.objects.filter(selector_type="person", value="Georgi Ivanov").first()
    assert common is not None and "common name: weighs less" in common.reasons


# The levels the stratified subset reached through the matcher (seed labelled.SEED),
# rounded down a little; the suite fails when one drops.
# 2026-12-02, with the failure kinds of issue 11 in the set: 219 records, 202 pairs;
# precision 1.0000, recall 0.9620 (tp 177, fn 7) for both (0.9402, fn 11, with the scorer
# before issue 11). Its hard kinds (typos without a date of birth, two typos, a misspelt
# nickname) are over-represented on purpose.
SUBSET_FLOORS = {
    "labelled pairs": {"precision": 0.995, "recall": 0.955},
    "every pair of reports": {"precision": 0.995, "recall": 0.955},
}


@pytest.fixture(scope="module")
def labelled_set():
    return labelled.build()


def test_people_through_the_matcher_stratified_subset(labelled_set, world, post):
    """Every kind of labelled pair (each variant tag of the true pairs, each kind of near
    miss, housemates at one address among them: siblings, twins, a father and son of one
    name, flatmates) is posted person by person, by an officer of the record's country,
    and matched as the worker does. A pair is found when the matcher made a person Match
    between its two reports."""
    rows, pairs = linkage.stratified_people(labelled_set)
    here = linkage.linkage_world(r.country for r in rows)

    run = linkage.people_run(labelled_set, post, here, rows, pairs)

    print(f"\n{len(rows)} records, {len(pairs)} pairs, {run.seconds:.1f}s")
    print("labelled pairs:", run.labelled.line(), "missed:", dict(run.missed_kinds))
    print("every pair of reports:", run.stream.line(), "wrong:", dict(run.wrong_kinds))
    for name, got in (("labelled pairs", run.labelled), ("every pair of reports", run.stream)):
        assert got.precision >= SUBSET_FLOORS[name]["precision"], (name, got, run.review)
        assert got.recall >= SUBSET_FLOORS[name]["recall"], (name, got, run.review)
    kinds = {tag for p in pairs for tag in p.kind.split("+")}
    assert {"namesake", "sibling", "gender-form", "nickname", "swap", "no-dob"} <= kinds
    assert {"little-data", "dob-month", "twin", "namesake-housemate", "flatmate"} <= kinds
    housemates = [
        p
        for p in pairs
        if p.kind in labelled.HOUSEMATES
        and labelled_set.person_addresses.get(p.a.rid)
        == labelled_set.person_addresses.get(p.b.rid)
        is not None
    ]
    assert housemates
