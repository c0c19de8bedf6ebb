"""Uploading a file of earlier seizures: the one use case behind the page and the API.

The edges parse what was sent and call `import_upload_start`; it decides who may,
how large a file may be, records the run and hands it to the upload task on commit
(the task is registered in `IntelConfig.ready`, see `apps.intel.imports.TASKS`).
"""

import hashlib

from django.conf import settings
from django.core.files import File

from apps.accounts.models import Officer
from apps.core.events import enqueue_on_commit
from apps.operations.models import Operation

from .imports import TASKS, import_run_start
from .models import ImportRun
from .services import IntelInvalid, ensure_may_analyse
from .sources import detect_format

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def upload_max_bytes() -> int:
    """The largest file an upload takes (`INTEL_UPLOAD_MAX_BYTES`); larger ones go by command."""
    return getattr(settings, "INTEL_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def import_upload_start(
    *,
    operation: Operation,
    officer: Officer,
    upload: File,
    name: str = "",
    room_id: int | None = None,
) -> ImportRun:
    """Record an uploaded file as a queued import; its task runs it once this commits.

    Raises IntelRefused (not an analyst or coordinator here, operation closed) and
    IntelInvalid (`file`: too large; `room`: not a room the import may go to).
    """
    ensure_may_analyse(officer, operation)
    limit = upload_max_bytes()
    if upload.size > limit:
        raise IntelInvalid({"file": [f"Larger than {limit} bytes: use manage.py import_seizures."]})
    content = upload.read()
    filename = upload.name or "upload"
    run = import_run_start(
        operation=operation,
        officer=officer,
        name=name or filename,
        file_format=detect_format(filename, content[:64]),
        sha256=hashlib.sha256(content).hexdigest(),
        room_id=room_id,
        source=content,
    )
    enqueue_on_commit(TASKS["upload"], run.pk)
    return run
