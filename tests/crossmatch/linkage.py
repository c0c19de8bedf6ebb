"""The labelled set of labelled.py through the matcher itself.

Each labelled record is posted as a report naming it, through the real write path
(`report_create`), and matched as the worker does (`report_match` on commit, alerts
included). A labelled pair is found when the matcher made a Match of that entity between
the reports of its two records; "every pair of reports" counts all same-entity pairs for
recall and every match between two different entities against precision.

Used by the test suite (a stratified subset of people, the address and company sets) and
by the benchmark command `python -m bench.linkage` (everything). The caller provides
`post(officer, room, **fields) -> Report` that runs the on-commit work.
"""

from __future__ import annotations

import csv
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.utils import timezone

from apps.accounts.models import Country, Role
from apps.crossmatch.blocking import (
    DOB_KEY_WEIGHT,
    MAX_FUZZY_CANDIDATES,
    PERSON,
    ROWS_PER_KEY,
    name_token_frequency,
)
from apps.crossmatch.models import MatchLink, NameKey
from apps.crossmatch.names import PersonRecord, person_score
from tests.crossmatch.labelled import LabelledSet, PersonPair, PersonRow
from tests.factories import AgencyFactory, OfficerFactory, RoomFactory, join

Post = Callable[..., object]  # post(officer, room, kind, **fields) -> Report


@dataclass(frozen=True)
class Figures:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"precision={self.precision:.4f} recall={self.recall:.4f} F1={self.f1:.4f} "
            f"(tp={self.tp} fp={self.fp} fn={self.fn})"
        )


@dataclass
class Run:
    """One entity's records through the matcher: figures and what went wrong."""

    entity: str  # person, address, company
    records: int
    seconds: float
    labelled: Figures
    stream: Figures
    # (outcome, kind, text a, text b, score, reasons): false matches and missed pairs; the
    # score and reasons of a missed pair are as the pair scores at the end of the run, with
    # all names stored (the matcher scored it once, when its later record arrived)
    review: list[tuple[str, str, str, str, float | None, str]] = field(default_factory=list)
    missed_kinds: Counter = field(default_factory=Counter)
    wrong_kinds: Counter = field(default_factory=Counter)
    # missed pairs whose earlier record was never a candidate of the later one (blocking)
    never_candidates: int = 0


def linkage_world(countries: Iterable[str]) -> SimpleNamespace:
    """One room with an agency and an officer of each country, and a coordinator.

    A person is posted by an officer of the record's country, so the report carries the
    country the name was written in (the hint for Cyrillic orthography).
    """
    room = RoomFactory(name="Linkage")
    officers = {}
    for code in sorted(set(countries)):
        agency = AgencyFactory(country=Country.objects.get(code=code), name=f"Police {code}")
        join(room, agency)
        officers[code] = OfficerFactory(username=f"linkage.{code.lower()}", agency=agency)
    europol = AgencyFactory(
        country=Country.objects.get(code="NL"), name="Linkage coordinator", kind="coordinator"
    )
    join(room, europol)
    coordinator = OfficerFactory(
        username="linkage.coordinator", agency=europol, role=Role.COORDINATOR
    )
    return SimpleNamespace(room=room, officers=officers, coordinator=coordinator)


def _person_text(row: PersonRow) -> str:
    return f"{row.name} ({row.dob.isoformat() if row.dob else 'no date of birth'})"


def _matches(entity: str) -> dict[frozenset[int], MatchLink]:
    """The pairs the matcher made with a link of `entity`, each with that link."""
    return {
        frozenset((link.match.report_a_id, link.match.report_b_id)): link
        for link in MatchLink.objects.filter(selector_type=entity).select_related("match")
    }


def was_candidate(earlier: int, later: int) -> bool:
    """Was the earlier report's person among those the matcher scored when the later report
    arrived? Its keys read ROWS_PER_KEY rows a key from the reports before it, ranked as
    `blocked_parties` ranks them, the best MAX_FUZZY_CANDIDATES kept (rows in the order
    they were stored, as SQLite returns them; one person a report)."""
    keys = NameKey.objects.filter(report_id=later, entity=PERSON).values_list("key", flat=True)
    shared: Counter = Counter()
    for key in sorted(set(keys)):
        rows = (
            NameKey.objects.filter(entity=PERSON, key=key, report_id__lt=later)
            .order_by("id")
            .values_list("report_id", flat=True)[:ROWS_PER_KEY]
        )
        for report_id in rows:
            shared[report_id] += DOB_KEY_WEIGHT if key.startswith("d:") else 1
    return earlier in {report_id for report_id, _ in shared.most_common(MAX_FUZZY_CANDIDATES)}


def _stream(entity_of: dict[int, int], matched: Iterable[frozenset[int]]) -> Figures:
    per_entity = Counter(entity_of.values())
    true = sum(k * (k - 1) // 2 for k in per_entity.values())
    pairs = list(matched)
    tp = sum(1 for p in pairs if len({entity_of[r] for r in p}) == 1)
    return Figures(tp, len(pairs) - tp, true - tp)


def people_run(
    labelled: LabelledSet,
    post: Post,
    world: SimpleNamespace,
    rows: list[PersonRow] | None = None,
    pairs: list[PersonPair] | None = None,
) -> Run:
    """Post every person record (each with its address, if the set gives one), then count."""
    rows = labelled.people if rows is None else rows
    pairs = labelled.person_pairs if pairs is None else pairs
    report_of: dict[int, int] = {}
    entity_of: dict[int, int] = {}
    text_of: dict[int, str] = {}
    today = timezone.now().date()
    t0 = time.perf_counter()
    for row in rows:
        person = {"name": row.name}
        # a wrong digit can put a date of birth in the future (2042 for 1942), which the
        # input refuses: the officer would leave it out
        if row.dob and row.dob <= today:
            person["date_of_birth"] = row.dob.isoformat()
        if labelled.person_addresses.get(row.rid):
            person["address"] = labelled.person_addresses[row.rid]
        report = post(world.officers[row.country], world.room, "intel", people=[person])
        report_of[row.rid] = report.pk
        entity_of[report.pk] = row.entity
        text_of[report.pk] = _person_text(row)
    elapsed = time.perf_counter() - t0
    matched = _matches("person")
    run = Run("person", len(rows), elapsed, Figures(0, 0, 0), _stream(entity_of, matched))
    tp = fp = fn = 0
    frequency, names_stored = name_token_frequency([(r.name, r.country) for r in rows])
    for p in pairs:
        match = matched.get(frozenset((report_of[p.a.rid], report_of[p.b.rid])))
        if p.match and match is not None:
            tp += 1
        elif p.match:
            fn += 1
            run.missed_kinds[p.kind] += 1
            score, reasons = person_score(
                PersonRecord(p.a.name, p.a.dob, p.a.country),
                PersonRecord(p.b.name, p.b.dob, p.b.country),
                token_frequency=frequency,
                name_count=names_stored,
            )
            earlier, later = sorted((report_of[p.a.rid], report_of[p.b.rid]))
            if was_candidate(earlier, later):
                outcome = "missed, scored under the threshold"
            else:
                outcome = "missed, never a candidate"
                run.never_candidates += 1
            run.review.append(
                (outcome, p.kind, _person_text(p.a), _person_text(p.b), score, "; ".join(reasons))
            )
        elif match is not None:
            fp += 1
            run.wrong_kinds[p.kind] += 1
    run.labelled = Figures(tp, fp, fn)
    for pair, match in sorted(matched.items(), key=lambda kv: kv[1].pk):
        a, b = sorted(pair)
        if entity_of[a] != entity_of[b]:
            run.review.append(
                ("false match", "", text_of[a], text_of[b], match.score, "; ".join(match.reasons))
            )
    return run


def places_run(
    entity: str,
    rows: list[tuple[int, int, str]],
    pairs: list[tuple[str, str, bool, str]],
    post: Post,
    officer,
    room,
) -> Run:
    """Post every labelled address (company) as a report naming it, then count."""
    report_of: dict[str, int] = {}
    entity_of: dict[int, int] = {}
    t0 = time.perf_counter()
    for _rid, eid, text in rows:
        report = post(officer, room, "intel", people=[{entity: text}])
        report_of.setdefault(text, report.pk)
        entity_of[report.pk] = eid
    elapsed = time.perf_counter() - t0
    matched = _matches(entity)
    text_of = {pk: text for text, pk in report_of.items()}
    run = Run(entity, len(rows), elapsed, Figures(0, 0, 0), _stream(entity_of, matched))
    tp = fp = fn = 0
    for a, b, is_match, kind in pairs:
        found = a == b or frozenset((report_of[a], report_of[b])) in matched
        if is_match and found:
            tp += 1
        elif is_match:
            fn += 1
            run.missed_kinds[kind] += 1
            run.review.append(("missed", kind, a, b, None, ""))
        elif found:
            fp += 1
            run.wrong_kinds[kind] += 1
    run.labelled = Figures(tp, fp, fn)
    for pair, match in sorted(matched.items(), key=lambda kv: kv[1].pk):
        a, b = sorted(pair)
        if entity_of[a] != entity_of[b]:
            run.review.append(
                (
                    "false match",
                    "",
                    text_of.get(a, match.value),
                    text_of.get(b, match.value_b),
                    match.score,
                    "; ".join(match.reasons),
                )
            )
    return run


def stratified_people(
    labelled: LabelledSet, per_kind: int = 2, seed: int = 11
) -> tuple[list[PersonRow], list[PersonPair]]:
    """A subset in which every kind of labelled pair is represented.

    Up to `per_kind` pairs of each kind (true pairs by their variant tags, near misses by
    their kind), with every record of the people they involve, so the subset's stream
    still counts each person's records fully.
    """
    rng = random.Random(seed)
    by_kind: dict[tuple[bool, str], list[PersonPair]] = {}
    for p in labelled.person_pairs:
        for tag in sorted(set(p.kind.split("+"))):
            by_kind.setdefault((p.match, tag), []).append(p)
    entities: set[int] = set()
    for key in sorted(by_kind):
        chosen = by_kind[key]
        for p in rng.sample(chosen, min(per_kind, len(chosen))):
            entities |= {p.a.entity, p.b.entity}
    rows = [r for r in labelled.people if r.entity in entities]
    pairs = [p for p in labelled.person_pairs if {p.a.entity, p.b.entity} <= entities]
    return rows, pairs


def review_write(run: Run, path: Path) -> None:
    """The run's false matches and missed pairs as a TSV file, for a human to read."""
    with path.open("w", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow(["outcome", "kind", "a", "b", "score", "reasons"])
        for outcome, kind, a, b, score, reasons in run.review:
            out.writerow([outcome, kind, a, b, "" if score is None else f"{score:.4f}", reasons])
