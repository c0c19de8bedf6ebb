"""Events the reports app publishes.

`report.created` goes to the room's group; each socket decides with the
visibility rule whether its officer may see it (the access facts travel
with the event), so one publish serves every audience.
"""

from apps.core.events import publish_on_commit
from apps.operations.events import room_group

from .models import Report
from .payloads import report_payload
from .visibility import ReportAccess

REPORT_CREATED = "report.created"
STATS_DELTA = "stats.delta"


def dashboard_group(operation_id: int) -> str:
    return f"dashboard.{operation_id}"


def report_created_on_commit(report: Report, access: ReportAccess) -> None:
    publish_on_commit(
        room_group(report.room_id),
        {
            "type": REPORT_CREATED,
            "room": report.room_id,
            "seq": report.seq,
            "access": access.as_dict(),
            "report": report_payload(report),
        },
    )


def stats_delta_on_commit(operation_id: int, rows: list) -> None:
    """Counter rows [room, audience, scope, key, metric, amount]; each dashboard
    socket forwards only the rows its viewer may see (`dashboard.selectors.delta_for`)."""
    if rows:
        publish_on_commit(
            dashboard_group(operation_id),
            {"type": STATS_DELTA, "operation": operation_id, "delta": [list(r) for r in rows]},
        )
