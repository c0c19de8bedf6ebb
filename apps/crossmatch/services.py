"""Cross-matching: new reports against everything reported before, a batch at a time.

A live report is a batch of one (the worker's task); an import's batch of 1,000 goes
through the same code (apps/intel/imports). Candidates come from the indexes, never a scan
of reports (candidates.py); the pairs are saved with multi-row inserts, one Match per pair
of reports with a link per selector or name they share, and the officers concerned are
told through the matches-made hook (alerts).
"""

import logging
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from apps.reports.models import Report
from apps.reports.selectors import (
    DETAILS_JOINED,
    details_complete,
    with_selectors_and_parties,
)

from . import hooks
from .candidates import Candidate, Excluded, batch_candidates, normalised_or_blank
from .hooks import MatchMade
from .models import ExcludedSelector, Match, MatchKind, MatchLink

logger = logging.getLogger(__name__)
Pair = tuple[int, int]  # (earlier report id, later report id)
#: Up to this many other reports are read with their details at once; more (an import's
#: batch) are read light, and only those of pairs that alert someone are read whole.
FEW = 50
#: Pairs per INSERT statement (6 parameters each; SQLite takes at most 32,766).
INSERT_ROWS = 1000


def report_match(
    report_id: int,
    *,
    alert: bool = True,
    summarised: Callable[[set[int]], set[int]] | None = None,
) -> list[Match]:
    """Match one report (the live path: a batch of one); see `reports_match`."""
    return reports_match([report_id], alert=alert, summarised=summarised)


def reports_match(
    report_ids: Iterable[int],
    *,
    alert: bool = True,
    summarised: Callable[[set[int]], set[int]] | None = None,
) -> list[Match]:
    """Find and save the matches of a batch of reports and alert the officers concerned.

    One Match per pair of reports, with a link per selector or name they share.
    Returns the pairs made or extended by this run. Idempotent: a report already marked
    as matched is left alone, and the unique constraints on the pair and on (pair,
    selector, value) make a concurrent run harmless. `summarised` (bulk imports) says
    which of the given report ids are told about in a summary instead: only the officers
    of the other reports get alerts (an action-week hit that an earlier seizure matches
    is news to its owner). alert=False tells nobody.
    """
    ids = sorted(set(report_ids))
    reports = list(
        with_selectors_and_parties(Report.objects.all())
        .filter(pk__in=ids, matched_at__isnull=True)
        .order_by("pk")
    )
    if not reports:
        return []
    excluded = _exclusions({r.room.operation_id for r in reports})
    found = batch_candidates(reports, excluded)
    detailed = {r.pk: r for r in reports}  # read with their rows joined
    other_ids = {c.other_id for cs in found.values() for c in cs} - set(detailed)
    if len(other_ids) <= FEW:  # the live path: their rows at once, details if shown
        detailed.update(
            {
                r.pk: r
                for r in Report.objects.select_related(*DETAILS_JOINED).filter(pk__in=other_ids)
            }
        )
        others = dict(detailed)
    else:
        others = {**_reports_light(other_ids), **detailed}
    _drop_excluded_elsewhere(reports, others, found)
    with transaction.atomic():
        locked = _mark_matched([r.pk for r in reports])
        if not locked:  # another run matched them meanwhile
            return []
        pairs = _pairs(found, others, locked)
        quiet = summarised({pk for pair in pairs for pk in pair}) if summarised and pairs else set()
        made = _pairs_save(pairs, others, quiet=quiet)
        if alert and made:
            _with_details_for_told(made, detailed)
            hooks.matches_made(made)  # alerts for the officers concerned
    if made:
        logger.info("%d reports: %d pairs matched", len(locked), len(made))
    return [m.match for m in made]


def _mark_matched(ids: list[int]) -> set[int]:
    """Mark the reports not matched yet as matched (undone if the transaction rolls back);
    the ids marked. PostgreSQL locks them in id order and with FOR NO KEY UPDATE (what an
    UPDATE of a plain column takes), which lets another batch's pairs refer to them: with
    FOR UPDATE, two batches matching into each other's reports deadlocked (100k import,
    two workers)."""
    now = timezone.now()
    table = Report._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} r SET matched_at = %s FROM (SELECT id FROM {table} "
                "WHERE id = ANY(%s) AND matched_at IS NULL ORDER BY id FOR NO KEY UPDATE) l "
                "WHERE r.id = l.id RETURNING r.id",
                [now, ids],
            )
        else:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"UPDATE {table} SET matched_at = %s WHERE id IN ({marks}) "
                "AND matched_at IS NULL RETURNING id",
                [now, *ids],
            )
        return {row[0] for row in cursor.fetchall()}


def _exclusions(operation_ids: set[int]) -> dict[int, Excluded]:
    """operation id -> the (type, normalised) values its analysts set aside."""
    out: dict[int, set[tuple[str, str]]] = {op: set() for op in operation_ids}
    for operation_id, type_, value in ExcludedSelector.objects.filter(
        operation_id__in=operation_ids
    ).values_list("operation_id", "selector_type", "normalised"):
        out[operation_id].add((type_, value))
    return out  # type: ignore[return-value]


def _reports_light(ids: set[int]) -> dict[int, Report]:
    """The other reports of the pairs: what pairing, exclusions and alerts ask of them."""
    if not ids:
        return {}
    return {
        r.pk: r
        for r in Report.objects.filter(pk__in=ids)
        .select_related("room")
        .only("pk", "author_id", "agency_id", "room_id", "room__operation_id")
    }


def _drop_excluded_elsewhere(
    reports: list[Report], others: dict[int, Report], found: dict[int, list[Candidate]]
) -> None:
    """An operation's exclusions apply to every pair with a report of that operation.

    Matching spans all operations (see the README, "What is matched against what"): a
    report of another operation whose analysts excluded the shared value makes no pair
    on it. One query, and only when a candidate lies in another operation.
    """
    own = {r.pk: r.room.operation_id for r in reports}
    elsewhere = {
        others[c.other_id].room.operation_id
        for report_id, candidates in found.items()
        for c in candidates
        if c.other_id in others
    } - set(own.values())
    if not elsewhere:
        return
    rules = _exclusions(elsewhere)
    for report_id, candidates in found.items():
        kept = []
        for c in candidates:
            other = others.get(c.other_id)
            excluded = rules.get(other.room.operation_id) if other is not None else None
            values = {
                normalised_or_blank(c.selector_type, c.value)
                if c.kind == MatchKind.FUZZY
                else c.value,
                normalised_or_blank(c.selector_type, c.value_b) if c.value_b else "",
            }
            if not excluded or not any((c.selector_type, v) in excluded for v in values):
                kept.append(c)
        found[report_id] = kept


def _pairs(
    found: dict[int, list[Candidate]], others: dict[int, Report], locked: set[int]
) -> dict[Pair, list[Candidate]]:
    """(earlier, later) -> what the two share, once per selector or name.

    A pair of two reports of the batch is found from both sides: its links are merged.
    """
    pairs: dict[Pair, dict[tuple[str, str], Candidate]] = {}
    for report_id, candidates in found.items():
        if report_id not in locked:
            continue
        for c in candidates:
            if c.other_id not in others or c.other_id == report_id:
                continue
            key = (min(report_id, c.other_id), max(report_id, c.other_id))
            pairs.setdefault(key, {}).setdefault((c.selector_type, c.value[:500]), c)
    return {key: list(links.values()) for key, links in pairs.items()}


def _pairs_save(
    pairs: dict[Pair, list[Candidate]], reports: dict[int, Report], *, quiet: set[int]
) -> list[MatchMade]:
    """Save the pairs and their links with multi-row inserts; what is new or gained links."""
    if not pairs:
        return []
    fresh = _insert_new_pairs(pairs)
    existing = _existing({key: c for key, c in pairs.items() if key not in fresh})
    matches = {**existing, **fresh}
    # (match, selector type, value) -> (kind, score) of the links the pairs had before
    had: dict[tuple[int, str, str], tuple[str, float]] = {}
    if existing:
        for match_id, type_, value, kind, score in MatchLink.objects.filter(
            match__in=list(existing.values())
        ).values_list("match_id", "selector_type", "value", "kind", "score"):
            had[match_id, type_, value] = (kind, score)
    links: list[MatchLink] = []
    gained: dict[int, Match] = {}
    for key, candidates in sorted(pairs.items()):  # one order everywhere, as above
        match = matches[key]
        match.report_a, match.report_b = reports[key[0]], reports[key[1]]
        for c in candidates:
            value = c.value[:500]
            if (match.pk, c.selector_type, value) in had:
                continue
            had[match.pk, c.selector_type, value] = (c.kind, c.score)
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
    new_ids = {m.pk for m in fresh.values()}
    extended = sorted((m for m in gained.values() if m.pk not in new_ids), key=lambda m: m.pk)
    if extended:  # earlier pairs that gained a selector: their summary, from every link
        summary: dict[int, list[tuple[str, float]]] = {}
        for (match_id, _, _), kind_score in had.items():
            summary.setdefault(match_id, []).append(kind_score)
        now = timezone.now()
        for match in extended:
            kinds = summary[match.pk]
            match.kind = (
                MatchKind.EXACT if any(k == MatchKind.EXACT for k, _ in kinds) else MatchKind.FUZZY
            )
            match.score = max(score for _, score in kinds)
            match.updated_at = now
        Match.objects.bulk_update(extended, ["kind", "score", "updated_at"])
    return [
        MatchMade(
            match,
            created=match.pk in new_ids,
            told=tuple(r.pk for r in (match.report_a, match.report_b) if r.pk not in quiet),
        )
        for match in gained.values()
    ]


def _insert_new_pairs(pairs: dict[Pair, list[Candidate]]) -> dict[Pair, Match]:
    """Insert the pairs no run saved before, in one statement; the ones inserted.

    A pair saved before (an earlier batch, the other report's run at the same moment)
    is left as it is and not returned.
    """
    now = timezone.now()
    # In one order everywhere: two batches inserting the same pair then wait for each
    # other in turn instead of deadlocking (100k import, two matching processes).
    rows = [(a, b, _pair_kind(c), _pair_score(c)) for (a, b), c in sorted(pairs.items())]
    table = Match._meta.db_table
    inserted = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_ROWS):
            chunk = rows[start : start + INSERT_ROWS]
            cursor.execute(
                f"INSERT INTO {table} (report_a_id, report_b_id, kind, score, created_at, "
                f"updated_at) VALUES {', '.join(['(%s, %s, %s, %s, %s, %s)'] * len(chunk))} "
                "ON CONFLICT (report_a_id, report_b_id) DO NOTHING "
                "RETURNING id, report_a_id, report_b_id, kind, score",
                [v for row in chunk for v in (*row, now, now)],
            )
            inserted += cursor.fetchall()
    return {
        (a, b): Match(
            pk=pk,
            report_a_id=a,
            report_b_id=b,
            kind=kind,
            score=score,
            created_at=now,
            updated_at=now,
        )
        for pk, a, b, kind, score in inserted
    }


def _existing(pairs: dict[Pair, list[Candidate]]) -> dict[Pair, Match]:
    """The pairs saved before (by an earlier batch or the other report's run)."""
    if not pairs:
        return {}
    firsts, seconds = {a for a, _ in pairs}, {b for _, b in pairs}
    return {
        (m.report_a_id, m.report_b_id): m
        for m in Match.objects.filter(report_a_id__in=firsts, report_b_id__in=seconds)
        if (m.report_a_id, m.report_b_id) in pairs
    }


def _with_details_for_told(made: list[MatchMade], detailed: dict[int, Report]) -> None:
    """The reports of the pairs that alert someone with their details, and the links.

    The hooks show these (alert payloads through disclosure); `detailed` are those read
    whole already. Pairs whose both reports are summarised (two imported reports) alert
    nobody and are not read again.
    """
    told = [m.match for m in made if m.told]
    if not told:
        return
    missing = {r.pk for m in told for r in (m.report_a, m.report_b)} - set(detailed)
    if missing:
        detailed.update(
            {r.pk: r for r in Report.objects.select_related(*DETAILS_JOINED).filter(pk__in=missing)}
        )
    for match in told:
        match.report_a, match.report_b = detailed[match.report_a_id], detailed[match.report_b_id]
    details_complete(list({r.pk: r for m in told for r in (m.report_a, m.report_b)}.values()))
    prefetch_related_objects(told, "links")


def _pair_kind(candidates: list[Candidate]) -> str:
    return (
        MatchKind.EXACT if any(c.kind == MatchKind.EXACT for c in candidates) else MatchKind.FUZZY
    )


def _pair_score(candidates: list[Candidate]) -> float:
    return max(c.score for c in candidates)
