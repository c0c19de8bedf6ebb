#!/usr/bin/env bash
# Run the command centre with the ARMSTRONG VII demo at http://127.0.0.1:8000
# on the embedded default: SQLite, in-memory channel layer, tasks in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export DEBUG="${DEBUG:-1}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_demo
echo
echo "The command centre is at http://127.0.0.1:${PORT:-8000}/ (API docs: /api/v1/docs/). Ctrl-C stops it."
exec .venv/bin/python -m uvicorn commandcentre.asgi:application \
    --host 127.0.0.1 --port "${PORT:-8000}" --ws-max-size 1048576
