"""Storing reports: the one write path, for a batch of reports into one room.

A live post is a batch of one (`services.report_create`); an import writes its rows a
thousand at a time (`apps/intel/imports/write.py`). Both hand `reports_write` the same
`Draft`s, made by the same checks (`inputs.ReportInput`, `extract.extract_from_report`),
and everything a report leaves in the database is decided here and in the hooks of the
apps above (hooks.py): the report's own rows, then the name index, the running totals
and indicator effectiveness. What differs between a post and an import is stated in
`WriteOptions`, nowhere else:

- `storage`: INSERT (one multi-row INSERT per table; on PostgreSQL every table of the
  batch in one round trip) or COPY (PostgreSQL's bulk load; INSERTs on SQLite). Both
  are given the same rows: primary keys are reserved first, and every column not
  given takes the model field's default, so a report stored either way leaves
  identical rows (tests/intel/test_one_write_path.py).
- `announce`: publish `report.created` to the room (live posts) or not (an import
  reports on its run instead). The announced report is built from the rows just
  written (no reading back); the author comes with the draft.
- `match_each`: a matching task per report once committed, or none (an import
  matches its batches itself).
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import Officer
from apps.operations.models import Room

from . import events, hooks
from .extract import ExtractedSelector
from .hooks import Storage
from .models import Parcel, Party, PartyRole, Report, ReportRecipient, Seizure, Selector
from .selectors import report_access


@dataclass(slots=True)
class Draft:
    """A report that passed every check, ready to store.

    `parsed` is what `inputs.ReportInput` returns; identity, agency and country
    come from the server (the signed-in officer, or the import's resolved agency).
    """

    client_id: uuid.UUID
    author_id: int
    agency_id: int
    country_id: str
    parsed: dict
    selectors: list[ExtractedSelector]
    recipient_ids: list[int] = field(default_factory=list)
    amends_id: int | None = None
    #: Blocking keys per party (in `report_parties` order) when made ahead, e.g. by an
    #: import's worker processes; otherwise the name index hook makes them.
    party_keys: list[list[tuple[str, str]]] | None = None
    #: The author with their agency, when the caller has them (a post): an announced
    #: report is then built without a query.
    author: Officer | None = None


@dataclass(frozen=True, slots=True)
class WriteOptions:
    storage: Storage = "insert"
    announce: bool = True
    match_each: bool = True


POST = WriteOptions()
IMPORT = WriteOptions(storage="copy", announce=False, match_each=False)


@dataclass(frozen=True, slots=True)
class Written:
    ids: list[int]
    #: The reports with their details, when announced (a post returns it to its author).
    reports: list[Report]


def report_parties(parsed: dict) -> list[tuple[str, int, dict]]:
    """(role, position, fields) of every party a report names, in the order they are stored."""
    parcel = parsed.get("parcel") or {}
    out = [
        (role, 0, parcel[role])
        for role in (PartyRole.SENDER, PartyRole.RECIPIENT)
        if parcel.get(role)
    ]
    return out + [
        (PartyRole.PERSON, position, person) for position, person in enumerate(parsed["people"])
    ]


def reports_write(room: Room, drafts: list[Draft], options: WriteOptions = POST) -> Written:
    """Store `drafts` in `room`, in order, in one transaction; run the hooks in it."""
    if not drafts:
        return Written([], [])
    parties = [report_parties(d.parsed) for d in drafts]
    with transaction.atomic():
        operation_id, first_seq, report_ids, reserved_party_ids = _reserve(
            room.pk, len(drafts), sum(len(p) for p in parties)
        )
        now = timezone.now()
        party_ids = iter(reserved_party_ids)

        rows: dict[type[models.Model], list[dict[str, Any]]] = {
            Report: [],
            Seizure: [],
            Parcel: [],
            Party: [],
            Selector: [],
            ReportRecipient: [],
        }
        stored: list[hooks.StoredReport] = []
        for index, (draft, report_id, named) in enumerate(
            zip(drafts, report_ids, parties, strict=True)
        ):
            report = _report_row(draft, report_id, room.pk, first_seq + index, now)
            rows[Report].append(report)
            seizures = [dict(line, report_id=report_id) for line in draft.parsed["seizures"]]
            rows[Seizure] += seizures
            parcel = _parcel_row(draft.parsed.get("parcel"), report_id)
            if parcel is not None:
                rows[Parcel].append(parcel)
            stored_parties = []
            for role, position, fields in named:
                party = dict(fields, id=next(party_ids), report_id=report_id)
                party.update(role=role, position=position)
                rows[Party].append(party)
                stored_parties.append(hooks.StoredParty.of(party))
            rows[Selector] += [
                {
                    "report_id": report_id,
                    "type": s.type,
                    "value": s.value[:500],
                    "normalised": s.normalised[:500],
                    "source": s.source[:60],
                }
                for s in draft.selectors
            ]
            rows[ReportRecipient] += [
                {"report_id": report_id, "officer_id": officer_id}
                for officer_id in draft.recipient_ids
            ]
            stored.append(
                hooks.StoredReport(
                    **{name: report[name] for name in hooks.REPORT_FIELDS},
                    seizures=[hooks.StoredSeizure(s["category"], s["quantity"]) for s in seizures],
                    tracking_number=(parcel or {}).get("tracking_number", ""),
                    parties=stored_parties,
                    party_keys=draft.party_keys,
                )
            )
        _store_tables(rows, options.storage)

        loaded: list[Report] = []
        if options.announce:
            loaded = _as_reports(room, drafts, rows)
            for instance in loaded:
                events.report_created_on_commit(instance, report_access(instance))
        # The name index, the running totals, indicator effectiveness and the
        # matching tasks: the apps above register them (see hooks.py), and they run
        # in this transaction, so two reports matched at the same time always find
        # each other from one side or the other.
        hooks.reports_saved(
            hooks.SavedBatch(
                operation_id=operation_id,
                room_id=room.pk,
                reports=stored,
                storage=options.storage,
                match_each=options.match_each,
            )
        )
    return Written(report_ids, loaded)


def _report_row(draft: Draft, report_id: int, room_id: int, seq: int, now: datetime) -> dict:
    p = draft.parsed
    location = p.get("location") or {}
    return {
        "id": report_id,
        "room_id": room_id,
        "seq": seq,
        "client_id": draft.client_id,
        "author_id": draft.author_id,
        "agency_id": draft.agency_id,
        "country_id": draft.country_id,
        "kind": p["kind"],
        "handling": p["handling"],
        "body": p["body"],
        "created_at": now,
        "occurred_at": p.get("occurred_at"),
        "location_name": location.get("name", ""),
        "location_country_id": location.get("country"),
        "site_type": location.get("site_type", ""),
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "checks_count": p.get("checks_count"),
        "outcome": p.get("outcome", ""),
        "amends_id": draft.amends_id,
    }


def _parcel_row(parcel: dict | None, report_id: int) -> dict | None:
    if not parcel:
        return None
    row = {k: v for k, v in parcel.items() if k not in (PartyRole.SENDER, PartyRole.RECIPIENT)}
    row["origin_country_id"] = row.pop("origin_country", None)
    row["destination_country_id"] = row.pop("destination_country", None)
    row["report_id"] = report_id
    return row


def _as_reports(room: Room, drafts: list[Draft], rows: dict) -> list[Report]:
    """The reports just written, as `selectors.with_details` reads them, from their rows.

    What a payload and `report_access` read is set as Django's select_related and
    prefetch_related would set it (the related caches), so announcing a post and
    answering its author costs no query (tests/reports/test_services.py holds the
    result equal to the report read back).
    """
    details: dict[type[models.Model], dict[int, list]] = {
        model: defaultdict(list) for model in (Seizure, Selector, Party, ReportRecipient)
    }
    for model, groups in details.items():
        for row in rows[model]:
            groups[row["report_id"]].append(row if model is ReportRecipient else model(**row))
    parcels = {row["report_id"]: Parcel(**row) for row in rows[Parcel]}
    recipient_ids = {row["officer_id"] for row in rows[ReportRecipient]}
    officers = Officer.objects.in_bulk(recipient_ids) if recipient_ids else {}
    unknown = {d.author_id for d in drafts if d.author is None}
    authors = Officer.objects.select_related("agency").in_bulk(unknown) if unknown else {}
    out = []
    for draft, row in zip(drafts, rows[Report], strict=True):
        report = Report(**row)
        report._state.adding = False
        report._state.db = connection.alias
        report.room = room
        author = draft.author or authors[draft.author_id]
        report.author = author
        agency = author.agency
        if agency is not None and agency.pk == draft.agency_id:
            report.agency = agency
        parties = sorted(details[Party][report.pk], key=lambda p: (p.role, p.position))
        _prefetched(report, "seizures", details[Seizure][report.pk])
        _prefetched(report, "selectors", details[Selector][report.pk])
        _prefetched(report, "parties", parties)
        _prefetched(
            report,
            "recipients",
            [officers[r["officer_id"]] for r in details[ReportRecipient][report.pk]],
        )
        Report.parcel.related.set_cached_value(report, parcels.get(report.pk))
        out.append(report)
    return out


def _prefetched(instance: models.Model, name: str, objects: list) -> None:
    # What prefetch_related leaves: `instance.<name>.all()` answers from `objects`.
    queryset = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


# ---------------------------------------------------------------- storage backends


def _reserve(room_id: int, reports: int, parties: int) -> tuple[int, int, list[int], list[int]]:
    """(operation id, first seq, report ids, party ids) for a batch, in the transaction.

    The room's row lock hands out seq numbers, a batch at a time, without gaps; it is
    held to the end of the transaction. On PostgreSQL one statement takes the lock,
    the seq numbers and both tables' primary keys.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Room._meta.db_table} SET last_seq = last_seq + %s WHERE id = %s "
                "RETURNING last_seq, operation_id, "
                "ARRAY(SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)), "
                "ARRAY(SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s))",
                [reports, room_id, Report._meta.db_table, reports, Party._meta.db_table, parties],
            )
            row = cursor.fetchone()
        if row is None:
            raise Room.DoesNotExist(f"No room {room_id}.")
        last_seq, operation_id, report_ids, party_ids = row
        return operation_id, last_seq - reports + 1, report_ids, party_ids
    locked = Room.objects.select_for_update().only("last_seq", "operation_id").get(pk=room_id)
    Room.objects.filter(pk=room_id).update(last_seq=F("last_seq") + reports)
    return (
        locked.operation_id,
        locked.last_seq + 1,
        reserve_ids(Report, reports),
        reserve_ids(Party, parties),
    )


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys of `model`'s table, in the current transaction.

    PostgreSQL: from the table's sequence. SQLite: the writer holds the database's
    write lock for the whole transaction (the room's seq was written first), so the
    next ids are ours.
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


def _store_tables(rows: dict[type[models.Model], list[dict[str, Any]]], storage: Storage) -> None:
    """A batch's rows of every table, in table order."""
    if storage == "insert" and connection.vendor == "postgresql":
        # One round trip: Django's psycopg cursors bind client-side, which takes
        # several statements in one execute.
        statements = [st for model, r in rows.items() if r for st in _insert_statements(model, r)]
        with connection.cursor() as cursor:
            cursor.execute(
                ";\n".join(sql for sql, _ in statements),
                [value for _, params in statements for value in params],
            )
        return
    for model, model_rows in rows.items():
        store_rows(model, model_rows, storage)


def store_rows(model: type[models.Model], rows: list[dict[str, Any]], storage: Storage) -> None:
    """Insert `rows` (column -> value; a missing column takes its field's default).

    INSERT: multi-row INSERT statements. COPY: plain tuples streamed by PostgreSQL's
    COPY (INSERTs on SQLite). Rows either all carry an `id` or none does.
    """
    if not rows:
        return
    with connection.cursor() as cursor:
        if storage == "copy" and connection.vendor == "postgresql":
            _, quoted, defaults = _table(model, "id" in rows[0])
            copy_sql = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for values in _tuples(defaults, rows):
                    copy.write_row(values)
            return
        for sql, params in _insert_statements(model, rows):
            cursor.execute(sql, params)


def _table(model: type[models.Model], with_id: bool) -> tuple[list[models.Field], str, list]:
    """(fields, quoted column list, (attname, default) per field) of `model`'s table."""
    fields, columns = _columns(model, with_id)
    # Defaults afresh for each batch: some are made by a callable (uuid4, now).
    return fields, columns, [(f.attname, f.get_default()) for f in fields]


@cache
def _columns(model: type[models.Model], with_id: bool) -> tuple[list[models.Field], str]:
    fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
    return fields, ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)


def _tuples(defaults: list, rows: list[dict[str, Any]]) -> list[tuple]:
    return [tuple(row.get(name, default) for name, default in defaults) for row in rows]


def _insert_statements(
    model: type[models.Model], rows: list[dict[str, Any]]
) -> list[tuple[str, list[Any]]]:
    """Multi-row INSERTs of `rows`, at most about 30,000 values each."""
    fields, quoted, defaults = _table(model, "id" in rows[0])
    if connection.vendor == "postgresql":
        return [_recordset_insert(model, fields, quoted, defaults, rows)]
    tuples = _tuples(defaults, rows)
    if connection.vendor == "sqlite":
        adapt = [i for i, f in enumerate(fields) if f.get_internal_type() in _SQLITE_TEXT_TYPES]
        if adapt:
            tuples = [
                tuple(_adapt_sqlite(v) if i in adapt else v for i, v in enumerate(values))
                for values in tuples
            ]
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, 30000 // len(fields))
    statements = []
    for start in range(0, len(tuples), per_statement):
        chunk = tuples[start : start + per_statement]
        statements.append(
            (
                f"INSERT INTO {model._meta.db_table} ({quoted}) VALUES "
                + ", ".join([row_marks] * len(chunk)),
                [value for values in chunk for value in values],
            )
        )
    return statements


def _recordset_insert(
    model: type[models.Model],
    fields: list[models.Field],
    quoted: str,
    defaults: list,
    rows: list[dict[str, Any]],
) -> tuple[str, list[Any]]:
    """One INSERT of all `rows`, handed over as one JSON parameter.

    The statement's text is the same whatever the number of rows, so psycopg parses it
    once per process (it re-parses client-side every statement longer than 4096
    characters or with more than 50 parameters: a multi-row INSERT of a post's rows
    cost more CPU to parse than to run). PostgreSQL reads the JSON into the table's own
    row type, so every value takes its column's type as a bound parameter would.
    """
    columns = [f.column for f in fields]
    records = [dict(zip(columns, values, strict=True)) for values in _tuples(defaults, rows)]
    table = connection.ops.quote_name(model._meta.db_table)
    return (
        f"INSERT INTO {table} ({quoted}) SELECT {quoted} "
        f"FROM json_populate_recordset(NULL::{table}, %s)",
        [json.dumps(records, default=_json_value, separators=(",", ":"))],
    )


def _json_value(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


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
