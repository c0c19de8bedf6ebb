"""Scoring parcels against an operation's risk indicators.

A batch goes through in a fixed number of queries whatever its size: the
active indicators' version (one query), earlier reports by selector (one
statement per 1000 values) and by person (the blocking keys of the names, then
the few best-blocked people), the readable evidence, and the record of flagged
parcels. The selector and name-key statements go out in one round trip, with
a small batch's indicator version. Earlier reports are always found through the
selector index (type, normalised) and the name-key index, never by a scan. A
large batch is scored in parts on several cores (scoring_pool.py), with the
same results.
"""

from __future__ import annotations

import gc
import heapq
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain
from typing import Any

from django.db import InterfaceError, OperationalError, connection
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from apps.accounts.models import Officer
from apps.core.inputs import compile_serializer, flatten_errors
from apps.crossmatch.blocking import PERSON, person_blocking_keys
from apps.crossmatch.models import ExcludedSelector, NameKey
from apps.crossmatch.names import PersonRecord, person_score
from apps.operations.models import Operation, Room
from apps.reports.disclosure import EvidenceRow, evidence_for
from apps.reports.extract import extract_from_report
from apps.reports.inputs import ParcelInput
from apps.reports.models import Party, Report, Selector
from apps.reports.normalise import fold_text
from apps.reports.selectors import reports_visible_to, viewer_for

from .indicators import Evidence, Fired, IndicatorKind, ParcelFacts, Person, Rule, compile_rule
from .models import Indicator
from .scoring_pool import scoring_helpers, scoring_helpers_drop
from .services import scored_parcels_record, statements_pipelined

MAX_BATCH = 10_000
#: Earlier reports shown per fired indicator (the count says how many there are).
MAX_EVIDENCE = 10
#: A name key held by this many people or more is too common to block on.
ROWS_PER_KEY = 32
#: Earlier people scored per name, the best-blocked first.
MAX_PERSON_CANDIDATES = 10
CHUNK = 500


class ParcelToScore(ParcelInput):
    """A parcel as a scanning line sends it: a report's parcel, a reference and notes."""

    ref = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


#: ParcelToScore as one plain function (apps/core/inputs.compile_serializer): the same
#: values and the same errors as the serializer, without building one per parcel.
_parcel_check = compile_serializer(ParcelToScore)


@dataclass(slots=True)
class _Item:
    index: int
    ref: str
    data: dict | None = None
    errors: dict | None = None
    warnings: dict | None = None
    facts: ParcelFacts | None = None
    fired: list[Fired] | None = None
    score: float = 0.0
    #: normalised ("" if none or invalid): what a flagged parcel is recorded under
    tracking_number: str = ""
    #: what the result shows: the normalised number, else the number as sent
    shown_tracking_number: str = ""


def parcels_parse(parcels: list[Any], first_index: int = 0) -> list[_Item]:
    """Each parcel checked with the same rules as a report's parcel.

    The compiled schema gives the serializer's values and errors, which name the
    fields at fault.
    """
    items = []
    for index, raw in enumerate(parcels, first_index):
        ref = raw.get("ref", "") if isinstance(raw, dict) else ""
        item = _Item(index=index, ref=ref if isinstance(ref, str) else "")
        if not isinstance(raw, dict):
            item.errors = {"non_field_errors": ["A parcel is a JSON object."]}
        else:
            try:
                item.data = dict(_parcel_check(raw))
            except ValidationError as exc:
                item.errors = flatten_errors(exc.detail)
        items.append(item)
    return items


def _facts(data: dict, region: str | None, key_roles: frozenset[str]) -> tuple[ParcelFacts, dict]:
    """What the rules look at; name keys only for the roles an indicator looks up."""
    notes = data.get("notes", "")
    parcel = {k: v for k, v in data.items() if k not in ("ref", "notes")}
    raw = {"parcel": _as_raw(parcel), "body": notes}
    selectors, warnings = extract_from_report(raw, default_region=region)
    # the parcel's own tracking number, normalised by extraction (none if invalid)
    tracking = next(
        (s.normalised[:64] for s in selectors if s.source == "parcel.tracking_number"), ""
    )
    people = []
    domains = []
    for role in ("sender", "recipient"):
        party = data.get(role) or {}
        if party.get("name", "").strip():
            hint = (
                data.get("origin_country") if role == "sender" else data.get("destination_country")
            )
            keys = (
                _person_keys(party["name"], party.get("date_of_birth"), hint)
                if role in key_roles
                else frozenset()
            )
            people.append(Person(role, party["name"].strip(), party.get("date_of_birth"), keys))
        email = party.get("email", "")
        if "@" in email:
            domains.append(email.rsplit("@", 1)[1].strip().lower())
    facts = ParcelFacts(
        tracking_number=tracking,
        origin=data.get("origin_country"),
        destination=data.get("destination_country"),
        carrier=_fold_short(data.get("carrier") or ""),
        content=_fold_short(data.get("declared_content") or ""),
        notes=fold_text(notes) if notes else "",
        weight_g=data.get("weight_g"),
        selectors=selectors,
        people=people,
        email_domains=domains,
    )
    return facts, {path: [message] for path, message in warnings.items()}


@lru_cache(maxsize=4096)
def _fold_short(text: str) -> str:
    """fold_text of a carrier or a declared content: a hub sees the same few all day."""
    return fold_text(text)


@lru_cache(maxsize=100_000)
def _person_keys(name: str, date_of_birth: Any, hint: str | None) -> frozenset[str]:
    """A name's blocking keys, kept for the names a hub sees again (the same recipients)."""
    return frozenset(person_blocking_keys(name, date_of_birth, hint))


def _as_raw(parcel: dict) -> dict:
    """Validated values back to what extraction reads (dates to text)."""
    out = dict(parcel)
    for role in ("sender", "recipient"):
        if out.get(role):
            party = dict(out[role])
            if party.get("date_of_birth"):
                party["date_of_birth"] = party["date_of_birth"].isoformat()
            out[role] = party
    return out


#: operation id -> (the version of its active indicators, their rules): compiled once,
#: reused while the version is the same.
_compiled: dict[int, tuple[list[tuple], list[Rule]]] = {}


_VERSION_SQL = (
    f"SELECT id, updated_at FROM {Indicator._meta.db_table} "
    "WHERE operation_id = %s AND active ORDER BY id"
)


def operation_rules(operation: Operation) -> list[Rule]:
    """The operation's active indicators as rules, compiled once per version of them.

    Each call reads the active indicators' (id, updated_at), one small query; every
    save of an indicator (services, admin) moves its updated_at, and switching one
    off or deleting it takes it out of the list, so a change made by any process
    compiles the rules again at the next batch.
    """
    with connection.cursor() as cursor:
        # plain SQL: the ORM's compiling of it cost more than the query (a single
        # parcel pays it each time)
        cursor.execute(_VERSION_SQL, [operation.pk])
        version = cursor.fetchall()
    cached = _compiled.get(operation.pk)
    if cached is not None and cached[0] == version:
        return cached[1]
    rules = [
        compile_rule(*row)
        for row in Indicator.objects.filter(operation=operation, active=True)
        .order_by("id")
        .values_list("pk", "name", "kind", "params", "weight", "explanation")
    ]
    _compiled[operation.pk] = (version, rules)
    return rules


def parcels_score(
    *,
    operation: Operation,
    officer: Officer,
    parcels: list[Any],
    record: bool = True,
    rules: list[Rule] | None = None,
) -> list[dict]:
    """Score each parcel: its score, the indicators that fired, the earlier reports behind them.

    With `record`, parcels on which an indicator fired are remembered by tracking
    number and counted as flagged, so that a later check or hit on them counts
    for the indicator's effectiveness.
    """
    officer_region = officer.agency.country_id if officer.agency_id else None
    with _collector_paused() if len(parcels) >= PAUSE_AT else nullcontext():
        if rules is None:
            rules, items = _score_with_operation_rules(operation, officer_region, parcels)
        else:
            items = _score_parts(operation.pk, officer_region, parcels, rules)
        if record:
            scored_parcels_record(
                operation_id=operation.pk,
                officer=officer,
                flagged=[
                    (i.tracking_number, [f.indicator_id for f in i.fired], i.score)
                    for i in items
                    if i.fired and i.tracking_number
                ],
            )
        return _results(items, rules, officer)


@dataclass(slots=True)
class _AlsoRead:
    """Statements read along with a part's evidence, in its round trip, and their rows."""

    statements: list[tuple[str, list]]
    rows: list[list[tuple]] | None = None


def _score_with_operation_rules(
    operation: Operation, region: str | None, parcels: list[Any]
) -> tuple[list[Rule], list[_Item]]:
    """The batch scored with the operation's active indicators as they are now.

    A small batch (a single parcel...) is scored with the rules compiled last,
    their version read in the round trip of its evidence rather than one of its
    own; if the indicators changed in the meantime it is scored again with the new.
    """
    cached = _compiled.get(operation.pk)
    if cached is not None and len(parcels) < SPLIT_AT:
        version = _AlsoRead([(_VERSION_SQL, [operation.pk])])
        items = score_part(operation.pk, region, parcels, cached[1], 0, version)
        if version.rows is not None and version.rows[0] == cached[0]:
            return cached[1], items
    rules = operation_rules(operation)
    return rules, _score_parts(operation.pk, region, parcels, rules)


#: A batch this large is scored in parts on several cores (scoring_pool); below
#: it, shipping the parts costs more than it saves.
SPLIT_AT = 100


def _score_parts(
    operation_id: int, region: str | None, parcels: list[Any], rules: list[Rule]
) -> list[_Item]:
    """`score_part` of the whole batch, in parts side by side when it is large.

    One part per process: this process scores the first while the helpers score
    the others (each part looks its name keys up on its own, so more parts cost
    the database more). The items come back in the batch's order, the same as
    scored in one part.
    """
    helpers = scoring_helpers() if len(parcels) >= SPLIT_AT else None
    if helpers is None:
        return score_part(operation_id, region, parcels, rules, 0)
    pool, count = helpers
    size = -(-len(parcels) // (count + 1))
    rows = [(r.indicator_id, r.name, r.kind, r.params, r.weight, r.explanation) for r in rules]
    starts = list(range(size, len(parcels), size))
    try:
        futures = [
            pool.submit(score_part_elsewhere, operation_id, region, parcels[s : s + size], rows, s)
            for s in starts
        ]
    except BrokenProcessPool:
        scoring_helpers_drop(pool)
        return score_part(operation_id, region, parcels, rules, 0)
    items = score_part(operation_id, region, parcels[:size], rules, 0)
    for start, future in zip(starts, futures, strict=True):
        try:
            items += [_item_from_tuple(row) for row in future.result()]
        except BrokenProcessPool:
            scoring_helpers_drop(pool)
            items += score_part(operation_id, region, parcels[start : start + size], rules, start)
    return items


#: Rules compiled in a helper process, by the indicators' values.
_rules_elsewhere: dict[str, list[Rule]] = {}


def score_part_elsewhere(
    operation_id: int, region: str | None, parcels: list[Any], rule_rows: list[tuple], first: int
) -> list[tuple]:
    """`score_part` in a helper process: the rules come as values and are compiled here once."""
    key = repr(rule_rows)
    rules = _rules_elsewhere.get(key)
    if rules is None:
        if len(_rules_elsewhere) >= 64:
            _rules_elsewhere.clear()
        rules = _rules_elsewhere[key] = [compile_rule(*row) for row in rule_rows]
    with _collector_paused():
        try:
            items = score_part(operation_id, region, parcels, rules, first)
        except (InterfaceError, OperationalError):
            # The helper's connection broke (the database restarted...): scoring only
            # reads, so once more on a new one.
            connection.close()
            items = score_part(operation_id, region, parcels, rules, first)
        return [_item_as_tuple(item) for item in items]


# Items travel between processes as plain tuples: pickling a dataclass with
# slots costs several times as much.


def _item_as_tuple(item: _Item) -> tuple:
    fired = (
        None
        if item.fired is None
        else [(f.indicator_id, f.reasons, f.report_ids, f.details) for f in item.fired]
    )
    return (
        item.index,
        item.ref,
        item.errors,
        item.warnings,
        fired,
        item.score,
        item.tracking_number,
        item.shown_tracking_number,
    )


def _item_from_tuple(row: tuple) -> _Item:
    index, ref, errors, warnings, fired, score, tracking_number, shown = row
    return _Item(
        index=index,
        ref=ref,
        errors=errors,
        warnings=warnings,
        fired=None if fired is None else [Fired(*f) for f in fired],
        score=score,
        tracking_number=tracking_number,
        shown_tracking_number=shown,
    )


#: A batch this large is scored with the cyclic garbage collector paused.
PAUSE_AT = 50
#: How many threads are in a paused stretch; the collector is resumed by the last.
_pauses = 0
_pauses_lock = threading.Lock()
_collector_was_enabled = True


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while a large batch or part is scored.

    Scoring allocates hundreds of small containers per parcel and makes no cycles
    worth collecting mid-batch; every few parcels the collector would otherwise
    walk the young objects, and now and then everything the process keeps (the
    caches of names, values and rules): 15-20 % of a parcel's CPU, measured. It is
    resumed as soon as the last thread scoring a large batch is done (its next pass
    collects whatever the pause left), and left alone if the process had it off.
    """
    global _pauses, _collector_was_enabled
    with _pauses_lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()


def score_part(
    operation_id: int,
    region: str | None,
    parcels: list[Any],
    rules: list[Rule],
    first_index: int,
    also: _AlsoRead | None = None,
) -> list[_Item]:
    """Parse, extract, look up the evidence and test the rules for a run of a batch's parcels.

    Parcels are scored each on its own (the evidence of one never depends on
    another), so a batch scored in parts, in this process or another, gives the
    same items as scored whole. What comes back holds what the results and the
    record need, not the parcels' facts.
    """
    items = parcels_parse(parcels, first_index)
    key_roles = frozenset(
        role for r in rules if r.kind == IndicatorKind.EARLIER_PERSON for role in r.params["roles"]
    )
    for item in items:
        if item.data is not None:
            # National numbers are read as numbers of the destination, where the
            # parcel is scanned and its recipient lives; else the scanning officer's.
            item.facts, warnings = _facts(
                item.data, item.data.get("destination_country") or region, key_roles
            )
            item.warnings = warnings or None

    scorable = [item for item in items if item.facts is not None]
    evidence = _evidence(operation_id, [i.facts for i in scorable], rules, also)
    for item, found in zip(scorable, evidence, strict=True):
        facts = item.facts
        fired = []
        score = 0.0
        for rule in rules:
            hit = rule.test(facts, found)
            if hit is not None:
                fired.append(hit)
                score += rule.weight
        item.fired, item.score = fired, round(score, 3)
        item.tracking_number = facts.tracking_number
        item.shown_tracking_number = facts.tracking_number or item.data.get("tracking_number", "")
        item.facts = item.data = None
    return items


# ------------------------------------------------------------------- evidence


def _chunks(values: Iterable, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _evidence(
    operation_id: int, facts: list[ParcelFacts], rules: list[Rule], also: _AlsoRead | None = None
) -> list[Evidence]:
    selector_rules = [r for r in rules if r.kind == IndicatorKind.EARLIER_SELECTOR]
    person_rules = [r for r in rules if r.kind == IndicatorKind.EARLIER_PERSON]
    out = [Evidence() for _ in facts]
    types = {t for r in selector_rules for t in r.params["types"]}
    pairs = _selector_pairs(facts, types) if selector_rules else []
    people = _people(facts) if person_rules else {}
    keys = sorted({k for person, _ in people.values() for k in person.keys} - _common_keys)
    selector_rows: Iterable[tuple] | None = None
    key_rows: Iterable[tuple] | None = None
    if (pairs or keys) and connection.vendor == "postgresql":
        # The lookups in one round trip: a single parcel's time is mostly round trips.
        by_selector = _selector_statements(operation_id, pairs)
        by_key = _name_key_statements(keys)
        extra = also.statements if also is not None else []
        rows = statements_pipelined(by_selector + by_key + extra)
        selector_rows = chain.from_iterable(rows[: len(by_selector)])
        key_rows = chain.from_iterable(rows[len(by_selector) : len(by_selector) + len(by_key)])
        if also is not None:
            also.rows = rows[len(by_selector) + len(by_key) :]
    if also is not None and also.rows is None:
        also.rows = statements_pipelined(also.statements)
    if pairs:
        kinds = {k for r in selector_rules for k in r.params["report_kinds"]}
        found = _earlier_by_selector(operation_id, pairs, kinds, selector_rows)
        for f, ev in zip(facts, out, strict=True):
            for s in f.selectors:
                reports = found.get((s.type, s.normalised))
                if reports:
                    ev.by_selector[(s.type, s.normalised)] = reports
    if people:
        kinds = {k for r in person_rules for k in r.params["report_kinds"]}
        holders = _name_key_holders(keys, key_rows)
        found_people = _earlier_by_person(operation_id, people, holders, kinds)
        for f, ev in zip(facts, out, strict=True):
            for person in f.people:
                matches = found_people.get((person.role, person.name, person.date_of_birth))
                if matches:
                    ev.by_person[(person.role, person.name)] = matches
    return out


def _selector_pairs(facts: list[ParcelFacts], types: set[str]) -> list[tuple[str, str]]:
    """The batch's (type, normalised) selectors of the types looked up, each once."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        for s in f.selectors:
            if s.type in types:
                wanted[s.type].add(s.normalised)
    return [(stype, value) for stype, values in wanted.items() for value in sorted(values)]


def _earlier_by_selector(
    operation_id: int,
    pairs: list[tuple[str, str]],
    kinds: set[str],
    rows: Iterable[tuple] | None = None,
) -> dict[tuple[str, str], list[tuple[int, str]]]:
    found: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    if rows is None:
        rows = _selector_rows(operation_id, pairs)
    for report_id, stype, normalised, kind, operation in rows:
        if operation == operation_id and kind in kinds:
            found[(stype, normalised)].append((report_id, kind))
    for reports in found.values():
        reports.sort(reverse=True)  # the latest first
    return found


# The pairs as two arrays, a probe of the selector index each whatever its type;
# 1000 a statement: more, and the planner turns to hash joins (and JIT).
_SELECTOR_SQL = (
    "SELECT s.report_id, s.type, s.normalised, r.kind, rm.operation_id "
    "FROM unnest(%s::text[], %s::text[]) AS w(type, normalised) "
    f"JOIN {Selector._meta.db_table} s "
    "ON s.type = w.type AND s.normalised = w.normalised "
    f"JOIN {Report._meta.db_table} r ON r.id = s.report_id "
    f"JOIN {Room._meta.db_table} rm ON rm.id = r.room_id "
    f"WHERE NOT EXISTS (SELECT 1 FROM {ExcludedSelector._meta.db_table} e "
    "WHERE e.operation_id = %s AND e.selector_type = w.type "
    "AND e.normalised = w.normalised)"
)


def _selector_statements(operation_id: int, pairs: list[tuple[str, str]]) -> list[tuple[str, list]]:
    return [
        (_SELECTOR_SQL, [[t for t, _ in chunk], [v for _, v in chunk], operation_id])
        for chunk in _chunks(pairs, 1000)
    ]


def _selector_rows(operation_id: int, pairs: list[tuple[str, str]]) -> Iterable[tuple]:
    """(report, type, normalised, report kind, operation) of every selector among `pairs`.

    Values the analysts set aside in the operation (a hub's address...) are no
    evidence and are left out. Filtered on the report by the caller: given the
    report's columns, planners would start from the operation's reports instead
    of the selector index.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql, params in _selector_statements(operation_id, pairs):
                cursor.execute(sql, params)
                yield from cursor.fetchall()
        return
    excluded = set(
        ExcludedSelector.objects.filter(operation_id=operation_id).values_list(
            "selector_type", "normalised"
        )
    )
    by_type: dict[str, list[str]] = defaultdict(list)
    for stype, value in pairs:
        if (stype, value) not in excluded:
            by_type[stype].append(value)
    for stype, values in by_type.items():
        for chunk in _chunks(values):
            yield from (
                Selector.objects.filter(type=stype, normalised__in=chunk)
                .order_by()
                .values_list(
                    "report_id", "type", "normalised", "report__kind",
                    "report__room__operation_id",
                )
            )  # fmt: skip


#: Name keys seen held by ROWS_PER_KEY people or more. A key only gains holders
#: (reports are not deleted in the life of a process), so once common it stays
#: common and is not looked up again; bounded, forgotten all at once when full.
_common_keys: set[str] = set()
MAX_COMMON_KEYS = 500_000

# Per key at most ROWS_PER_KEY holders, aggregated in the database: a common key
# comes back as one row without its holders. 1000 keys a statement keep its
# estimate under PostgreSQL's JIT threshold (compiling costs more than it saves).
_NAME_KEY_SQL = (
    "SELECT k.key, CASE WHEN cardinality(nk.ids) < %s THEN nk.ids END "
    "FROM unnest(%s::text[]) AS k(key) CROSS JOIN LATERAL ("
    f"SELECT array_agg(party_id) AS ids FROM (SELECT party_id FROM {NameKey._meta.db_table} "
    "WHERE entity = %s AND key = k.key LIMIT %s) one) nk "
    "WHERE nk.ids IS NOT NULL"
)


def _name_key_statements(ordered: list[str]) -> list[tuple[str, list]]:
    return [
        (_NAME_KEY_SQL, [ROWS_PER_KEY, chunk, PERSON, ROWS_PER_KEY])
        for chunk in _chunks(ordered, 1000)
    ]


def _name_key_holders(
    ordered: list[str], rows: Iterable[tuple] | None = None
) -> dict[str, list[int]]:
    """People holding each name key, at most ROWS_PER_KEY per key (as crossmatch reads them).

    A key that fills the limit is too common to block on and is left out; so the
    read is bounded whatever the size of the index. `ordered`: keys not known to
    be common, sorted; `rows`: their rows if already read.
    """
    holders: dict[str, list[int]] = {}
    common: list[str] = []
    if connection.vendor == "postgresql":
        if rows is None:
            rows = []
            with connection.cursor() as cursor:
                for sql, params in _name_key_statements(ordered):
                    cursor.execute(sql, params)
                    rows += cursor.fetchall()
        for key, ids in rows:
            if ids is None:
                common.append(key)
            else:
                holders[key] = ids
    else:
        # SQLite: one compound SELECT of per-key LIMITed subqueries (at most 500 terms).
        table = NameKey._meta.db_table
        found: dict[str, list[int]] = defaultdict(list)
        with connection.cursor() as cursor:
            for chunk in _chunks(ordered, 400):
                sql = " UNION ALL ".join(
                    f"SELECT * FROM (SELECT key, party_id FROM {table} "
                    "WHERE entity = %s AND key = %s LIMIT %s)"
                    for _ in chunk
                )
                cursor.execute(sql, [v for key in chunk for v in (PERSON, key, ROWS_PER_KEY)])
                for key, party_id in cursor.fetchall():
                    found[key].append(party_id)
        for key, ids in found.items():
            if len(ids) < ROWS_PER_KEY:
                holders[key] = ids
            else:
                common.append(key)
    if len(_common_keys) + len(common) > MAX_COMMON_KEYS:
        _common_keys.clear()
    _common_keys.update(common)
    return holders


def _most_shared(holder: tuple[int, int]) -> tuple[int, int]:
    """The party sharing the most keys first, then the lowest id."""
    return -holder[1], holder[0]


def _people(facts: list[ParcelFacts]) -> dict[tuple, tuple[Person, str | None]]:
    """The batch's senders and recipients, each once, with the country they are in."""
    people = {}
    for f in facts:
        for person in f.people:
            country = f.origin if person.role == "sender" else f.destination
            people[(person.role, person.name, person.date_of_birth)] = (person, country)
    return people


def _earlier_by_person(
    operation_id: int,
    people: dict[tuple, tuple[Person, str | None]],
    holders: dict[str, list[int]],
    kinds: set[str],
) -> dict[tuple, list[tuple[int, str, float, str]]]:
    blocking = {
        ident: [k for k in person.keys if k in holders] for ident, (person, _) in people.items()
    }
    wanted: dict[tuple, list[int]] = {}
    for ident in people:
        shared = Counter(chain.from_iterable(holders[key] for key in blocking[ident]))
        ranked = heapq.nsmallest(MAX_PERSON_CANDIDATES, shared.items(), key=_most_shared)
        # One shared key among many is a coincidence of spelling, not a candidate.
        floor = max(min(2, len(blocking[ident])), (ranked[0][1] + 1) // 2) if ranked else 0
        wanted[ident] = [party_id for party_id, n in ranked if n >= floor]
    candidates = {}
    for chunk in _chunks(sorted({p for ids in wanted.values() for p in ids})):
        for pk, name, dob, report_id, kind, country, operation in (
            Party.objects.filter(pk__in=chunk)
            .order_by()
            .values_list(
                "pk", "name", "date_of_birth", "report_id", "report__kind",
                "report__country_id", "report__room__operation_id",
            )
        ):  # fmt: skip
            if operation == operation_id and kind in kinds:
                candidates[pk] = (PersonRecord(name, dob, country), report_id, kind)
    found: dict[tuple, list[tuple[int, str, float, str]]] = {}
    for ident, party_ids in wanted.items():
        person, country = people[ident]
        this = PersonRecord(person.name, person.date_of_birth, country)
        matches = []
        for party_id in party_ids:
            candidate = candidates.get(party_id)
            if candidate is None:
                continue
            record, report_id, kind = candidate
            score, _ = person_score(this, record)
            matches.append((report_id, kind, round(score, 3), record.name))
        if matches:
            matches.sort(key=lambda m: (-m[2], -m[0]))
            found[ident] = matches
    return found


# -------------------------------------------------------------------- results


def _results(items: list[_Item], rules: list[Rule], officer: Officer) -> list[dict]:
    described = {r.indicator_id: (r.name, r.kind, r.weight, r.explanation) for r in rules}
    shown: set[int] = set()
    for item in items:
        for fired in item.fired or ():
            shown.update(fired.report_ids[:MAX_EVIDENCE])
    rows, readable = _evidence_rows(officer, shown)

    def indicator(fired: Fired) -> dict:
        name, kind, weight, explanation = described[fired.indicator_id]
        return {
            "id": fired.indicator_id,
            "name": name,
            "kind": kind,
            "weight": weight,
            "explanation": explanation,
            "reasons": fired.reasons,
            "reports": [
                evidence_for(
                    replace(rows[r], details=fired.details.get(r, {})),
                    is_readable=r in readable,
                )
                for r in fired.report_ids[:MAX_EVIDENCE]
                if r in rows
            ]
            if fired.report_ids
            else [],
            "reports_total": len(fired.report_ids),
        }

    results = []
    for item in items:
        if item.errors is not None:
            results.append({"index": item.index, "ref": item.ref, "errors": item.errors})
            continue
        result = {
            "index": item.index,
            "ref": item.ref,
            "tracking_number": item.shown_tracking_number,
            "score": item.score,
            "indicators": [indicator(fired) for fired in item.fired],
        }
        if item.warnings:
            result["warnings"] = item.warnings
        results.append(result)
    return results


def _evidence_rows(
    officer: Officer, report_ids: set[int]
) -> tuple[dict[int, EvidenceRow], set[int]]:
    """The earlier reports behind the scores, and which of them the caller may read."""
    if not report_ids:
        return {}, set()
    ids = sorted(report_ids)
    readable = set(
        reports_visible_to(officer, viewer=viewer_for(officer))
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    rows = {
        pk: EvidenceRow(pk, kind, agency, country, handling, room_id, seq, occurred_at, {})
        for pk, kind, agency, country, handling, occurred_at, room_id, seq in Report.objects.filter(
            pk__in=ids
        ).values_list(
            "pk", "kind", "agency__name", "country_id", "handling", "occurred_at", "room_id", "seq"
        )
    }
    return rows, readable
