"""Which web pages may open a socket: the Origin, compared as scheme://host:port.

Channels' AllowedHostsOriginValidator compares the host only, so a page on
`http://127.0.0.1:9999` could open sockets of a server on 127.0.0.1:8000 with
the officer's cookie. Here an Origin is allowed when

- WS_ALLOWED_ORIGINS is set: it is one of those exact origins; otherwise
- it is in CSRF_TRUSTED_ORIGINS, or its host is one of ALLOWED_HOSTS, its
  scheme https (or http too while SECURE_SSL_REDIRECT is off), and its port
  the scheme's default or the port this socket came in on (the Host header's,
  or the server's own).

A socket without an Origin is refused (a non-browser client sends one too).
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _ports_of_this_socket(scope) -> set[int]:
    ports = set()
    _, host_port = split_domain_port(_header(scope, b"host") or "")
    if host_port.isdigit():
        ports.add(int(host_port))
    server = scope.get("server")
    if server and server[1]:
        ports.add(int(server[1]))
    return ports


def origin_allowed(origin: str | None, scope) -> bool:
    """Whether a page of `origin` may open this socket."""
    if not origin:
        return False
    origin = origin.lower().rstrip("/")
    if settings.WS_ALLOWED_ORIGINS:
        return origin in settings.WS_ALLOWED_ORIGINS
    if origin in (o.lower().rstrip("/") for o in settings.CSRF_TRUSTED_ORIGINS):
        return True
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    schemes = ("https",) if settings.SECURE_SSL_REDIRECT else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname:
        return False
    if parts.path or parts.query or parts.fragment or parts.username is not None:
        return False
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        if port not in _ports_of_this_socket(scope):
            return False
    return validate_host(parts.hostname, settings.ALLOWED_HOSTS)


class AllowedOriginValidator:
    """AllowedHostsOriginValidator's place in asgi.py, with the full origin compared."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(_header(scope, b"origin"), scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
