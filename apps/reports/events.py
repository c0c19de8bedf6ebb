"""Events the reports app publishes.

`report.created` goes to the room's group; each socket decides with the
visibility rule whether its officer may see it (the access facts travel
with the event), so one publish serves every audience.
"""

from apps.core.events import (
    INT,
    NUMBER,
    STR,
    array,
    declare,
    nullable,
    publish_on_commit,
    shape,
)
from apps.operations.events import room_group

from .models import Report
from .payloads import report_payload
from .visibility import ReportAccess

PARTY = nullable(
    shape(name=STR, date_of_birth=nullable(STR), address=STR, phone=STR, email=STR, company=STR)
)
REPORT = shape(  # payloads.report_payload: a report as clients see it
    id=INT, room=INT, operation=INT, seq=INT, client_id=STR, kind=STR, handling=STR,
    created_at=STR, occurred_at=nullable(STR), author=STR,
    agency=shape(id=INT, name=STR, kind=STR), country=STR, body=STR,
    location=shape(
        name=STR, country=nullable(STR), site_type=STR, lat=nullable(NUMBER), lon=nullable(NUMBER)
    ),
    checks_count=nullable(INT), outcome=STR,
    seizures=array(shape(category=STR, quantity=INT, description=STR)),
    parcel=nullable(
        shape(
            tracking_number=STR, carrier=STR, origin_country=nullable(STR),
            destination_country=nullable(STR), declared_content=STR, weight_g=nullable(INT),
            sender=PARTY, recipient=PARTY,
        )
    ),
    people=array(PARTY), selectors=array(shape(type=STR, value=STR, normalised=STR, source=STR)),
    recipients=array(STR), amends=nullable(INT),
)  # fmt: skip
REPORT_STUB = shape(id=INT, agency=STR, country=STR, handling=STR)  # disclosure.report_stub
REPORT_BRIEF = shape(  # disclosure.report_brief
    id=INT, room=INT, seq=INT, kind=STR, handling=STR, agency=STR, country=STR, author=STR,
    occurred_at=nullable(STR),
)  # fmt: skip

REPORT_CREATED = declare(
    "report.created",
    groups=("room.{id}",),
    event={
        "room": INT,
        "seq": INT,
        "access": shape(  # visibility.ReportAccess.as_dict
            report_id=INT,
            author_id=INT,
            operation_id=INT,
            room_id=INT,
            handling=STR,
            recipient_ids=array(INT),
        ),
        "report": REPORT,
    },
    frame={"report": REPORT},  # only to sockets whose officer may read it
)
# Sent by the room socket itself (consumers._announce_presence), coalesced per room.
PRESENCE_CHANGED = declare(
    "presence.changed",
    groups=("room.{id}",),
    event={
        "version": STR,
        "online": array(shape(country=STR, agency=STR, officers=array(STR))),
    },
    frame={"room": INT, "online": array(shape(country=STR, agency=STR, officers=array(STR)))},
    frame_type="presence",
)


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
