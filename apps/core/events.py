"""Publishing events to the channel layer, only after the data is committed.

The channel layer delivers at most once; the database is the truth. A
publish that fails (Redis restarting) is logged and dropped: the report is
saved, and clients catch up by `seq`.
"""

import asyncio
import logging
import os
import threading
from functools import partial

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)
PUBLISH_TIMEOUT = 5.0

_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None
_loop_lock = threading.Lock()


def _publishing_loop() -> asyncio.AbstractEventLoop:
    """One long-lived event loop per process for publishing from plain sync code.

    async_to_sync outside of an ASGI server makes a new loop, and with it a
    new Redis connection, for every call (channels_redis #332); a Celery
    worker publishing several alerts per report would pay that each time.
    """
    global _loop, _loop_pid
    with _loop_lock:
        if _loop is None or _loop_pid != os.getpid() or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            _loop_pid = os.getpid()
            threading.Thread(target=_loop.run_forever, name="publish-loop", daemon=True).start()
        return _loop


def _under_asgi_server() -> bool:
    """True in a thread that sync_to_async runs for an ASGI server's loop."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return (
        loop is not None
        and loop.is_running()
        and getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid()
    )


def publish(group: str, event: dict) -> bool:
    """Send `event` to `group` now; False if the channel layer could not take it."""
    layer = get_channel_layer()
    if layer is None:
        return False
    event = {**event, "group": group}  # a process's hub hands it to that group's sockets
    try:
        if _under_asgi_server() or isinstance(layer, InMemoryChannelLayer):
            # The server's own loop (and, in-process, the one the sockets use).
            async_to_sync(layer.group_send)(group, event)
        else:
            future = asyncio.run_coroutine_threadsafe(
                layer.group_send(group, event), _publishing_loop()
            )
            future.result(timeout=PUBLISH_TIMEOUT)
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
