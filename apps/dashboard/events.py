"""Events the dashboard app publishes.

`stats.delta` goes to the operation's dashboard group with the counter rows a
report (or a scored parcel) added: [room, audience, scope, key, metric, amount].
Each dashboard socket forwards only the rows its viewer may see
(`selectors.delta_for`), as [scope, key, metric, amount].
"""

from apps.core.events import publish_on_commit

STATS_DELTA = "stats.delta"


def dashboard_group(operation_id: int) -> str:
    return f"dashboard.{operation_id}"


def stats_delta_on_commit(operation_id: int, rows: list) -> None:
    if rows:
        publish_on_commit(
            dashboard_group(operation_id),
            {"type": STATS_DELTA, "operation": operation_id, "delta": [list(r) for r in rows]},
        )
