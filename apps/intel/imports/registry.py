"""The Celery tasks the import enqueues.

They live in apps/intel/tasks.py, which calls into this package; IntelConfig.ready
hands them over here, so the two never import each other.
"""

from typing import Any

TASKS: dict[str, Any] = {}


def register_tasks(**tasks: Any) -> None:
    TASKS.update(tasks)
