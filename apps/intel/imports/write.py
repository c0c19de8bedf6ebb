"""Writing prepared rows: a batch per transaction, with multi-row inserts (COPY on PostgreSQL).

Rows imported before are skipped (ImportedReport, by the row's key), seq numbers are
handed out under one lock of the room, then reports, seizures, parcels, parties,
name keys, selectors and the operation's running totals go in; the batch's matching
task is enqueued on commit.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import Agency
from apps.accounts.services import agency_get_or_create
from apps.core.events import enqueue_on_commit
from apps.crossmatch.models import NameKey
from apps.crossmatch.services import name_token_counts_add
from apps.dashboard.events import stats_delta_on_commit
from apps.dashboard.services import counters_add, report_counter_rows
from apps.operations.models import Room
from apps.reports.models import Parcel, Party, PartyRole, Report, Seizure, Selector

from ..models import ImportedReport, ImportRun
from .prepare import Prepared, report_parties
from .registry import TASKS

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
            for (role, party), keys in zip(report_parties(p), row.party_keys, strict=True):
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


BULK_TABLES = (Report, Seizure, Parcel, Party, NameKey, Selector, ImportedReport)


def analyze_bulk_tables() -> None:
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
