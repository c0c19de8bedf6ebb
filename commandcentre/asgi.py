"""ASGI entry point: Django for HTTP, Channels for WebSockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commandcentre.settings")
# Build Django first: the routing below imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apps.accounts.ws_auth import TokenAuthMiddleware  # noqa: E402
from apps.alerts.routing import websocket_urlpatterns as alert_routes  # noqa: E402
from apps.core.origins import AllowedOriginValidator  # noqa: E402
from apps.core.routing import websocket_urlpatterns as unknown_routes  # noqa: E402
from apps.dashboard.routing import websocket_urlpatterns as dashboard_routes  # noqa: E402
from apps.reports.routing import websocket_urlpatterns as room_routes  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedOriginValidator(
            AuthMiddlewareStack(
                TokenAuthMiddleware(
                    # unknown_routes last: it refuses (4404) any path the others do not take
                    URLRouter(room_routes + alert_routes + dashboard_routes + unknown_routes)
                )
            )
        ),
    }
)
