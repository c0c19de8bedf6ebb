"""WebSocket authentication by `Authorization: Token <key>` for non-browser clients.

Browsers use the session cookie (Channels' AuthMiddlewareStack). Credentials
never travel in the URL: a token in the query string is ignored.
"""

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from .selectors import live_tokens


def token_from_headers(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _, key = value.decode("latin-1").partition(" ")
            if scheme.lower() == "token" and key.strip():
                return key.strip()
    return None


@database_sync_to_async
def user_for_token(key: str):
    token = live_tokens().select_related("user", "user__agency").filter(key=key).first()
    if token is None:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware(BaseMiddleware):
    """Puts the token's officer in scope["user"] when the header is present."""

    async def __call__(self, scope, receive, send):
        key = token_from_headers(scope.get("headers", []))
        if key is not None:
            scope = dict(scope, user=await user_for_token(key), auth_token=key)
        return await super().__call__(scope, receive, send)
