"""Importing earlier seizures and intelligence: validate every row, load in batches, match in bulk.

The path of a row:

1. read (sources.py) - a row that cannot be read is rejected with its line;
2. prepared (`row_prepare`, pure, may run in worker processes): the import columns
   checked, the report validated by the same schema as the API
   (apps/reports/inputs.ReportInput), its selectors extracted
   (apps/reports/extract.extract_from_report) and its parties' blocking keys made
   (names, addresses, companies: apps/crossmatch/services.party_keys);
3. written by `BatchWriter`, a batch per transaction: rows imported before are
   skipped (ImportedReport, by the row's key), seq numbers are handed out under
   one lock of the room, then reports, seizures, parcels, parties, name keys,
   selectors and the operation's running totals go in with multi-row inserts
   (COPY on PostgreSQL);
4. matched in bulk: one Celery task per batch calls report_match(id, alert=False);
   when the last batch is matched the run is the analyst's summary, published
   once as `import.finished`.

The key of a row (its report's client_id) is uuid5 of the operation and the
row's `reference` (with its country and agency), or of the row's content when
it has no reference: importing the same rows again creates nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from apps.accounts.models import Agency, AgencyKind, Officer
from apps.accounts.services import agency_get_or_create
from apps.core.events import enqueue_on_commit
from apps.core.inputs import ISO_COUNTRIES, flatten_errors
from apps.crossmatch.models import NameKey
from apps.crossmatch.services import name_token_counts_add, party_keys, report_match
from apps.dashboard.events import stats_delta_on_commit
from apps.dashboard.services import counters_add, report_counter_rows
from apps.operations.models import Operation, Room, RoomMembership
from apps.operations.selectors import officer_is_room_member
from apps.operations.services import room_get_or_create, room_member_add
from apps.reports.extract import ExtractedSelector, extract_from_report
from apps.reports.inputs import ReportInput
from apps.reports.models import Parcel, Party, PartyRole, Report, Seizure, Selector
from apps.reports.normalise import fold_text

from . import events
from .models import ImportedReport, ImportRun, ImportStatus
from .payloads import import_run_payload
from .services import IntelInvalid, IntelRefused, ensure_may_analyse
from .sources import RawRow, SourceInvalid, read_rows

# The Celery tasks live in tasks.py, which calls into this module; IntelConfig.ready
# hands them over here, so the two modules never import each other.
TASKS: dict[str, Any] = {}


def register_tasks(**tasks: Any) -> None:
    TASKS.update(tasks)


logger = logging.getLogger(__name__)
audit = logging.getLogger("commandcentre.audit")

IMPORT_NAMESPACE = uuid.UUID("2b0f5d3c-6a51-4c1e-9c57-1d3e0a7f0b11")
DEFAULT_ROOM = "Earlier seizures"
BATCH_SIZE = 1000
MAX_STORED_ERRORS = 1000
#: Fields of a report the import sets itself, or that only make sense live.
NOT_IMPORTED = {
    "client_id": "set by the import from the row's reference or content; leave it out",
    "recipients": "an import cannot name recipients; use handling amber or red",
    "amends": "an import cannot amend reports",
}


# ----------------------------------------------------------------- preparing


@dataclass(slots=True)
class Prepared:
    """A row that passed every check, ready to write."""

    line: int
    key: uuid.UUID
    country: str
    agency: str
    agency_kind: str
    parsed: dict
    selectors: list[ExtractedSelector]
    # blocking keys per party, in the order parties are written (sender, recipient, people)
    party_keys: list[list[tuple[str, str]]] = field(default_factory=list)


@dataclass(slots=True)
class Rejected:
    line: int
    reason: str


def _reason(errors: dict[str, list[str]]) -> str:
    return "; ".join(f"{path}: {' '.join(messages)}" for path, messages in errors.items())


def row_key(operation_id: int, row: dict, country: str, agency: str) -> uuid.UUID:
    reference = row.get("reference")
    if reference not in (None, ""):
        ident = f"{operation_id}|ref|{country}|{fold_text(agency)}|{reference}"
    else:
        canonical = json.dumps(
            row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        ident = f"{operation_id}|row|{hashlib.sha256(canonical.encode()).hexdigest()}"
    return uuid.uuid5(IMPORT_NAMESPACE, ident)


class RowPreparer:
    """Checks rows with the API's own report schema; one parser reused for every row."""

    def __init__(self, operation_id: int):
        self.operation_id = operation_id
        # Built once: a DRF serializer is costly to construct, cheap to run.
        self.parser = ReportInput()

    def __call__(self, raw: RawRow) -> Prepared | Rejected:
        if raw.data is None:
            return Rejected(raw.line, raw.error)
        row = raw.data
        errors: dict[str, list[str]] = {}
        country = row.get("country")
        country = country.strip().upper() if isinstance(country, str) else ""
        country = {"EL": "GR", "UK": "GB"}.get(country, country)
        if country not in ISO_COUNTRIES:
            errors["country"] = [
                "The reporting country is required: an ISO 3166-1 alpha-2 code."
                if not country
                else f"'{country}' is not an ISO 3166-1 alpha-2 code."
            ]
        agency = row.get("agency")
        agency = " ".join(agency.split()) if isinstance(agency, str) else ""
        if not agency or len(agency) > 200:
            errors["agency"] = ["The reporting agency's name is required (at most 200 characters)."]
        agency_kind = row.get("agency_kind") or AgencyKind.CUSTOMS
        if agency_kind not in AgencyKind.values:
            errors["agency_kind"] = [f"Not one of: {', '.join(AgencyKind.values)}."]
        reference = row.get("reference")
        if reference is not None and (
            not isinstance(reference, (str, int)) or len(str(reference)) > 200
        ):
            errors["reference"] = ["A text of at most 200 characters."]
        for name, why in NOT_IMPORTED.items():
            if name in row:
                errors[name] = [f"Not imported: {why}."]
        if errors:
            return Rejected(raw.line, _reason(errors))

        key = row_key(self.operation_id, row, country, agency)
        data = {
            k: v
            for k, v in row.items()
            if k not in ("reference", "country", "agency", "agency_kind")
        }
        data["client_id"] = str(key)
        try:
            parsed = dict(self.parser.run_validation(data))
        except ValidationError as exc:
            return Rejected(raw.line, _reason(flatten_errors(exc.detail)))
        selectors, selector_errors = extract_from_report(data, default_region=country)
        if selector_errors:
            return Rejected(raw.line, _reason({p: [m] for p, m in selector_errors.items()}))
        return Prepared(
            line=raw.line,
            key=key,
            country=country,
            agency=agency,
            agency_kind=agency_kind,
            parsed=parsed,
            selectors=selectors,
            # The write path's keys (apps/crossmatch/services.party_keys: people,
            # addresses, companies), made here so that worker processes share the work.
            party_keys=[
                party_keys(
                    name=party.get("name", ""),
                    date_of_birth=party.get("date_of_birth"),
                    address=party.get("address", ""),
                    company=party.get("company", ""),
                    country=country,
                )
                for _, party in _parties(parsed)
            ],
        )


def _parties(parsed: dict) -> list[tuple[str, dict]]:
    """The parties a report names, in the order they are written."""
    parcel = parsed.get("parcel") or {}
    out = [
        (role, parcel[role]) for role in (PartyRole.SENDER, PartyRole.RECIPIENT) if parcel.get(role)
    ]
    return out + [(PartyRole.PERSON, person) for person in parsed["people"]]


# ------------------------------------------------------------------- writing


_SQLITE_TEXT_TYPES = ("UUIDField", "DateTimeField", "DateField")


def _adapt_sqlite(value: Any) -> Any:
    # As Django stores them on SQLite: UUIDs as hex, datetimes and dates as ISO text.
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Multi-row insert of plain tuples (COPY on PostgreSQL); no model instances, no returned ids."""
    if not rows:
        return
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt = [
            i
            for i, c in enumerate(columns)
            if model._meta.get_field(c).get_internal_type() in _SQLITE_TEXT_TYPES
        ]
        if adapt:
            rows = [
                tuple(_adapt_sqlite(v) if i in adapt else v for i, v in enumerate(row))
                for row in rows
            ]
        per_statement = max(1, 30000 // len(columns))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({quoted}) VALUES {values}",
                [value for row in chunk for value in row],
            )


def _ids_for(model, count: int) -> list[int]:
    """Reserve `count` primary keys of `model`'s table, in the current transaction.

    PostgreSQL: from the table's sequence. SQLite: the writer holds the database's
    write lock for the whole transaction, so the next ids are ours.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
        return list(range(top + 1, top + 1 + count))


class _Metrics:
    """A batch's contribution to the running totals, summed before one upsert."""

    def __init__(self):
        self.rows: dict[tuple[int, str, str, str, str], int] = defaultdict(int)

    def add(self, report: _ReportRow, seizures: list) -> None:
        for *where, amount in report_counter_rows(report, seizures):
            self.rows[tuple(where)] += amount

    def as_rows(self) -> list[tuple]:
        return [(*k, v) for k, v in sorted(self.rows.items())]


class BatchWriter:
    """Writes prepared rows into the import's room, a batch per transaction."""

    def __init__(self, run: ImportRun):
        self.run = run
        self.operation_id = run.operation_id
        self.agencies: dict[tuple[str, str], int] = {}
        self.agencies_created: list[str] = []

    def agency_id(self, country: str, name: str, kind: str) -> int:
        cache_key = (country, name.casefold())
        agency_id = self.agencies.get(cache_key)
        if agency_id is None:
            agency = Agency.objects.filter(country_id=country, name__iexact=name).first()
            if agency is None:
                agency = agency_get_or_create(country=country, name=name, kind=kind)
                self.agencies_created.append(f"{agency.name} ({country}, {agency.kind})")
            agency_id = self.agencies[cache_key] = agency.pk
        return agency_id

    def write(self, rows: list[Prepared]) -> tuple[list[int], int]:
        """Write the batch; returns (new report ids, rows already imported)."""
        for attempt in range(3):
            try:
                with transaction.atomic():
                    return self._write(rows)
            except IntegrityError:
                # The same rows raced in from another import: the next try skips them.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _write(self, rows: list[Prepared]) -> tuple[list[int], int]:
        seen: set[uuid.UUID] = set()
        unique = []
        for row in rows:
            if row.key not in seen:
                seen.add(row.key)
                unique.append(row)
        known = set(
            ImportedReport.objects.filter(
                operation_id=self.operation_id, key__in=[r.key for r in unique]
            ).values_list("key", flat=True)
        )
        todo = [r for r in unique if r.key not in known]
        existing = len(rows) - len(todo)
        if not todo:
            return [], existing
        agency_ids = [self.agency_id(r.country, r.agency, r.agency_kind) for r in todo]

        room = Room.objects.select_for_update().get(pk=self.run.room_id)
        first_seq = room.last_seq + 1
        Room.objects.filter(pk=room.pk).update(last_seq=F("last_seq") + len(todo))

        now = timezone.now()
        report_ids = _ids_for(Report, len(todo))
        reports, seizure_rows, parcel_rows, selector_rows, imported_rows = [], [], [], [], []
        parties: list[tuple[int, str, int, dict, list[str]]] = []
        party_countries: list[str] = []
        metrics = _Metrics()
        for index, (row, agency_id, report_id) in enumerate(
            zip(todo, agency_ids, report_ids, strict=True)
        ):
            p = row.parsed
            location = p["location"] or {}
            report = _ReportRow(
                id=report_id,
                room_id=room.pk,
                seq=first_seq + index,
                client_id=row.key,
                author_id=self.run.officer_id,
                agency_id=agency_id,
                country_id=row.country,
                kind=p["kind"],
                handling=p["handling"],
                body=p["body"],
                created_at=now,
                occurred_at=p["occurred_at"],
                location_name=location.get("name", ""),
                location_country_id=location.get("country"),
                site_type=location.get("site_type", ""),
                lat=location.get("lat"),
                lon=location.get("lon"),
                checks_count=p["checks_count"],
                outcome=p["outcome"],
            )
            reports.append(report)
            for line in p["seizures"]:
                seizure_rows.append(
                    (report_id, line["category"], line["quantity"], line.get("description", ""))
                )
            metrics.add(report, [_SeizureLine(s["category"], s["quantity"]) for s in p["seizures"]])
            parcel = p["parcel"]
            if parcel:
                parcel_rows.append(
                    (
                        report_id,
                        parcel.get("tracking_number", ""),
                        parcel.get("carrier", ""),
                        parcel.get("origin_country"),
                        parcel.get("destination_country"),
                        parcel.get("declared_content", ""),
                        parcel.get("weight_g"),
                    )
                )
            positions: dict[str, int] = defaultdict(int)
            for (role, party), keys in zip(_parties(p), row.party_keys, strict=True):
                position = positions[role] if role == PartyRole.PERSON else 0
                positions[role] += 1
                parties.append((report_id, role, position, party, keys))
                party_countries.append(row.country)
            for s in row.selectors:
                selector_rows.append(
                    (report_id, s.type, s.value[:500], s.normalised[:500], s.source[:60])
                )
            imported_rows.append((self.operation_id, row.key, report_id, self.run.pk, row.line))

        _insert_reports(reports)
        _insert(Seizure, ["report_id", "category", "quantity", "description"], seizure_rows)
        _insert(
            Parcel,
            [
                "report_id",
                "tracking_number",
                "carrier",
                "origin_country_id",
                "destination_country_id",
                "declared_content",
                "weight_g",
            ],
            parcel_rows,
        )
        party_ids = _ids_for(Party, len(parties))
        _insert(
            Party,
            [
                "id",
                "report_id",
                "role",
                "position",
                "name",
                "date_of_birth",
                "address",
                "phone",
                "email",
                "company",
            ],
            [
                (
                    pid,
                    rid,
                    role,
                    pos,
                    d.get("name", ""),
                    d.get("date_of_birth"),
                    d.get("address", ""),
                    d.get("phone", ""),
                    d.get("email", ""),
                    d.get("company", ""),
                )
                for pid, (rid, role, pos, d, _) in zip(party_ids, parties, strict=True)
            ],
        )
        # Blocking keys go in with the reports (as in the write path), so an action-week
        # report finds these people whichever side is matched first.
        _insert(
            NameKey,
            ["report_id", "party_id", "entity", "key"],
            # in index order: neighbouring keys land on the same index pages
            sorted(
                (
                    (rid, pid, entity, key)
                    for pid, (rid, _, _, _, keys) in zip(party_ids, parties, strict=True)
                    for entity, key in keys
                ),
                key=lambda row: (row[2], row[3]),
            ),
        )
        # and the token counts that weigh rare names above common ones, as the write path does
        name_token_counts_add(
            [
                (d.get("name", ""), country)
                for (_, _, _, d, _), country in zip(parties, party_countries, strict=True)
            ]
        )
        selector_rows.sort(key=lambda row: (row[1], row[3]))
        _insert(Selector, ["report_id", "type", "value", "normalised", "source"], selector_rows)
        _insert(
            ImportedReport, ["operation_id", "key", "report_id", "run_id", "line"], imported_rows
        )
        totals = metrics.as_rows()
        counters_add(self.operation_id, totals)
        stats_delta_on_commit(self.operation_id, [list(r) for r in totals])
        # Matched in bulk, a task per batch, once the batch is committed.
        enqueue_on_commit(TASKS["match_batch"], self.run.pk, report_ids)
        return report_ids, existing


@dataclass(slots=True)
class _ReportRow:
    """A report's columns, without a model instance (its signals cost more than the insert)."""

    id: int
    room_id: int
    seq: int
    client_id: uuid.UUID
    author_id: int
    agency_id: int
    country_id: str
    kind: str
    handling: str
    body: str
    created_at: datetime
    occurred_at: datetime | None
    location_name: str
    location_country_id: str | None
    site_type: str
    lat: float | None
    lon: float | None
    checks_count: int | None
    outcome: str


@dataclass(slots=True)
class _SeizureLine:
    category: str
    quantity: int


REPORT_COLUMNS = [
    "id",
    "room_id",
    "seq",
    "client_id",
    "author_id",
    "agency_id",
    "country_id",
    "kind",
    "handling",
    "body",
    "created_at",
    "occurred_at",
    "location_name",
    "location_country_id",
    "site_type",
    "lat",
    "lon",
    "checks_count",
    "outcome",
]


def _insert_reports(reports: list[_ReportRow]) -> None:
    _insert(Report, REPORT_COLUMNS, [tuple(getattr(r, c) for c in REPORT_COLUMNS) for r in reports])


# ---------------------------------------------------------------------- runs


def import_room(*, operation: Operation, officer: Officer, room_id: int | None = None) -> Room:
    """The room an import writes to: one given, or the operation's "Earlier seizures".

    The default room's members are the importer's agency and the coordinating
    bodies taking part (amber rows are for them; clear and green ones are read by
    every participant anyway).
    """
    if room_id is not None:
        room = (
            Room.objects.select_related("operation").filter(pk=room_id, operation=operation).first()
        )
        if room is None:
            raise IntelInvalid({"room": [f"No room {room_id} in this operation."]})
        if not officer_is_room_member(officer, room):
            raise IntelRefused("not_member", "Your agency is not a member of this room.")
        return room
    room = room_get_or_create(
        operation=operation,
        name=DEFAULT_ROOM,
        description="Seizures and intelligence of the year before, imported by the analysts.",
    )
    members = {officer.agency_id} | set(
        operation.agencies.filter(kind=AgencyKind.COORDINATOR).values_list("pk", flat=True)
    )
    have = set(RoomMembership.objects.filter(room=room).values_list("agency_id", flat=True))
    for agency in Agency.objects.filter(pk__in=members - have):
        room_member_add(room=room, agency=agency)
    return room


def import_run_start(
    *,
    operation: Operation,
    officer: Officer,
    name: str,
    file_format: str,
    sha256: str = "",
    room_id: int | None = None,
    source: bytes | None = None,
) -> ImportRun:
    """Record a new import (queued); `source` keeps an upload until its task reads it."""
    ensure_may_analyse(officer, operation)
    with transaction.atomic():
        room = import_room(operation=operation, officer=officer, room_id=room_id)
        run = ImportRun.objects.create(
            operation=operation,
            room=room,
            officer=officer,
            name=name[:200] or "import",
            file_format=file_format,
            file_sha256=sha256,
            source=source,
        )
    audit.info(
        "import run=%s operation=%s room=%s file=%s sha256=%s by=%s",
        run.pk,
        operation.pk,
        room.pk,
        run.name,
        sha256 or "-",
        officer.username,
    )
    return run


def _batched(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


_worker_preparer: RowPreparer | None = None


def _worker_init(operation_id: int) -> None:
    global _worker_preparer
    _worker_preparer = RowPreparer(operation_id)
    _gc_for_bulk()


def _gc_for_bulk() -> tuple[int, int, int]:
    """Fewer collections while millions of short-lived, acyclic objects come and go.

    Validation makes many small objects that reference counting frees; the cyclic
    collector would otherwise run every 700 allocations and rescan what is
    long-lived (Django, DRF, the metadata of phonenumbers). Returns the old thresholds.
    """
    import gc

    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    return before


def _worker_prepare(batch: list[RawRow]) -> list[Prepared | Rejected]:
    return [_worker_preparer(raw) for raw in batch]


def _prepared_batches(
    operation_id: int, rows: Iterable[RawRow], size: int, workers: int
) -> Iterator[list[Prepared | Rejected]]:
    """Batches of checked rows, in file order; with `workers`, checked in other processes."""
    batches = _batched(rows, size)
    if workers <= 0:
        prepare = RowPreparer(operation_id)
        for batch in batches:
            yield [prepare(raw) for raw in batch]
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    # The children only validate (no database); they must not share our connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_init, initargs=(operation_id,)
    ) as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.submit(_worker_prepare, batch))
            # A bounded window: a big file is never read far ahead of the writer.
            if len(pending) > workers * 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


#: Rows after which PostgreSQL's statistics are refreshed during a big import.
ANALYZE_EVERY = 200_000
BULK_TABLES = (Report, Seizure, Parcel, Party, NameKey, Selector, ImportedReport)


def _analyze_bulk_tables() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL).

    Autovacuum gets to a table loaded by COPY late; until then the planner
    believes it small and scans it whole where an index would do (the matching
    tasks of the import itself ran 2x slower on 1M rows without this).
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in BULK_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def import_run_execute(
    run: ImportRun,
    rows: Iterable[RawRow],
    *,
    batch_size: int = BATCH_SIZE,
    workers: int = 0,
    progress: Callable[[dict], None] | None = None,
) -> ImportRun:
    """Load the rows, a batch per transaction, then leave the run to bulk matching.

    A rejected row is recorded with its line and reason and the rest still go in.
    Safe to run again on the same rows: what was imported before is skipped.
    """
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.LOADING)
    gc_thresholds = _gc_for_bulk()
    try:
        return _execute(run, rows, batch_size, workers, progress)
    finally:
        import gc

        gc.set_threshold(*gc_thresholds)
        gc.unfreeze()


def _execute(run, rows, batch_size, workers, progress) -> ImportRun:
    if connection.vendor == "sqlite":
        # A bigger page cache for this connection: the indexes of name keys and
        # selectors are written at random places; 2 MB (the default) thrashes.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    writer = BatchWriter(run)
    errors: list[dict] = []
    batches = 0
    totals = {"total": 0, "created": 0, "existing": 0, "rejected": 0}
    try:
        for batch in _prepared_batches(run.operation_id, rows, batch_size, workers):
            good = [p for p in batch if isinstance(p, Prepared)]
            bad = [p for p in batch if isinstance(p, Rejected)]
            ids, existing = writer.write(good) if good else ([], 0)
            batches += 1 if ids else 0
            room_left = MAX_STORED_ERRORS - len(errors)
            errors += [{"line": r.line, "reason": r.reason} for r in bad[: max(room_left, 0)]]
            counts = {
                "total": len(batch),
                "created": len(ids),
                "existing": existing,
                "rejected": len(bad),
            }
            for name, value in counts.items():
                totals[name] += value
            update = {
                "rows_total": F("rows_total") + counts["total"],
                "rows_created": F("rows_created") + counts["created"],
                "rows_existing": F("rows_existing") + counts["existing"],
                "rows_rejected": F("rows_rejected") + counts["rejected"],
                "batches_total": batches,
            }
            if bad and room_left > 0:
                update["errors"] = errors
            ImportRun.objects.filter(pk=run.pk).update(**update)
            if progress is not None:
                progress(dict(totals, batches=batches))
            if (
                totals["created"] // ANALYZE_EVERY
                != (totals["created"] - counts["created"]) // ANALYZE_EVERY
            ):
                _analyze_bulk_tables()
    except SourceInvalid as exc:
        errors.append({"line": exc.line, "reason": exc.message})
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            failure=exc.message,
            errors=errors[:MAX_STORED_ERRORS],
            agencies_created=writer.agencies_created,
            loaded_at=timezone.now(),
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        events.import_finished_on_commit(run.officer_id, import_run_summary(run))
        return run
    except Exception as exc:
        # What was committed stays (importing the file again completes it); the run says why it stopped.
        logger.exception("import %s failed", run.pk)
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            failure=f"stopped by an error after {totals['total']} rows: {exc.__class__.__name__}",
            errors=errors[:MAX_STORED_ERRORS],
            agencies_created=writer.agencies_created,
            batches_total=batches,
            finished_at=timezone.now(),
        )
        raise
    if totals["created"]:
        _analyze_bulk_tables()
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.MATCHING,
        batches_total=batches,
        errors=errors,
        agencies_created=writer.agencies_created,
        loaded_at=now,
        progress_at=now,
    )
    import_run_finish_if_complete(run.pk)
    run.refresh_from_db()
    logger.info(
        "import %s loaded: %s rows, %s created, %s existing, %s rejected",
        run.pk,
        run.rows_total,
        run.rows_created,
        run.rows_existing,
        run.rows_rejected,
    )
    return run


def import_file(run: ImportRun, stream: IO[bytes], **options) -> ImportRun:
    """Import an open binary file in the run's format (see import_run_execute)."""
    return import_run_execute(run, read_rows(stream, run.file_format), **options)


def import_run_summary(run: ImportRun) -> dict:
    """The run as the analyst's summary event carries it: counts and the first errors."""
    payload = import_run_payload(run, errors=False)
    payload["errors"] = run.errors[:20]
    return payload


def import_run_finish_if_complete(run_id: int) -> bool:
    """Close the run once loaded and every batch matched; tell the analyst once."""
    finished = ImportRun.objects.filter(
        pk=run_id,
        status=ImportStatus.MATCHING,
        batches_matched__gte=F("batches_total"),
        finished_at__isnull=True,
    ).update(status=ImportStatus.DONE, finished_at=timezone.now())
    if finished:
        run = ImportRun.objects.select_related("officer").get(pk=run_id)
        events.import_finished_on_commit(run.officer_id, import_run_summary(run))
        logger.info("import %s done: %s matches", run_id, run.matches_found)
    return bool(finished)


def import_batch_match(run_id: int, report_ids: list[int], *, repair: bool = False) -> int:
    """Cross-match a batch of imported reports without per-match alerts; count the matches.

    Each report's new matches are counted as soon as they are saved, so a retried
    batch neither loses nor double-counts them (report_match skips what it did).
    """
    found = 0
    for report_id in report_ids:
        created = report_match(report_id, alert=False)
        if created:
            found += len(created)
            ImportRun.objects.filter(pk=run_id).update(
                matches_found=F("matches_found") + len(created)
            )
    update: dict[str, Any] = {"progress_at": timezone.now()}
    if not repair:
        update["batches_matched"] = F("batches_matched") + 1
    elif not Report.objects.filter(import_record__run_id=run_id, matched_at__isnull=True).exists():
        # Repairs after a lost batch: once nothing is left unmatched, the run is complete.
        update["batches_matched"] = F("batches_total")
    ImportRun.objects.filter(pk=run_id).update(**update)
    import_run_finish_if_complete(run_id)
    return found


def import_runs_sweep(*, stalled_seconds: int = 600, limit: int = 10_000) -> int:
    """Re-enqueue the unmatched reports of imports whose matching stalled (a lost task).

    Returns the number of reports re-enqueued. A run with nothing left unmatched
    is closed.
    """
    cutoff = timezone.now() - timedelta(seconds=stalled_seconds)
    enqueued = 0
    for run_id in ImportRun.objects.filter(
        status=ImportStatus.MATCHING, progress_at__lt=cutoff
    ).values_list("pk", flat=True):
        ids = list(
            Report.objects.filter(import_record__run_id=run_id, matched_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            ImportRun.objects.filter(pk=run_id, status=ImportStatus.MATCHING).update(
                batches_matched=F("batches_total")
            )
            import_run_finish_if_complete(run_id)
            continue
        ImportRun.objects.filter(pk=run_id).update(progress_at=timezone.now())
        for start in range(0, len(ids), BATCH_SIZE):
            TASKS["match_batch"].delay(run_id, ids[start : start + BATCH_SIZE], repair=True)
        enqueued += len(ids)
    return enqueued
