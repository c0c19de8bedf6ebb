"""Importing earlier seizures and intelligence: validate every row, load in batches, match in bulk.

The path of a row:

0. the file's agencies resolved (agencies.py, a first pass over only the agency
   columns): an unknown one stops the run in `needs_agencies` before any row loads,
   until an analyst maps it;
1. read (apps/intel/sources.py) - a row that cannot be read is rejected with its line;
2. prepared (prepare.py, `RowPreparer`, pure, may run in worker processes): the
   import columns checked, the report validated by the same schema as the API
   (apps/reports/inputs.ReportInput), its selectors extracted
   (apps/reports/extract.extract_from_report) and its parties' blocking keys made
   (names, addresses, companies: apps/crossmatch/blocking.party_keys);
3. written by `BatchWriter` (write.py), a batch per transaction: rows imported before are
   skipped (ImportedReport, by the row's key), seq numbers are handed out under
   one lock of the room, then reports, seizures, parcels, parties, name keys,
   selectors and the operation's running totals go in with multi-row inserts
   (COPY on PostgreSQL);
4. matched in bulk (runs.py, which also starts, loads and closes a run): one
   Celery task per batch matches the whole batch at once (the set-based matcher,
   apps/crossmatch/services.reports_match; the live side of each pair is alerted, the
   analyst gets the run's summary); when the last batch is matched the run is the analyst's summary, published once as `import.finished`.

The key of a row (its report's client_id) is uuid5 of the operation and the
row's `reference` (with its country and agency), or of the row's content when
it has no reference: importing the same rows again creates nothing.
"""

from .agencies import (
    agencies_scan,
    import_run_check_agencies,
    import_run_map_agencies,
    officer_may_map_agencies,
)
from .prepare import NOT_IMPORTED, Prepared, Rejected, RowPreparer, row_key
from .registry import TASKS, register_tasks
from .runs import (
    BATCH_SIZE,
    DEFAULT_ROOM,
    MAX_STORED_ERRORS,
    import_batch_match,
    import_file,
    import_room,
    import_run_execute,
    import_run_finish_if_complete,
    import_run_start,
    import_run_summary,
    import_runs_sweep,
)
from .write import BatchWriter

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_ROOM",
    "MAX_STORED_ERRORS",
    "NOT_IMPORTED",
    "TASKS",
    "BatchWriter",
    "agencies_scan",
    "import_run_check_agencies",
    "import_run_map_agencies",
    "officer_may_map_agencies",
    "Prepared",
    "Rejected",
    "RowPreparer",
    "import_batch_match",
    "import_file",
    "import_room",
    "import_run_execute",
    "import_run_finish_if_complete",
    "import_run_start",
    "import_run_summary",
    "import_runs_sweep",
    "register_tasks",
    "row_key",
]
