"""Cross-matching: a new report against everything reported before.

Exact matches come from the selector index (type, normalised value); fuzzy
matches of people, addresses and companies from the blocking index of name
keys. Candidates always come from an index, never from a scan of reports.

Over-correlation: a value in more than CROSSMATCH_MAX_REPORTS_PER_SELECTOR
reports is set aside for exact matching (and listed as an ExcludedSelector);
for fuzzy addresses and companies, a blocking key held by more than that many
earlier parties (a postal hub's street, postcode, number) is a stop key and
is not used to find candidates, so a hub's address never alerts on everything.
"""

import logging
from collections.abc import Callable, Set
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from apps.reports.models import Party, Report, Selector
from apps.reports.normalise import InvalidSelector, normalise
from apps.reports.selectors import with_details

from . import hooks
from .blocking import (
    ADDRESS,
    COMPANY,
    FUZZY_TYPES,
    MAX_FUZZY_CANDIDATES,
    PERSON,
    blocked_parties,
    blocked_places,
    name_token_frequency,
    person_blocking_keys,
    place_keys,
)
from .hooks import MatchMade
from .models import ExcludedSelector, Match, MatchKind, MatchLink
from .names import (
    ADDRESS_MATCH_THRESHOLD,
    COMPANY_MATCH_THRESHOLD,
    PERSON_MATCH_THRESHOLD,
    PersonRecord,
    address_score,
    company_score,
    person_score,
)

logger = logging.getLogger(__name__)
# (selector type, normalised value) pairs the operation's analysts set aside
Excluded = Set[tuple[str, str]]
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


def exact_candidates(report: Report, excluded: set[tuple[str, str]]) -> list[Candidate]:
    """Earlier reports holding one of this report's selectors, exactly.

    A value held by more than CROSSMATCH_MAX_REPORTS_PER_SELECTOR other reports is
    over-correlated (a hub's address, "unknown"...): it alerts nobody and is listed
    for the analysts as an automatic exclusion.
    """
    limit = settings.CROSSMATCH_MAX_REPORTS_PER_SELECTOR
    wanted: dict[tuple[str, str], Selector] = {}
    for selector in report.selectors.all():
        key = (selector.type, selector.normalised)
        if selector.type == PERSON and not selector.source.startswith("selectors"):
            continue  # named people are matched fuzzily, by name and date of birth
        if key not in excluded:
            wanted.setdefault(key, selector)
    holders = _selector_holders(list(wanted), report.pk, limit + 1)
    found: list[Candidate] = []
    for key, selector in wanted.items():
        others = holders.get(key, [])
        if len(others) > limit:
            ExcludedSelector.objects.get_or_create(
                operation_id=report.room.operation_id,
                selector_type=selector.type,
                normalised=selector.normalised,
                defaults={"automatic": True, "reason": f"in more than {limit} reports"},
            )
            continue
        for other_id in others:
            found.append(
                Candidate(
                    other_id=other_id,
                    kind=MatchKind.EXACT,
                    selector_type=selector.type,
                    value=selector.normalised,
                    reasons=[f"same {selector.type.replace('_', ' ')}: {selector.value}"],
                )
            )
    return found


def _selector_holders(
    keys: list[tuple[str, str]], exclude_report_id: int, per_key: int
) -> dict[tuple[str, str], list[int]]:
    """(type, normalised) -> other reports holding it, at most `per_key` each.

    PostgreSQL: one statement for all the keys (a lateral join on the selector index,
    the cap applied in SQL). SQLite: one query per key.
    """
    out: dict[tuple[str, str], list[int]] = {}
    if not keys:
        return out
    if connection.vendor == "postgresql":
        sql = (
            "SELECT k.type, k.normalised, s.report_id "
            "FROM unnest(%s::text[], %s::text[]) AS k(type, normalised) "
            "CROSS JOIN LATERAL (SELECT DISTINCT report_id FROM reports_selector "
            "WHERE type = k.type AND normalised = k.normalised AND report_id <> %s "
            "LIMIT %s) s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [[t for t, _ in keys], [n for _, n in keys], exclude_report_id, per_key]
            )
            for type_, normalised, report_id in cursor.fetchall():
                out.setdefault((type_, normalised), []).append(report_id)
        return out
    for type_, normalised in keys:
        out[type_, normalised] = list(
            Selector.objects.filter(type=type_, normalised=normalised)
            .exclude(report_id=exclude_report_id)
            .values_list("report_id", flat=True)
            .distinct()[:per_key]
        )
    return out


def report_match(
    report_id: int,
    *,
    alert: bool = True,
    summarised: Callable[[set[int]], set[int]] | None = None,
) -> list[Match]:
    """Find and save the report's matches and alert the officers concerned.

    One Match per pair of reports, with a link per selector or name they share.
    Returns the pairs made or extended by this run. Idempotent: a report already
    marked as matched is left alone, and the unique constraints on the pair and on
    (pair, selector, value) make a concurrent run harmless. `summarised` (bulk imports)
    says which of the given report ids are told about in a summary instead: only the
    officers of the other reports get alerts (an action-week hit that an earlier seizure
    matches is news to its owner). alert=False tells nobody.
    """
    report = with_details(Report.objects.all()).filter(pk=report_id).first()
    if report is None or report.matched_at is not None:
        return []
    excluded = set(
        ExcludedSelector.objects.filter(operation_id=report.room.operation_id).values_list(
            "selector_type", "normalised"
        )
    )
    by_other: dict[int, list[Candidate]] = {}
    for candidate in exact_candidates(report, excluded) + fuzzy_candidates(report, excluded):
        by_other.setdefault(candidate.other_id, []).append(candidate)
    others = {r.pk: r for r in with_details(Report.objects.all()).filter(pk__in=by_other)}
    _drop_excluded_elsewhere(report, others, by_other)
    with transaction.atomic():
        locked = Report.objects.select_for_update().filter(pk=report.pk, matched_at__isnull=True)
        if not locked.exists():
            return []
        quiet = summarised({report.pk, *others}) if summarised is not None else set()
        made = _pairs_save(report, others, by_other, quiet=quiet)
        if alert:
            hooks.matches_made(made)  # alerts for the officers concerned
        locked.update(matched_at=timezone.now())
    if made:
        logger.info("report %s: %d pairs matched", report.pk, len(made))
    return [m.match for m in made]


def _drop_excluded_elsewhere(
    report: Report, others: dict[int, Report], by_other: dict[int, list[Candidate]]
) -> None:
    """An operation's exclusions apply to every pair with a report of that operation.

    Matching spans all operations (see the README, "What is matched against what"): a
    report of another operation whose analysts excluded the shared value makes no pair
    on it. One query, and only when a candidate lies in another operation.
    """
    elsewhere = {r.room.operation_id for r in others.values()} - {report.room.operation_id}
    if not elsewhere:
        return
    excluded: dict[int, set[tuple[str, str]]] = {}
    for operation_id, type_, value in ExcludedSelector.objects.filter(
        operation_id__in=elsewhere
    ).values_list("operation_id", "selector_type", "normalised"):
        excluded.setdefault(operation_id, set()).add((type_, value))
    for other_id, candidates in list(by_other.items()):
        other = others.get(other_id)
        rules = excluded.get(other.room.operation_id) if other is not None else None
        if not rules:
            continue
        kept = [
            c
            for c in candidates
            if not any(
                (c.selector_type, value) in rules
                for value in {
                    _normalised(c.selector_type, c.value) if c.kind == MatchKind.FUZZY else c.value,
                    _normalised(c.selector_type, c.value_b) if c.value_b else "",
                }
            )
        ]
        if kept:
            by_other[other_id] = kept
        else:
            del by_other[other_id]


def _pairs_save(
    report: Report,
    others: dict[int, Report],
    by_other: dict[int, list[Candidate]],
    *,
    quiet: set[int],
) -> list[MatchMade]:
    """Save the pairs and their links with multi-row inserts; what is new or gained links."""
    pairs: dict[tuple[int, int], tuple[Report, Report, list[Candidate]]] = {}
    for other_id, candidates in by_other.items():
        other = others.get(other_id)
        if other is not None:
            first, second = sorted((report, other), key=lambda r: r.pk)
            pairs[first.pk, second.pk] = (first, second, candidates)
    if not pairs:
        return []
    existing = {
        (m.report_a_id, m.report_b_id): m
        for m in Match.objects.filter(Q(report_a_id=report.pk) | Q(report_b_id=report.pk))
    }
    fresh = [
        Match(report_a=first, report_b=second, kind=_pair_kind(cands), score=_pair_score(cands))
        for key, (first, second, cands) in pairs.items()
        if key not in existing
    ]
    try:
        with transaction.atomic():
            Match.objects.bulk_create(fresh)
    except IntegrityError:
        # The other report's run made one of these pairs at the same moment: take theirs.
        fresh = []
        for key, (first, second, cands) in pairs.items():
            if key not in existing:
                match, created = Match.objects.get_or_create(
                    report_a=first,
                    report_b=second,
                    defaults={"kind": _pair_kind(cands), "score": _pair_score(cands)},
                )
                (fresh if created else []).append(match)
                existing.setdefault(key, match)
    matches = {(m.report_a_id, m.report_b_id): m for m in [*existing.values(), *fresh]}
    had = set(
        MatchLink.objects.filter(match__in=[matches[key] for key in pairs]).values_list(
            "match_id", "selector_type", "value"
        )
    )
    links: list[MatchLink] = []
    gained: dict[int, Match] = {}
    for key, (first, second, candidates) in pairs.items():
        match = matches[key]
        match.report_a, match.report_b = first, second
        for c in candidates:
            value = c.value[:500]
            if (match.pk, c.selector_type, value) in had:
                continue
            had.add((match.pk, c.selector_type, value))
            links.append(
                MatchLink(
                    match=match,
                    kind=c.kind,
                    selector_type=c.selector_type,
                    value=value,
                    value_b=(c.value_b or c.value)[:500],
                    score=c.score,
                    reasons=c.reasons,
                )
            )
            gained[match.pk] = match
    MatchLink.objects.bulk_create(links, ignore_conflicts=True)
    new_ids = {m.pk for m in fresh}
    for match in gained.values():
        if match.pk not in new_ids:  # an earlier pair that gained a selector: its summary
            summary = list(match.links.values_list("kind", "score"))
            match.kind = (
                MatchKind.EXACT
                if any(k == MatchKind.EXACT for k, _ in summary)
                else MatchKind.FUZZY
            )
            match.score = max(score for _, score in summary)
            match.save(update_fields=["kind", "score", "updated_at"])
    made = [
        MatchMade(
            match,
            created=match.pk in new_ids,
            told=tuple(r.pk for r in (match.report_a, match.report_b) if r.pk not in quiet),
        )
        for match in gained.values()
    ]
    prefetch_related_objects([m.match for m in made], "links")
    return made


def _pair_kind(candidates: list[Candidate]) -> str:
    return (
        MatchKind.EXACT if any(c.kind == MatchKind.EXACT for c in candidates) else MatchKind.FUZZY
    )


def _pair_score(candidates: list[Candidate]) -> float:
    return max(c.score for c in candidates)


def _score(entity: str, a: Party, b: Party, frequency, count) -> tuple[float, list[str]]:
    """Score of two parties' `entity`, reasons quoting a first (the earlier report's)."""
    country_a, country_b = a.report.country_id, b.report.country_id
    if entity == PERSON:
        return person_score(
            PersonRecord(a.name, a.date_of_birth, country_a),
            PersonRecord(b.name, b.date_of_birth, country_b),
            token_frequency=frequency,
            name_count=count,
        )
    scorer = address_score if entity == ADDRESS else company_score
    return scorer(getattr(a, entity), getattr(b, entity), country_a=country_a, country_b=country_b)


def _normalised(entity: str, value: str) -> str:
    try:
        return normalise(entity, value)
    except InvalidSelector:
        return ""


def _exact_or_excluded(entity: str, a: str, b: str, excluded: Excluded) -> bool:
    """An address or company the exact path matches already, or one set aside there."""
    na, nb = _normalised(entity, a), _normalised(entity, b)
    return na == nb or (entity, na) in excluded or (entity, nb) in excluded


def _entity_candidates(
    report: Report, party: Party, entity: str, excluded: Excluded
) -> list[Candidate]:
    country = report.country_id
    field_name = "name" if entity == PERSON else entity
    value = getattr(party, field_name)
    if entity == PERSON:
        blocked = blocked_parties(
            person_blocking_keys(value, party.date_of_birth, country), report.pk
        )
    else:
        blocked = blocked_places(entity, place_keys(entity, value, country), report.pk)
    party_ids = [party_id for party_id, _ in blocked.most_common(MAX_FUZZY_CANDIDATES)]
    others = list(Party.objects.filter(pk__in=party_ids).select_related("report"))
    frequency, names_stored = None, None
    if entity == PERSON:
        names: list[tuple[str, str | None]] = [(value, country)]
        names += [(o.name, o.report.country_id) for o in others]
        frequency, names_stored = name_token_frequency(names)
    found = []
    for other in others:
        other_value = getattr(other, field_name)
        if entity != PERSON and _exact_or_excluded(entity, value, other_value, excluded):
            continue
        earlier, later = (other, party) if other.report_id < report.pk else (party, other)
        score, reasons = _score(entity, earlier, later, frequency, names_stored)
        if score < FUZZY_THRESHOLDS[entity]:
            continue
        found.append(
            Candidate(
                other_id=other.report_id,
                kind=MatchKind.FUZZY,
                selector_type=entity,
                value=getattr(earlier, field_name),
                value_b=getattr(later, field_name),
                score=round(min(max(score, 0.0), 1.0), 4),
                reasons=reasons,
            )
        )
    return found


def fuzzy_candidates(report: Report, excluded: Excluded = frozenset()) -> list[Candidate]:
    """Earlier people, addresses and companies similar to this report's, scored.

    Each side's value is kept as written (`value` of the earlier report,
    `value_b` of the later), so disclosure can show each side only to its readers.
    """
    found: list[Candidate] = []
    for party in report.parties.all():
        values = (party.name, party.address, party.company)
        for entity, value in zip(FUZZY_TYPES, values, strict=True):
            if value.strip():
                found += _entity_candidates(report, party, entity, excluded)
    return found
