"""The last socket route: any path no app claims is refused with 4404, not a 500."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import re_path

from .sockets import CLOSE_NOT_FOUND


class NotFoundConsumer(AsyncWebsocketConsumer):
    """Accepts only to say there is nothing here, then closes with 4404."""

    async def connect(self):
        await self.accept()
        error = {"type": "error", "code": "not_found", "message": "No such socket."}
        await self.send(text_data=json.dumps(error))
        await self.close(code=CLOSE_NOT_FOUND)


websocket_urlpatterns = [re_path(r"", NotFoundConsumer.as_asgi())]
