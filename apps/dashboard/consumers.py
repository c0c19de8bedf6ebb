"""`/ws/operations/{id}/dashboard/`: a snapshot of the totals, then deltas."""

from channels.db import database_sync_to_async

from apps.accounts.selectors import officer_signed_in
from apps.core.sockets import CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED, CommandCentreConsumer
from apps.operations.selectors import operations_of
from apps.reports.events import dashboard_group

from .selectors import operation_stats


def _operation_for(officer, operation_id: int):
    """The operation, while `officer` may watch its dashboard; None otherwise."""
    return operations_of(officer).filter(pk=operation_id).first()


def _snapshot(officer, operation_id: int) -> dict | None:
    operation = _operation_for(officer, operation_id)
    return None if operation is None else operation_stats(operation)


def _still_watching(officer_id: int, operation_id: int, token, session_key) -> bool:
    officer = officer_signed_in(officer_id, token=token, session_key=session_key)
    return officer is not None and _operation_for(officer, operation_id) is not None


class DashboardConsumer(CommandCentreConsumer):
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
        stats = await database_sync_to_async(_snapshot)(self.user, self.operation_id)
        if stats is None:
            await self.channel_layer.group_discard(dashboard_group(self.operation_id), self.channel_name)
            await self.refuse(CLOSE_NOT_FOUND, "not_found", "No such operation.")
            return
        await self.accept()
        await self.send_event({"type": "stats.snapshot", "operation": self.operation_id, "stats": stats})

    async def disconnect(self, code):
        if hasattr(self, "operation_id"):
            await self.channel_layer.group_discard(dashboard_group(self.operation_id), self.channel_name)
        await super().disconnect(code)

    async def still_allowed(self) -> bool:
        """Account, credential, and the operation still open to the officer."""
        session = self.scope.get("session")
        return await database_sync_to_async(_still_watching)(
            self.user.pk,
            self.operation_id,
            self.scope.get("auth_token"),
            getattr(session, "session_key", None),
        )

    async def stats_delta(self, event: dict) -> None:
        await self.send_event(
            {"type": "stats.delta", "operation": event["operation"], "delta": event["delta"]}
        )
