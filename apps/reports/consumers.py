"""The room socket: live reports, posting, catch-up and presence."""

import asyncio
import json
import logging
import time
import uuid

from channels.db import database_sync_to_async
from django.conf import settings

from apps.accounts.models import Agency
from apps.accounts.sockets import OfficerConsumer
from apps.core.access import Forbidden, Invalid, NotFound, Refused
from apps.core.fanout import hub_for
from apps.core.presence import Seat, presence, presence_summary
from apps.core.sockets import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_TOO_MANY,
    CLOSE_UNAUTHENTICATED,
    batcher_for,
    encoded,
)
from apps.operations.events import room_group
from apps.operations.models import Room
from apps.operations.selectors import access_room_by_id

from .disclosure import report_event_for
from .payloads import report_payload
from .selectors import room_reports_visible_to, socket_viewers, viewer_for
from .services import report_create
from .visibility import ReportAccess, Viewer

audit = logging.getLogger("commandcentre.audit")
logger = logging.getLogger(__name__)
RESUME_BATCH = 500
PRESENCE_COALESCE_SECONDS = 0.25
_presence_pending: dict[str, asyncio.Task] = {}


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def _enter(officer, room_id: int) -> tuple[Room, Viewer]:
    """The room through the one door (access_room_by_id), and what the officer may read."""
    return access_room_by_id(officer, room_id), viewer_for(officer)


def _resume(officer, room, after_seq, viewer) -> list[dict]:
    reports = list(
        room_reports_visible_to(officer, room, after_seq=after_seq, viewer=viewer)[
            : RESUME_BATCH + 1
        ]
    )
    return [report_payload(r) for r in reports]


class RoomConsumer(OfficerConsumer):
    """`/ws/rooms/{id}/`: report.created, presence and error events; report.create and resume."""

    client_handlers = {"report.create": "handle_create", "resume": "handle_resume"}

    async def connect(self):
        if self.user is None or not self.user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED, "unauthenticated", "Sign in or send a token.")
            return
        room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        try:
            self.room, self.viewer = await database_sync_to_async(_enter)(self.user, room_id)
        except NotFound as exc:
            await self.refuse(CLOSE_NOT_FOUND, "not_found", str(exc))
            return
        except Forbidden as exc:
            await self.refuse(CLOSE_FORBIDDEN, "not_member", str(exc))
            return
        count = await presence().officer_connect(self.user.pk, self.channel_name)
        if count > settings.WS_MAX_CONNECTIONS_PER_OFFICER:
            await presence().officer_disconnect(self.user.pk, self.channel_name)
            await self.refuse(
                CLOSE_TOO_MANY,
                "too_many_connections",
                f"At most {settings.WS_MAX_CONNECTIONS_PER_OFFICER} open sockets per officer.",
            )
            return
        self.bucket = TokenBucket(settings.WS_REPORTS_PER_SECOND, settings.WS_REPORTS_BURST)
        self.resume_bucket = TokenBucket(settings.WS_RESUMES_PER_SECOND, settings.WS_RESUMES_BURST)
        self.group = room_group(self.room.pk)
        # A session user comes without its agency; reading it lazily here
        # would be a synchronous query in the event loop.
        agency = await Agency.objects.aget(pk=self.user.agency_id)
        self.seat = Seat(
            channel=self.channel_name,
            officer_id=self.user.pk,
            username=self.user.username,
            agency_id=agency.pk,
            agency=agency.name,
            country=agency.country_id,
        )
        await hub_for(self.channel_layer).follow(self.group, self)
        await self.accept()
        await presence().join(self.group, self.seat)
        await self._announce_presence()

    async def disconnect(self, code):
        seat = getattr(self, "seat", None)
        if seat is not None:
            await hub_for(self.channel_layer).unfollow(self.group, self)
            await presence().leave(self.group, seat)
            await presence().officer_disconnect(self.user.pk, self.channel_name)
            await self._announce_presence()
        await super().disconnect(code)

    async def _announce_presence(self) -> None:
        """Tell the room who is here, at most once per PRESENCE_COALESCE_SECONDS per process.

        A thousand officers joining in a burst then cost a few announcements,
        not a thousand, each to a thousand sockets.
        """
        group, layer = self.group, self.channel_layer
        if group in _presence_pending:
            return

        async def announce_later() -> None:
            try:
                await asyncio.sleep(PRESENCE_COALESCE_SECONDS)
                _presence_pending.pop(group, None)
                seats = await presence().seats(group)
                await layer.group_send(
                    group,
                    {
                        "type": "presence.changed",
                        "group": group,
                        "version": uuid.uuid4().hex,
                        "online": presence_summary(seats),
                    },
                )
            except Exception:
                _presence_pending.pop(group, None)
                logger.warning("presence announcement for %s failed", group, exc_info=True)

        _presence_pending[group] = asyncio.create_task(announce_later())

    async def _recheck(self) -> None:
        await super()._recheck()
        if not self.closing and getattr(self, "seat", None):
            await presence().join(self.group, self.seat)  # refresh this socket's entry

    async def still_allowed(self) -> bool:
        """Account, credential and membership, in one trip to the database."""
        session = self.scope.get("session")
        viewer = await batcher_for(socket_viewers)(
            (self.user.pk, self.scope.get("auth_token"), getattr(session, "session_key", None))
        )
        if viewer is None or self.room.pk not in viewer.room_ids:
            return False
        self.viewer = viewer  # what the officer may read now
        return True

    # --- events from the channel layer ---------------------------------------
    def hub_event(self, event: dict) -> None:
        """An event of the room, from this process's hub (see apps/core/fanout.py)."""
        kind = event["type"]
        if kind == "report.created":
            self._report_created(event)
        elif kind == "presence.changed":
            self._presence_changed(event)
        elif kind == "access.changed":
            asyncio.create_task(self.access_changed(event))

    async def report_created(self, event: dict) -> None:
        self._report_created(event)

    def _report_created(self, event: dict) -> None:
        if self.closing:
            return
        # The hub hands every local socket the same dict: parse the access facts and
        # encode the frame once (and once per process, whichever way it came).
        access = event.get("_access")
        if access is None:
            access = event["_access"] = ReportAccess.from_dict(event["access"])
        if report_event_for(self.viewer, access, event["report"]) is None:
            return
        text = event.get("_frame")
        if text is None:
            text = event["_frame"] = encoded.get(
                ("report.created", access.report_id),
                lambda: json.dumps(
                    {"type": "report.created", "report": event["report"]}, separators=(",", ":")
                ),
            )
        self.deliver(text)

    async def presence_changed(self, event: dict) -> None:
        self._presence_changed(event)

    def _presence_changed(self, event: dict) -> None:
        self.deliver(
            encoded.get(
                ("presence", self.room.pk, event.get("version")),
                lambda: json.dumps(
                    {"type": "presence", "room": self.room.pk, "online": event["online"]},
                    separators=(",", ":"),
                ),
            )
        )

    # --- messages from the client --------------------------------------------
    async def handle_create(self, content: dict) -> None:
        if not self.bucket.take():
            await self.send_error(
                "rate_limited",
                f"At most {settings.WS_REPORTS_PER_SECOND:g} reports per second.",
                client_id=_client_id(content),
            )
            return
        try:
            posted = await database_sync_to_async(report_create)(
                room=self.room,
                author=self.user,
                data=content.get("report"),
                origin=self.client_address(),
            )
        except (Invalid, Refused) as exc:
            await self.send_refusal(exc, client_id=_client_id(content))
            return
        await self.send_event(
            {
                "type": "report.ack",
                "client_id": str(posted.report.client_id),
                "id": posted.report.pk,
                "seq": posted.report.seq,
                "created": posted.created,
            }
        )

    async def handle_resume(self, content: dict) -> None:
        # A socket being closed (too slow, revoked) does no more work for queued frames.
        if self.closing:
            return
        after_seq = content.get("after_seq", 0)
        if not isinstance(after_seq, int) or isinstance(after_seq, bool) or after_seq < 0:
            await self.send_error("invalid", "after_seq must be a whole number >= 0.")
            return
        if not self.resume_bucket.take():
            await self.send_error(
                "rate_limited",
                f"At most {settings.WS_RESUMES_PER_SECOND:g} resumes per second; "
                "send the next one after resume.done.",
                after_seq=after_seq,
            )
            return
        payloads = await database_sync_to_async(_resume)(
            self.user, self.room, after_seq, self.viewer
        )
        more = len(payloads) > RESUME_BATCH
        payloads = payloads[:RESUME_BATCH]
        for payload in payloads:
            if self.closing:  # the outbox overflowed: the client will resume anew
                return
            self.push(
                json.dumps({"type": "report.created", "report": payload}, separators=(",", ":"))
            )
        audit.info(
            "read room=%s reports=%s by=%s via=resume from=%s",
            self.room.pk,
            ",".join(str(p["id"]) for p in payloads),
            self.user.username,
            self.client_address(),
        )
        last = payloads[-1]["seq"] if payloads else after_seq
        await self.send_event(
            {"type": "resume.done", "after_seq": after_seq, "last_seq": last, "more": more}
        )


def _client_id(content: dict):
    report = content.get("report")
    return report.get("client_id") if isinstance(report, dict) else None
