"""Events the alerts app publishes."""

from apps.core.events import INT, NUMBER, STR, array, declare, nullable, publish_on_commit, shape
from apps.reports.events import REPORT, REPORT_BRIEF, REPORT_STUB

MATCH = shape(  # reports.disclosure.match_for
    id=INT, kind={"enum": ["exact", "fuzzy"]}, score=nullable(NUMBER),
    selector=shape(type=STR, value=nullable(STR)), values=array(nullable(STR)),
    reasons=array(STR),
    selectors={**array(shape(
        type=STR, kind={"enum": ["exact", "fuzzy"]}, value=nullable(STR),
        values=array(nullable(STR)), score=nullable(NUMBER), reasons=array(STR),
    )), "minItems": 1},
    reports={**array({"anyOf": [REPORT, REPORT_BRIEF, REPORT_STUB]}), "minItems": 2, "maxItems": 2},
)  # fmt: skip
ALERT = shape(  # payloads.alert_payload: as its recipient may see it
    id=INT,
    state=STR,
    created_at=STR,
    updated_at=nullable(STR),
    acknowledged_at=nullable(STR),
    match=MATCH,
    rooms=array(shape(id=INT, name=STR)),
)
ALERT_CREATED = declare(
    "alert.created", groups=("alerts.{id}",), event={"alert": ALERT}, frame={"alert": ALERT}
)
ALERT_STATE = shape(id=INT, state=STR)
# acknowledged: its id and state; its pair gained a selector: the whole alert, new again
ALERT_UPDATED = declare(
    "alert.updated",
    groups=("alerts.{id}",),
    event={"alert": {"anyOf": [ALERT_STATE, ALERT]}},
    frame={"alert": {"anyOf": [ALERT_STATE, ALERT]}},
)


def alerts_group(officer_id: int) -> str:
    return f"alerts.{officer_id}"


def alert_created_on_commit(officer_id: int, payload: dict) -> None:
    publish_on_commit(alerts_group(officer_id), {"type": ALERT_CREATED, "alert": payload})


def alert_updated_on_commit(officer_id: int, payload: dict) -> None:
    publish_on_commit(alerts_group(officer_id), {"type": ALERT_UPDATED, "alert": payload})
