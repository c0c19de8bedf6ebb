"""Preparing rows: each read row checked and turned into what the writer needs.

A row passes the import's own columns (country, agency, reference), then the same
report schema as the API (apps/reports/inputs.validate_report, compiled from
ReportInput: no serializer built per row); its selectors are
extracted (apps/reports/extract.extract_from_report) and its parties' blocking keys
made (apps/crossmatch/blocking.party_keys). Pure: with `workers` the rows are
checked in other processes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from rest_framework.exceptions import ValidationError

from apps.accounts.models import AgencyKind
from apps.core.inputs import ISO_COUNTRIES, flatten_errors
from apps.crossmatch.blocking import party_keys
from apps.reports.extract import ExtractedSelector, extract_from_report
from apps.reports.inputs import validate_report
from apps.reports.normalise import fold_text
from apps.reports.write import report_parties

from ..sources import RawRow

IMPORT_NAMESPACE = uuid.UUID("2b0f5d3c-6a51-4c1e-9c57-1d3e0a7f0b11")
#: Fields of a report the import sets itself, or that only make sense live.
NOT_IMPORTED = {
    "client_id": "set by the import from the row's reference or content; leave it out",
    "recipients": "an import cannot name recipients; use handling amber or red",
    "amends": "an import cannot amend reports",
}


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


def import_country(value: object) -> str:
    """The reporting country of a row as a code (EL and UK are read as GR and GB)."""
    country = value.strip().upper() if isinstance(value, str) else ""
    return {"EL": "GR", "UK": "GB"}.get(country, country)


def import_agency(value: object) -> str:
    """The reporting agency's name of a row, its spaces collapsed."""
    return " ".join(value.split()) if isinstance(value, str) else ""


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
    """Checks rows with the API's own report schema."""

    def __init__(self, operation_id: int):
        self.operation_id = operation_id

    def __call__(self, raw: RawRow) -> Prepared | Rejected:
        if raw.data is None:
            return Rejected(raw.line, raw.error)
        row = raw.data
        errors: dict[str, list[str]] = {}
        country = import_country(row.get("country"))
        if country not in ISO_COUNTRIES:
            errors["country"] = [
                "The reporting country is required: an ISO 3166-1 alpha-2 code."
                if not country
                else f"'{country}' is not an ISO 3166-1 alpha-2 code."
            ]
        agency = import_agency(row.get("agency"))
        if not agency or len(agency) > 200:
            errors["agency"] = ["The reporting agency's name is required (at most 200 characters)."]
        # No default: the kind only tells apart agencies whose names fold alike.
        agency_kind = row.get("agency_kind") or ""
        if agency_kind and agency_kind not in AgencyKind.values:
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
            parsed = validate_report(data)
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
            # The write path's keys (apps/crossmatch/blocking.party_keys: people,
            # addresses, companies), made here so that worker processes share the work.
            party_keys=[
                party_keys(
                    name=party.get("name", ""),
                    date_of_birth=party.get("date_of_birth"),
                    address=party.get("address", ""),
                    company=party.get("company", ""),
                    country=country,
                )
                for _, _, party in report_parties(parsed)
            ],
        )


def _batched(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


_worker_preparer: RowPreparer | None = None


def _worker_init(operation_id: int) -> None:
    global _worker_preparer
    _worker_preparer = RowPreparer(operation_id)
    gc_for_bulk()


def gc_for_bulk() -> tuple[int, int, int]:
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


def prepared_batches(
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
