"""The agencies a file names: resolved before any row loads, never guessed.

A first pass reads only each row's country, agency and agency_kind and resolves them
(apps/accounts/selectors.agencies_resolve: the agency's own name, then an alias, in
the row's country; the kind only tells apart names that fold alike). If any is
unknown the run stops in `needs_agencies` with the list and nothing is loaded. The
analyst maps each to an existing agency of its country (stored as an alias, so the next
import knows it) or creates an agency of that name with a kind they choose; then the
run continues.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import IO

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Agency, AgencyKind, Officer
from apps.accounts.selectors import AgencyName, agencies_resolve
from apps.accounts.services import AccountError, agency_alias_add, agency_get_or_create
from apps.core.events import enqueue_on_commit
from apps.core.inputs import ISO_COUNTRIES
from apps.core.text import fold_text
from apps.operations.selectors import operation_coordinated_by

from ..inputs import AgencyMappingInput, parse_input
from ..models import ImportRun, ImportStatus
from ..services import IntelInvalid, IntelRefused, officer_may_analyse
from ..sources import SourceInvalid, read_agency_cells
from .prepare import import_agency, import_country
from .registry import TASKS

audit = logging.getLogger("commandcentre.audit")

#: What a run whose file was not uploaded says once its agencies are mapped.
RUN_THE_COMMAND_AGAIN = (
    "The agencies are mapped and remembered; this import was started by "
    "manage.py import_seizures: run the command again to load the file."
)


def agencies_scan(stream: IO[bytes], file_format: str) -> Counter[AgencyName]:
    """Rows per (country, agency, kind) of a file, as the rows will be read.

    Rows the load will reject for their country, agency or kind are left out. Raises
    SourceInvalid where the file cannot be read.
    """
    counts: Counter[AgencyName] = Counter()
    for country, agency, kind in read_agency_cells(stream, file_format):
        country, name = import_country(country), import_agency(agency)
        kind = kind or ""
        if country not in ISO_COUNTRIES or not name or len(name) > 200:
            continue
        if kind and kind not in AgencyKind.values:
            continue
        counts[country, name, kind] += 1
    return counts


def agencies_unknown(counts: Counter[AgencyName]) -> tuple[dict[AgencyName, int], list[dict]]:
    """(the agency id of each resolved name, the unknown ones as the run lists them).

    Names that fold alike are one unknown agency, listed with the first spelling,
    the kinds the rows give and their number of rows.
    """
    resolved = agencies_resolve(counts)
    unknown: dict[tuple[str, str], dict] = {}
    for key, rows in counts.items():
        if resolved[key] is not None:
            continue
        country, name, kind = key
        entry = unknown.setdefault(
            (country, fold_text(name)), {"country": country, "name": name, "kinds": [], "rows": 0}
        )
        entry["rows"] += rows
        if kind and kind not in entry["kinds"]:
            entry["kinds"] = sorted([*entry["kinds"], kind])
    known = {key: agency_id for key, agency_id in resolved.items() if agency_id is not None}
    return known, sorted(unknown.values(), key=lambda e: (e["country"], e["name"].casefold()))


def import_run_check_agencies(run: ImportRun, stream: IO[bytes]) -> dict[AgencyName, int] | None:
    """Resolve every agency of the file before a row loads; the stream is left at its start.

    Returns the agency id of each (country, name, kind), or None when some are
    unknown: the run is then `needs_agencies`, listing them, and nothing is loaded.
    """
    try:
        counts = agencies_scan(stream, run.file_format)
    except SourceInvalid:
        # The load fails at the same place and says why; the rows before it that
        # name an unknown agency are rejected one by one.
        counts = Counter()
    stream.seek(0)
    known, unknown = agencies_unknown(counts)
    if unknown:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.NEEDS_AGENCIES, agencies_unknown=unknown
        )
        run.refresh_from_db()
        return None
    if run.agencies_unknown:
        ImportRun.objects.filter(pk=run.pk).update(agencies_unknown=[])
        run.agencies_unknown = []
    return known


def officer_may_map_agencies(officer: Officer, run: ImportRun) -> bool:
    """The run's own analyst (while they may still analyse here) and the operation's
    coordinators."""
    if officer.pk == run.officer_id:
        return officer_may_analyse(officer, run.operation)
    return officer.is_active and operation_coordinated_by(officer, run.operation_id)


def import_run_map_agencies(
    *, run: ImportRun, officer: Officer, data: object, resume: bool = True
) -> ImportRun:
    """Map some or all of a run's unknown agencies; once none is left the run continues.

    `data`: {"agencies": [{"country", "name", "agency": id} or {"country", "name",
    "kind"}]}. A mapping to an agency is stored as an alias of that agency (the next
    import knows the name); `kind` creates an agency of that name and kind. With
    `resume`, an uploaded run is queued for its task again; a run the command
    started (no upload kept) is closed, saying to run the command again. Without
    it (the command itself), the run is left queued for the caller to load.

    Raises IntelRefused (not the run's analyst or a coordinator of the operation,
    the operation is closed, the run is not waiting for agencies) and IntelInvalid
    (field errors by path, e.g. `agencies[0].agency`); nothing changes then.
    """
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update(of=("self",))
            .select_related("operation")
            .defer("source")
            .get(pk=run.pk)
        )
        if not officer_may_map_agencies(officer, run):
            raise IntelRefused(
                "forbidden",
                "Only the import's analyst and the operation's coordinators map its agencies.",
            )
        if run.operation.is_closed:
            raise IntelRefused("operation_closed", "The operation is closed; it is read-only.")
        if run.status != ImportStatus.NEEDS_AGENCIES:
            raise IntelRefused("not_waiting", "This import is not waiting for agencies.")
        values, errors = parse_input(AgencyMappingInput, data)
        if errors:
            raise IntelInvalid(errors)
        created = _apply(run, officer, values["agencies"])  # names now as the run lists them
        mapped = {(m["country"], fold_text(m["name"])) for m in values["agencies"]}
        left = [
            u for u in run.agencies_unknown if (u["country"], fold_text(u["name"])) not in mapped
        ]
        update: dict = {
            "agencies_unknown": left,
            "agencies_created": [*run.agencies_created, *created],
        }
        if not left:
            has_source = ImportRun.objects.filter(pk=run.pk, source__isnull=False).exists()
            if resume and not has_source:
                now = timezone.now()
                update.update(
                    status=ImportStatus.FAILED,
                    failure=RUN_THE_COMMAND_AGAIN,
                    loaded_at=now,
                    finished_at=now,
                )
            else:
                update["status"] = ImportStatus.QUEUED
                if resume:
                    enqueue_on_commit(TASKS["upload"], run.pk)
        ImportRun.objects.filter(pk=run.pk).update(**update)
    audit.info(
        "import run=%s agencies mapped=%s left=%s by=%s",
        run.pk,
        "; ".join(
            f"{m['country']}:{m['name']}="
            + (f"agency {m['agency']}" if "agency" in m else m["kind"])
            for m in values["agencies"]
        ),
        len(left),
        officer.username,
    )
    run.refresh_from_db()
    return run


def _apply(run: ImportRun, officer: Officer, mappings: list[dict]) -> list[str]:
    """Check every mapping, then store them all; the agencies it created, as the run lists them."""
    unknown = {(u["country"], fold_text(u["name"])): u["name"] for u in run.agencies_unknown}
    wanted = {m["agency"] for m in mappings if "agency" in m}
    agencies = Agency.objects.in_bulk(wanted)
    errors: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for index, mapping in enumerate(mappings):
        key = (mapping["country"], fold_text(mapping["name"]))
        if key not in unknown:
            errors[f"agencies[{index}].name"] = [
                f"{mapping['name']!r} ({mapping['country']}) is not an unknown agency of "
                "this import."
            ]
        elif key in seen:
            errors[f"agencies[{index}].name"] = ["Mapped twice in this request."]
        seen.add(key)
        if "agency" in mapping:
            agency = agencies.get(mapping["agency"])
            if agency is None or agency.country_id != mapping["country"]:
                errors[f"agencies[{index}].agency"] = [
                    f"No agency {mapping['agency']} in {mapping['country']}."
                ]
    if errors:
        raise IntelInvalid(errors)
    created = []
    for index, mapping in enumerate(mappings):
        # The name as the file spells it (the run lists its first spelling).
        name = mapping["name"] = unknown[mapping["country"], fold_text(mapping["name"])]
        try:
            if "agency" in mapping:
                agency_alias_add(agency=agencies[mapping["agency"]], name=name, officer=officer)
            else:
                agency = agency_get_or_create(
                    country=mapping["country"], name=name, kind=mapping["kind"]
                )
                created.append(f"{agency.name} ({agency.country_id}, {agency.kind})")
        except AccountError as exc:
            raise IntelInvalid({f"agencies[{index}]": [str(exc)]}) from None
    return created
