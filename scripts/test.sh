#!/usr/bin/env bash
# The whole test suite, in two passes:
#  1. the embedded default (SQLite, in-memory channel layer, eager Celery);
#  2. PostgreSQL + Redis, with real server processes, Celery workers and a
#     browser (DATABASE_URL / REDIS_URL from the environment, or the local
#     services on 127.0.0.1, started if they are down).
# Extra arguments go to pytest in both passes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export PYTHONDONTWRITEBYTECODE=1

echo "=== pass 1/2: embedded default (SQLite, in-memory layer, eager Celery) ==="
# the labelled sets through the matcher (marker `slow`, ~4 min) are measurements: run them
# with `pytest -m slow` or `python -m bench.linkage`; a stratified subset stays in the suite
env -u DATABASE_URL -u REDIS_URL .venv/bin/pytest -q -m "not services and not browser and not slow" "$@"

echo "=== pass 2/2: PostgreSQL + Redis + real servers, workers and browser ==="
scripts/services.sh
scripts/chromium.sh || echo "test: no Chromium; the browser tests will be skipped" >&2
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/commandcentre}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
# what touches no database or service (marker `once`: code checks, pure functions) ran above
.venv/bin/pytest -q -m "not slow and not once" "$@"
