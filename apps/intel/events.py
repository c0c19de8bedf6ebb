"""Events the intel app publishes.

- `import.finished` to the importing analyst's alerts group: the one summary of
  an import (counts, rejected rows, matches found) instead of an alert per match.
- Indicator effectiveness goes to the dashboard as ordinary `stats.delta` rows
  of scope `indicator` (key: the indicator's id), so the dashboard consumer
  forwards them with no change and its snapshot (the running totals) has them.
"""

from apps.alerts.events import alerts_group
from apps.core.events import INT, STR, array, declare, nullable, publish_on_commit, shape
from apps.dashboard.events import stats_delta_on_commit

IMPORT_SUMMARY = shape(  # imports.import_run_summary
    id=INT, operation=INT, room=nullable(INT), officer=STR, name=STR, format=STR, sha256=STR,
    status=STR, rows=shape(total=INT, created=INT, existing=INT, rejected=INT),
    agencies_created=array(STR),
    agencies_unknown=array(shape(country=STR, name=STR, kinds=array(STR), rows=INT)),
    batches=shape(total=INT, matched=INT), matches_found=INT,
    failure=STR, created_at=STR, loaded_at=nullable(STR), finished_at=nullable(STR),
    errors={**array({"type": "object"}), "maxItems": 20},
)  # fmt: skip
IMPORT_FINISHED = declare(
    "import.finished",
    groups=("alerts.{id}",),
    event={"import": IMPORT_SUMMARY},
    frame={"import": IMPORT_SUMMARY},
)


def import_finished_on_commit(officer_id: int, payload: dict) -> None:
    """The alert socket forwards it (AlertConsumer.import_finished)."""
    publish_on_commit(alerts_group(officer_id), {"type": IMPORT_FINISHED, "import": payload})


def indicator_stats_on_commit(operation_id: int, rows: list[tuple]) -> None:
    stats_delta_on_commit(operation_id, [list(row) for row in rows])
