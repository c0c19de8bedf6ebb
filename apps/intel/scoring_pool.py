"""Helper processes that score parts of a large batch on the other cores.

Scoring a parcel is mostly pure Python (its selectors, its names' keys, scoring
the earlier people it shares keys with, the rules), so one process scores on one
core however large the batch. `scoring_helpers()` gives a pool of processes,
started once per process on first use with a fresh interpreter (spawn: no
forking of a server's threads, connections or locks), Django set up and the
same database as this process; each has its own connection, so the database
lookups of the parts run side by side too.

Off (None) where the parts could see other data than this process: another
database than PostgreSQL (SQLite's in-memory test database cannot be shared)
and inside a transaction (its uncommitted rows are not visible to another
connection). `SCORING_PROCESSES` (a setting; default: the machine's cores, at
most 4) counts this process too: 1 turns the helpers off.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None
_pool_key: tuple | None = None
_lock = threading.Lock()
#: After a helper died, parts are scored here until then (time.monotonic()).
_off_until = 0.0
#: How long helpers stay off after one died (its cause may well kill the next).
OFF_AFTER_DEATH = 300.0


def scoring_processes() -> int:
    """Processes a large batch is scored on, this one included."""
    configured = getattr(settings, "SCORING_PROCESSES", None)
    if configured is not None:
        return max(1, int(configured))
    return max(1, min(os.cpu_count() or 1, 4))


def scoring_helpers() -> tuple[ProcessPoolExecutor, int] | None:
    """The helper pool and its size, or None where parts must be scored here."""
    processes = scoring_processes()
    if processes < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    if multiprocessing.current_process().daemon:
        return None  # a daemonic process (a Celery prefork child) may not have children
    if _off_until and time.monotonic() < _off_until:
        return None
    db = {k: v for k, v in connection.settings_dict.items() if k in _DB_KEYS}
    key = (processes, tuple(sorted((k, repr(v)) for k, v in db.items())))
    global _pool, _pool_key
    with _lock:
        if _pool is None or _pool_key != key:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(
                max_workers=processes - 1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_helper_start,
                initargs=(
                    os.environ.get("DJANGO_SETTINGS_MODULE", ""),
                    db,
                    bool(getattr(settings, "TESTING", False)),
                ),
            )
            _pool_key = key
        return _pool, processes - 1


def scoring_helpers_drop(pool: ProcessPoolExecutor) -> None:
    """Forget a pool whose process died: parts are scored here for OFF_AFTER_DEATH seconds."""
    global _pool, _pool_key, _off_until
    with _lock:
        if _pool is pool:
            _pool, _pool_key = None, None
        _off_until = time.monotonic() + OFF_AFTER_DEATH
    pool.shutdown(wait=False, cancel_futures=True)
    logger.warning(
        "a scoring helper process died; batches are scored in one process for %d s",
        OFF_AFTER_DEATH,
    )


#: What a helper needs to reach the same database as this process (the test
#: runner changes NAME at run time, so settings.DATABASES alone is not enough).
_DB_KEYS = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS", "TIME_ZONE")


def _helper_start(settings_module: str, db: dict, testing: bool) -> None:
    if settings_module:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    if testing:  # the settings know a test run by pytest's presence, absent here
        os.environ["TESTING"] = "1"
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(db)


def scoring_helpers_stop() -> None:
    """End the helper processes (and their database connections), waiting for them."""
    global _pool, _pool_key
    with _lock:
        pool, _pool, _pool_key = _pool, None, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
