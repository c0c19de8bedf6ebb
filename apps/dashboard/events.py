"""Events the dashboard app publishes.

`stats.delta` goes to the operation's dashboard group with the counter rows a
report (or a scored parcel) added: [room, audience, scope, key, metric, amount].
Each dashboard socket forwards only the rows its viewer may see
(`selectors.delta_for`), as [scope, key, metric, amount].
"""

from apps.core.events import INT, STR, array, declare, publish_on_commit, row

AUDIENCE = {"enum": ["operation", "room", "coordinators"]}  # reports.disclosure.AUDIENCES
STATS_DELTA = declare(
    "stats.delta",
    groups=("dashboard.{id}",),
    event={
        "operation": INT,  # rows: [room, audience, scope, key, metric, amount]
        "delta": {**array(row(INT, AUDIENCE, STR, STR, STR, INT)), "minItems": 1},
    },
    frame={  # rows the viewer may see: [scope, key, metric, amount]
        "operation": INT,
        "delta": {**array(row(STR, STR, STR, INT)), "minItems": 1},
    },
)


def dashboard_group(operation_id: int) -> str:
    return f"dashboard.{operation_id}"


def stats_delta_on_commit(operation_id: int, rows: list) -> None:
    if rows:
        publish_on_commit(
            dashboard_group(operation_id),
            {"type": STATS_DELTA, "operation": operation_id, "delta": [list(r) for r in rows]},
        )
