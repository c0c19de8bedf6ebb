"""Cross-matching: a new report against everything reported before.

Exact matches come from the selector index (type, normalised value); fuzzy
matches of people, addresses and companies from the blocking index of name
keys. Candidates always come from an index, never from a scan of reports.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from apps.alerts.services import alerts_create_for_match
from apps.reports.models import Party, Report, Selector
from apps.reports.selectors import with_details

from .models import ExcludedSelector, Match, MatchKind, NameKey
from .names import PERSON_MATCH_THRESHOLD, PersonRecord, person_keys, person_score

logger = logging.getLogger(__name__)
FUZZY_TYPES = ("person", "address", "company")


@dataclass
class Candidate:
    other_id: int
    kind: str
    selector_type: str
    value: str
    score: float = 1.0
    reasons: list[str] = field(default_factory=list)


def exact_candidates(report: Report, excluded: set[tuple[str, str]]) -> list[Candidate]:
    limit = settings.CROSSMATCH_MAX_REPORTS_PER_SELECTOR
    found: list[Candidate] = []
    for selector in report.selectors.all():
        key = (selector.type, selector.normalised)
        if selector.type == PERSON and not selector.source.startswith("selectors"):
            continue  # named people are matched fuzzily, by name and date of birth
        if key in excluded:
            continue
        others = list(
            Selector.objects.filter(type=selector.type, normalised=selector.normalised)
            .exclude(report_id=report.pk)
            .values_list("report_id", flat=True)
            .distinct()[: limit + 1]
        )
        if len(others) > limit:
            # Over-correlated (a hub's address, "unknown"...): stop alerting on it,
            # and let the analysts see that it was set aside and why.
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


def report_match(report_id: int, *, alert: bool = True) -> list[Match]:
    """Find and save the report's matches and alert the officers concerned.

    Idempotent: a report already marked as matched is left alone, and the
    unique constraint on (pair, selector) makes a concurrent run harmless.
    With alert=False (bulk imports) the caller tells people in a summary.
    """
    report = with_details(Report.objects.select_related("room__operation")).filter(pk=report_id).first()
    if report is None or report.matched_at is not None:
        return []
    excluded = set(
        ExcludedSelector.objects.filter(operation_id=report.room.operation_id).values_list(
            "selector_type", "normalised"
        )
    )
    candidates = exact_candidates(report, excluded) + fuzzy_candidates(report)
    others = {
        r.pk: r
        for r in with_details(Report.objects.select_related("room__operation")).filter(
            pk__in={c.other_id for c in candidates}
        )
    }
    created: list[Match] = []
    with transaction.atomic():
        locked = Report.objects.select_for_update().filter(pk=report.pk, matched_at__isnull=True)
        if not locked.exists():
            return []
        for candidate in candidates:
            other = others.get(candidate.other_id)
            if other is None:
                continue
            first, second = sorted((report, other), key=lambda r: r.pk)
            match, is_new = Match.objects.get_or_create(
                report_a=first,
                report_b=second,
                selector_type=candidate.selector_type,
                value=candidate.value[:500],
                defaults={
                    "kind": candidate.kind,
                    "score": candidate.score,
                    "reasons": candidate.reasons,
                },
            )
            if is_new:
                match.report_a, match.report_b = first, second
                if alert:
                    alerts_create_for_match(match)
                created.append(match)
        locked.update(matched_at=timezone.now())
    if created:
        logger.info("report %s: %d new matches", report.pk, len(created))
    return created


PERSON = "person"
# How many of the best-blocked earlier people one name is scored against.
MAX_FUZZY_CANDIDATES = 200


def name_keys_for_parties(report: Report, parties: list[Party]) -> list[NameKey]:
    """Blocking keys of the people a report names, written with the report."""
    rows = []
    for party in parties:
        if party.name.strip():
            for key in person_keys(party.name, report.country_id):
                rows.append(NameKey(report=report, party=party, entity=PERSON, key=key[:64]))
    return rows


def fuzzy_candidates(report: Report) -> list[Candidate]:
    """Earlier people whose names share blocking keys with this report's, scored."""
    found: list[Candidate] = []
    for party in report.parties.all():
        if not party.name.strip():
            continue
        keys = list(person_keys(party.name, report.country_id))
        blocked = (
            NameKey.objects.filter(entity=PERSON, key__in=keys)
            .exclude(report_id=report.pk)
            .values("party_id")
            .annotate(shared=Count("id"))
            .order_by("-shared")[:MAX_FUZZY_CANDIDATES]
        )
        party_ids = [row["party_id"] for row in blocked]
        this = PersonRecord(party.name, party.date_of_birth, report.country_id)
        for other in Party.objects.filter(pk__in=party_ids).select_related("report"):
            score, reasons = person_score(
                this, PersonRecord(other.name, other.date_of_birth, other.report.country_id)
            )
            if score < PERSON_MATCH_THRESHOLD:
                continue
            earlier = other if other.report_id < report.pk else party
            found.append(
                Candidate(
                    other_id=other.report_id,
                    kind=MatchKind.FUZZY,
                    selector_type=PERSON,
                    value=earlier.name,
                    score=round(min(max(score, 0.0), 1.0), 4),
                    reasons=reasons,
                )
            )
    return found
