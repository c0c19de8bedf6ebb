"""An alert as its recipient may see it (hit/no-hit for reports they may not read)."""

from apps.reports.payloads import report_payload, report_stub
from apps.reports.selectors import report_access
from apps.reports.visibility import Viewer, may_read

from .models import Alert


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def alert_payload(alert: Alert, viewer: Viewer) -> dict:
    """Reports the viewer may not read appear only as {id, agency, country, handling}."""
    match = alert.match
    reports = [match.report_a, match.report_b]
    readable = [may_read(viewer, report_access(r)) for r in reports]
    shown_reports = [
        report_payload(r) if ok else report_stub(r) for r, ok in zip(reports, readable, strict=True)
    ]
    selector = {"type": match.selector_type, "value": match.value if any(readable) else None}
    reasons = match.reasons if all(readable) else ["A report you may not read matches."]
    if any(readable) and not all(readable):
        reasons = [f"{match.selector_type} in common with a report held by another agency."]
    return {
        "id": alert.pk,
        "state": alert.state,
        "created_at": _iso(alert.created_at),
        "acknowledged_at": _iso(alert.acknowledged_at),
        "match": {
            "id": match.pk,
            "kind": match.kind,
            "score": round(match.score, 3),
            "selector": selector,
            "reasons": reasons,
            "reports": shown_reports,
        },
    }
