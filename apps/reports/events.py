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

