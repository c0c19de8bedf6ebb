"""Events the alerts app publishes."""

from apps.core.events import publish_on_commit

ALERT_CREATED = "alert.created"
ALERT_UPDATED = "alert.updated"


def alerts_group(officer_id: int) -> str:
    return f"alerts.{officer_id}"


def alert_created_on_commit(officer_id: int, payload: dict) -> None:
    publish_on_commit(alerts_group(officer_id), {"type": ALERT_CREATED, "alert": payload})


def alert_updated_on_commit(officer_id: int, payload: dict) -> None:
    publish_on_commit(alerts_group(officer_id), {"type": ALERT_UPDATED, "alert": payload})
