"""Finding what a batch of reports matches: candidates from the indexes, scored.

Set-based: a batch of new reports (one live report, or an import's 1,000) is matched
with a fixed number of statements, whatever its size:

- exact: every (type, normalised) selector of the batch looked up in the selector index
  in one statement, the over-correlation cap applied in SQL (LIMIT per value);
- fuzzy: the batch's stored blocking keys read in one statement, the holders of all those
  keys in one more (LIMIT per key), the candidate parties in one, the name token counts
  in one; the pairs then scored in Python, each pair of parties once.

Each report sees what it would see matched on its own (the batch's own reports are left
out of the per-key limits before they are cut), so a batch finds the same pairs as its
reports one at a time; tests/crossmatch/test_batch.py checks that on labelled data.

Over-correlation: a value in more than CROSSMATCH_MAX_REPORTS_PER_SELECTOR reports is
set aside for exact matching (and listed as an ExcludedSelector); for fuzzy addresses and
companies, a blocking key held by more than that many earlier parties (a postal hub's
street, postcode, number) is a stop key and is not used to find candidates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection, models

from apps.reports.models import Party, Report, Selector
from apps.reports.normalise import InvalidSelector, normalise

from .blocking import (
    ADDRESS,
    COMPANY,
    DOB_KEY_WEIGHT,
    FUZZY_TYPES,
    MAX_FUZZY_CANDIDATES,
    PERSON,
    ROWS_PER_KEY,
    name_token_frequency,
)
from .models import ExcludedSelector, MatchKind, NameKey
from .names import (
    ADDRESS_MATCH_THRESHOLD,
    COMPANY_MATCH_THRESHOLD,
    PERSON_MATCH_THRESHOLD,
    PersonRecord,
    address_score,
    company_score,
    person_score,
)

# (selector type, normalised value) pairs an operation's analysts set aside
Excluded = Set[tuple[str, str]]
Key = tuple[str, str]  # (selector type or entity, normalised value or blocking key)
# A fuzzy candidate is a match from this score on, per entity.
FUZZY_THRESHOLDS = {
    PERSON: PERSON_MATCH_THRESHOLD,
    ADDRESS: ADDRESS_MATCH_THRESHOLD,
    COMPANY: COMPANY_MATCH_THRESHOLD,
}


@dataclass
class Candidate:
    other_id: int
    kind: str
    selector_type: str
    value: str  # as it stands in the earlier report (report_a of the match)
    value_b: str = ""  # as it stands in the later one, if not the same (fuzzy)
    score: float = 1.0
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PartyRow:
    """What scoring reads of a party: its values and its report's id and country."""

    id: int
    report_id: int
    country: str | None
    name: str
    date_of_birth: date | None
    address: str
    company: str

    def value(self, entity: str) -> str:
        return self.name if entity == PERSON else getattr(self, entity)


def batch_candidates(
    reports: list[Report], excluded: Mapping[int, Excluded]
) -> dict[int, list[Candidate]]:
    """report id -> its candidates (exact, then fuzzy), for reports read `with_details`.

    `excluded` maps an operation id to the values its analysts set aside.
    """
    found = exact_batch(reports, excluded)
    for report_id, candidates in fuzzy_batch(reports, excluded).items():
        found.setdefault(report_id, []).extend(candidates)
    return found


# --- exact --------------------------------------------------------------------------


def exact_batch(
    reports: list[Report], excluded: Mapping[int, Excluded]
) -> dict[int, list[Candidate]]:
    """Earlier reports holding one of each report's selectors, exactly.

    A value held by more than CROSSMATCH_MAX_REPORTS_PER_SELECTOR other reports is
    over-correlated (a hub's address, "unknown"...): it alerts nobody and is listed
    for the analysts as an automatic exclusion.
    """
    limit = settings.CROSSMATCH_MAX_REPORTS_PER_SELECTOR
    wanted: dict[int, dict[Key, Selector]] = {}
    in_batch: Counter = Counter()  # how many of the batch's reports hold each value
    for report in reports:
        rules = excluded.get(report.room.operation_id, frozenset())
        mine: dict[Key, Selector] = {}
        for selector in report.selectors.all():
            key = (selector.type, selector.normalised)
            if selector.type == PERSON and not selector.source.startswith("selectors"):
                continue  # named people are matched fuzzily, by name and date of birth
            if key not in rules:
                mine.setdefault(key, selector)
        wanted[report.pk] = mine
        in_batch.update(mine.keys())
    # Enough rows per value for every report of the batch to see `limit + 1` others.
    holders = selector_holders({key: limit + 1 + n for key, n in in_batch.items()})
    found: dict[int, list[Candidate]] = {}
    over: set[tuple[int, str, str]] = set()
    for report in reports:
        mine_found = found.setdefault(report.pk, [])
        for key, selector in wanted[report.pk].items():
            others = [r for r in holders.get(key, []) if r != report.pk][: limit + 1]
            if len(others) > limit:
                over.add((report.room.operation_id, selector.type, selector.normalised))
                continue
            reason = f"same {selector.type.replace('_', ' ')}: {selector.value}"
            mine_found += [
                Candidate(
                    other_id=other_id,
                    kind=MatchKind.EXACT,
                    selector_type=selector.type,
                    value=selector.normalised,
                    reasons=[reason],
                )
                for other_id in others
            ]
    if over:
        ExcludedSelector.objects.bulk_create(
            [
                ExcludedSelector(
                    operation_id=operation_id,
                    selector_type=type_,
                    normalised=normalised,
                    automatic=True,
                    reason=f"in more than {limit} reports",
                )
                for operation_id, type_, normalised in sorted(over)
            ],
            ignore_conflicts=True,
        )
    return found


def selector_holders(limits: Mapping[Key, int]) -> dict[Key, list[int]]:
    """(type, normalised) -> reports holding it, at most `limits[key]` each."""
    found = _holders(Selector, ("type", "normalised"), ("report_id",), limits, distinct=True)
    return {key: [report_id for (report_id,) in rows] for key, rows in found.items()}


def _holders(
    model: type[models.Model],
    fields: tuple[str, str],
    columns: tuple[str, ...],
    limits: Mapping[Key, int],
    *,
    distinct: bool = False,
) -> dict[Key, list[tuple]]:
    """(a, b) -> the `columns` of `model`'s rows whose two `fields` are (a, b), at most
    `limits[(a, b)]` rows each: an index lookup per key.

    PostgreSQL: one statement for all the keys (a lateral join, each key's limit applied
    in SQL). SQLite: one query per key.
    """
    out: dict[Key, list[tuple]] = {}
    if not limits:
        return out
    keys = sorted(limits)
    first, second = fields
    if connection.vendor == "postgresql":
        sql = (
            "SELECT k.a, k.b, h.* FROM unnest(%s::text[], %s::text[], %s::int[]) AS k(a, b, lim) "
            f"CROSS JOIN LATERAL (SELECT {'DISTINCT ' if distinct else ''}{', '.join(columns)} "
            f"FROM {model._meta.db_table} WHERE {first} = k.a AND {second} = k.b LIMIT k.lim) h"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [[a for a, _ in keys], [b for _, b in keys], [limits[k] for k in keys]]
            )
            for a, b, *row in cursor.fetchall():
                out.setdefault((a, b), []).append(tuple(row))
        return out
    for a, b in keys:
        rows = model._default_manager.filter(**{first: a, second: b}).values_list(*columns)
        out[a, b] = list((rows.distinct() if distinct else rows)[: limits[a, b]])
    return out


# --- fuzzy --------------------------------------------------------------------------


def fuzzy_batch(
    reports: list[Report], excluded: Mapping[int, Excluded]
) -> dict[int, list[Candidate]]:
    """Earlier people, addresses and companies similar to each report's, scored.

    Each side's value is kept as written (`value` of the earlier report, `value_b` of
    the later), so disclosure can show each side only to its readers.
    """
    by_report = {r.pk: r for r in reports}
    parties = [
        _party_row(party, report.country_id)
        for report in reports
        for party in report.parties.all()
        if party.name.strip() or party.address.strip() or party.company.strip()
    ]
    found: dict[int, list[Candidate]] = {r.pk: [] for r in reports}
    if not parties:
        return found
    own_keys = _stored_keys([p.id for p in parties])
    in_batch: Counter = Counter(key for keys in own_keys.values() for key in keys)
    cap = settings.CROSSMATCH_MAX_REPORTS_PER_SELECTOR
    per_key = {
        key: (ROWS_PER_KEY if key[0] == PERSON else cap + 1) + n for key, n in in_batch.items()
    }
    holders = key_holders(per_key)
    wanted: dict[tuple[int, str], list[int]] = {}  # (party, entity) -> best blocked parties
    for party in parties:
        for entity in FUZZY_TYPES:
            if party.value(entity).strip():
                keys = sorted(k for e, k in own_keys.get(party.id, ()) if e == entity)
                ranked = _blocked(entity, keys, holders, party.report_id, cap)
                wanted[party.id, entity] = [
                    pid for pid, _ in ranked.most_common(MAX_FUZZY_CANDIDATES)
                ]
    others = _party_rows({pid for ids in wanted.values() for pid in ids})
    names = [(p.name, p.country) for p in parties if p.name.strip()]
    names += [(o.name, o.country) for o in others.values() if o.name.strip()]
    frequency, names_stored = name_token_frequency(names) if names else (None, None)
    scored: dict[tuple[str, int, int], tuple[float, list[str]]] = {}
    for party in parties:
        report = by_report[party.report_id]
        rules = excluded.get(report.room.operation_id, frozenset())
        for entity in FUZZY_TYPES:
            value = party.value(entity)
            for other_id in wanted.get((party.id, entity), ()):
                other = others.get(other_id)
                if other is None:
                    continue
                other_value = other.value(entity)
                if entity != PERSON and _exact_or_excluded(entity, value, other_value, rules):
                    continue
                earlier, later = (
                    (other, party)
                    if other.report_id < party.report_id
                    else (
                        party,
                        other,
                    )
                )
                pair = (entity, earlier.id, later.id)
                if pair not in scored:  # both parties in the batch: scored once
                    scored[pair] = _score(entity, earlier, later, frequency, names_stored)
                score, reasons = scored[pair]
                if score < FUZZY_THRESHOLDS[entity]:
                    continue
                found[party.report_id].append(
                    Candidate(
                        other_id=other.report_id,
                        kind=MatchKind.FUZZY,
                        selector_type=entity,
                        value=earlier.value(entity),
                        value_b=later.value(entity),
                        score=round(min(max(score, 0.0), 1.0), 4),
                        reasons=reasons,
                    )
                )
    return found


def _party_row(party: Party, country: str | None) -> PartyRow:
    return PartyRow(
        party.pk,
        party.report_id,
        country,
        party.name,
        party.date_of_birth,
        party.address,
        party.company,
    )


def _party_rows(ids: Iterable[int]) -> dict[int, PartyRow]:
    """The candidate parties, one query, only the fields scoring reads."""
    rows = Party.objects.filter(pk__in=list(ids)).values_list(
        "pk", "report_id", "report__country_id", "name", "date_of_birth", "address", "company"
    )
    return {row[0]: PartyRow(*row) for row in rows}


def _stored_keys(party_ids: list[int]) -> dict[int, list[Key]]:
    """party id -> its (entity, key) rows in the blocking index, as the write path stored them."""
    out: dict[int, list[Key]] = defaultdict(list)
    for party_id, entity, key in NameKey.objects.filter(party_id__in=party_ids).values_list(
        "party_id", "entity", "key"
    ):
        out[party_id].append((entity, key))
    return out


def key_holders(limits: Mapping[Key, int]) -> dict[Key, list[tuple[int, int]]]:
    """(entity, key) -> (party id, report id) rows holding it, at most `limits[key]` each."""
    return _holders(NameKey, ("entity", "key"), ("party_id", "report_id"), limits)


def _blocked(
    entity: str,
    keys: list[str],
    holders: Mapping[Key, list[tuple[int, int]]],
    report_id: int,
    cap: int,
) -> Counter:
    """Other reports' parties sharing keys with one party's value, ranked.

    People: by shared keys, a (date of birth, name start) key worth DOB_KEY_WEIGHT, at
    most ROWS_PER_KEY rows a key (a key as common as a frequent given name costs no more
    than a rare one). Addresses and companies: a key held by more than `cap` parties is
    a stop key (a hub's address, a generic word) and finds nobody.
    """
    ranked: Counter = Counter()
    for key in keys:
        rows = [pid for pid, rid in holders.get((entity, key), ()) if rid != report_id]
        if entity == PERSON:
            weight = DOB_KEY_WEIGHT if key.startswith("d:") else 1
            for party_id in rows[:ROWS_PER_KEY]:
                ranked[party_id] += weight
        elif len(rows) <= cap:
            ranked.update(rows)
    return ranked


def _score(entity: str, a: PartyRow, b: PartyRow, frequency, count) -> tuple[float, list[str]]:
    """Score of two parties' `entity`, reasons quoting a first (the earlier report's)."""
    if entity == PERSON:
        return person_score(
            PersonRecord(a.name, a.date_of_birth, a.country),
            PersonRecord(b.name, b.date_of_birth, b.country),
            token_frequency=frequency,
            name_count=count,
        )
    scorer = address_score if entity == ADDRESS else company_score
    return scorer(a.value(entity), b.value(entity), country_a=a.country, country_b=b.country)


def normalised_or_blank(entity: str, value: str) -> str:
    try:
        return normalise(entity, value)
    except InvalidSelector:
        return ""


def _exact_or_excluded(entity: str, a: str, b: str, excluded: Excluded) -> bool:
    """An address or company the exact path matches already, or one set aside there."""
    na, nb = normalised_or_blank(entity, a), normalised_or_blank(entity, b)
    return na == nb or (entity, na) in excluded or (entity, nb) in excluded
