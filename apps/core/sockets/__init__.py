"""What every command-centre socket shares: limits, errors, a bounded outbox.

- A frame over WS_MAX_FRAME_BYTES, malformed JSON, a non-object or an unknown
  `type` gets an `error` event; the consumer goes on.
- A client's `type` only ever selects a method from `client_handlers`; it is
  never handed to the channel layer as a handler name.
- Events from the channel layer are queued on a bounded outbox that one task
  writes to the socket, so a slow client cannot hold up the others; when its
  outbox is full the socket is closed (4008) and the client resumes by seq.
- Access is re-checked now and then (and at once on an `access.changed`
  event): signing out, deactivation or losing membership closes the socket.
  A recheck that fails (Redis or the database away for a moment) is tried
  again at the next one; it never stops the rechecks.
- When the process's pub/sub connection to Redis is re-made, every event
  published while it was down is lost for its sockets, and they cannot tell:
  each socket opened before the reconnect is closed with 1012 at its next
  recheck, and its client reconnects and resumes by seq.

The base consumer is here; what it leans on has its own module: the per-process
cache of encoded events (encoded.py), the watch on Redis pub/sub reconnects
(watch.py), and the batcher that gathers many sockets' rechecks into one query
(batcher.py).
"""

import asyncio
import json
import logging
import random
from collections.abc import Coroutine

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from ..access import Forbidden, Invalid, NotFound, Refused
from .batcher import Batcher, batcher_for
from .encoded import encoded
from .watch import subscriber_watch

logger = logging.getLogger(__name__)

# Close codes: 4401 no credentials, 4403 not allowed, 4404 no such thing,
# 4429 too many connections, 4008 too slow (outbox full), 1012 (service
# restart) live delivery was interrupted, 1013 (try again later) a service
# was unreachable. After 4008, 1012 and 1013 the client reconnects and resumes by seq.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY = 4429
CLOSE_TOO_SLOW = 4008
CLOSE_RECONNECT = 1012
CLOSE_UNAVAILABLE = 1013  # try again later: Redis or the database could not be reached
# Read here by every consumer (tests shrink it): the base consumer stays in this module.
OUTBOX_SIZE = 2000

__all__ = [
    "CLOSE_FORBIDDEN",
    "CLOSE_NOT_FOUND",
    "CLOSE_RECONNECT",
    "CLOSE_TOO_MANY",
    "CLOSE_TOO_SLOW",
    "CLOSE_UNAUTHENTICATED",
    "CLOSE_UNAVAILABLE",
    "OUTBOX_SIZE",
    "Batcher",
    "CommandCentreConsumer",
    "batcher_for",
    "encoded",
    "subscriber_watch",
]


async def _close_unavailable(receive, send, seen: set[str]) -> None:
    if "websocket.close" in seen or "websocket.disconnect" in seen:
        return
    try:
        if "websocket.accept" not in seen:
            if "websocket.connect" not in seen:
                await receive()
            await send({"type": "websocket.accept"})
        error = {"type": "error", "code": "unavailable", "message": "Try again in a moment."}
        await send({"type": "websocket.send", "text": json.dumps(error)})
        await send({"type": "websocket.close", "code": CLOSE_UNAVAILABLE})
    except Exception:  # the client is gone already
        logger.debug("could not close a failed socket", exc_info=True)


async def _finish(send: Coroutine, waiting: object) -> None:
    """Run a coroutine that was stepped by hand and is waiting on `waiting` to its end,
    as the task running it would have (see CommandCentreConsumer._send_now)."""
    while True:
        try:
            if waiting is None:
                await asyncio.sleep(0)
            else:
                await waiting  # type: ignore[misc]
        except BaseException as exc:  # noqa: BLE001 - handed to the coroutine, as a task does
            try:
                waiting = send.throw(exc)
            except StopIteration:
                return
            continue
        try:
            waiting = send.send(None)
        except StopIteration:
            return


class CommandCentreConsumer(AsyncWebsocketConsumer):
    client_handlers: dict[str, str] = {}
    writer: asyncio.Task | None = None
    watcher: asyncio.Task | None = None
    #: Frames go to the server at once while nothing is queued, once accepted (see _send_now).
    direct = False
    unfinished: asyncio.Future | None = None

    async def __call__(self, scope, receive, send):
        # However the consumer ends (a handler or connect() that raised, too),
        # the tasks it started end with it.
        seen: set[str] = set()

        async def receive_seen():
            message = await receive()
            seen.add(message["type"])
            return message

        async def send_seen(message):
            seen.add(message["type"])
            await send(message)

        try:
            await super().__call__(scope, receive_seen, send_seen)
        except Exception:
            # Redis (channel layer, presence) or the database away: a clean
            # close the client can retry on, never a 500 at the handshake.
            logger.warning(
                "socket %s failed; closing it with 1013", scope.get("path"), exc_info=True
            )
            await _close_unavailable(receive, send, seen)
        finally:
            self._stop_tasks()

    async def websocket_connect(self, message):
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue(maxsize=OUTBOX_SIZE)
        self.closing = False
        self.user = self.scope.get("user")
        await super().websocket_connect(message)

    async def dispatch(self, message):
        # Channels' dispatch closes stale DB connections (a thread hop) before
        # every message; our handlers touch the database only through
        # database_sync_to_async, which does that itself.
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- connection life ---------------------------------------------------
    async def refuse(self, code: int, error: str, message: str) -> None:
        """Accept only to say why, then close with a code that says it too."""
        await super().accept()
        await self.send(text_data=json.dumps({"type": "error", "code": error, "message": message}))
        await self.close(code=code)

    async def accept(self, subprotocol=None, headers=None):
        subscriber_watch.watch(self.channel_layer)
        self.subscriber_generation = subscriber_watch.generation
        await super().accept(subprotocol, headers)
        self.direct = True
        self.writer = asyncio.create_task(self._write_outbox())
        self.watcher = asyncio.create_task(self._watch_access())
        if (group := self.access_group()) is not None:
            await self.channel_layer.group_add(group, self.channel_name)

    def _stop_tasks(self) -> None:
        self.closing = True
        for task in (self.writer, self.watcher, self.unfinished):
            if task is not None:
                task.cancel()

    async def websocket_disconnect(self, message):
        # Stop this socket's tasks before any cleanup that needs Redis: if that
        # fails, a watcher left running would put a closed socket's seat back.
        self._stop_tasks()
        await super().websocket_disconnect(message)

    async def disconnect(self, code):
        self._stop_tasks()
        if (group := self.access_group()) is not None:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _write_outbox(self) -> None:
        while True:
            text = await self.outbox.get()
            if text is None:
                return
            if self.unfinished is not None:
                await asyncio.wait([self.unfinished])
            await self.send(text_data=text)

    def _send_now(self, text: str) -> None:
        """Hand the frame to the server without a task switch.

        uvicorn's send of a frame writes to the transport and returns without waiting,
        so its coroutine runs to the end in one step here, and a room event costs no
        writer wake-up per socket. A server whose send does wait (flow control) has the
        rest of that send finished by a task, and this socket's frames queue behind it.
        """
        send = self.base_send({"type": "websocket.send", "text": text})
        try:
            waiting = send.send(None)
        except StopIteration:
            return
        except Exception:  # the client is gone: its disconnect will clean up
            self.closing = True
            logger.debug("could not send to %s", self.channel_name, exc_info=True)
            return
        self.unfinished = unfinished = asyncio.ensure_future(_finish(send, waiting))
        unfinished.add_done_callback(self._send_finished)

    def _send_finished(self, unfinished: asyncio.Future) -> None:
        if self.unfinished is unfinished:
            self.unfinished = None
        if not unfinished.cancelled() and unfinished.exception() is not None:
            self.closing = True  # the client is gone

    def deliver(self, text: str) -> None:
        """A frame of a group event: sent at once if nothing is queued for this socket,
        else queued behind what is (see push)."""
        if self.direct and self.unfinished is None and not self.closing and self.outbox.empty():
            self._send_now(text)
        else:
            self.push(text)

    def push(self, text: str) -> None:
        """Queue a frame for this socket's writer; close the socket if it cannot keep up."""
        if self.closing:
            return
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            self.closing = True
            logger.warning("closing slow socket %s: outbox full", self.channel_name)
            asyncio.create_task(self.close(code=CLOSE_TOO_SLOW))

    async def send_event(self, event: dict) -> None:
        self.push(json.dumps(event, separators=(",", ":")))

    async def send_error(self, code: str, message: str, **extra) -> None:
        await self.send_event({"type": "error", "code": code, "message": message, **extra})

    async def send_refusal(self, exc: Exception, **extra) -> None:
        """A service's refusal as an `error` frame, the same mapping for every socket
        (see apps/core/access.py)."""
        if isinstance(exc, Invalid):
            await self.send_error("invalid", exc.message, errors=exc.errors, **extra)
        elif isinstance(exc, Refused):
            await self.send_error(exc.code, exc.message, **extra)
        elif isinstance(exc, NotFound):
            await self.send_error("not_found", str(exc), **extra)
        elif isinstance(exc, Forbidden):
            await self.send_error("forbidden", str(exc), **extra)
        else:
            raise exc

    def client_address(self) -> str:
        """Where the socket comes from, for audit lines."""
        client = self.scope.get("client")
        return f"{client[0]}:{client[1]}" if client else ""

    # --- access --------------------------------------------------------------
    async def _watch_access(self) -> None:
        period = settings.WS_RECHECK_SECONDS
        # The first wait is drawn at random so that sockets opened together
        # do not all recheck in the same instant ever after.
        await asyncio.sleep(random.uniform(0.5, 1.0) * period)
        while True:
            if subscriber_watch.generation != self.subscriber_generation:
                await self._tell_to_reconnect()
                return
            try:
                await self._recheck()
            except Exception:
                logger.warning("recheck of %s failed", self.channel_name, exc_info=True)
            await asyncio.sleep(period)

    async def _tell_to_reconnect(self) -> None:
        if self.closing:
            return
        self.closing = True
        await self.send(
            text_data=json.dumps(
                {
                    "type": "error",
                    "code": "reconnect",
                    "message": "Live delivery was interrupted: reconnect, then resume "
                    "from the last seq you have.",
                }
            )
        )
        await self.close(code=CLOSE_RECONNECT)

    async def _recheck(self) -> None:
        if self.closing:
            return
        if not await self.still_allowed():
            self.closing = True
            await self.send(
                text_data=json.dumps(
                    {"type": "error", "code": "access_revoked", "message": "Access revoked."}
                )
            )
            await self.close(code=CLOSE_FORBIDDEN)

    def access_group(self) -> str | None:
        """A group whose `access.changed` events make this socket recheck at once."""
        return None

    async def still_allowed(self) -> bool:
        """Whether the socket may stay open; subclasses read the officer's access."""
        return True

    async def access_changed(self, event: dict) -> None:
        await self._recheck()

    # --- frames from the client ---------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        size = len(text_data or "") + len(bytes_data or b"")
        if size > settings.WS_MAX_FRAME_BYTES:
            await self.send_error(
                "frame_too_large", f"Frames are limited to {settings.WS_MAX_FRAME_BYTES} bytes."
            )
            return
        if text_data is None:
            await self.send_error("bad_frame", "Send JSON text frames.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("bad_json", "The frame is not valid JSON.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error("bad_message", 'A message is a JSON object with a "type".')
            return
        name = self.client_handlers.get(content["type"])
        if name is None:
            await self.send_error(
                "unknown_type",
                f"Unknown message type; this socket takes: {', '.join(sorted(self.client_handlers)) or 'nothing'}.",
            )
            return
        try:
            await getattr(self, name)(content)
        except StopConsumer:
            raise
        except Exception:
            logger.exception("handler %s failed", name)
            await self.send_error("server_error", "The server could not handle that message.")
