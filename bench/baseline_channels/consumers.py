"""The one consumer of the bare Channels baseline."""

from __future__ import annotations

import itertools
import os
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer

# A process-wide counter stands in for the app's per-room seq (no database here).
_seq = itertools.count(1)

# Channels >= 4.2 runs `await aclose_old_connections()` (a sync_to_async thread hop) in
# AsyncConsumer.dispatch before every handler, group events included. BENCH_LEAN_DISPATCH=1
# skips it for report.created, to measure what that hop costs per delivery; the default
# (unset) is stock Channels.
LEAN_DISPATCH = os.environ.get("BENCH_LEAN_DISPATCH") == "1"


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """Join `room_<id>`; turn each report.create into a group_send of report.created."""

    async def connect(self) -> None:
        self.group_name = f"room_{self.scope['url_route']['kwargs']['room_id']}"
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        if LEAN_DISPATCH and message["type"] == "report.created":
            await getattr(self, get_handler_name(message))(message)  # no database touched
            return
        await super().dispatch(message)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        report = content.get("report") if isinstance(content, dict) else None
        if content.get("type") != "report.create" or not isinstance(report, dict):
            await self.send_json(
                {"type": "error", "code": "unknown_type", "message": "Unknown frame type."}
            )
            return
        report["seq"] = next(_seq)
        await self.channel_layer.group_send(
            self.group_name, {"type": "report.created", "report": report}
        )

    async def report_created(self, event: dict[str, Any]) -> None:
        """Forward a report.created group event to this socket, as is."""
        await self.send_json({"type": "report.created", "report": event["report"]})
