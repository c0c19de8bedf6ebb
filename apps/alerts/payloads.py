"""An alert as its recipient may see it; the match inside passes the disclosure module."""

from apps.core.formats import iso
from apps.reports.disclosure import match_for
from apps.reports.visibility import Viewer

from .models import Alert


def alert_payload(alert: Alert, viewer: Viewer) -> dict:
    """Reports the viewer may not read appear only as {id, agency, country, handling}.

    `rooms` names the room of each report the match shows in full, so a reference
    reads "Balkan route #3"; a stub's room is not said (the disclosure module decides
    which reports are shown in full, and only those rooms are named).
    """
    match = match_for(viewer, alert.match)
    shown = {r["id"]: r["room"] for r in match["reports"] if "room" in r}
    rooms = {
        report.room_id: report.room.name
        for report in (alert.match.report_a, alert.match.report_b)
        if shown.get(report.pk) == report.room_id
    }
    return {
        "id": alert.pk,
        "state": alert.state,
        "created_at": iso(alert.created_at),
        "updated_at": iso(alert.updated_at),
        "acknowledged_at": iso(alert.acknowledged_at),
        "match": match,
        "rooms": [{"id": pk, "name": name} for pk, name in sorted(rooms.items())],
    }
