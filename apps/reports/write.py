"""Storing reports: the one write path, for a batch of reports into one room.

A live post is a batch of one (`services.report_create`); an import writes its rows a
thousand at a time (`apps/intel/imports/write.py`). Both hand `reports_write` the same
`Draft`s, made by the same checks (`inputs.ReportInput`, `extract.extract_from_report`),
and everything a report leaves in the database is decided here and in the hooks of the
apps above (hooks.py): the report's own rows, then the name index, the running totals
and indicator effectiveness. What differs between a post and an import is stated in
`WriteOptions`, nowhere else:

- `storage`: ORM (`bulk_create`) or COPY (PostgreSQL's bulk load; a multi-row INSERT
  on SQLite). Both are given the same rows: primary keys are reserved first, and
  every column not given takes the model field's default, so a report stored either
  way leaves identical rows (tests/reports/test_write.py).
- `announce`: publish `report.created` to the room (live posts) or not (an import
  reports on its run instead).
- `match_each`: a matching task per report once committed, or none (an import
  matches its batches itself).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from apps.operations.models import Room

from . import events, hooks
from .extract import ExtractedSelector
from .hooks import Storage
from .models import Parcel, Party, PartyRole, Report, ReportRecipient, Seizure, Selector
from .selectors import report_access, with_details


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


@dataclass(frozen=True, slots=True)
class WriteOptions:
    storage: Storage = "orm"
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
    with transaction.atomic():
        # The room row lock hands out seq numbers, a batch at a time, without gaps.
        locked = Room.objects.select_for_update().only("last_seq", "operation_id").get(pk=room.pk)
        first_seq = locked.last_seq + 1
        Room.objects.filter(pk=room.pk).update(last_seq=F("last_seq") + len(drafts))
        now = timezone.now()
        report_ids = reserve_ids(Report, len(drafts))
        parties = [report_parties(d.parsed) for d in drafts]
        party_ids = iter(reserve_ids(Party, sum(len(p) for p in parties)))

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
        for model, model_rows in rows.items():
            store_rows(model, model_rows, options.storage)

        loaded: list[Report] = []
        if options.announce:
            loaded = list(with_details(Report.objects.filter(pk__in=report_ids)).order_by("seq"))
            for instance in loaded:
                events.report_created_on_commit(instance, report_access(instance))
        # The name index, the running totals, indicator effectiveness and the
        # matching tasks: the apps above register them (see hooks.py), and they run
        # in this transaction, so two reports matched at the same time always find
        # each other from one side or the other.
        hooks.reports_saved(
            hooks.SavedBatch(
                operation_id=locked.operation_id,
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


# ---------------------------------------------------------------- storage backends


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


def store_rows(model: type[models.Model], rows: list[dict[str, Any]], storage: Storage) -> None:
    """Insert `rows` (column -> value; a missing column takes its field's default).

    The ORM builds instances and `bulk_create`s them; COPY streams plain tuples
    (PostgreSQL) or sends multi-row INSERTs (SQLite). Rows either all carry an `id`
    or none does.
    """
    if not rows:
        return
    with_id = "id" in rows[0]
    fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
    if storage == "orm":
        model._default_manager.bulk_create([model(**row) for row in rows])
        return
    columns = [f.column or f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    tuples = [tuple(row.get(f.attname, defaults[f.attname]) for f in fields) for row in rows]
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for values in tuples:
                    copy.write_row(values)
            return
        adapt = [i for i, f in enumerate(fields) if f.get_internal_type() in _SQLITE_TEXT_TYPES]
        if adapt:
            tuples = [
                tuple(_adapt_sqlite(v) if i in adapt else v for i, v in enumerate(values))
                for values in tuples
            ]
        per_statement = max(1, 30000 // len(columns))
        for start in range(0, len(tuples), per_statement):
            chunk = tuples[start : start + per_statement]
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({quoted}) VALUES {placeholders}",
                [value for values in chunk for value in values],
            )


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
