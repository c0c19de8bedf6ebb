"""An alert as its recipient may see it; the match inside passes the disclosure module."""

from apps.core.formats import iso
from apps.reports.disclosure import match_for, rooms_shown
from apps.reports.visibility import Viewer

from .models import Alert


def alert_payload(alert: Alert, viewer: Viewer) -> dict:
    """Reports the viewer may not read appear only as {id, agency, country, handling}.

    `rooms` names the room of each report the match shows in full (disclosure decides).
    """
    match = match_for(viewer, alert.match)
    return {
        "id": alert.pk,
        "state": alert.state,
        "created_at": iso(alert.created_at),
        "updated_at": iso(alert.updated_at),
        "acknowledged_at": iso(alert.acknowledged_at),
        "match": match,
        "rooms": rooms_shown(alert.match, match),
    }
