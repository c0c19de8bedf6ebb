"""REST authentication by `Authorization: Token <key>`, with the tokens' lifetime."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .selectors import token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than API_TOKEN_TTL_HOURS is refused."""

    def authenticate_credentials(self, key):
        officer, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed("Token expired; sign in again for a new one.")
        return officer, token
