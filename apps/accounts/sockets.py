"""Sockets of a signed-in officer: closed when the account or its credential no longer holds."""

from channels.db import database_sync_to_async

from apps.core.sockets import CommandCentreConsumer

from .events import officer_group
from .selectors import officer_still_signed_in


class OfficerConsumer(CommandCentreConsumer):
    """The base of every officer's socket: rechecked on `access.changed` and now and then."""

    def access_group(self) -> str | None:
        if self.user is not None and self.user.is_authenticated:
            return officer_group(self.user.pk)
        return None

    async def still_allowed(self) -> bool:
        session = self.scope.get("session")
        return await database_sync_to_async(officer_still_signed_in)(
            self.user.pk,
            token=self.scope.get("auth_token"),
            session_key=getattr(session, "session_key", None),
        )
