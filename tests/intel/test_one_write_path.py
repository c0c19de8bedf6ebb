"""A report is stored by one write path: posted (ORM, a batch of one) or imported (COPY).

Whichever way it comes in, it must leave the same rows in every table: the report and
its details, its selectors, the name index and token counts, the running totals and
the effectiveness of the indicator that flagged its parcel. Only the import's own
record of the run (ImportRun, ImportedReport) differs.
"""

import io
import json
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from apps.intel.imports import import_file, import_run_start, row_key
from apps.intel.models import ImportedReport, ImportRun
from apps.intel.services import scored_parcels_record
from apps.reports.services import report_create

NOW = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
#: What only an import writes: its run and its record of each row.
IMPORT_ONLY = (ImportRun, ImportedReport)

REPORT = {
    "kind": "hit",
    "handling": "amber",
    "occurred_at": "2026-11-30T08:40:00Z",
    "body": "Speaker parcel, pistol inside. Paid from GR1601101250000000012300695, "
    "contact shop@speakers.example",
    "location": {"name": "Athens mail centre", "country": "GR", "site_type": "postal_hub",
                 "lat": 37.94, "lon": 23.64},
    "seizures": [{"category": "firearm", "quantity": 1, "description": "Glock 17"},
                 {"category": "ammunition", "quantity": 50}],
    "parcel": {"tracking_number": "RR123456785US", "carrier": "USPS", "origin_country": "US",
               "destination_country": "GR", "declared_content": "audio equipment",
               "weight_g": 2300,
               "sender": {"name": "Speaker Shop", "company": "Sound Export LLC",
                          "address": "12 Harbor Rd, Newark NJ"},
               "recipient": {"name": "Giorgos Papadopoulos", "phone": "+30 694 123 4567",
                             "date_of_birth": "1984-03-12",
                             "address": "Ermou 12, 105 63 Athina"}},
    "people": [{"name": "Dimitris Konstantinou", "date_of_birth": "1979-07-01",
                "email": "dk@example.org"}],
    "selectors": [{"type": "phone", "value": "+30 210 555 0100"}],
}  # fmt: skip


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, ids left as they are."""
    out = {}
    for model in _tables():
        fields = [f.attname for f in model._meta.concrete_fields]
        out[model._meta.label] = [
            tuple(_hashable(v) for v in row) for row in model.objects.values_list(*fields)
        ]
    return out


def _tables() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m not in IMPORT_ONLY and m._meta.managed and not m._meta.proxy
    ]


def _hashable(value):
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


def _written(write) -> dict[str, list[tuple]]:
    """The rows `write()` adds or changes, with the ids it made replaced by their rank.

    The write is rolled back afterwards, so the next one starts from the same state.
    """
    before = _snapshot()
    with transaction.atomic():
        write()
        after = _snapshot()
        transaction.set_rollback(True)
    new_ids: dict[type[models.Model], dict[int, str]] = {}
    for model in _tables():
        pk = model._meta.pk
        if not isinstance(pk, models.AutoField | models.BigAutoField):
            continue
        index = [f.attname for f in model._meta.concrete_fields].index(pk.attname)
        old = {row[index] for row in before[model._meta.label]}
        made = sorted(row[index] for row in after[model._meta.label] if row[index] not in old)
        new_ids[model] = {pk_value: f"new {model.__name__} {n}" for n, pk_value in enumerate(made)}

    def rank(model, row: tuple) -> tuple:
        out = []
        for field, value in zip(model._meta.concrete_fields, row, strict=True):
            target = field.related_model if field.is_relation else model
            if (field.primary_key or field.is_relation) and target in new_ids:
                value = new_ids[target].get(value, value)
            out.append(value)
        return tuple(out)

    changed = {}
    for model in _tables():
        label = model._meta.label
        rows = sorted((rank(model, r) for r in set(after[label]) - set(before[label])), key=repr)
        gone = sorted(set(before[label]) - set(after[label]), key=repr)
        if rows or gone:
            changed[label] = {"rows": rows, "replaced": gone}
    return changed


@pytest.fixture
def scored(world, indicator):
    """An indicator that flagged the parcel before it was checked."""
    flags = indicator("origin_country", {"countries": ["US"]})
    scored_parcels_record(
        operation_id=world.operation.pk, officer=None, flagged=[("RR123456785US", [flags.pk], 10)]
    )
    return flags


def test_a_report_posted_or_imported_leaves_identical_rows_in_every_table(
    world, analyst, scored, monkeypatch
):
    # given: the same report, by the same analyst of the same agency, in the same room
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    agency = analyst.agency
    key = row_key(world.operation.pk, {"reference": "NL-26-1"}, agency.country_id, agency.name)
    room = world.postal

    def post():
        report_create(room=room, author=analyst, data=dict(REPORT, client_id=str(key)))

    def imported():
        row = dict(REPORT, reference="NL-26-1", country=agency.country_id, agency=agency.name)
        run = import_run_start(
            operation=world.operation,
            officer=analyst,
            name="one.jsonl",
            file_format="jsonl",
            room_id=room.pk,
        )
        run = import_file(run, io.BytesIO(json.dumps(row).encode()))
        assert run.rows_created == 1, run.errors

    # when
    posted = _written(post)
    by_import = _written(imported)

    # then: the same rows, table by table
    assert posted.keys() == by_import.keys()
    for table in posted:
        assert posted[table] == by_import[table], table
    # and every part of the write path was exercised
    written = set(posted)
    assert {
        "reports.Report", "reports.Seizure", "reports.Parcel", "reports.Party",
        "reports.Selector", "crossmatch.NameKey", "crossmatch.NameTokenCount",
        "dashboard.Counter", "intel.ScoredParcel", "intel.IndicatorStat",
        "operations.Room",
    } <= written  # fmt: skip
    assert len(posted["reports.Party"]["rows"]) == 3
