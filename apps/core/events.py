"""Publishing events to the channel layer, only after the data is committed.

The channel layer delivers at most once; the database is the truth. A
publish that fails (Redis restarting) is logged and dropped: the report is
saved, and clients catch up by `seq`.
"""

import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def publish(group: str, event: dict) -> bool:
    """Send `event` to `group` now; False if the channel layer could not take it."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the layer is a hint; never fail the writer because of it
        logger.warning("could not publish %s to %s", event.get("type"), group, exc_info=True)
        return False
    return True


def publish_on_commit(group: str, event: dict) -> None:
    """Publish once the current transaction commits (at once outside of one)."""
    transaction.on_commit(partial(publish, group, event), robust=True)


def enqueue_on_commit(task, *args) -> None:
    """Enqueue a Celery task once the transaction commits.

    If the broker is down the task is lost, which is why every task has a
    periodic sweep that finds the work it did not do.
    """

    def _send() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.warning("could not enqueue %s%r", task.name, args, exc_info=True)

    transaction.on_commit(_send, robust=True)
