"""Publishing events to the channel layer, only after the data is committed.

The channel layer delivers at most once; the database is the truth. A
publish that fails (Redis restarting) is logged and dropped: the report is
saved, and clients catch up by `seq`.
"""

import asyncio
import atexit
import logging
import os
import re
import threading
from collections import deque
from dataclasses import dataclass
from functools import partial

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)
PUBLISH_TIMEOUT = 5.0


class _Publisher:
    """One publishing thread per process for plain sync code (a Celery worker, a command).

    async_to_sync outside of an ASGI server makes a new loop, and with it a new Redis
    connection, for every call (channels_redis #332). Here one long-lived loop keeps its
    connections, and `put` only hands the event over: the writer does not wait for Redis
    (a matching task with four alerts used to wait ~5 ms per event). The thread sends
    what is waiting in batches, the groups side by side and each group's events in the
    order they were put, so an officer never sees an update before its creation.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.waiting: deque[tuple[str, dict]] = deque()
        self.lock = threading.Lock()
        self.idle = threading.Event()
        self.idle.set()
        self.scheduled = False
        threading.Thread(target=self.loop.run_forever, name="publish-loop", daemon=True).start()

    def put(self, group: str, event: dict) -> None:
        with self.lock:
            self.waiting.append((group, event))
            self.idle.clear()
            if not self.scheduled:
                self.scheduled = True
                asyncio.run_coroutine_threadsafe(self._drain(), self.loop)

    def flush(self, timeout: float = PUBLISH_TIMEOUT) -> bool:
        """Wait until everything put so far is sent (or dropped); False on timeout."""
        return self.idle.wait(timeout)

    async def _drain(self) -> None:
        while True:
            with self.lock:
                batch = list(self.waiting)
                self.waiting.clear()
                if not batch:
                    self.scheduled = False
                    self.idle.set()
                    return
            by_group: dict[str, list[dict]] = {}
            for group, event in batch:
                by_group.setdefault(group, []).append(event)
            await asyncio.gather(*(self._send(g, events) for g, events in by_group.items()))

    @staticmethod
    async def _send(group: str, events: list[dict]) -> None:
        layer = get_channel_layer()
        for event in events:
            try:
                await asyncio.wait_for(layer.group_send(group, event), PUBLISH_TIMEOUT)
            except Exception:  # the layer is a hint; the database is the truth
                logger.warning(
                    "could not publish %s to %s", event.get("type"), group, exc_info=True
                )


_publisher: _Publisher | None = None
_publisher_lock = threading.Lock()


def _the_publisher() -> _Publisher:
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher.pid != os.getpid() or _publisher.loop.is_closed():
            _publisher = _Publisher()
            atexit.register(_publisher.flush)
        return _publisher


def flush_published(timeout: float = PUBLISH_TIMEOUT) -> bool:
    """Wait until this process's publishing thread has sent what it was given."""
    return _publisher.flush(timeout) if _publisher is not None else True


def _under_asgi_server() -> bool:
    """True in a thread that sync_to_async runs for an ASGI server's loop."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return (
        loop is not None
        and loop.is_running()
        and getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid()
    )


def publish(group: str, event: dict) -> bool:
    """Send `event` to `group`; False if the channel layer could not take it.

    In an ASGI server's thread the event is sent before this returns; elsewhere (a
    worker, a command) it is handed to the process's publishing thread.
    """
    layer = get_channel_layer()
    if layer is None:
        return False
    event = {**event, "group": group}  # a process's hub hands it to that group's sockets
    if not (_under_asgi_server() or isinstance(layer, InMemoryChannelLayer)):
        _the_publisher().put(group, event)
        return True
    try:
        # The server's own loop (and, in-process, the one the sockets use).
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


# --- the event catalogue ---------------------------------------------------------
# Every event type the server sends over the channel layer is declared once, in the
# events.py of the app that builds it, with a JSON schema of the event and of the
# frame its socket sends to clients. tests/core/test_event_catalogue.py drives every
# publish site through the real services and checks each event against its schema,
# and that the catalogue names every type published and nothing else.

INT = {"type": "integer"}
NUMBER = {"type": "number"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def row(*cells: dict) -> dict:
    """A fixed-length list: [cell, cell, ...]."""
    n = len(cells)
    return {"type": "array", "prefixItems": list(cells), "items": False, "minItems": n}


def shape(**properties: dict) -> dict:
    """An object with exactly these keys (each required)."""
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


@dataclass(frozen=True)
class EventType:
    """One declared event: the group names it goes to and the schemas it keeps.

    `event` is the whole channel-layer message (with `type` and the `group` that
    publish adds); `frame` what a socket sends its client for it, None if nothing.
    """

    type: str
    groups: tuple[str, ...]
    event: dict
    frame: dict | None


CATALOGUE: dict[str, EventType] = {}


def _group_pattern(groups: tuple[str, ...]) -> str:
    """A regular expression for group names: `room.{id}` -> `^(room\\.[0-9]+)$`."""
    names = [re.escape(g).replace(re.escape("{id}"), "[0-9]+") for g in groups]
    return "^(" + "|".join(names) + ")$"


def declare(
    event_type: str,
    *,
    groups: tuple[str, ...],
    event: dict,
    frame: dict | None = None,
    frame_type: str | None = None,
) -> str:
    """Declare `event_type` with the fields of its event (besides type and group) and of
    its client frame (besides type: `frame_type`, the event's own type unless given)."""
    full = shape(type={"const": event_type}, group={"type": "string"}, **event)
    full["properties"]["group"]["pattern"] = _group_pattern(groups)
    client = None
    if frame is not None:
        client = shape(type={"const": frame_type or event_type}, **frame)
    declared = EventType(event_type, groups, full, client)
    if CATALOGUE.setdefault(event_type, declared) != declared:
        raise ValueError(f"event type {event_type!r} is declared twice, differently")
    return event_type


def catalogue() -> dict[str, EventType]:
    """Every declared event type; every app's events module is imported first."""
    autodiscover_modules("events")
    return dict(CATALOGUE)
