"""`/ws/operations/{id}/dashboard/`: a snapshot of the totals, then deltas.

Both are cut to what the viewer may read (`watch_operation` and the
disclosure module's count scope), and the socket closes when the viewer may no
longer watch the operation.
"""

from channels.db import database_sync_to_async

from apps.accounts.models import Officer
from apps.accounts.sockets import OfficerConsumer
from apps.core.access import Forbidden, NotFound
from apps.core.sockets import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
)

from .events import dashboard_group
from .selectors import Watch, delta_for, watch_operation


def _watch(officer_id: int, operation_id: int) -> Watch | str:
    # The officer read anew: a role or agency changed since the handshake counts.
    officer = Officer.objects.filter(pk=officer_id).select_related("agency").first()
    if officer is None:
        return "not_found"
    try:
        return watch_operation(officer, operation_id)
    except NotFound:
        return "not_found"
    except Forbidden:
        return "forbidden"


class DashboardConsumer(OfficerConsumer):
    client_handlers: dict[str, str] = {}

    async def connect(self):
        if self.user is None or not self.user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED, "unauthenticated", "Sign in or send a token.")
            return
        self.operation_id = int(self.scope["url_route"]["kwargs"]["operation_id"])
        # Join before reading the snapshot, so no delta falls between the two.
        # A delta that races the snapshot can be counted twice until the
        # client asks for a fresh snapshot (reconnecting does that).
        await self.channel_layer.group_add(dashboard_group(self.operation_id), self.channel_name)
        watch = await database_sync_to_async(self._snapshot)()
        if not isinstance(watch, tuple):
            await self.channel_layer.group_discard(
                dashboard_group(self.operation_id), self.channel_name
            )
            if watch == "forbidden":
                await self.refuse(CLOSE_FORBIDDEN, "forbidden", "The dashboard is not open to you.")
            else:
                await self.refuse(CLOSE_NOT_FOUND, "not_found", "No such operation.")
            return
        self.scope_of_counts, stats = watch
        await self.accept()
        await self.send_event(
            {"type": "stats.snapshot", "operation": self.operation_id, "stats": stats}
        )

    def _snapshot(self) -> tuple | str:
        watch = _watch(self.user.pk, self.operation_id)
        if isinstance(watch, str):
            return watch
        return watch.scope, watch.stats()

    async def disconnect(self, code):
        if hasattr(self, "operation_id"):
            await self.channel_layer.group_discard(
                dashboard_group(self.operation_id), self.channel_name
            )
        await super().disconnect(code)

    async def still_allowed(self) -> bool:
        """Account and credential, then the right to watch this operation, read anew."""
        if not await super().still_allowed():
            return False
        watch = await database_sync_to_async(_watch)(self.user.pk, self.operation_id)
        if isinstance(watch, str):
            return False
        self.scope_of_counts = watch.scope  # what the officer may read now
        return True

    async def stats_delta(self, event: dict) -> None:
        if self.closing:
            return
        delta = delta_for(self.scope_of_counts, event["delta"])
        if delta:
            await self.send_event(
                {"type": "stats.delta", "operation": event["operation"], "delta": delta}
            )
