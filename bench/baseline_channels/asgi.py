"""ASGI entry point of the bare Channels baseline (no auth, no origin check)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.baseline_channels.settings")
django_asgi_app = get_asgi_application()  # set Django up before importing consumers

from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from bench._common import raise_nofile_limit
from bench.baseline_channels.consumers import RoomConsumer

raise_nofile_limit()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter([path("ws/rooms/<str:room_id>/", RoomConsumer.as_asgi())]),
    }
)
