"""`/ws/alerts/`: my alerts, live; acknowledge over the socket."""

from channels.db import database_sync_to_async

from apps.accounts.sockets import OfficerConsumer
from apps.core.audit import alert_reports_shown, audit_read
from apps.core.sockets import CLOSE_UNAUTHENTICATED

from .events import alerts_group
from .services import AlertNotFound, alert_acknowledge


class AlertConsumer(OfficerConsumer):
    client_handlers = {"alert.ack": "handle_ack"}

    async def connect(self):
        if self.user is None or not self.user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED, "unauthenticated", "Sign in or send a token.")
            return
        await self.channel_layer.group_add(alerts_group(self.user.pk), self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.user is not None and self.user.is_authenticated:
            await self.channel_layer.group_discard(alerts_group(self.user.pk), self.channel_name)
        await super().disconnect(code)

    async def alert_created(self, event: dict) -> None:
        alert = event["alert"]
        audit_read(
            username=self.user.username, what="reports", ids=alert_reports_shown([alert]),
            via=f"socket-alert-{alert['id']}", origin=self.client_address(),
        )  # fmt: skip
        await self.send_event({"type": "alert.created", "alert": alert})

    async def alert_updated(self, event: dict) -> None:
        await self.send_event({"type": "alert.updated", "alert": event["alert"]})

    async def import_finished(self, event: dict) -> None:
        await self.send_event({"type": "import.finished", "import": event["import"]})

    async def handle_ack(self, content: dict) -> None:
        alert_id = content.get("id")
        if not isinstance(alert_id, int) or isinstance(alert_id, bool):
            await self.send_error("invalid", "id must be an alert id.")
            return
        try:
            await database_sync_to_async(alert_acknowledge)(alert_id=alert_id, officer=self.user)
        except AlertNotFound as exc:
            await self.send_refusal(exc, id=alert_id)
