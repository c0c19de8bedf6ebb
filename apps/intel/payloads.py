"""Imports, indicators and their statistics as clients see them (REST and sockets)."""

from apps.core.formats import iso

from .models import ImportRun, Indicator


def import_run_payload(run: ImportRun, *, errors: bool = True) -> dict:
    payload = {
        "id": run.pk,
        "operation": run.operation_id,
        "room": run.room_id,
        "officer": run.officer.username,
        "name": run.name,
        "format": run.file_format,
        "sha256": run.file_sha256,
        "status": run.status,
        "rows": {
            "total": run.rows_total,
            "created": run.rows_created,
            "existing": run.rows_existing,
            "rejected": run.rows_rejected,
        },
        "agencies_created": run.agencies_created,
        "agencies_unknown": run.agencies_unknown,
        "batches": {"total": run.batches_total, "matched": run.batches_matched},
        "matches_found": run.matches_found,
        "failure": run.failure,
        "created_at": iso(run.created_at),
        "loaded_at": iso(run.loaded_at),
        "finished_at": iso(run.finished_at),
    }
    if errors:
        payload["errors"] = run.errors
    return payload


def stat_payload(counts: dict[str, int]) -> dict:
    flagged = counts.get("flagged", 0)
    checked = counts.get("checked", 0)
    hits = counts.get("hits", 0)
    return {
        "flagged": flagged,
        "checked": checked,
        "hits": hits,
        # Of the flagged parcels that were controlled, the share that found something.
        "hit_rate": round(hits / checked, 4) if checked else None,
    }


def indicator_payload(indicator: Indicator, counts: dict[str, dict[str, int]]) -> dict:
    """`counts` are the indicator totals the viewer may see (`indicator_counts_for`):
    the checks and hits behind them are counted only where the viewer may read them."""
    return {
        "id": indicator.pk,
        "operation": indicator.operation_id,
        "name": indicator.name,
        "kind": indicator.kind,
        "params": indicator.params,
        "weight": indicator.weight,
        "explanation": indicator.explanation,
        "active": indicator.active,
        "created_by": indicator.created_by.username,
        "created_at": iso(indicator.created_at),
        "updated_at": iso(indicator.updated_at),
        "stats": stat_payload(counts.get(str(indicator.pk), {})),
    }
